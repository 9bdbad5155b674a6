/**
 * Autogenerate's reader of a whole SQLite database: a fixed handful of queries whatever the
 * number of tables. The table names come first (the only thing an excluded table costs); the
 * included names then go to SQLite as one JSON array parameter, and the pragma table-valued
 * functions (`pragma_table_xinfo`, `pragma_index_list` joined with `pragma_index_info`,
 * `pragma_foreign_key_list`) are joined against `json_each` of it, so each query reads every
 * table at once instead of one PRAGMA call per table. The rows are mapped by the same
 * {@link mapSqliteTable} the compiler's one-table reader uses.
 */
import type { SchemaModel, TableSpec } from '../../../schema/model.js';
import type { ReadSchemaOptions, Session } from '../../dialect.js';
import type { ColumnRow, ForeignKeyRow, IndexRows } from '../introspect-map.js';
import { mapSqliteTable, parentsNeedingKeys } from '../introspect-map.js';
import { readSqliteObjects } from '../objects/index.js';

type Tagged<R> = R & { tbl: string };
type IndexColumnRow = Tagged<Omit<IndexRows, 'columns' | 'sql'> & { col: string | null }>;

/** Group rows by their `tbl` column, keeping the query's order within each table. */
function byTable<R extends { tbl: string }>(rows: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const row of rows) {
    const list = out.get(row.tbl);
    if (list === undefined) out.set(row.tbl, [row]);
    else list.push(row);
  }
  return out;
}

/**
 * The names and `CREATE TABLE` text of the user's tables. `sqlite_%` tables are SQLite's own
 * (sqlite_sequence, sqlite_stat1); virtual tables (`CREATE VIRTUAL TABLE`, e.g. FTS) and their
 * shadow tables cannot be modelled and are left out (docs/autogenerate-sqlite.md).
 */
async function listTables(session: Session): Promise<{ name: string; sql: string }[]> {
  const rows = await session.query<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  );
  const virtual = rows.filter((r) => /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(r.sql)).map((r) => r.name.toLowerCase());
  // FTS5 and R*Tree keep their data in shadow tables named `<virtual>_<suffix>`.
  const shadow = (name: string): boolean => virtual.some((v) => name.toLowerCase().startsWith(`${v}_`));
  return rows.filter((r) => !virtual.includes(r.name.toLowerCase()) && !shadow(r.name));
}

/**
 * Read the tables of the `main` database. SQLite has one namespace per file, so `schemas` is
 * ignored (the compiler ignores a configured `dbSchema` too); `include` filters the names before
 * any per-table catalog row is read.
 */
export async function readSqliteSchema(session: Session, options: ReadSchemaOptions): Promise<SchemaModel> {
  // better-sqlite3 reads synchronously on this thread: nothing to overlap with the caller's work.
  options.onRequested?.();
  const include = options.include ?? (() => true);
  const tables = (await listTables(session)).filter((t) => include(t.name, undefined));
  // Views and triggers in the model; what it cannot hold (virtual tables, a view with a column list) listed.
  const { objects: read, unmodelled: leftOut } = await readSqliteObjects(session, include);
  const objects = Object.freeze([...read]);
  const unmodelled = Object.freeze([...leftOut]);
  if (tables.length === 0) return Object.freeze({ tables: [], enums: [], objects, unmodelled });
  const names = JSON.stringify(tables.map((t) => t.name));

  const columns = byTable(await session.query<Tagged<ColumnRow>>(
    'SELECT j.value AS tbl, c.* FROM json_each(?) AS j JOIN pragma_table_xinfo(j.value) AS c',
    [names],
  ));
  // No ORDER BY: json_each must be the outer loop (the pragmas take its value), and each pragma
  // yields its rows in cid / seqno order, so rows already come table by table; sorting 10,000
  // rows in SQL cost more than the rest of the query.
  // One row per index column; expression columns have a NULL name (their text is in the SQL).
  const indexColumns = byTable(await session.query<IndexColumnRow>(
    `SELECT j.value AS tbl, l.seq, l.name, l."unique", l.origin, l.partial, i.name AS col
       FROM json_each(?) AS j JOIN pragma_index_list(j.value) AS l JOIN pragma_index_info(l.name) AS i`,
    [names],
  ));
  const foreignKeys = byTable(await session.query<Tagged<ForeignKeyRow>>(
    'SELECT j.value AS tbl, f.* FROM json_each(?) AS j JOIN pragma_foreign_key_list(j.value) AS f',
    [names],
  ));
  // The text of indexes and triggers, in one scan of sqlite_schema (it has no index on tbl_name).
  const texts = await session.query<{ type: string; name: string; tbl: string; sql: string | null }>(
    `SELECT type, name, tbl_name AS tbl, sql FROM sqlite_schema
      WHERE type IN ('index', 'trigger') AND tbl_name COLLATE NOCASE IN (SELECT value FROM json_each(?)) ORDER BY name`,
    [names],
  );
  const indexSql = new Map(texts.filter((t) => t.type === 'index').map((t) => [t.name, t.sql]));
  // A trigger's tbl_name is spelt as its CREATE TRIGGER wrote it: match tables case-insensitively.
  const triggers = byTable(texts.filter((t) => t.type === 'trigger').map((t) => ({ ...t, tbl: t.tbl.toLowerCase() })));
  const parentKeys = await readParentKeys(session, [...foreignKeys.values()].flat(), columns);

  const out: TableSpec[] = tables.map((t) => mapSqliteTable({
    name: t.name,
    sql: t.sql,
    columns: columns.get(t.name) ?? [],
    indexes: groupIndexes(indexColumns.get(t.name) ?? [], indexSql),
    foreignKeys: foreignKeys.get(t.name) ?? [],
    triggers: (triggers.get(t.name.toLowerCase()) ?? []).flatMap((r) => (r.sql === null ? [] : [r.sql])),
    parentKeys,
  }));
  return Object.freeze({ tables: Object.freeze(out), enums: Object.freeze([]), objects, unmodelled });
}

/** One {@link IndexRows} per index, its columns in key order. */
function groupIndexes(rows: readonly IndexColumnRow[], sql: ReadonlyMap<string, string | null>): IndexRows[] {
  const out = new Map<string, IndexRows & { columns: string[] }>();
  for (const row of rows) {
    let index = out.get(row.name);
    if (index === undefined) {
      index = { seq: row.seq, name: row.name, unique: row.unique, origin: row.origin, partial: row.partial, columns: [], sql: sql.get(row.name) ?? null };
      out.set(row.name, index);
    }
    if (row.col !== null) index.columns.push(row.col);
  }
  return [...out.values()];
}

/**
 * Primary keys of the tables that `REFERENCES parent` (no columns) points at: taken from the
 * columns already read, and only for a parent outside the read set, one more bulk query.
 */
async function readParentKeys(
  session: Session,
  foreignKeys: readonly ForeignKeyRow[],
  columns: ReadonlyMap<string, readonly ColumnRow[]>,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const known = new Map([...columns].map(([name, rows]) => [name.toLowerCase(), rows]));
  const missing: string[] = [];
  for (const parent of parentsNeedingKeys(foreignKeys)) {
    const rows = known.get(parent.toLowerCase());
    if (rows === undefined) missing.push(parent);
    else out.set(parent.toLowerCase(), rows.filter((r) => r.pk > 0).sort((a, b) => a.pk - b.pk).map((r) => r.name));
  }
  if (missing.length > 0) {
    const rows = await session.query<{ tbl: string; name: string }>(
      'SELECT j.value AS tbl, p.name FROM json_each(?) AS j JOIN pragma_table_info(j.value) AS p WHERE p.pk > 0 ORDER BY j.key, p.pk',
      [JSON.stringify(missing)],
    );
    for (const [tbl, keys] of byTable(rows)) out.set(tbl.toLowerCase(), keys.map((k) => k.name));
  }
  return out;
}
