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
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { RetortError } from '../../errors.js';
import { clientIdentity } from '../../util/client.js';
import { canReadWrite, fileAccess } from '../../util/file-owner.js';
import type { LockHolder, RunLock } from '../dialect.js';
import { isBusy } from './errors.js';

/** The lock file of the database file `path`. */
export function sqliteLockPath(path: string): string {
  return `${path}.lock`;
}

/**
 * Who holds the lock, in a file next to the lock file: SQLite cannot say which process holds a
 * file lock, so the holder writes it after taking the lock and removes it before letting go. A
 * killed holder leaves it behind; it is then either overwritten by the next holder or ignored,
 * because its process is gone.
 */
interface HolderRecord {
  readonly pid: number;
  readonly host: string;
  readonly user?: string;
  readonly since: string;
}

function holderPath(lockPath: string): string {
  return `${lockPath}.holder`;
}

function writeHolder(lockPath: string): void {
  const { user, host } = clientIdentity();
  const record: HolderRecord = { pid: process.pid, host, user, since: new Date().toISOString() };
  try {
    // Write then rename, so a waiter never reads half a record.
    const temporary = `${holderPath(lockPath)}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(record));
    renameSync(temporary, holderPath(lockPath));
  } catch {
    // Only the waiters' message is poorer for it.
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lockPath: string): LockHolder | undefined {
  let record: HolderRecord;
  try {
    record = JSON.parse(readFileSync(holderPath(lockPath), 'utf8')) as HolderRecord;
  } catch {
    return undefined;
  }
  if (typeof record.pid !== 'number' || typeof record.host !== 'string') return undefined;
  // A record left by a killed process (its pid gone on this host) names nobody.
  if (record.host === clientIdentity().host && !processIsAlive(record.pid)) return undefined;
  const who = record.user === undefined ? record.host : `${record.user}@${record.host}`;
  return {
    description: `retort process ${record.pid} (${who}, since ${record.since})`,
    fields: { pid: record.pid, host: record.host, user: record.user ?? null, since: record.since },
  };
}

/**
 * `LockUnavailable` (exit 4) for a lock file this process cannot use: `file` (the lock file, its
 * journal or their directory) belongs to another OS user. Why refuse rather than go on: SQLite
 * opens a file it may not write read-only, without a word, and a read-only connection's
 * `BEGIN EXCLUSIVE` takes only a shared lock, which a second such run gets too: two runs would
 * migrate at once.
 */
function lockUnavailable(lockPath: string, file: string, what: string, cause?: unknown): RetortError {
  const access = fileAccess(file);
  const me = clientIdentity().user;
  const owner = access === undefined ? '' : ` belongs to ${access.owner} (uid ${access.ownerUid}, mode ${access.mode}) and`;
  return new RetortError(
    'LockUnavailable',
    `Cannot take the run lock: ${what} ${file}${owner} cannot be written by this process (user ${me}). ` +
      'Without the lock two runs could migrate this database at once, so nothing was executed.',
    {
      fields: {
        lock: lockPath,
        path: file,
        owner: access?.owner ?? null,
        ownerUid: access?.ownerUid ?? null,
        mode: access?.mode ?? null,
        user: me,
        uid: access?.uid ?? process.getuid?.() ?? null,
      },
      hint:
        `Let every OS user that runs retort on this database write ${file} (for example \`chmod 666 ${file}\`, or a group they share: \`chgrp GROUP ${file} && chmod 664 ${file}\`), ` +
        `or run retort as ${access?.owner ?? 'its owner'}. The lock file holds no data: while no retort run is active it may also be deleted, and the next run creates it again.`,
      cause,
    },
  );
}

/** The file of the lock (or its directory) that this process cannot read and write, if any. */
function unwritable(lockPath: string): { file: string; what: string } | undefined {
  if (existsSync(lockPath)) {
    if (!canReadWrite(lockPath)) return { file: lockPath, what: 'the lock file' };
    // A journal left by a killed run of another user: SQLite must roll it back to use the file.
    const journal = `${lockPath}-journal`;
    if (existsSync(journal) && !canReadWrite(journal)) return { file: journal, what: "the lock file's journal" };
  }
  // SQLite creates the lock file, and a journal beside it at each BEGIN EXCLUSIVE, in the folder.
  const folder = dirname(resolve(lockPath));
  if (!canReadWrite(folder)) return { file: folder, what: 'the folder of the lock file' };
  return undefined;
}

/** Open the run lock of the database file `path` (the lock file is created if missing and left in place). */
export async function openSqliteLock(path: string): Promise<RunLock> {
  const lockPath = sqliteLockPath(path);
  const problem = unwritable(lockPath);
  if (problem !== undefined) throw lockUnavailable(lockPath, problem.file, problem.what);
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
        writeHolder(lockPath);
        return true;
      } catch (error) {
        if (isBusy(error)) return false;
        // Permissions changed under a waiting run (or a journal it cannot roll back appeared).
        const problem = unwritable(lockPath);
        if (problem !== undefined) throw lockUnavailable(lockPath, problem.file, problem.what, error);
        throw error;
      }
    },
    async ensureHeld() {
      // The OS file lock belongs to this process's open handle: it cannot be lost while the run lasts.
    },
    async holder() {
      return readHolder(lockPath);
    },
    async release() {
      try {
        if (handle.inTransaction) {
          // Still holding the lock: the next holder cannot have written its record yet.
          rmSync(holderPath(lockPath), { force: true });
          handle.exec('ROLLBACK');
        }
      } catch {
        // Closing the handle below releases the file lock anyway.
      }
      if (handle.open) handle.close();
    },
  };
}
