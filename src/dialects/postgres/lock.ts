/**
 * The PostgreSQL run lock: a session-level advisory lock on a connection of its own.
 *
 * Why a dedicated connection: the run's session issues BEGIN/ROLLBACK as text and may be broken
 * by a failing revision; a session-level lock there would be tied to that. A connection that
 * does nothing but hold the lock stays idle, so when the process dies the server sees the socket
 * close at once, ends the backend and drops the lock with it.
 *
 * Why polling with `pg_try_advisory_lock` rather than a blocking `pg_advisory_lock`: a waiter
 * blocked inside the server is a running statement with a live snapshot, and
 * `CREATE INDEX CONCURRENTLY` in the holder's run waits for every older transaction to finish
 * before it can complete: the holder waits for the waiter, the waiter for the holder, and the
 * run stalls (at best until the deadlock detector cancels one side). A try-lock returns at once
 * and leaves nothing running between attempts, so CIC never waits on a retort waiter.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { LockHolder, LockOptions, LockScope, RunLock } from '../dialect.js';
import { lockLostError } from '../lock-lost.js';
import { lockConnectMs, TEARDOWN_MS } from '../net/timeouts.js';
import { settleWithin } from '../../util/within.js';
import { closePgClient, guardedQuery, guardPgClient, newPgClient, type PgClientSettings } from './client.js';
import { connectionError } from './errors.js';

/**
 * The advisory-lock key of a version table: the first 63 bits of sha256 of
 * `retort:<schema>.<table>`, as a decimal string (a positive bigint). Advisory locks are
 * per database already; the schema in the key keeps tenants of one database apart.
 */
export function postgresLockKey(schema: string, versionTable: string): string {
  const digest = createHash('sha256').update(`retort:${schema}.${versionTable}`).digest();
  return (digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn).toString();
}

/** The holder of advisory lock `key` in the current database, joined with its backend's activity. */
const HOLDER_SQL = `
SELECT a.pid, a.usename, host(a.client_addr) AS client_addr, a.application_name, a.backend_start
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint
 LIMIT 1`;

interface HolderRow {
  readonly pid: number;
  readonly usename: string | null;
  readonly client_addr: string | null;
  readonly application_name: string | null;
  readonly backend_start: Date | null;
}

function describe(row: HolderRow): LockHolder {
  const where = `${row.usename ?? '?'}@${row.client_addr ?? 'local socket'}`;
  const app = row.application_name ? `, application '${row.application_name}'` : '';
  const since = row.backend_start ? `, connected since ${row.backend_start.toISOString()}` : '';
  return {
    description: `PostgreSQL backend pid ${row.pid} (${where}${app}${since})`,
    fields: {
      pid: row.pid,
      user: row.usename,
      clientAddr: row.client_addr,
      applicationName: row.application_name,
      backendStart: row.backend_start?.toISOString() ?? null,
    },
  };
}

/**
 * Open the run lock of `scope` on a new client (application_name 'retort', so holders are
 * recognisable). Its connect and handshake take at most `options.connectMs` (the part of
 * `--lock-timeout` left), or the connect timeout when that is shorter.
 */
export async function openPostgresLock(settings: PgClientSettings, scope: LockScope, options: LockOptions): Promise<RunLock> {
  const { url } = settings;
  const connectMs = lockConnectMs(settings.timeouts.connectMs, options.connectMs);
  const client = newPgClient(settings, connectMs);
  // An advisory lock dies with its backend: a dropped connection ('error', 'end') takes it along,
  // and ensureHeld() says so before the run's next statement.
  let gone: string | undefined;
  client.on('error', (error) => (gone ??= error.message));
  client.on('end', () => (gone ??= 'the connection closed'));
  try {
    await client.connect();
  } catch (error) {
    await closePgClient(client);
    throw connectionError(error, url, connectMs);
  }
  // Its queries fail with ConnectionLost, not a driver error, and never wait on a silent server.
  const guard = guardPgClient(client, settings, "run lock's connection");
  const query = <R extends pg.QueryResultRow>(text: string, params: readonly unknown[] = []) => guardedQuery<R>(client, guard, text, params);
  let key: string;
  try {
    // Without dbSchema, the version table lives in the connection's current schema.
    const schema = scope.schema ?? (await query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
    key = postgresLockKey(schema, scope.versionTable);
  } catch (error) {
    await closePgClient(client);
    throw connectionError(error, url);
  }
  let held = false;
  return {
    name: `advisory lock ${key}`,
    async tryAcquire() {
      const { rows } = await query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
      held = rows[0]?.ok === true;
      return held;
    },
    async ensureHeld() {
      const why = guard.lost?.reason ?? gone;
      if (why !== undefined) throw lockLostError(`advisory lock ${key}`, `its connection ended (${why}), which frees the lock for another run`);
    },
    async holder() {
      const { rows } = await query<HolderRow>(HOLDER_SQL, [key]).catch(() => ({ rows: [] as HolderRow[] }));
      return rows[0] === undefined ? undefined : describe(rows[0]);
    },
    async release() {
      // Unlock explicitly, then close: closing alone would release it too, but an explicit
      // unlock frees it before the socket teardown completes. A peer that stopped answering gets
      // neither: the socket is destroyed after a short wait (the server frees the lock when it
      // notices the connection gone).
      if (held && guard.lost === undefined) await settleWithin(client.query('SELECT pg_advisory_unlock($1::bigint)', [key]), TEARDOWN_MS);
      held = false;
      await closePgClient(client);
    },
  };
}
