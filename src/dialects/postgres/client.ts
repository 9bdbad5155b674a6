/**
 * Every `pg` client retort opens (the run's pool, the run lock's client, the liveness probe) is
 * configured and guarded here: one connect timeout for TCP + TLS + authentication, TCP keepalive,
 * an 'error' listener from the moment the client exists (pg emits 'error' on a client whose
 * connection ends while nobody is querying it; unhandled, that event kills the process), and the
 * {@link ConnectionGuard} that turns a lost connection into `ConnectionLost`.
 */
import pg from 'pg';
import type { Socket } from 'node:net';
import type { ConnectionTimeouts, ConnectionUrl } from '../dialect.js';
import { ConnectionGuard, describe, type Endpoint, type LossCause, type ProbeAnswer } from '../net/guard.js';
import { TEARDOWN_MS } from '../net/timeouts.js';
import { settleWithin } from '../../util/within.js';
import { connectTarget } from './errors.js';

/** What a retort client needs to know besides the URL. */
export interface PgClientSettings {
  readonly url: ConnectionUrl;
  readonly timeouts: ConnectionTimeouts;
  readonly target?: string;
}

/** The pg config of a retort connection: `pg` reads the URL itself, so libpq parameters (sslmode, ...) keep working. */
export function pgConfig(settings: PgClientSettings, connectMs = settings.timeouts.connectMs): pg.ClientConfig {
  const { url, timeouts } = settings;
  return {
    connectionString: url.raw,
    application_name: url.params['application_name'] ?? 'retort',
    connectionTimeoutMillis: connectMs,
    keepAlive: timeouts.keepaliveMs > 0,
    keepAliveInitialDelayMillis: timeouts.keepaliveMs,
  };
}

/** SQLSTATEs that mean the session is over (the server ended it or is going away). */
const SESSION_ENDED: Readonly<Record<string, string>> = {
  '57P01': 'the server ended the session (administrator command: a server shutdown or pg_terminate_backend)',
  '57P02': 'the server ended the session (crash shutdown)',
  '57P03': 'the server is not accepting connections now',
  '57P05': 'the server ended the idle session (idle_session_timeout)',
  '25P03': 'the server ended the session (idle_in_transaction_session_timeout)',
};

/** Socket-level codes of a dead connection. */
const SOCKET_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

/** The connection loss a pg error stands for, or undefined for an SQL error. */
export function classifyPgError(error: unknown): LossCause | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = describe(error);
  if (typeof code === 'string') {
    const ended = SESSION_ENDED[code];
    if (ended !== undefined) return { reason: `${ended}: ${message}`, driverCode: code };
    // Class 08: connection exceptions.
    if (code.startsWith('08')) return { reason: `connection failure: ${message}`, driverCode: code };
    if (SOCKET_LOST.has(code)) return { reason: `the network connection failed: ${message}`, driverCode: code };
    return undefined;
  }
  if (/Connection terminated|not queryable|Client was closed/i.test(message)) return { reason: `the server or the network closed the connection (${message})` };
  return undefined;
}

/** The socket under a connected client (pg keeps it on its connection object). */
function socketOf(client: pg.Client): Socket | undefined {
  return client.connection?.stream as Socket | undefined;
}

/** A client that listens for 'error' from its creation, so no connection event is ever unhandled. */
export function newPgClient(settings: PgClientSettings, connectMs?: number): pg.Client {
  const client = new pg.Client(pgConfig(settings, connectMs));
  client.on('error', () => undefined);
  return client;
}

/**
 * Ask the server, on a new client, what backend `pid` is doing: `running` while it executes a
 * statement (or waits on a lock), `idle` otherwise; ending it on request (`pg_terminate_backend`,
 * allowed on one's own backends) so its transaction rolls back and its locks go.
 */
async function probePg(settings: PgClientSettings, pid: number, connectMs: number): Promise<ProbeAnswer> {
  const client = newPgClient(settings, connectMs);
  try {
    await client.connect();
  } catch (error) {
    socketOf(client)?.destroy();
    throw error;
  }
  let verdict: ProbeAnswer['verdict'];
  try {
    const { rows } = await client.query<{ state: string | null }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
    const state = rows[0]?.state;
    verdict = rows.length === 0 ? 'gone' : state === 'active' || state === 'fastpath function call' ? 'running' : state === null || state === 'disabled' ? 'unknown' : 'idle';
  } catch {
    verdict = 'unknown';
  }
  return {
    verdict,
    async end(terminate) {
      if (terminate) await settleWithin(client.query('SELECT pg_terminate_backend($1)', [pid]), TEARDOWN_MS);
      await closePgClient(client);
    },
  };
}

/**
 * Put a guard on a connected client: its 'error' events record the loss, its socket's bytes feed
 * the silence watch, and the probe asks about its backend.
 */
export function guardPgClient(client: pg.Client, settings: PgClientSettings, role?: string): ConnectionGuard {
  const { host, port } = connectTarget(settings.url);
  const endpoint: Endpoint = { server: 'PostgreSQL', host, port, ...(settings.target === undefined ? {} : { target: settings.target }), ...(role === undefined ? {} : { role }) };
  const probeTimeoutMs = settings.timeouts.connectMs > 0 ? settings.timeouts.connectMs : settings.timeouts.statementIdleMs;
  const guard = new ConnectionGuard({
    endpoint,
    statementIdleMs: settings.timeouts.statementIdleMs,
    probeTimeoutMs,
    classify: classifyPgError,
    probe: () => probePg(settings, (client as unknown as { processID: number }).processID, probeTimeoutMs),
    destroy: () => socketOf(client)?.destroy(),
  });
  client.on('error', (error) => guard.onDriverError(error));
  guard.watch(socketOf(client));
  return guard;
}

/** Run `text` on a guarded client. */
export function guardedQuery<R extends pg.QueryResultRow>(client: pg.Client, guard: ConnectionGuard, text: string, params: readonly unknown[] = []): Promise<pg.QueryResult<R>> {
  return guard.run(text, () => client.query<R>(text, [...params]));
}

/** End a client politely, and destroy its socket when the peer does not answer in time. */
export async function closePgClient(client: pg.Client): Promise<void> {
  await settleWithin(client.end(), TEARDOWN_MS);
  socketOf(client)?.destroy();
}
