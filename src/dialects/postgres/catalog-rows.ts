/**
 * The rows of the catalog queries (catalog-sql.ts) mapped into the neutral model. Shared by the
 * one-table reader (`readTable`) and the bulk reader (`readSchema`), so a table reads the same
 * whichever asked.
 */
import { columnSpec } from '../../schema/model.js';
import type { ColumnSpec, ConstraintSpec, IndexElement, IndexSpec, ReferentialAction } from '../../schema/model.js';
import { columnTypeOf, defaultOf, isSerialDefault } from './catalog-types.js';

/** A row of {@link COLUMNS_SQL}. */
export interface ColumnRow {
  relid: number;
  num: number;
  name: string;
  typname: string;
  typtype: string;
  typmod: number;
  formatted: string;
  enum_values: string[] | null;
  not_null: boolean;
  identity: string;
  default_sql: string | null;
  comment: string | null;
}

/** A row of {@link CONSTRAINTS_SQL}, its attnums named (see catalog-read.ts). */
export interface ConstraintRow {
  relid: number;
  name: string;
  type: 'p' | 'u' | 'f' | 'c';
  keys: number[] | null;
  ref_relid: number;
  ref_keys: number[] | null;
  /** The names of `keys`, filled in after the query. */
  columns: string[];
  /** The names of `ref_keys`, filled in after the query. */
  ref_columns: string[];
  ref_table: string | null;
  ref_schema: string | null;
  on_delete: string;
  on_update: string;
  check_sql: string | null;
}

/** A row of {@link INDEXES_SQL}. */
export interface IndexRow {
  relid: number;
  name: string;
  unique: boolean;
  predicate: string | null;
  /** `C:name` for a column, `E:expr` for an expression (so a column named `(x)` stays a column). */
  elements: string[];
}

/** pg_constraint's one-letter referential actions; 'a' (NO ACTION) is the default, left out. */
const ACTIONS: Readonly<Record<string, ReferentialAction>> = {
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

/**
 * A column. Identity and SERIAL columns read as `autoIncrement`, and SERIAL's `nextval` default
 * is not a default: it is how PostgreSQL spells the auto-increment, not something a user declared.
 */
export function columnOf(row: ColumnRow, primaryKey: boolean): ColumnSpec {
  const type = columnTypeOf({
    typname: row.typname,
    typtype: row.typtype,
    typmod: row.typmod,
    formatted: row.formatted,
    enumValues: row.enum_values,
  });
  const serial = isSerialDefault(row.default_sql);
  const autoIncrement = row.identity === 'a' || row.identity === 'd' || serial;
  const overrides: { -readonly [K in keyof ColumnSpec]?: ColumnSpec[K] } = {
    nullable: !row.not_null,
    primaryKey,
    autoIncrement,
  };
  if (row.default_sql !== null && !serial) overrides.default = defaultOf(row.default_sql, type);
  if (row.comment !== null) overrides.comment = row.comment;
  return columnSpec(type, overrides);
}

/**
 * A constraint. A foreign key names the referenced table's schema only when it differs from
 * `schema` (the constraint's own table's): the compiler makes the target inherit the table's schema.
 */
export function constraintOf(row: ConstraintRow, schema: string | undefined): ConstraintSpec {
  switch (row.type) {
    case 'p':
      return { kind: 'primaryKey', name: row.name, columns: row.columns };
    case 'u':
      return { kind: 'unique', name: row.name, columns: row.columns };
    case 'c':
      return { kind: 'check', name: row.name, condition: unwrap(row.check_sql ?? '') };
    case 'f': {
      const onDelete = ACTIONS[row.on_delete];
      const onUpdate = ACTIONS[row.on_update];
      return {
        kind: 'foreignKey',
        name: row.name,
        columns: row.columns,
        refTable: row.ref_table ?? '',
        ...(row.ref_schema !== null && row.ref_schema !== schema ? { refSchema: row.ref_schema } : {}),
        refColumns: row.ref_columns,
        ...(onDelete === undefined ? {} : { onDelete }),
        ...(onUpdate === undefined ? {} : { onUpdate }),
      };
    }
  }
}

/** An index that backs no constraint. */
export function indexOf(row: IndexRow): IndexSpec {
  const columns: IndexElement[] = row.elements.map((e) =>
    e.startsWith('E:') ? { expression: unwrap(e.slice(2)) } : e.slice(2),
  );
  return Object.freeze({
    name: row.name,
    columns: Object.freeze(columns),
    unique: row.unique,
    ...(row.predicate === null ? {} : { where: unwrap(row.predicate) }),
  });
}

/** `(x > 0)` → `x > 0`, only when the outer parentheses enclose the whole text. */
export function unwrap(text: string): string {
  if (!text.startsWith('(') || !text.endsWith(')')) return text;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    // Parentheses inside string literals ('a)b') do not count; '' inside a literal toggles twice.
    if (ch === "'") quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (depth === 0 && i < text.length - 1) return text;
  }
  return unwrap(text.slice(1, -1));
}
