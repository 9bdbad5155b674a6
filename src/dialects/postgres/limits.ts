/**
 * PostgreSQL's statement limits: `SET lock_timeout` / `SET statement_timeout` at session level,
 * outside any transaction (a SET inside a transaction that rolls back would be undone with it;
 * `SET LOCAL` would last one transaction only, and op.noTransaction statements have none).
 */
import type { StatementLimitSql } from '../dialect.js';

/** SQLSTATE 55P03 lock_not_available: lock_timeout expired (or NOWAIT); the statement took no effect. */
const LOCK_NOT_AVAILABLE = '55P03';

const CONCURRENT_INDEX = /^CREATE (?:UNIQUE )?INDEX CONCURRENTLY (?:IF NOT EXISTS )?("(?:[^"]|"")+") ON ("(?:[^"]|"")+")\./;

/** The driver's error code, looking through retort's wrappers. */
function codeOf(error: unknown): unknown {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === LOCK_NOT_AVAILABLE) return LOCK_NOT_AVAILABLE;
  }
  return undefined;
}

/** Lock and statement limits on PostgreSQL. */
export const postgresLimits: StatementLimitSql = Object.freeze<StatementLimitSql>({
  settings: (limits) => [
    ...(limits.lockWaitMs > 0 ? [`SET lock_timeout = '${Math.round(limits.lockWaitMs)}ms'`] : []),
    ...(limits.statementMs > 0 ? [`SET statement_timeout = '${Math.round(limits.statementMs)}ms'`] : []),
  ],
  isLockWaitTimeout: (error: unknown) => codeOf(error) === LOCK_NOT_AVAILABLE,
  /**
   * CREATE INDEX CONCURRENTLY takes its table lock, commits the new (INVALID) index, then waits
   * for older transactions: a lock_timeout in that wait leaves the invalid index behind, and the
   * same statement run again would fail with "already exists". It is dropped first (IF EXISTS: a
   * timeout while taking the table lock left nothing). No other index of that name can be meant:
   * one that existed before would have failed the first attempt with "already exists".
   */
  beforeRetry: (sql: string) => {
    const match = CONCURRENT_INDEX.exec(sql);
    return match === null ? [] : [`DROP INDEX CONCURRENTLY IF EXISTS ${match[2]}.${match[1]}`];
  },
});
