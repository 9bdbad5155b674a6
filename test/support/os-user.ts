/**
 * A second OS user for tests of what happens when files belong to someone else (the SQLite lock
 * file): created with `useradd` when missing. The tests run as root (CI containers do); elsewhere
 * {@link canSwitchUser} is false and those tests are skipped.
 */
import { execFileSync } from 'node:child_process';

/** The test user's name. */
export const OTHER_USER = 'retort-other';

/** True when this process may create users and run processes as them (it is root). */
export const canSwitchUser = process.getuid?.() === 0;

/** The uid and gid of {@link OTHER_USER}, created (a system user, no home, no shell) if missing. */
export function ensureOsUser(name = OTHER_USER): { uid: number; gid: number } {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
    return ids();
  }
}
