/**
 * Connections to MySQL / MariaDB: a mysql2 pool whose connections are guarded (client.ts). A run
 * pins ONE pooled connection for its whole length: BEGIN/COMMIT issued as text only bind
 * statements on the same connection. retort's own statements go to that connection directly;
 * Kysely (the `db` of scripts) is loaded and bound to it only when a script is about to run. On a
 * Galera node (detected at connect, see galera.ts) the run lock is a lease row and every session
 * reads causally and replicates its DDL in total order.
 */
import type { Kysely, MysqlPool, MysqlPoolConnection, MysqlQueryResult } from 'kysely';
import { createPool } from 'mysql2';
import type { Pool, PoolConnection } from 'mysql2';
import type { Connection, ConnectOptions, ConnectionUrl, LockOptions, LockScope, RunLock, Session, SideSession, UnitError, UnitOutcome, UnitStatement } from '../dialect.js';
import { isRetortError } from '../../errors.js';
import { DEFAULT_TIMEOUTS, TEARDOWN_MS, timeoutsFor } from '../net/timeouts.js';
import { settleWithin } from '../../util/within.js';
import { classifyMysqlError, guardedMysqlPool, mysqlOptions, type MysqlClientSettings } from './client.js';
import { connectError } from './errors.js';
import { GALERA_SESSION_SQL, osuNotice, parseProfile, PROFILE_SQL, type ServerProfile } from './galera.js';
import { openGaleraLease } from './lease.js';
import { openMysqlLock } from './lock.js';
import { BACKSLASH_ESCAPES_SQL } from './quoting.js';
import { STRICT_SQL } from './strict-mode.js';
import { parseServerVersion } from './server.js';
import { countOutcome, hasCompoundUnit, UNIT_AT_SQL, unitOutcome, unitSignal, unitSql } from './unit.js';

/**
 * retort's compiler (and mysql2's parameter escaping) write string literals as MySQL reads them by
 * default, a backslash doubled; under `NO_BACKSLASH_ESCAPES` the server would keep both. Its
 * sessions therefore read literals the default way (sent only when the server has the mode; an
 * offline script always starts with it, see index.ts).
 */
const BACKSLASH_NOTICE = "The server's sql_mode has NO_BACKSLASH_ESCAPES: retort's session turns it off, so that a backslash in a value or default it writes stays one backslash.";

/** Said once per run on a server whose sql_mode is not strict (see strict-mode.ts). */
const STRICT_NOTICE = "The server's sql_mode is not strict (no STRICT_TRANS_TABLES or STRICT_ALL_TABLES): retort's session adds STRICT_TRANS_TABLES, so that a change that would cut a value (a narrowed column, a changed type) fails instead of losing data.";

/** A connection pool plus the server version read when it was opened. */
class MysqlConnection implements Connection {
  /** `VERSION()`, read once at connect; the compiler picks spellings by it. */
  readonly serverVersion: string;
  readonly notices: readonly string[];
  /** Whether sessions run bookkeeping units as one compound statement (MariaDB). */
  private readonly compoundUnit: boolean;
  /** Pooled connections held now: sessions and side sessions. */
  private busy = 0;

  constructor(
    /** The pool as sessions take from it: every connection guarded (client.ts). */
    private readonly guarded: MysqlPool,
    /** The version and Galera settings, read once at connect. */
    private readonly profile: ServerProfile,
    /** The URL and timeouts, for the run lock's own connection. */
    private readonly settings: MysqlClientSettings,
    /** mysql2's pool under `guarded`, ended by close(). */
    private readonly pool: Pool,
    /** Its open connections, destroyed after a bounded polite end. */
    private readonly connections: ReadonlySet<PoolConnection>,
  ) {
    this.serverVersion = profile.version;
    this.compoundUnit = hasCompoundUnit(parseServerVersion(profile.version), profile.oracleMode);
    const notice = profile.galera && osuNotice(profile.galera);
    this.notices = [
      ...(notice === undefined ? [] : [notice]),
      ...(profile.noBackslashEscapes ? [BACKSLASH_NOTICE] : []),
      ...(profile.notStrict ? [STRICT_NOTICE] : []),
    ];
  }

  /**
   * The run lock, on a connection of its own outside the pool: `GET_LOCK` (lock.ts), or on a
   * Galera node, where `GET_LOCK` locks that node only, a lease row (lease.ts).
   */
  openLock(scope: LockScope, options: LockOptions): Promise<RunLock> {
    const galera = this.profile.galera;
    return galera === undefined
      ? openMysqlLock(this.settings, scope, options)
      : openGaleraLease(this.settings, scope, galera, options.leaseSeconds, options.connectMs);
  }

  async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    // One pooled connection, held until `fn` settles.
    this.busy++;
    try {
      const conn = await acquire(this.guarded);
      try {
        return await fn(await this.sessionOn(conn, true));
      } finally {
        conn.release();
      }
    } finally {
      this.busy--;
    }
  }

  /**
   * A side session (Session.openSide): another pooled connection, held until released, then
   * handed back to the pool (the readers set nothing on it that a later session would inherit).
   * Only when the pool has room: it never waits for a connection, and resolves undefined when
   * none can be had (the caller then reads on its own session).
   */
  private async openSide(): Promise<SideSession | undefined> {
    // Checked before any await: two readers asking at once cannot both take the last connection.
    if (this.busy >= POOL_SIZE) return undefined;
    this.busy++;
    let conn: MysqlPoolConnection | undefined;
    try {
      conn = await acquire(this.guarded);
      const session = await this.sessionOn(conn, false);
      const taken = conn;
      let released = false;
      // Handed back to the pool, and counted free at once.
      const release = (): void => {
        if (released) return;
        released = true;
        this.busy--;
        taken.release();
      };
      return { ...session, release };
    } catch {
      conn?.release();
      this.busy--;
      return undefined;
    }
  }

  /** The Session of the pooled connection `conn`, its session settings made; `sides`: whether it may open side sessions. */
  private async sessionOn(conn: MysqlPoolConnection, sides: boolean): Promise<Session> {
    // Before anything is read: causal reads, and DDL in total order (see galera.ts).
    if (this.profile.galera !== undefined) await run(conn, GALERA_SESSION_SQL);
    if (this.profile.noBackslashEscapes) await run(conn, BACKSLASH_ESCAPES_SQL);
    if (this.profile.notStrict) await run(conn, STRICT_SQL);
    let kysely: Promise<Kysely<any>> | undefined;
    return {
      kysely: () => (kysely ??= kyselyOn(conn)),
      serverVersion: this.serverVersion,
      ...(sides ? { openSide: () => this.openSide() } : {}),
      execute: async (text: string) => {
        await run(conn, text);
      },
      // Rows matched, not changed: mysql2 connects with FOUND_ROWS.
      executeCounting: async (text: string) => okPacket(await run(conn, text))?.affectedRows ?? 0,
      // The OK packet of an INSERT carries the AUTO_INCREMENT id: no `SELECT LAST_INSERT_ID()`.
      executeInsert: async (text: string) => {
        const id = okPacket(await run(conn, text))?.insertId;
        return id === undefined || id === 0 ? undefined : id;
      },
      // MariaDB: a bookkeeping unit is one compound statement (unit.ts); MySQL has none.
      ...(this.compoundUnit ? { executeUnit: (statements: readonly UnitStatement[]) => executeUnit(conn, statements) } : {}),
      query: async <R>(text: string, params: readonly unknown[] = []) => rowsOf(await run(conn, text, params)) as R[],
    };
  }

  async close(): Promise<void> {
    // A peer that stopped answering never acknowledges the goodbye: bounded, then destroyed.
    // Ending an ended pool is harmless here (errors ignored).
    await settleWithin(endQuietly(this.pool), TEARDOWN_MS);
    for (const conn of this.connections) conn.destroy();
  }
}

/** `text` (with `params`) on `conn`, through its guard: rows, or the OK packet of a change. */
async function run(conn: MysqlPoolConnection, text: string, params: readonly unknown[] = []): Promise<MysqlQueryResult> {
  try {
    return await new Promise((resolve, reject) => conn.query(text, [...params], (error, result) => (error ? reject(error) : resolve(result))));
  } catch (error) {
    // mysql2 makes its errors while parsing a packet, with no frame of the caller on the stack.
    // The stack of this awaiting chain is added (as Kysely's driver did), so that a failing
    // statement names the line of the script that ran it: stack-map.ts finds the revision's
    // `await` among these frames.
    if (error instanceof Error && typeof error.stack === 'string') {
      try {
        error.stack += `\n${(new Error().stack ?? '').split('\n').slice(1).join('\n')}`;
      } catch {
        // A frozen error keeps its stack: the runner then names the operation's call instead.
      }
    }
    throw error;
  }
}

/** The OK packet of a change (rows affected, insert id); undefined for rows. */
function okPacket(result: MysqlQueryResult): { affectedRows: number; insertId: number } | undefined {
  if (Array.isArray(result) || typeof result !== 'object' || result === null || !('affectedRows' in result)) return undefined;
  return { affectedRows: Number(result.affectedRows ?? 0), insertId: Number(result.insertId ?? 0) };
}

/** The rows of a result: none for an OK packet. (A multi-statement text gives one entry per statement, as mysql2 returns them.) */
function rowsOf(result: MysqlQueryResult): unknown[] {
  return Array.isArray(result) ? [...result] : [];
}

/**
 * Kysely over `conn` alone, for scripts' `db`: loaded on first use (a run with nothing to do, and
 * `current`, never load it). Its pool hands out `conn` every time and never releases or ends it:
 * the session owns the connection.
 */
async function kyselyOn(conn: MysqlPoolConnection): Promise<Kysely<any>> {
  const { Kysely, MysqlDialect } = await import('kysely');
  const pinned: MysqlPoolConnection = { query: conn.query.bind(conn), release: () => undefined };
  const pool: MysqlPool = { getConnection: (callback) => callback(null, pinned), end: (callback) => callback(null) };
  return new Kysely<any>({ dialect: new MysqlDialect({ pool }) });
}

/**
 * A bookkeeping unit as one compound statement (unit.ts). After an error, which the statement's
 * handler has rolled back, the same session says which statement raised it; when that error is
 * the unit's own count check, the run gets the outcome (which statement, how many rows), not the
 * error.
 */
async function executeUnit(conn: MysqlPoolConnection, statements: readonly UnitStatement[]): Promise<UnitOutcome> {
  try {
    return unitOutcome(rowsOf(await run(conn, unitSql(statements))));
  } catch (error) {
    if (unitSignal(error)) {
      const rows = rowsOf(await run(conn, UNIT_AT_SQL)) as Record<string, unknown>[];
      return countOutcome(rows[0]);
    }
    // Not after a lost connection (nothing to ask), nor a parse error (no statement of it ran).
    if (!isRetortError(error) && classifyMysqlError(error) === undefined && (error as { errno?: unknown }).errno !== PARSE_ERROR) {
      const rows = await run(conn, UNIT_AT_SQL).then((r) => rowsOf(r) as { at: unknown }[], () => []);
      const at = Number(rows[0]?.at);
      if (Number.isInteger(at) && at >= 0 && at < statements.length && error instanceof Error) (error as UnitError).unitIndex = at;
    }
    throw error;
  }
}

/** Connections of a pool: a run's session, and the side sessions of a catalog read (Session.openSide). */
const POOL_SIZE = 4;

/** ER_PARSE_ERROR. */
const PARSE_ERROR = 1064;

/**
 * One pooled connection, as a promise: of mysql2's pool itself (at connect), or of the guarded
 * pool sessions take from (client.ts); both speak callbacks.
 */
function acquire<C>(pool: { getConnection(callback: (error: unknown, conn: C) => void): void }): Promise<C> {
  return new Promise((resolve, reject) => pool.getConnection((error, conn) => (error ? reject(error) : resolve(conn))));
}

/** The server's version and Galera settings, in one query on one connection. */
function readProfile(conn: PoolConnection): Promise<ServerProfile> {
  return new Promise((resolve, reject) =>
    conn.query(PROFILE_SQL, (error, rows) => {
      if (error) return reject(error);
      resolve(parseProfile(rows as Array<{ Variable_name: string; Value: string | null }>));
    }),
  );
}

/** Close a pool and ignore errors: used on the failure path, where the first error matters. */
function endQuietly(pool: Pool): Promise<void> {
  return new Promise((resolve) => pool.end(() => resolve()));
}

/**
 * Opens a pool for `url` and verifies that the server answers, reading its version.
 *
 * @throws RetortError `ConnectionFailed` (server down, wrong host or port, authentication) or
 * `DatabaseNotFound` (the URL's database does not exist); never containing the password.
 */
export async function connectMysql(url: ConnectionUrl, options: ConnectOptions = {}): Promise<Connection> {
  const settings: MysqlClientSettings = {
    url,
    timeouts: timeoutsFor(url, options.timeouts ?? DEFAULT_TIMEOUTS),
    ...(options.target === undefined ? {} : { target: options.target }),
  };
  const pool = createPool({ ...mysqlOptions(settings), connectionLimit: POOL_SIZE });
  const { guarded, connections } = guardedMysqlPool(pool, settings);
  let profile: ServerProfile;
  try {
    const conn = await acquire(pool);
    try {
      profile = await readProfile(conn);
    } finally {
      conn.release();
    }
  } catch (error) {
    await settleWithin(endQuietly(pool), TEARDOWN_MS);
    for (const conn of connections) conn.destroy();
    throw connectError(error, url, settings.timeouts.connectMs);
  }
  return new MysqlConnection(guarded, profile, settings, pool, connections);
}
