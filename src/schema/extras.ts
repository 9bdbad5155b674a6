/**
 * Table extras: indexes and table-level constraints declared next to a table's columns,
 * `table('books', {...}, (t) => [index('ix_books_title').on(t.title), unique().on(t.isbn)])`.
 *
 * Constraint builders end in a plain frozen {@link ConstraintSpec}, so the same calls serve a
 * schema module and `op.createTable(name, columns, { constraints: [...] })` in revision scripts.
 */
import type { RawSql } from './columns.js';
import type {
  ConstraintOptions,
  ConstraintSpec,
  ExclusionElement,
  IndexElement,
  IndexElementOptions,
  IndexSpec,
  KeyIndexOptions,
  AttachedKeyOptions,
  ReferentialAction,
  StorageParameters,
} from './model.js';
import { plainElement } from './elements.js';

/** A column reference handed to extras through `t`: the column's name, typed by its key. */
export type ColumnRef<Name extends string = string> = Name;

/**
 * An index element as written: a column name, an SQL expression (`sql\`lower(email)\``), or
 * either with per-element options through {@link element}.
 */
export type IndexElementInput = string | RawSql | IndexElement;

function toElement(input: IndexElementInput): IndexElement {
  if (typeof input === 'string') return input;
  if ('kind' in input && input.kind === 'sql') return Object.freeze({ expression: input.sql });
  return plainElement(input as IndexElement);
}

/** `value` without its undefined and false entries (a false flag is the default, like an absent one). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== false)) as T;
}

/**
 * An index element with options: `element(t.body, { opclass: 'gin_trgm_ops' })`,
 * `element(t.created_at, { order: 'desc', nulls: 'last' })`, `element(sql\`lower(name)\`, { collation: 'C' })`.
 */
export function element(input: string | RawSql, options: IndexElementOptions): IndexElement {
  const base = typeof input === 'string' ? { column: input } : { expression: input.sql };
  return plainElement(Object.freeze({ ...base, ...defined(options) }));
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

  /** The access method (PostgreSQL `gin`, `gist`, `brin`, `hash`, `spgist`): `USING gin`. */
  using(method: string): IndexDefinition {
    return new IndexDefinition({ ...this.spec, using: method });
  }

  /** Non-key columns stored in the index (PostgreSQL `INCLUDE (...)`). */
  include(...columns: string[]): IndexDefinition {
    return new IndexDefinition({ ...this.spec, include: Object.freeze(columns) });
  }

  /** `NULLS NOT DISTINCT` (PostgreSQL 15): a unique index where NULLs collide. */
  nullsNotDistinct(): IndexDefinition {
    return new IndexDefinition({ ...this.spec, nullsNotDistinct: true });
  }

  /** Index storage parameters: `.with({ fastupdate: 'off' })`. */
  with(parameters: StorageParameters): IndexDefinition {
    return new IndexDefinition({ ...this.spec, with: Object.freeze({ ...parameters }) });
  }

  /**
   * On a partition (PostgreSQL): this index is the partition's part of the parent's index
   * `parentIndex` (`ALTER INDEX parentIndex ATTACH PARTITION name`), under its own name and
   * storage parameters instead of those PostgreSQL would give it.
   */
  attachedTo(parentIndex: string): IndexDefinition {
    return new IndexDefinition({ ...this.spec, attachedTo: parentIndex });
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

/** Options of a UNIQUE or PRIMARY KEY constraint (PostgreSQL). */
export interface KeyOptions extends ConstraintOptions, KeyIndexOptions, AttachedKeyOptions {
  /** `UNIQUE NULLS NOT DISTINCT` (unique constraints, PostgreSQL 15). */
  readonly nullsNotDistinct?: boolean;
}

function keyOptions(options: KeyOptions): KeyOptions {
  const out = defined({ ...options });
  return {
    ...out,
    ...(out.include === undefined ? {} : { include: Object.freeze([...out.include]) }),
    ...(out.with === undefined ? {} : { with: Object.freeze({ ...out.with }) }),
  };
}

/**
 * A UNIQUE constraint, named or anonymous (then matched by its columns): `unique().on(t.a, t.b)`,
 * `unique('uq_pos', { deferrable: true, initiallyDeferred: true }).on(t.registry_id, t.position)`.
 */
export function unique(name?: string, options: KeyOptions = {}): ColumnsStart<ConstraintSpec> {
  return { on: (...columns) => Object.freeze({ kind: 'unique', ...named(name), columns: Object.freeze(columns), ...keyOptions(options) }) };
}

/**
 * A (composite) PRIMARY KEY: `primaryKey().on(t.tenant_id, t.id)`. On a partition, the name of
 * its copy of the parent's key: `primaryKey('ev24_pk', { attachedTo: 'events_pkey' }).on(t.id, t.at)`
 * (the same for `unique`).
 */
export function primaryKey(name?: string, options: Omit<KeyOptions, 'nullsNotDistinct' | 'notValid'> = {}): ColumnsStart<ConstraintSpec> {
  return { on: (...columns) => Object.freeze({ kind: 'primaryKey', ...named(name), columns: Object.freeze(columns), ...keyOptions(options) }) };
}

/** Options of a CHECK constraint (PostgreSQL). */
export interface CheckOptions {
  readonly notValid?: boolean;
  /** `NO INHERIT`: child tables do not get the check. */
  readonly noInherit?: boolean;
}

/** A CHECK constraint: `check('ck_price_positive', 'price > 0')`. */
export function check(name: string | undefined, condition: string | RawSql, options: CheckOptions = {}): ConstraintSpec {
  return Object.freeze({ kind: 'check', ...named(name), condition: sqlText(condition), ...defined({ ...options }) });
}

/** Options of an exclusion constraint (PostgreSQL). */
export interface ExcludeOptions extends ConstraintOptions, KeyIndexOptions {
  /** The index access method; default `gist`. */
  readonly using?: string;
  /** A partial exclusion: only rows matching this are compared. */
  readonly where?: string | RawSql;
}

/** An exclusion constraint waiting for its elements. */
export interface ExcludeStart {
  /** Each element and its operator: `.on([t.room, '='], [sql\`tstzrange(starts, ends)\`, '&&'])`. */
  on(...elements: (readonly [IndexElementInput, string])[]): ConstraintSpec;
}

/**
 * An exclusion constraint (PostgreSQL): no two rows may have every element compare true with
 * its operator. `exclude('no_overlap', { using: 'gist' }).on([t.room_id, '='], [sql\`tstzrange(a, b)\`, '&&'])`.
 */
export function exclude(name?: string, options: ExcludeOptions = {}): ExcludeStart {
  const { using, where, ...rest } = options;
  return {
    on: (...items) => Object.freeze({
      kind: 'exclude',
      ...named(name),
      using: using ?? 'gist',
      elements: Object.freeze(items.map(([input, operator]): ExclusionElement => Object.freeze({ element: toElement(input), operator }))),
      ...(where === undefined ? {} : { where: sqlText(where) }),
      ...keyOptions(rest),
    }),
  };
}

/** Options of a table-level foreign key. */
export interface ForeignKeyReferenceOptions extends ConstraintOptions {
  readonly refSchema?: string;
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
  /** `MATCH FULL` / `MATCH PARTIAL` (PostgreSQL); `simple` is the default. */
  readonly match?: 'full' | 'partial' | 'simple';
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
          ...(options.match === undefined || options.match === 'simple' ? {} : { match: options.match }),
          ...defined({ deferrable: options.deferrable, initiallyDeferred: options.initiallyDeferred, notValid: options.notValid }),
        }),
    }),
  };
}

/** Anything a table's extras callback may return. */
export type TableExtra = IndexDefinition | ConstraintSpec;
