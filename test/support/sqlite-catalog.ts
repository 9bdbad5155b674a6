/**
 * A SQLite catalog snapshot straight from the file, for "the catalog is back exactly" assertions:
 * every table's columns as `pragma_table_xinfo` reports them (declared type name, NOT NULL,
 * default, key, hidden/generated), its foreign keys (`pragma_foreign_key_list`), its indexes
 * (`pragma_index_list` / `pragma_index_xinfo`), its CHECK constraints and column collations as
 * written, and the text of every index, view and trigger. The CREATE TABLE text itself is not
 * compared verbatim: SQLite's own ALTER TABLE edits it in place (`ADD COLUMN` appends a column
 * clause, `DROP COLUMN` cuts one out), so two equal tables can be spelt differently; nor are the
 * names of foreign keys, which SQLite keeps only in that text and never uses.
 */
import { parseCreateTable } from '../../src/dialects/sqlite/parse-create.js';
import type { TestDatabase } from './databases.js';
import { rawQuery } from './databases.js';

const OURS = "name NOT LIKE 'retort\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

/** SQL text with its layout folded: runs of spaces as one, none next to punctuation. */
export function foldSql(sql: string | null): string | null {
  return sql === null ? null : sql.replace(/\s+/g, ' ').replace(/\s*([(),;])\s*/g, '$1').trim();
}

/** The catalog of a SQLite test database. */
export async function sqliteCatalog(db: TestDatabase): Promise<Record<string, unknown>> {
  const objects = await rawQuery<{ type: string; name: string; tbl: string; sql: string | null }>(db,
    `SELECT type, name, tbl_name AS tbl, sql FROM sqlite_schema WHERE ${OURS} ORDER BY type, name`);
  const tables: Record<string, unknown> = {};
  for (const t of objects.filter((o) => o.type === 'table')) {
    const q = (sql: string) => rawQuery(db, sql, [t.name]);
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
