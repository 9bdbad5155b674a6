/**
 * Every mysql2 connection retort opens (the run's pool, the run lock's connection, the liveness
 * probe) is configured and guarded here: the same options (connect timeout covering the
 * handshake, TCP keepalive, TLS from the URL), an 'error' listener on each connection (mysql2
 * emits 'error' on an idle connection the server or the network dropped; unhandled, that event
 * kills the process), and the {@link ConnectionGuard} that turns a loss into `ConnectionLost`.
 */
import type { Socket } from 'node:net';
import type { Connection as CallbackConnection, ConnectionOptions, Pool, PoolConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import type { MysqlPool, MysqlPoolConnection, MysqlQueryResult } from 'kysely';
import type { ConnectionTimeouts, ConnectionUrl } from '../dialect.js';
import { ConnectionGuard, describe, type LossCause, type ProbeAnswer } from '../net/guard.js';
import { TEARDOWN_MS } from '../net/timeouts.js';
import { settleWithin } from '../../util/within.js';
import { endpointOf } from './errors.js';
import { tlsOptions } from './tls.js';

/** What a retort connection needs to know besides the URL. */
export interface MysqlClientSettings {
  readonly url: ConnectionUrl;
  readonly timeouts: ConnectionTimeouts;
  readonly target?: string;
}

/** The mysql2 options of a retort connection. */
export function mysqlOptions(settings: MysqlClientSettings, connectMs = settings.timeouts.connectMs): ConnectionOptions {
  const { url, timeouts } = settings;
  const { host, port } = endpointOf(url);
  const ssl = tlsOptions(url);
  return {
    host,
    port,
    ...(url.user === undefined ? {} : { user: url.user }),
    ...(url.password === undefined ? {} : { password: url.password }),
    ...(url.database === undefined || url.database === '' ? {} : { database: url.database }),
    // One statement per call: the runtime counts statements, and a script's text cannot smuggle more.
    multipleStatements: false,
    // mysql2's timer covers the TCP connect and the handshake (TLS, authentication); 0 means none.
    ...(connectMs > 0 ? { connectTimeout: connectMs } : { connectTimeout: 2 ** 31 - 1 }),
    enableKeepAlive: timeouts.keepaliveMs > 0,
    keepAliveInitialDelay: timeouts.keepaliveMs,
    ...(ssl === undefined ? {} : { ssl }),
  };
}

/** Driver codes of a dead connection. */
const LOST_CODES: Readonly<Record<string, string>> = {
  PROTOCOL_CONNECTION_LOST: 'the server or the network closed the connection',
  ECONNRESET: 'the network connection was reset',
  EPIPE: 'the network connection was broken',
  ETIMEDOUT: 'the network connection timed out',
  ECONNABORTED: 'the network connection was aborted',
  EHOSTUNREACH: 'the server became unreachable',
  ENETUNREACH: 'the server became unreachable',
  ER_SERVER_SHUTDOWN: 'the server is shutting down',
  ER_CONNECTION_KILLED: 'the server ended the session (KILL, or a shutdown)',
  PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR: 'the connection had already failed',
};

/** MySQL/MariaDB error numbers of a session that is over (1053 shutdown, 1927 connection killed, 4031 idle timeout). */
const LOST_ERRNOS: Readonly<Record<number, string>> = {
  1053: 'the server is shutting down',
  1927: 'the server ended the session (KILL, or a shutdown)',
  4031: 'the server ended the idle session (wait_timeout)',
};

/** The connection loss a mysql2 error stands for, or undefined for an SQL error. */
export function classifyMysqlError(error: unknown): LossCause | undefined {
  const e = (error ?? {}) as { code?: unknown; errno?: unknown; fatal?: unknown };
  const message = describe(error);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const known = (code === undefined ? undefined : LOST_CODES[code]) ?? (typeof e.errno === 'number' ? LOST_ERRNOS[e.errno] : undefined);
  if (known !== undefined) return { reason: `${known}: ${message}`, ...(code === undefined ? {} : { driverCode: code }) };
  if (e.fatal === true || /closed state|Connection lost/i.test(message)) {
    return { reason: `the connection failed: ${message}`, ...(code === undefined ? {} : { driverCode: code }) };
  }
  return undefined;
}

/** The socket under a mysql2 connection. */
function socketOf(conn: CallbackConnection): Socket | undefined {
  return (conn as unknown as { stream?: Socket }).stream;
}

/**
 * Ask the server, on a new connection, what connection `id` is doing (`PROCESSLIST` shows one's
 * own connections without any privilege): `running` while it executes a statement, `idle` while
 * it sleeps; `KILL CONNECTION` on request.
 */
async function probeMysql(settings: MysqlClientSettings, id: number, connectMs: number): Promise<ProbeAnswer> {
  const conn = await mysql.createConnection(mysqlOptions(settings, connectMs));
  conn.on('error', () => undefined);
  let verdict: ProbeAnswer['verdict'];
  try {
    const [rows] = await conn.query('SELECT COMMAND AS command FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
    const command = (rows as Array<{ command: string }>)[0]?.command;
    verdict = command === undefined || command === 'Killed' ? 'gone' : command === 'Sleep' ? 'idle' : 'running';
  } catch {
    verdict = 'unknown';
  }
  return {
    verdict,
    async end(terminate) {
      if (terminate) await settleWithin(conn.query(`KILL CONNECTION ${Number(id)}`), TEARDOWN_MS);
      await settleWithin(conn.end(), TEARDOWN_MS);
      conn.destroy();
    },
  };
}

/** Put a guard on a connected connection: its 'error' events, its bytes, a probe of its thread. */
export function guardMysqlConnection(conn: CallbackConnection, settings: MysqlClientSettings, role?: string): ConnectionGuard {
  const { host, port } = endpointOf(settings.url);
  const probeTimeoutMs = settings.timeouts.connectMs > 0 ? settings.timeouts.connectMs : settings.timeouts.statementIdleMs;
  const guard = new ConnectionGuard({
    endpoint: { server: 'MySQL', host, port, ...(settings.target === undefined ? {} : { target: settings.target }), ...(role === undefined ? {} : { role }) },
    statementIdleMs: settings.timeouts.statementIdleMs,
    probeTimeoutMs,
    classify: classifyMysqlError,
    probe: () => probeMysql(settings, conn.threadId, probeTimeoutMs),
    destroy: () => socketOf(conn)?.destroy(),
  });
  conn.on('error', (error) => guard.onDriverError(error));
  guard.watch(socketOf(conn));
  return guard;
}

/**
 * A mysql2 pool as sessions take from it, every connection guarded: every callback query (retort's
 * own statements, the catalog reads, the scripts' `db` through Kysely, which speaks this same pool
 * shape) goes through its connection's guard. Also the set of the pool's open connections, for a
 * teardown that must not wait on a silent peer.
 */
export function guardedMysqlPool(pool: Pool, settings: MysqlClientSettings): { guarded: MysqlPool; connections: Set<PoolConnection> } {
  const guards = new WeakMap<PoolConnection, ConnectionGuard>();
  const connections = new Set<PoolConnection>();
  pool.on('connection', (conn) => {
    guards.set(conn, guardMysqlConnection(conn, settings));
    connections.add(conn);
    conn.once('end', () => connections.delete(conn));
  });
  const wrapped = new WeakMap<PoolConnection, MysqlPoolConnection>();
  const wrap = (conn: PoolConnection): MysqlPoolConnection => {
    let shown = wrapped.get(conn);
    if (shown !== undefined) return shown;
    const guard = guards.get(conn)!;
    shown = {
      query: ((text: string, params: unknown[], callback?: (error: unknown, result: MysqlQueryResult) => void) => {
        // Kysely streams without a callback; those go straight to the connection.
        if (callback === undefined) return conn.query(text, params);
        guard
          .run(text, () => new Promise<MysqlQueryResult>((resolve, reject) => conn.query(text, params, (error, result) => (error ? reject(error) : resolve(result as MysqlQueryResult)))))
          .then((result) => callback(null, result), (error: unknown) => callback(error, undefined as never));
        return undefined;
      }) as MysqlPoolConnection['query'],
      release: () => conn.release(),
    };
    wrapped.set(conn, shown);
    return shown;
  };
  const guarded: MysqlPool = {
    getConnection: (callback) => pool.getConnection((error, conn) => callback(error, error ? (conn as never) : wrap(conn))),
    end: (callback) => pool.end(callback),
  };
  return { guarded, connections };
}
