/**
 * The MySQL / MariaDB run lock: a named user lock (`GET_LOCK`) on a connection of its own.
 *
 * Why a dedicated connection: a user lock belongs to the connection that took it, and the run's
 * session may be killed or broken by a failing revision; the lock's connection stays idle, so when
 * the process dies the server sees the socket close, ends the connection and frees the lock.
 * Polled with `GET_LOCK(name, 0)` (no server-side wait), so the core decides the backoff and the
 * timeout, and one waiting process never occupies a server thread in a blocking wait.
 */
import { createHash } from 'node:crypto';
import type { Connection as CallbackConnection } from 'mysql2';
import type { LockHolder, LockOptions, LockScope, RunLock } from '../dialect.js';
import { lockLostError } from '../lock-lost.js';
import { lockConnectMs, TEARDOWN_MS } from '../net/timeouts.js';
import { settleWithin } from '../../util/within.js';
import { guardMysqlConnection, type MysqlClientSettings } from './client.js';
import { connectError } from './errors.js';
import { openSideConnection } from './side-connection.js';

/** MySQL limits user-lock names to 64 characters. */
const MAX_LOCK_NAME = 64;

/**
 * The `GET_LOCK` name of a version table: `retort:<database>.<table>`; names longer than 64
 * characters become `retort:` plus a sha256 prefix. Lock names are server-wide, hence the database.
 */
export function mysqlLockName(database: string, versionTable: string): string {
  const plain = `retort:${database}.${versionTable}`;
  if (plain.length <= MAX_LOCK_NAME) return plain;
  return `retort:${createHash('sha256').update(plain).digest('hex').slice(0, MAX_LOCK_NAME - 'retort:'.length)}`;
}

interface ProcessRow {
  readonly ID: number;
  readonly USER: string | null;
  readonly HOST: string | null;
  readonly DB: string | null;
  readonly TIME: number | null;
}

function describe(row: ProcessRow): LockHolder {
  return {
    description: `MySQL connection ${row.ID} (${row.USER ?? '?'}@${row.HOST ?? '?'}, database ${row.DB ?? 'none'}, connected ${row.TIME ?? '?'} s in its current state)`,
    fields: { connectionId: row.ID, user: row.USER, host: row.HOST, database: row.DB },
  };
}

/**
 * Open the run lock of `scope` on a new connection. Its connect and handshake take at most
 * `options.connectMs` (the part of `--lock-timeout` left), or the connect timeout when shorter.
 */
export async function openMysqlLock(settings: MysqlClientSettings, scope: LockScope, options: LockOptions): Promise<RunLock> {
  const { url } = settings;
  const conn = await openSideConnection(settings, lockConnectMs(settings.timeouts.connectMs, options.connectMs));
  // Its queries fail with ConnectionLost, not a driver error, and never wait on a silent server
  // (the guard watches the callback connection under the promise wrapper).
  const guard = guardMysqlConnection((conn as unknown as { connection: CallbackConnection }).connection, settings, "run lock's connection");
  const query = async (text: string, params: readonly unknown[] = []): Promise<unknown[]> => {
    const [rows] = await guard.run(text, () => conn.query(text, [...params]));
    return rows as unknown[];
  };
  let name: string;
  try {
    const rows = await query('SELECT DATABASE() AS db');
    const database = scope.schema ?? String((rows as Array<{ db: unknown }>)[0]?.db ?? '');
    name = mysqlLockName(database, scope.versionTable);
  } catch (error) {
    conn.destroy();
    throw connectError(error, url);
  }
  let held = false;
  // A user lock dies with its connection: once the connection is gone, so is the lock.
  let gone: string | undefined;
  conn.on('error', (error: Error) => (gone ??= error.message));
  conn.on('end', () => (gone ??= 'the connection closed'));
  return {
    name: `GET_LOCK('${name}')`,
    async tryAcquire() {
      // 1: taken; 0: held by another connection; NULL: an error (treated as not taken).
      const rows = await query('SELECT GET_LOCK(?, 0) AS got', [name]);
      held = Number((rows as Array<{ got: unknown }>)[0]?.got) === 1;
      return held;
    },
    async ensureHeld() {
      const why = guard.lost?.reason ?? gone;
      if (why !== undefined) throw lockLostError(`GET_LOCK('${name}')`, `its connection ended (${why}), which frees the lock for another run`);
    },
    async holder() {
      try {
        const used = await query('SELECT IS_USED_LOCK(?) AS id', [name]);
        const id = (used as Array<{ id: unknown }>)[0]?.id;
        if (id === null || id === undefined) return undefined;
        const rows = await query('SELECT ID, USER, HOST, DB, TIME FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
        const row = (rows as ProcessRow[])[0];
        // PROCESSLIST shows only the user's own connections without the PROCESS privilege.
        return row === undefined ? { description: `MySQL connection ${String(id)}`, fields: { connectionId: Number(id) } } : describe(row);
      } catch {
        return undefined;
      }
    },
    async release() {
      // A peer that stopped answering gets no goodbye: the socket is destroyed after a short
      // wait (the server frees the lock when it notices the connection gone).
      if (held && guard.lost === undefined) await settleWithin(conn.query('DO RELEASE_LOCK(?)', [name]), TEARDOWN_MS);
      held = false;
      if (guard.lost === undefined) await settleWithin(conn.end(), TEARDOWN_MS);
      conn.destroy();
    },
  };
}
