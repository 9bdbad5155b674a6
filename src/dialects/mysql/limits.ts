/**
 * MySQL / MariaDB statement limits, set for the session: `lock_wait_timeout` bounds metadata
 * lock waits (what an ALTER waits on behind a long query), `innodb_lock_wait_timeout` row lock
 * waits (the data statements of a revision). Both take whole seconds (at least 1).
 */
import type { StatementLimitSql } from '../dialect.js';
import { serverOf } from './server.js';

/** ER_LOCK_WAIT_TIMEOUT: a metadata or row lock wait ran out; the statement took no effect. */
const LOCK_WAIT_TIMEOUT = 1205;

/** Lock and statement limits on MySQL and MariaDB. */
export const mysqlLimits: StatementLimitSql = Object.freeze<StatementLimitSql>({
  settings: (limits, serverVersion) => {
    const out: string[] = [];
    if (limits.lockWaitMs > 0) {
      const s = Math.max(1, Math.ceil(limits.lockWaitMs / 1000));
      out.push(`SET SESSION lock_wait_timeout = ${s}`, `SET SESSION innodb_lock_wait_timeout = ${s}`);
    }
    if (limits.statementMs > 0) {
      // MariaDB bounds every statement; MySQL only SELECTs. Offline the server is unknown: the
      // MariaDB spelling, which MySQL would refuse, is left out rather than guessed.
      const server = serverOf(serverVersion);
      if (server?.flavour === 'mariadb') out.push(`SET SESSION max_statement_time = ${limits.statementMs / 1000}`);
      else if (server?.flavour === 'mysql') out.push(`SET SESSION max_execution_time = ${Math.round(limits.statementMs)}`);
    }
    return out;
  },
  isLockWaitTimeout: (error: unknown) => {
    for (let e = error as { errno?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
      if (e.errno === LOCK_WAIT_TIMEOUT) return true;
    }
    return false;
  },
});
