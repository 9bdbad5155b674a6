/**
 * Reads one SQLite table into the neutral model. The pragmas give columns, keys, foreign keys and
 * indexes; the original `CREATE` text in `sqlite_master` gives what they omit (constraint names,
 * CHECKs, AUTOINCREMENT, index expressions and WHERE clauses). The mapping itself lives in
 * introspect-map.ts, shared with autogenerate's bulk reader, so the compiler's view of a table and
 * autogenerate's are the same.
 */
import type { TableSpec } from '../../schema/model.js';
import type { Session } from '../dialect.js';
import type { ColumnRow, ForeignKeyRow, IndexRows } from './introspect-map.js';
import { mapSqliteTable, parentsNeedingKeys } from './introspect-map.js';

export { enumValues, parseDefault, tableExtras } from './introspect-map.js';
export type { SqliteTableExtras } from './introspect-map.js';

/** The tables of `tables` that exist (names compared case-insensitively, as SQLite does). */
export async function sqliteExistingTables(session: Session, tables: readonly string[]): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const rows = await session.query<{ name: string }>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${tables.map(() => '?').join(', ')}) COLLATE NOCASE`,
    [...tables],
  );
  const found = new Set(rows.map((row) => row.name.toLowerCase()));
  return new Set(tables.filter((table) => found.has(table.toLowerCase())));
}

/** Read `table`; undefined when it does not exist. Names match case-insensitively, as SQLite does. */
export async function readSqliteTable(session: Session, table: string): Promise<TableSpec | undefined> {
  const [master] = await session.query<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
    [table],
  );
  if (master === undefined) return undefined;
  const name = master.name;
  const columns = await session.query<ColumnRow>('SELECT * FROM pragma_table_xinfo(?)', [name]);
  const list = await session.query<Omit<IndexRows, 'columns' | 'sql'>>('SELECT * FROM pragma_index_list(?)', [name]);
  const indexes: IndexRows[] = [];
  for (const index of list) {
    const cols = await session.query<{ name: string }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [index.name]);
    const [row] = await session.query<{ sql: string | null }>("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [index.name]);
    indexes.push({ ...index, columns: cols.map((c) => c.name), sql: row?.sql ?? null });
  }
  const foreignKeys = await session.query<ForeignKeyRow>('SELECT * FROM pragma_foreign_key_list(?)', [name]);
  const parentKeys = new Map<string, string[]>();
  for (const parent of parentsNeedingKeys(foreignKeys)) {
    const keys = await session.query<{ name: string }>('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk', [parent]);
    parentKeys.set(parent.toLowerCase(), keys.map((k) => k.name));
  }
  const triggers = await session.query<{ sql: string }>(
    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name",
    [name],
  );
  return mapSqliteTable({ name, sql: master.sql, columns, indexes, foreignKeys, triggers: triggers.map((t) => t.sql), parentKeys });
}
