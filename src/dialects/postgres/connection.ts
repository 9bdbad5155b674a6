/**
 * Connections to PostgreSQL: Kysely's PostgresDialect over a `pg` Pool, with every run pinned to
 * one pooled client.
 */
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Connection, ConnectionUrl, LockScope, Session } from '../dialect.js';
import { connectionError } from './errors.js';
import { openPostgresLock } from './lock.js';

/** How long a connect may take before it fails, unless the URL says `connect_timeout` (seconds). */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The Session over one Kysely instance bound to a single client. */
function sessionOf(db: Kysely<any>): Session {
  return {
    db,
    async execute(text: string): Promise<void> {
      await db.executeQuery(CompiledQuery.raw(text));
    },
    async query<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await db.executeQuery<R>(CompiledQuery.raw(text, [...params]));
      return [...result.rows];
    },
  };
}

/** A pool for `url`; `pg` reads the URL itself, so libpq parameters (sslmode, ...) keep working. */
function poolFor(url: ConnectionUrl): pg.Pool {
  const timeoutSeconds = Number(url.params['connect_timeout']);
  const pool = new pg.Pool({
    connectionString: url.raw,
    application_name: url.params['application_name'] ?? 'retort',
    connectionTimeoutMillis: Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : DEFAULT_CONNECT_TIMEOUT_MS,
    // A run pins one client; a second is headroom for a script that opens its own.
    max: 2,
  });
  // An idle client that the server drops emits 'error' on the pool; without a listener Node
  // would crash the process. The next query on that client fails anyway and is reported there.
  pool.on('error', () => undefined);
  // A run killed mid-statement (SIGKILL during a long revision) leaves its backend running the
  // statement, with the revision's transaction and its locks open, until the statement ends. A
  // check interval makes the server notice the closed socket within a second, cancel, and roll
  // back, so the next run is not blocked on the dead one's locks. PostgreSQL 14+; older servers
  // reject the setting, which is then simply not set (the SET runs before any other query).
  pool.on('connect', (client) => {
    client.query('SET client_connection_check_interval = 1000').catch(() => undefined);
  });
  return pool;
}

/**
 * Opens a pool and checks it answers `SELECT 1`. Failures become `ConnectionFailed` /
 * `DatabaseNotFound` naming host and port, never the password.
 */
export async function connectPostgres(url: ConnectionUrl): Promise<Connection> {
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: poolFor(url) }) });
  try {
    await sql`SELECT 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw connectionError(error, url);
  }
  return {
    async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
      // One client for the whole run: BEGIN/COMMIT sent as SQL text, the session-level advisory
      // lock and the scripts' `db` must all share it, or the lock and the transaction would
      // cover nothing.
      return db.connection().execute(async (pinned) => {
        const session = sessionOf(pinned);
        try {
          return await fn(session);
        } catch (error) {
          // The client goes back to the pool: never with a transaction left open (a ROLLBACK
          // outside a transaction is only a warning, and a broken client is discarded anyway).
          await session.execute('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    },
    // The run lock lives on a client of its own, outside the pool (see lock.ts).
    openLock: (scope: LockScope) => openPostgresLock(url, scope),
    async close(): Promise<void> {
      // Ends the pool, closing every client; a session-level advisory lock dies with its client.
      await db.destroy();
    },
  };
}
