/**
 * SQLite's failures that are about the database file, not the SQL, turned into RetortErrors a
 * user can act on: another process holding the file's write or exclusive lock (SQLITE_BUSY /
 * SQLITE_LOCKED, which better-sqlite3 reports as a bare "database is locked" once its busy
 * timeout has passed), and a full disk (SQLITE_FULL, "database or disk is full"). The runner adds
 * the revision and the statement; these say which file, what holds it, and what to do.
 */
import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { RetortError } from '../../errors.js';
import { OUTSIDE_TRANSACTION_HINT } from '../common/outside-transaction.js';
import type { ServerErrorReport } from '../dialect.js';

/** How long a statement waits for another process's lock on the file before SQLITE_BUSY (better-sqlite3's default). */
export const BUSY_TIMEOUT_MS = 5_000;

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for SQLite's "the file is locked by someone else" result codes. */
export function isBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === 'SQLITE_BUSY' || code?.startsWith('SQLITE_BUSY_') === true || code === 'SQLITE_LOCKED';
}

/** True for SQLITE_FULL (the disk, or a quota, has no room for the database or its journal). */
function isFull(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_FULL';
}

/**
 * Which lock the other process holds: a write lock (RESERVED: readers still get through, writers
 * wait until it commits) or an exclusive one (even reads wait: `PRAGMA locking_mode=EXCLUSIVE`, or
 * a commit being written). Told apart by one read that does not wait.
 */
function lockKind(handle: Database.Database | undefined): 'write' | 'exclusive' {
  if (handle === undefined) return 'exclusive';
  const saved = handle.pragma('busy_timeout', { simple: true }) as number;
  try {
    handle.pragma('busy_timeout = 0');
    handle.prepare('SELECT count(*) FROM sqlite_master').get();
    return 'write';
  } catch {
    return 'exclusive';
  } finally {
    handle.pragma(`busy_timeout = ${saved}`);
  }
}

/** Free bytes on the filesystem of `path`'s folder, when the system can tell. */
function freeBytes(path: string): number | undefined {
  try {
    const stat = statfsSync(dirname(resolve(path)));
    return Number(stat.bavail) * Number(stat.bsize);
  } catch {
    return undefined;
  }
}

/**
 * The RetortError for `error` of a statement on the database file `path` (on `handle`, which
 * may be undefined while opening), or `error` itself when it is about the SQL.
 */
export function fileFailure(error: unknown, path: string, handle: Database.Database | undefined, statement?: string): unknown {
  const sent = statement === undefined ? '' : ` Statement: ${statement}`;
  if (isBusy(error)) {
    const kind = lockKind(handle);
    const holds = kind === 'write'
      ? 'holds a write lock on it (an open write transaction: reads get through, writes wait until it commits)'
      : 'holds an exclusive lock on it (even reads wait: `PRAGMA locking_mode=EXCLUSIVE`, or a long commit)';
    return new RetortError(
      'DatabaseBusy',
      `The SQLite database ${path} is locked: another process ${holds}, and it did not let go within ${BUSY_TIMEOUT_MS / 1000} s. ` +
        `It is not a retort run (those wait for each other on ${path}.lock).${sent}`,
      {
        fields: { path, lockHeld: kind, busyTimeoutSeconds: BUSY_TIMEOUT_MS / 1000, driverCode: sqliteCode(error), ...(statement === undefined ? {} : { statement }) },
        hint: `Find the process that has ${path} open (\`fuser ${path}\` or \`lsof ${path}\`: the application, a sqlite3 shell or a DB browser with an uncommitted transaction), let it commit or close, then run the command again.`,
        cause: error,
      },
    );
  }
  if (isFull(error)) {
    return new RetortError(
      'DiskFull',
      `The disk is full: SQLite could not write the database ${path} or its journal.${sent}`,
      {
        // Measured after SQLite rolled back and removed its journal: more than there was.
        fields: { path, freeBytesAfterRollback: freeBytes(path) ?? null, driverCode: 'SQLITE_FULL', ...(statement === undefined ? {} : { statement }) },
        hint: `Free space on the filesystem of ${dirname(resolve(path))} (\`df -h ${dirname(resolve(path))}\`), then run the command again; the statement that failed took no effect (SQLite rolls it back).`,
        cause: error,
      },
    );
  }
  return error;
}

/**
 * The result code of a failed statement for `--json` (the dialect's `describeServerError`), as
 * better-sqlite3 names it (`SQLITE_CONSTRAINT_UNIQUE`); its message is all SQLite says.
 */
export function describeSqliteError(error: unknown): ServerErrorReport | undefined {
  const code = sqliteCode(error);
  if (!code?.startsWith('SQLITE_')) return undefined;
  // "cannot VACUUM from within a transaction" (also VACUUM INTO): a revision runs in one by default.
  const outside = /cannot VACUUM from within a transaction/i.test(String((error as { message?: unknown }).message ?? ''));
  return outside
    ? { lines: [], fields: { code }, hint: OUTSIDE_TRANSACTION_HINT }
    : { lines: [], fields: { code } };
}
