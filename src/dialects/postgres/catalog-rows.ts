/**
 * The rows of the catalog queries (catalog-sql.ts) mapped into the neutral model. Shared by the
 * one-table reader (`readTable`) and the bulk reader (`readSchema`), so a table reads the same
 * whichever asked.
 */
import { columnSpec } from '../../schema/model.js';
import type { ColumnSpec, ConstraintSpec, IndexElement, IndexSpec, ReferentialAction, SerialSequence, StorageParameters } from '../../schema/model.js';
import { serialTypeOf } from '../../autogen/serial.js';
import { compactSettings, postgresSerialSequenceName } from './serial.js';
import { plainElement } from '../../schema/elements.js';
import { columnTypeOf, defaultOf, isSerialDefault } from './catalog-types.js';
import { definitionElements, elementOptionsOf } from './index-def.js';

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
  /**
   * The sequence of a serial column (one its default takes and it owns): name, schema, type,
   * start, increment, min, max, cache, cycle; null otherwise.
   */
  serial: string[] | null;
  generated_sql: string | null;
  collation: string | null;
  local: boolean;
  comment: string | null;
}

/** A row of {@link CONSTRAINTS_SQL}, its attnums named (see catalog-read.ts). */
export interface ConstraintRow {
  relid: number;
  name: string;
  type: 'p' | 'u' | 'f' | 'c' | 'x';
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
  match: string;
  deferrable: boolean;
  deferred: boolean;
  validated: boolean;
  no_inherit: boolean;
  index_oid: number;
  inherited: boolean;
  operators: string[] | null;
  check_sql: string | null;
}

/** A row of {@link INDEXES_SQL}. */
export interface IndexRow {
  relid: number;
  oid: number;
  name: string;
  unique: boolean;
  predicate: string | null;
  /** `pg_get_indexdef(oid, 0, true)`: where the element options are read from. */
  /** pg_get_indexdef's text; null when no key column has an option to print (see INDEXES_SQL). */
  definition: string | null;
  method: string;
  nulls_not_distinct: boolean;
  /** `reloptions`: `['fastupdate=false']`. */
  options: string[] | null;
  /** Attached to an index of the parent (a partition's copy of its parent's index). */
  inherited: boolean;
  /** The parent's index it is attached to, and that index's `reloptions`. */
  parent_index: string | null;
  parent_options: string[] | null;
  /** The index's own attribute names (`a`, `expr`, `lower`), INCLUDE columns too. */
  attnames: string[];
  /** Backs a primary-key, unique or exclusion constraint. */
  constraint: boolean;
  /** `C:name` for a column, `E:expr` for an expression (so a column named `(x)` stays a column); INCLUDE columns last. */
  elements: string[];
  /** How many of `elements` are key elements (the rest are INCLUDE columns). */
  key_count: number;
}

/** pg_constraint's one-letter referential actions; 'a' (NO ACTION) is the default, left out. */
const ACTIONS: Readonly<Record<string, ReferentialAction>> = {
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

/**
 * A serial column's sequence as the model keeps it: only what `serial` would not create on the
 * column `table.column` (its default name, the table's schema, the column's type, the defaults).
 */
function serialOf(fields: string[], table: { name: string; schema: string }, column: string, type: ColumnSpec['type']): SerialSequence {
  const [sequence, schema, seqType, start, increment, minValue, maxValue, cache, cycle] = fields as [string, string, string, string, string, string, string, string, string];
  return compactSettings({
    ...(sequence === postgresSerialSequenceName(table.name, column) ? {} : { sequence }),
    ...(schema === table.schema ? {} : { schema }),
    ...(seqType === serialTypeOf(type) ? {} : { type: seqType as SerialSequence['type'] }),
    start, increment, minValue, maxValue, cache, cycle: cycle === 'true',
  }, type);
}

/**
 * A column. Identity and serial columns read as `autoIncrement` (a serial one with its sequence,
 * `serial`), and a serial column's `nextval` default is not a default: it is how PostgreSQL spells
 * the auto-increment, not something a user declared. A `nextval` of any other sequence (an object
 * of the model, maybe shared by several tables, or another column's) is a plain default.
 */
export function columnOf(row: ColumnRow, primaryKey: boolean, table: { name: string; schema: string }): ColumnSpec {
  const type = columnTypeOf({
    typname: row.typname,
    typtype: row.typtype,
    typmod: row.typmod,
    formatted: row.formatted,
    enumValues: row.enum_values,
  });
  const serial = row.serial !== null && isSerialDefault(row.default_sql) ? serialOf(row.serial, table, row.name, type) : undefined;
  const autoIncrement = row.identity === 'a' || row.identity === 'd' || serial !== undefined;
  const overrides: { -readonly [K in keyof ColumnSpec]?: ColumnSpec[K] } = {
    nullable: !row.not_null,
    primaryKey,
    autoIncrement,
  };
  if (row.default_sql !== null && serial === undefined) overrides.default = defaultOf(row.default_sql, type);
  if (serial !== undefined) overrides.serial = serial;
  if (row.identity === 'a') overrides.identity = 'always';
  if (row.generated_sql !== null) overrides.generated = Object.freeze({ expression: unwrap(row.generated_sql), stored: true });
  if (row.collation !== null) overrides.collation = row.collation;
  if (row.comment !== null) overrides.comment = row.comment;
  return columnSpec(type, overrides);
}

/** What the index behind a key or exclusion constraint adds: INCLUDE, WITH. */
function keyIndexOptions(index: IndexSpec | undefined): { include?: readonly string[]; with?: StorageParameters } {
  return {
    ...(index?.include === undefined ? {} : { include: index.include }),
    ...(index?.with === undefined ? {} : { with: index.with }),
  };
}

/** DEFERRABLE, INITIALLY DEFERRED, NOT VALID, when set. */
function timingOf(row: ConstraintRow): { deferrable?: true; initiallyDeferred?: true; notValid?: true } {
  return {
    ...(row.deferrable ? { deferrable: true } : {}),
    ...(row.deferred ? { initiallyDeferred: true } : {}),
    ...(row.validated ? {} : { notValid: true }),
  };
}

const MATCH: Readonly<Record<string, 'full' | 'partial'>> = { f: 'full', p: 'partial' };

/**
 * A constraint. A foreign key names the referenced table's schema only when it differs from
 * `schema` (the constraint's own table's): the compiler makes the target inherit the table's
 * schema. `index` is the index behind a key or exclusion constraint (its INCLUDE, WITH, elements).
 */
export function constraintOf(row: ConstraintRow, schema: string | undefined, index?: IndexSpec): ConstraintSpec {
  const timing = timingOf(row);
  switch (row.type) {
    case 'p':
      return { kind: 'primaryKey', name: row.name, columns: row.columns, ...keyIndexOptions(index), ...timing };
    case 'u':
      return {
        kind: 'unique', name: row.name, columns: row.columns, ...keyIndexOptions(index),
        ...(index?.nullsNotDistinct ? { nullsNotDistinct: true } : {}), ...timing,
      };
    case 'c':
      return { kind: 'check', name: row.name, condition: unwrap(row.check_sql ?? ''), ...(row.no_inherit ? { noInherit: true } : {}), ...timing };
    case 'x':
      return {
        kind: 'exclude', name: row.name, using: index?.using ?? 'btree',
        elements: (index?.columns ?? []).map((element, i) => ({ element, operator: row.operators?.[i] ?? '=' })),
        ...(index?.where === undefined ? {} : { where: index.where }),
        ...keyIndexOptions(index), ...timing,
      };
    case 'f': {
      const onDelete = ACTIONS[row.on_delete];
      const onUpdate = ACTIONS[row.on_update];
      const match = MATCH[row.match];
      return {
        kind: 'foreignKey',
        name: row.name,
        columns: row.columns,
        refTable: row.ref_table ?? '',
        ...(row.ref_schema !== null && row.ref_schema !== schema ? { refSchema: row.ref_schema } : {}),
        refColumns: row.ref_columns,
        ...(onDelete === undefined ? {} : { onDelete }),
        ...(onUpdate === undefined ? {} : { onUpdate }),
        ...(match === undefined ? {} : { match }),
        ...timing,
      };
    }
  }
}

/** `['fillfactor=70']` → `{ fillfactor: '70' }`. */
export function storageOf(options: readonly string[] | null): StorageParameters | undefined {
  if (options === null || options.length === 0) return undefined;
  return Object.freeze(Object.fromEntries(options.map((o) => {
    const eq = o.indexOf('=');
    return [o.slice(0, eq), o.slice(eq + 1)];
  })));
}

/** An index, with its access method, element options, INCLUDE columns and storage parameters. */
export function indexOf(row: IndexRow): IndexSpec {
  const full = row.definition === null ? [] : definitionElements(row.definition);
  const keys = row.elements.slice(0, row.key_count);
  const include = row.elements.slice(row.key_count).map((e) => e.slice(2));
  const columns: IndexElement[] = keys.map((e, i) => {
    const bare = e.slice(2);
    const options = elementOptionsOf(full[i] ?? bare, bare);
    const base = e.startsWith('E:') ? { expression: unwrap(bare) } : { column: bare };
    return plainElement(Object.freeze({ ...base, ...options }));
  });
  const storage = storageOf(row.options);
  return Object.freeze({
    name: row.name,
    columns: Object.freeze(columns),
    unique: row.unique,
    ...(row.predicate === null ? {} : { where: unwrap(row.predicate) }),
    ...(row.method === 'btree' ? {} : { using: row.method }),
    ...(include.length === 0 ? {} : { include: Object.freeze(include) }),
    ...(row.nulls_not_distinct ? { nullsNotDistinct: true } : {}),
    ...(storage === undefined ? {} : { with: storage }),
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
