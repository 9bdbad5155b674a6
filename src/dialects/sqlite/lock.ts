/**
 * The SQLite run lock: an exclusive transaction on a separate SQLite file, `<database>.lock`.
 *
 * Why a separate file: the run's own connection takes `BEGIN IMMEDIATE` on the database for each
 * revision; an exclusive lock held on the database itself by a second connection would block the
 * run that holds it. Why SQLite for the lock file: its locks are POSIX fcntl locks, which the
 * operating system drops when the process dies (SIGKILL included), so a killed run never leaves
 * the lock held, unlike a lock file that is merely created and deleted. SQLite also sees the lock
 * between two connections of one process, so a test or a second library call in-process waits too.
 */
import Database from 'better-sqlite3';
import { RetortError } from '../../errors.js';
import type { RunLock } from '../dialect.js';

/** The lock file of the database file `path`. */
export function sqliteLockPath(path: string): string {
  return `${path}.lock`;
}

/** True for SQLite's "the file is locked" result codes. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** Open the run lock of the database file `path` (the lock file is created if missing and left in place). */
export async function openSqliteLock(path: string): Promise<RunLock> {
  const lockPath = sqliteLockPath(path);
  let handle: Database.Database;
  try {
    // timeout 0: never wait inside SQLite; the core polls with its own backoff and deadline.
    handle = new Database(lockPath, { timeout: 0 });
  } catch (error) {
    throw new RetortError('ConnectionFailed', `Cannot open the lock file ${lockPath}: ${(error as Error).message}.`, {
      fields: { path: lockPath },
      hint: 'retort keeps a lock file next to the SQLite database: the folder must be writable.',
      cause: error,
    });
  }
  return {
    name: `lock file ${lockPath}`,
    async tryAcquire() {
      try {
        handle.exec('BEGIN EXCLUSIVE');
        return true;
      } catch (error) {
        if (isBusy(error)) return false;
        throw error;
      }
    },
    // SQLite cannot say which process holds a file lock.
    async holder() {
      return undefined;
    },
    async release() {
      try {
        if (handle.inTransaction) handle.exec('ROLLBACK');
      } catch {
        // Closing the handle below releases the file lock anyway.
      }
      if (handle.open) handle.close();
    },
  };
}
