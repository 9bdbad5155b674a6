/**
 * Connections to PostgreSQL: Kysely's PostgresDialect over a `pg` Pool, with every run pinned to
 * one pooled client. Every client is guarded (see client.ts): a connection that dies or goes
 * silent under a run ends it with `ConnectionLost`, never with an unhandled 'error' event.
 */
import type { Kysely, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Connection, ConnectOptions, ConnectionUrl, LockOptions, LockScope, ParameterizedStatement, Session, SideSession } from '../dialect.js';
import { DEFAULT_TIMEOUTS, TEARDOWN_MS, timeoutsFor } from '../net/timeouts.js';
import { settleWithin } from '../../util/within.js';
import { guardPgClient, pgConfig, type PgClientSettings } from './client.js';
import { connectionError } from './errors.js';
import { openPostgresLock } from './lock.js';
import { PgRequests } from './requests.js';

/**
 * The Session of one pinned client: retort's own statements go straight to its requests (no
 * query builder in between), the scripts' `db` is a Kysely instance over the same client.
 */
function sessionOf(pinned: PostgresPoolClient, requests: PgRequests, openSide?: () => Promise<SideSession | undefined>): Session {
  let db: Promise<Kysely<any>> | undefined;
  return {
    ...(openSide === undefined ? {} : { openSide }),
    // A pool of one: the pinned client, never released to the real pool before the run ends.
    kysely: () => (db ??= import('kysely').then(({ Kysely, PostgresDialect }) =>
      new Kysely<any>({ dialect: new PostgresDialect({ pool: { connect: async () => pinned, end: async () => undefined } }) }))),
    async execute(text: string): Promise<void> {
      await requests.query(text);
    },
    async executeCounting(text: string): Promise<number> {
      const result = lastOf(await requests.query(text));
      // As Kysely counts: rows changed by a data-changing command, 0 for anything else.
      return result !== undefined && COUNTED.has(result.command) ? result.rowCount ?? 0 : 0;
    },
    async query<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      return [...((lastOf(await requests.query(text, params))?.rows ?? []) as R[])];
    },
    defer: (sql: string) => requests.defer(sql),
    executeAll: (statements: readonly string[], forms?: readonly (ParameterizedStatement | undefined)[]) => requests.sendAll(statements, forms),
  };
}

/** Clients of a connection's pool: the run's, and two side sessions of a catalog read (or a script's own). */
const POOL_SIZE = 3;

/**
 * A side session from `pool` (Session.openSide), or undefined when the pool has no room (it
 * never waits for a client: the run's and the other side session's, or a script's own, may hold
 * them all) or the server refuses one more.
 * Released, its client is closed rather than returned: the settings its reads made go with it.
 */
async function sideSession(pool: pg.Pool, requestsOf: (client: pg.Client) => PgRequests): Promise<SideSession | undefined> {
  if (pool.totalCount >= POOL_SIZE && pool.idleCount === 0) return undefined;
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch {
    return undefined;
  }
  const requests = requestsOf(client);
  return { ...sessionOf(wrap(client, requests, () => undefined), requests), release: () => client.release(true) };
}

/** Commands whose row count is the rows they changed. */
const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** The last statement's result of a request (a multi-statement text has one per statement). */
function lastOf(result: pg.QueryResult | pg.QueryResult[]): pg.QueryResult | undefined {
  return Array.isArray(result) ? result.at(-1) : result;
}

/**
 * A pg Pool whose clients are all guarded: every query (the runner's, the scripts' `db`, the
 * catalog reads) goes through the client's guard and its requests (see requests.ts: what a run
 * deferred rides along).
 */
function guardedPool(settings: PgClientSettings): { pool: pg.Pool; clients: Set<pg.Client>; requestsOf: (client: pg.Client) => PgRequests } {
  const pool = new pg.Pool({
    ...pgConfig(settings),
    // A run pins one client; the others are headroom for a script that opens its own, or the
    // side sessions of a catalog read (Session.openSide).
    max: POOL_SIZE,
  });
  const requests = new WeakMap<pg.Client, PgRequests>();
  const clients = new Set<pg.Client>();
  // An idle client that the server drops emits 'error' on the pool too; its guard has recorded it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    requests.set(client, new PgRequests(client, guardPgClient(client, settings)));
    clients.add(client);
    client.once('end', () => clients.delete(client));
    // A run killed mid-statement (SIGKILL during a long revision) leaves its backend running the
    // statement, with the revision's transaction and its locks open, until the statement ends. A
    // check interval makes the server notice the closed socket within a second, cancel, and roll
    // back, so the next run is not blocked on the dead one's locks. PostgreSQL 14+; older servers
    // reject the setting, which is then simply not set (the SET runs before any other query).
    client.query('SET client_connection_check_interval = 1000').catch(() => undefined);
  });
  return { pool, clients, requestsOf: (client) => requests.get(client)! };
}

/** A client as Kysely sees it: every text query through its requests. */
function wrap(client: pg.PoolClient, requests: PgRequests, release: () => void): PostgresPoolClient {
  return {
    query: ((text: unknown, params?: unknown[]) =>
      // Kysely streams through a Cursor object only when given a cursor class, which retort never does.
      typeof text === 'string' ? requests.query(text, params) : client.query(text as never)) as unknown as PostgresPoolClient['query'],
    release,
  };
}

/**
 * Opens a pool and checks it answers `SELECT 1`. Failures become `ConnectionFailed`,
 * `ConnectTimeout` or `DatabaseNotFound` naming host and port, never the password.
 */
export async function connectPostgres(url: ConnectionUrl, options: ConnectOptions = {}): Promise<Connection> {
  const settings: PgClientSettings = {
    url,
    timeouts: timeoutsFor(url, options.timeouts ?? DEFAULT_TIMEOUTS),
    ...(options.target === undefined ? {} : { target: options.target }),
  };
  const { pool, clients, requestsOf } = guardedPool(settings);
  // Connected and authenticated is the check: the server has said it is ready for queries (a
  // `SELECT 1` after it was one more round trip per run). The client waits in the pool for the
  // run's session.
  const first = pool.connect().then((client) => client.release(), (error: unknown) => {
    throw connectionError(error, url, settings.timeouts.connectMs);
  });
  const close = async (): Promise<void> => {
    // After the first handshake is over (early: it may still be under way), so that its client
    // is in the pool that ends. Ends the pool, closing every client; a session-level advisory
    // lock dies with its client. A peer that stopped answering never acknowledges the goodbye:
    // its sockets are destroyed.
    await first.catch(() => undefined);
    await settleWithin(pool.end(), TEARDOWN_MS);
    for (const client of clients) client.connection?.stream.destroy();
  };
  if (options.early === true) first.catch(() => undefined);
  else {
    try {
      await first;
    } catch (error) {
      await close();
      throw error;
    }
  }
  return {
    ...(options.early === true ? { ready: first } : {}),
    async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
      // The first client, once its handshake is over (early): asked for before, the pool would
      // open a second connection instead of waiting for it.
      await first;
      // One client for the whole run: BEGIN/COMMIT sent as SQL text, the session-level advisory
      // lock and the scripts' `db` must all share it, or the lock and the transaction would
      // cover nothing. The scripts' Kysely gets this client from a pool of one, never released
      // to the real pool before the run ends.
      const client = await pool.connect();
      const requests = requestsOf(client);
      const session = sessionOf(wrap(client, requests, () => undefined), requests, () => sideSession(pool, requestsOf));
      try {
        return await fn(session);
      } catch (error) {
        // The client goes back to the pool: never with a transaction left open (a ROLLBACK
        // outside a transaction is only a warning; on a lost connection it fails at once).
        await session.execute('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    // The run lock lives on a client of its own, outside the pool (see lock.ts).
    openLock: (scope: LockScope, lockOptions: LockOptions) => openPostgresLock(settings, scope, lockOptions),
    close,
  };
}
