/**
 * Who runs retort on this machine, for the history rows of a dialect whose server cannot say
 * (SQLite) and for the SQLite lock's holder record.
 */
import { hostname, userInfo } from 'node:os';

/** This process's user and host. */
export interface ClientIdentity {
  readonly user: string;
  readonly host: string;
}

let cached: ClientIdentity | undefined;

/**
 * Looked up once per process: `userInfo()` is a system call, and it throws for a uid with no
 * passwd entry (containers run as an arbitrary uid), where `$USER` or the uid stands in.
 */
export function clientIdentity(): ClientIdentity {
  if (cached === undefined) {
    let user: string;
    try {
      user = userInfo().username;
    } catch {
      user = process.env.USER ?? process.env.LOGNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
    }
    cached = Object.freeze({ user, host: hostname() });
  }
  return cached;
}
