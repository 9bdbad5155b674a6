/**
 * Table extras: indexes and table-level constraints declared next to a table's columns,
 * `table('books', {...}, (t) => [index('ix_books_title').on(t.title), unique().on(t.isbn)])`.
 *
 * Constraint builders end in a plain frozen {@link ConstraintSpec}, so the same calls serve a
 * schema module and `op.createTable(name, columns, { constraints: [...] })` in revision scripts.
 */
import type { RawSql } from './columns.js';
import type { ConstraintSpec, IndexElement, IndexSpec, ReferentialAction } from './model.js';

/** A column reference handed to extras through `t`: the column's name, typed by its key. */
export type ColumnRef<Name extends string = string> = Name;

/** An index element as written: a column name or an SQL expression (`sql\`lower(email)\``). */
export type IndexElementInput = string | RawSql;

function toElement(input: IndexElementInput): IndexElement {
  return typeof input === 'string' ? input : Object.freeze({ expression: input.sql });
}

function sqlText(condition: string | RawSql): string {
  return typeof condition === 'string' ? condition : condition.sql;
}

/** A declared index; `.unique()` and `.where()` return refined copies. */
export class IndexDefinition {
  /** The neutral description of the index. */
  readonly spec: IndexSpec;

  constructor(spec: IndexSpec) {
    this.spec = Object.freeze(spec);
    Object.freeze(this);
  }

  /** A UNIQUE index. */
  unique(): IndexDefinition {
    return new IndexDefinition({ ...this.spec, unique: true });
  }

  /** A partial index: only rows matching `condition` are indexed (PostgreSQL, SQLite). */
  where(condition: string | RawSql): IndexDefinition {
    return new IndexDefinition({ ...this.spec, where: sqlText(condition) });
  }

  /** A FULLTEXT index (MySQL): `MATCH (...) AGAINST (...)` searches use it. */
  fulltext(): IndexDefinition {
    return new IndexDefinition({ ...this.spec, fulltext: true });
  }

  /** A SPATIAL index (MySQL), on a geometry column. */
  spatial(): IndexDefinition {
    return new IndexDefinition({ ...this.spec, spatial: true });
  }
}

/** `index(name)` before its columns are given. */
export interface IndexStart {
  /** The indexed columns or expressions, in order. */
  on(...elements: IndexElementInput[]): IndexDefinition;
}

/** An index named `name`: `index('ix_books_title').on(t.title)`. */
export function index(name: string): IndexStart {
  return {
    on: (...elements) =>
      new IndexDefinition({ name, columns: Object.freeze(elements.map(toElement)), unique: false }),
  };
}

/** A constraint builder waiting for its columns. */
export interface ColumnsStart<C> {
  /** The constrained columns, in order. */
  on(...columns: string[]): C;
}

function named(name: string | undefined): { name?: string } {
  return name === undefined ? {} : { name };
}

/** A UNIQUE constraint, named or anonymous (then matched by its columns): `unique().on(t.a, t.b)`. */
export function unique(name?: string): ColumnsStart<ConstraintSpec> {
  return { on: (...columns) => Object.freeze({ kind: 'unique', ...named(name), columns: Object.freeze(columns) }) };
}

/** A (composite) PRIMARY KEY: `primaryKey().on(t.tenant_id, t.id)`. */
export function primaryKey(name?: string): ColumnsStart<ConstraintSpec> {
  return { on: (...columns) => Object.freeze({ kind: 'primaryKey', ...named(name), columns: Object.freeze(columns) }) };
}

/** A CHECK constraint: `check('ck_price_positive', 'price > 0')`. */
export function check(name: string | undefined, condition: string | RawSql): ConstraintSpec {
  return Object.freeze({ kind: 'check', ...named(name), condition: sqlText(condition) });
}

/** Options of a table-level foreign key. */
export interface ForeignKeyReferenceOptions {
  readonly refSchema?: string;
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
}

/** A foreign key waiting for what it references. */
export interface ForeignKeyColumns {
  /** The referenced table and its columns, in the same order as the constrained columns. */
  references(refTable: string, refColumns: readonly string[], options?: ForeignKeyReferenceOptions): ConstraintSpec;
}

/**
 * A (composite) FOREIGN KEY:
 * `foreignKey('fk_lines_order').on(t.order_id, t.tenant_id).references('orders', ['id', 'tenant_id'])`.
 */
export function foreignKey(name?: string): ColumnsStart<ForeignKeyColumns> {
  return {
    on: (...columns) => ({
      references: (refTable, refColumns, options = {}) =>
        Object.freeze({
          kind: 'foreignKey',
          ...named(name),
          columns: Object.freeze(columns),
          refTable,
          ...(options.refSchema === undefined ? {} : { refSchema: options.refSchema }),
          refColumns: Object.freeze([...refColumns]),
          ...(options.onDelete === undefined ? {} : { onDelete: options.onDelete }),
          ...(options.onUpdate === undefined ? {} : { onUpdate: options.onUpdate }),
        }),
    }),
  };
}

/** Anything a table's extras callback may return. */
export type TableExtra = IndexDefinition | ConstraintSpec;
