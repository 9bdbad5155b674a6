/**
 * SQLite catalog snapshots (see ../snapshot.ts), straight from the file: every table's columns as
 * `pragma_table_xinfo` reports them (declared type name, NOT NULL, default, key, hidden/generated),
 * its foreign keys (`pragma_foreign_key_list`), its indexes (`pragma_index_list` /
 * `pragma_index_xinfo`), its CHECK constraints and column collations as written, and the text of
 * every index, view and trigger. The CREATE TABLE text itself is not compared verbatim: SQLite's
 * own ALTER TABLE edits it in place (`ADD COLUMN` appends a column clause, `DROP COLUMN` cuts one
 * out), so two equal tables can be spelt differently; nor are the names of foreign keys, which
 * SQLite keeps only in that text and never uses.
 */
import type { Session } from '../dialect.js';
import type { CatalogSnapshot, CatalogSnapshotReader, SnapshotOptions } from '../snapshot.js';
import { parseCreateTable } from './parse-create.js';

/** One query with `?` parameters, returning rows (a session's, or a test's raw driver). */
export type RowQuery = <R = Record<string, unknown>>(sql: string, params?: readonly unknown[]) => Promise<R[]>;

/** Tables by name (their parts), and every other object (index, view, trigger) with its folded text. */
export interface SqliteCatalog {
  readonly tables: Record<string, unknown>;
  readonly others: readonly { readonly type: string; readonly name: string; readonly tbl: string; readonly sql: string | null }[];
}

/** Not retort's own tables, nor SQLite's internal ones. */
const OURS = "name NOT LIKE 'retort\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

/** SQL text with its layout folded: runs of spaces as one, none next to punctuation. */
export function foldSql(sql: string | null): string | null {
  return sql === null ? null : sql.replace(/\s+/g, ' ').replace(/\s*([(),;])\s*/g, '$1').trim();
}

/** The catalog of a SQLite database: each table's parts, and the text of every other object. */
export async function readSqliteCatalog(query: RowQuery, excludeTables: readonly string[] = []): Promise<SqliteCatalog> {
  const objects = (await query<{ type: string; name: string; tbl: string; sql: string | null }>(
    `SELECT type, name, tbl_name AS tbl, sql FROM sqlite_schema WHERE ${OURS} ORDER BY type, name`)).filter((o) => !excludeTables.includes(o.tbl));
  const tables: Record<string, unknown> = {};
  for (const t of objects.filter((o) => o.type === 'table')) {
    const q = (sql: string) => query(sql, [t.name]);
    tables[t.name] = {
      columns: await q('SELECT * FROM pragma_table_xinfo(?) ORDER BY cid'),
      foreignKeys: await q('SELECT "table", "from", "to", on_update, on_delete, "match" FROM pragma_foreign_key_list(?) ORDER BY "from", seq'),
      indexes: await q('SELECT l.name, l."unique", l.origin, l.partial, i.seqno, i.name AS col, i.desc, i.coll, i.key FROM pragma_index_list(?) l JOIN pragma_index_xinfo(l.name) i ORDER BY l.name, i.seqno'),
      checks: parseCreateTable(t.sql ?? '').constraints.filter((c) => c.kind === 'check').map((c) => `${c.name ?? ''} ${c.condition ?? ''}`).sort(),
      withoutRowid: parseCreateTable(t.sql ?? '').withoutRowid,
    };
  }
  const others = objects.filter((o) => o.type !== 'table').map((o) => ({ ...o, sql: foldSql(o.sql) }));
  return { tables, others };
}

/**
 * The catalog as a neutral snapshot: one entry per column, per index (with the automatic ones of
 * UNIQUE and PRIMARY KEY, which have no text) and per view or trigger, so a difference names the
 * object; a table's own entry holds what is not an object of its own (checks, keys, WITHOUT ROWID).
 */
export async function readSqliteSnapshot(session: Pick<Session, 'query'>, options: SnapshotOptions = {}): Promise<CatalogSnapshot> {
  const catalog = await readSqliteCatalog((sql, params) => session.query(sql, params), options.excludeTables ?? []);
  const out: Record<string, Map<string, string>> = { table: new Map(), column: new Map(), index: new Map() };
  const text = new Map(catalog.others.map((o) => [`${o.type} ${o.name}`, o.sql ?? '']));
  for (const [name, parts] of Object.entries(catalog.tables)) {
    const { columns, indexes, ...rest } = parts as { columns: { name: string }[]; indexes: { name: string }[] };
    out.table!.set(name, JSON.stringify(rest));
    for (const column of columns) out.column!.set(`${name}.${column.name}`, JSON.stringify(column));
    for (const ix of new Set(indexes.map((i) => i.name))) {
      out.index!.set(`${name}.${ix}`, `${text.get(`index ${ix}`) ?? '(automatic)'} ${JSON.stringify(indexes.filter((i) => i.name === ix))}`);
    }
  }
  for (const o of catalog.others) if (o.type !== 'index') (out[o.type] ??= new Map()).set(o.name, `on ${o.tbl}: ${o.sql ?? ''}`);
  return out;
}

/** The SQLite snapshot reader. */
export const sqliteSnapshotReader: CatalogSnapshotReader = Object.freeze({ read: readSqliteSnapshot });
