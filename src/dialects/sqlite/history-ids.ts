/**
 * History ids handed out in blocks on SQLite (issue 14).
 *
 * The history table's key is `INTEGER PRIMARY KEY AUTOINCREMENT`: ids increase and are never
 * used again, even after the newest rows are deleted by hand, because SQLite keeps the highest id
 * ever given in `sqlite_sequence`. But every INSERT that takes a new highest id rewrites that row:
 * one more page written (and journaled) per revision, 4 of the ~28 page writes a revision's
 * commit costs. SQLite writes it only when an INSERT's id exceeds the stored one, so a run moves
 * the stored value once past the ids it will use, in the transaction of its first row, and gives
 * its rows those ids itself: the same guarantee, one `sqlite_sequence` write per run.
 *
 * Ids of a block the run did not use (it failed or was stopped) are skipped for good: the next
 * row, retort's or anyone's, gets an id above the block. A block reserved in a transaction that
 * is rolled back disappears with the rows that used it.
 */
import type { Session } from '../dialect.js';

/**
 * Reserve `count` ids of `table`'s AUTOINCREMENT key in the session's open transaction, after
 * every id it has used or given out, and return the first. Undefined when the key is not
 * AUTOINCREMENT (a history table made otherwise): its rows then take SQLite's own ids.
 */
export async function reserveSqliteHistoryIds(session: Session, table: { readonly name: string }, count: number): Promise<number | undefined> {
  const [created] = await session.query<{ sql: string | null }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table.name]);
  if (created?.sql === undefined || created.sql === null || !/\bAUTOINCREMENT\b/i.test(created.sql)) return undefined;
  const n = Math.max(1, Math.floor(count));
  const used = `(SELECT COALESCE(MAX(rowid), 0) FROM "${table.name.replace(/"/g, '""')}")`;
  // Past the stored high-water mark and past the rows (a row inserted with its own id may
  // exceed the mark until the next AUTOINCREMENT insert).
  const moved = await session.query<{ first: number }>(
    `UPDATE sqlite_sequence SET seq = MAX(seq, ${used}) + ${n} WHERE name = ? RETURNING seq - ${n} + 1 AS first`, [table.name],
  );
  if (moved[0] !== undefined) return Number(moved[0].first);
  // No row yet: the table never took an AUTOINCREMENT insert. SQLite reads a row written by
  // hand as its own (the documented way to set the next id).
  const added = await session.query<{ first: number }>(
    `INSERT INTO sqlite_sequence (name, seq) SELECT ?, ${used} + ${n} RETURNING seq - ${n} + 1 AS first`, [table.name],
  );
  return added[0] === undefined ? undefined : Number(added[0].first);
}
