/**
 * Copying a MySQL / MariaDB database (a test template into a worker's database). MySQL has no
 * `CREATE DATABASE ... TEMPLATE`; the copy is made from the server's own definitions: each table
 * from `SHOW CREATE TABLE` (columns, keys, foreign keys, checks, partitions, options, the
 * AUTO_INCREMENT counter), its rows by `INSERT ... SELECT`, then the views and triggers from
 * `SHOW CREATE VIEW` / `SHOW CREATE TRIGGER` with the template's name cut out. That is a few
 * statements per table whatever the number of revisions that made it, against every statement
 * of every revision for a migration from empty.
 *
 * Routines, events and sequences are not copied: a template holding any is reported as not
 * copyable, and the caller runs the migrations instead (never a copy missing something).
 */
import type { Session } from '../dialect.js';
import { unqualified } from './objects/views.js';
import { quoteMysqlIdentifier as q } from './quoting.js';

/** `DEFINER=\`user\`@\`host\` ` in SHOW CREATE output: whoever ran the migration, not part of the copy. */
const DEFINER = /DEFINER=(`[^`]*`|'[^']*'|\S+)@(`[^`]*`|'[^']*'|\S+)\s+/;

/** The first column of the row whose name is `column` (SHOW CREATE answers). */
async function showCreate(session: Session, sql: string, column: string): Promise<string> {
  const [row] = await session.query<Record<string, string>>(sql);
  const text = row?.[column];
  if (typeof text !== 'string') throw new Error(`${sql} returned no ${column}`);
  return text;
}

/**
 * Copy database `from` into a new database `name`, over `session` (a connection to the
 * configured database, pinned: the copy switches its default database). False, with nothing
 * made, when `from` holds routines, events or sequences.
 */
export async function copyMysqlDatabase(session: Session, from: string, name: string): Promise<boolean> {
  const [other] = await session.query<{ n: number | string }>(`SELECT
      (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?)
    + (SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?)
    + (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE NOT IN ('BASE TABLE', 'VIEW')) AS n`, [from, from, from]);
  if (Number(other?.n ?? 0) > 0) return false;
  const [db] = await session.query<{ cs: string; co: string }>(
    'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [from]);
  await session.execute(`CREATE DATABASE ${q(name)}${db === undefined ? '' : ` CHARACTER SET ${db.cs} COLLATE ${db.co}`}`);
  try {
    // SHOW CREATE TABLE names the tables and the foreign keys' tables of its own database
    // without the database: run in the new one, they land there. Foreign keys are not checked
    // while tables are created in name order and filled from rows that satisfied them already.
    await session.execute(`USE ${q(name)}`);
    await session.execute('SET SESSION foreign_key_checks = 0');
    const tables = await session.query<{ t: string; type: string }>(
      'SELECT TABLE_NAME AS t, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [from]);
    // Generated columns are computed again, not inserted.
    const columns = await session.query<{ t: string; c: string }>(`SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND EXTRA NOT LIKE '%VIRTUAL GENERATED%' AND EXTRA NOT LIKE '%STORED GENERATED%' ORDER BY TABLE_NAME, ORDINAL_POSITION`, [from]);
    const insertable = new Map<string, string[]>();
    for (const { t, c } of columns) insertable.set(t, [...(insertable.get(t) ?? []), q(c)]);
    for (const { t, type } of tables) {
      if (type !== 'BASE TABLE') continue;
      await session.execute(await showCreate(session, `SHOW CREATE TABLE ${q(from)}.${q(t)}`, 'Create Table'));
      const list = (insertable.get(t) ?? []).join(', ');
      if (list !== '') await session.execute(`INSERT INTO ${q(name)}.${q(t)} (${list}) SELECT ${list} FROM ${q(from)}.${q(t)}`);
    }
    await copyViews(session, from, tables.filter((t) => t.type === 'VIEW').map((t) => t.t));
    const triggers = await session.query<{ name: string }>(
      'SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER', [from]);
    for (const t of triggers) {
      const text = await showCreate(session, `SHOW CREATE TRIGGER ${q(from)}.${q(t.name)}`, 'SQL Original Statement');
      await session.execute(unqualified(text.replace(DEFINER, ''), from));
    }
    await session.execute('SET SESSION foreign_key_checks = 1');
    return true;
  } catch (error) {
    await session.execute(`DROP DATABASE IF EXISTS ${q(name)}`).catch(() => undefined);
    throw error;
  }
}

/** Create `views` of `from` in the session's database; a view over another view waits for it (MySQL keeps no order). */
async function copyViews(session: Session, from: string, views: readonly string[]): Promise<void> {
  const texts = new Map<string, string>();
  for (const v of views) texts.set(v, unqualified((await showCreate(session, `SHOW CREATE VIEW ${q(from)}.${q(v)}`, 'Create View')).replace(DEFINER, ''), from));
  let pending = [...views];
  while (pending.length > 0) {
    const failed: string[] = [];
    let lastError: unknown;
    for (const v of pending) {
      await session.execute(texts.get(v)!).catch((error: unknown) => { failed.push(v); lastError = error; });
    }
    if (failed.length === pending.length) throw lastError;
    pending = failed;
  }
}
