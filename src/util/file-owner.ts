/**
 * Who owns a file and whether this process may use it, in words a user can act on: the SQLite
 * lock file and database belong to whoever created them, and a second OS user running retort on
 * the same files meets their permissions.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { clientIdentity } from './client.js';

/** A file's owner and mode, and this process's user, as shown in messages and `--json`. */
export interface FileAccess {
  readonly path: string;
  /** The owner's name (from /etc/passwd), or `uid N` when it has none. */
  readonly owner: string;
  readonly ownerUid: number;
  /** The permission bits, octal (`0644`). */
  readonly mode: string;
  /** This process's user name and uid. */
  readonly user: string;
  readonly uid: number | null;
}

/** The name of user `uid` from /etc/passwd, or `uid N` (a container's arbitrary uid has no entry). */
export function userName(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === uid) return name;
    }
  } catch {
    // No passwd file (Windows, a minimal image): the number it is.
  }
  return `uid ${uid}`;
}

/** Owner, mode and this process's user for `path`; undefined when it cannot be stat'ed. */
export function fileAccess(path: string): FileAccess | undefined {
  try {
    const stat = statSync(path);
    return {
      path,
      owner: userName(stat.uid),
      ownerUid: stat.uid,
      mode: `0${(stat.mode & 0o777).toString(8)}`,
      user: clientIdentity().user,
      uid: process.getuid?.() ?? null,
    };
  } catch {
    return undefined;
  }
}

/** True when this process may read and write `path` (the kernel's answer, root included). */
export function canReadWrite(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
