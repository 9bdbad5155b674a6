/**
 * Reading one table from PostgreSQL's catalog into the neutral model, in four queries (table,
 * columns, constraints, indexes) whatever the table's size. pg_catalog rather than
 * information_schema: it has identity, enum labels, index predicates and expressions, and it
 * shows tables the current role does not own.
 */
import { columnSpec } from '../../schema/model.js';
import type {
  ColumnSpec,
  ConstraintSpec,
  IndexElement,
  IndexSpec,
  NamedColumn,
  ReferentialAction,
  TableSpec,
} from '../../schema/model.js';
import type { Session } from '../dialect.js';
import { DEFAULT_PG_SCHEMA } from './capabilities.js';
import { columnTypeOf, defaultOf, isSerialDefault } from './catalog-types.js';

const TABLE_SQL = `
SELECT c.oid::int8 AS oid, obj_description(c.oid, 'pg_class') AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`;

const COLUMNS_SQL = `
SELECT a.attname AS name, t.typname, t.typtype, a.atttypmod AS typmod,
       format_type(a.atttypid, a.atttypmod) AS formatted,
       CASE WHEN t.typtype = 'e' THEN ARRAY(
         SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder
       ) END AS enum_values,
       a.attnotnull AS not_null, a.attidentity AS identity,
       pg_get_expr(d.adbin, d.adrelid) AS default_sql,
       col_description(a.attrelid, a.attnum) AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;

/** Column names of an attnum array, in the array's order. */
const attnames = (array: string, rel: string) => `ARRAY(
  SELECT a.attname::text FROM unnest(${array}) WITH ORDINALITY k(num, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.num ORDER BY k.ord)`;

// Check conditions and index predicates are pretty-printed (pg_get_expr's third argument) so
// they read as a person writes them: `price >= 0::numeric`, not `price >= (0)::numeric`.
const CONSTRAINTS_SQL = `
SELECT con.conname AS name, con.contype AS type,
       ${attnames('con.conkey', 'con.conrelid')} AS columns,
       ${attnames('con.confkey', 'con.confrelid')} AS ref_columns,
       rc.relname AS ref_table, rn.nspname AS ref_schema,
       con.confdeltype AS on_delete, con.confupdtype AS on_update,
       pg_get_expr(con.conbin, con.conrelid, true) AS check_sql
FROM pg_catalog.pg_constraint con
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.conrelid = $1::oid AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.conname`;

// Indexes that back a constraint (primary key, unique, exclusion) are read as the constraint.
const INDEXES_SQL = `
SELECT ic.relname AS name, ix.indisunique AS unique,
       pg_get_expr(ix.indpred, ix.indrelid, true) AS predicate,
       ARRAY(
         SELECT CASE WHEN ix.indkey[s] = 0 THEN 'E:' || pg_get_indexdef(ix.indexrelid, s + 1, true)
                     ELSE 'C:' || (SELECT a.attname::text FROM pg_catalog.pg_attribute a
                           WHERE a.attrelid = ix.indrelid AND a.attnum = ix.indkey[s]) END
         FROM generate_series(0, ix.indnkeyatts - 1) AS s ORDER BY s
       ) AS elements
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class ic ON ic.oid = ix.indexrelid
WHERE ix.indrelid = $1::oid
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x'))
ORDER BY ic.relname`;

interface ColumnRow {
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

interface ConstraintRow {
  name: string;
  type: 'p' | 'u' | 'f' | 'c';
  columns: string[];
  ref_columns: string[];
  ref_table: string | null;
  ref_schema: string | null;
  on_delete: string;
  on_update: string;
  check_sql: string | null;
}

interface IndexRow {
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
 * One table as the catalog has it, or undefined when `schema.table` does not exist. Primary-key
 * columns carry `primaryKey`; every constraint (the key included) is listed by name; identity
 * and SERIAL columns read as `autoIncrement` (SERIAL's `nextval` default is not a default).
 */
export async function readPostgresTable(session: Session, table: string, schema = DEFAULT_PG_SCHEMA): Promise<TableSpec | undefined> {
  const [found] = await session.query<{ oid: string; comment: string | null }>(TABLE_SQL, [schema, table]);
  if (found === undefined) return undefined;
  const columnRows = await session.query<ColumnRow>(COLUMNS_SQL, [found.oid]);
  const constraintRows = await session.query<ConstraintRow>(CONSTRAINTS_SQL, [found.oid]);
  const indexRows = await session.query<IndexRow>(INDEXES_SQL, [found.oid]);

  const keyColumns = new Set(constraintRows.filter((c) => c.type === 'p').flatMap((c) => c.columns));
  const columns: NamedColumn[] = columnRows.map((row) => ({ name: row.name, spec: columnOf(row, keyColumns.has(row.name)) }));
  const constraints = constraintRows.map((row) => constraintOf(row, schema));
  const indexes = indexRows.map(indexOf);
  return Object.freeze({
    name: table,
    schema,
    columns: Object.freeze(columns),
    constraints: Object.freeze(constraints),
    indexes: Object.freeze(indexes),
    options: Object.freeze(found.comment === null ? {} : { comment: found.comment }),
  });
}

function columnOf(row: ColumnRow, primaryKey: boolean): ColumnSpec {
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

function constraintOf(row: ConstraintRow, schema: string): ConstraintSpec {
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
        // The referenced table's schema only when it differs: same-schema is the usual case.
        ...(row.ref_schema !== null && row.ref_schema !== schema ? { refSchema: row.ref_schema } : {}),
        refColumns: row.ref_columns,
        ...(onDelete === undefined ? {} : { onDelete }),
        ...(onUpdate === undefined ? {} : { onUpdate }),
      };
    }
  }
}

function indexOf(row: IndexRow): IndexSpec {
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
function unwrap(text: string): string {
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
