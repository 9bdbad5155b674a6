/**
 * The run lock on a Galera cluster: a lease row in `retort_lock`, because `GET_LOCK` there locks
 * only the node it runs on (ten replicas spread over three nodes would migrate three at a time).
 *
 * How it stays safe (statements in `lease-sql.ts`):
 * - **Taking it** is one autocommit compare-and-set on the row (free, or expired by the server's
 *   UTC clock); Galera certification lets exactly one of several nodes' concurrent attempts
 *   commit. Each acquisition adds one to `fence`, the fencing counter; the winner keeps its fence
 *   and a random token.
 * - **Keeping it**: a heartbeat on this connection renews the lease every quarter of its length,
 *   but only `WHERE token = mine AND fence = mine`: 0 rows means another run took it over.
 * - **Trusting it**: the holder counts its lease valid for half its length after SENDING the last
 *   renewal that succeeded, on its own monotonic clock. {@link GaleraLease.ensureHeld}, called
 *   before every statement of a run, answers from memory inside that window (no round trip);
 *   past it (the process was paused, the heartbeat could not get through) it renews first, and a
 *   renewal that finds the fence changed, or cannot be confirmed, stops the run before it writes
 *   anything else. A waiter on another node can take over only once the lease has expired by its
 *   node's clock, a full length after the renewal: node clocks may disagree by up to half the
 *   lease without two runs ever both trusting it.
 * - **Freeing it**: only its holder releases it (token and fence in the WHERE); a killed holder's
 *   lease simply expires, after one lease length.
 * The lease is not bound to a connection, so a lock connection that drops is reopened and the
 * lease renewed, as long as that happens within the trusted window.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type mysql from 'mysql2/promise';
import { RetortError } from '../../errors.js';
import { clientIdentity } from '../../util/client.js';
import type { LockHolder, LockScope, RunLock } from '../dialect.js';
import { lockLostError } from '../lock-lost.js';
import { lockConnectMs } from '../net/timeouts.js';
import type { MysqlClientSettings } from './client.js';
import { connectError } from './errors.js';
import { GALERA_SESSION_SQL, type GaleraNode } from './galera.js';
import { createLeaseTableSql, insertLeaseSql, LEASE_TABLE, readLeaseSql, releaseSql, renewSql, takeOverSql, type LeaseClaim } from './lease-sql.js';
import { openSideConnection } from './side-connection.js';

/** MySQL error numbers the lease reads. */
const ER_NO_SUCH_TABLE = 1146;
const ER_DUP_ENTRY = 1062;
/** A deadlock, and on Galera a certification conflict: another node's write to the row won. */
const ER_LOCK_DEADLOCK = 1213;

interface DriverError {
  readonly errno?: number;
  readonly message?: string;
}

const errnoOf = (error: unknown) => (error as DriverError | undefined)?.errno;

/** The lease's timing, from its length. */
interface LeaseTiming {
  readonly leaseMs: number;
  /** Between two heartbeats. */
  readonly heartbeatMs: number;
  /** How long after sending a successful renewal the holder trusts its lease without asking. */
  readonly trustMs: number;
  /** A renewal that takes longer is abandoned (its connection dropped and reopened). */
  readonly renewTimeoutMs: number;
}

function timing(leaseSeconds: number): LeaseTiming {
  const leaseMs = Math.round(leaseSeconds * 1000);
  return { leaseMs, heartbeatMs: leaseMs / 4, trustMs: leaseMs / 2, renewTimeoutMs: leaseMs / 4 };
}

interface LeaseRow {
  readonly token: string | null;
  readonly fence: number;
  readonly node: string | null;
  readonly connectionId: number | null;
  readonly pid: number | null;
  readonly host: string | null;
  readonly user: string | null;
  readonly since: string | null;
  readonly expiresAt: string | null;
  readonly leftMicros: number | string | null;
}

/** Open the lease of `scope` on a connection of its own (not yet taken). */
export async function openGaleraLease(settings: MysqlClientSettings, scope: LockScope, node: GaleraNode, leaseSeconds: number, connectMs?: number): Promise<RunLock> {
  const { url } = settings;
  const conn = await openSideConnection(settings, lockConnectMs(settings.timeouts.connectMs, connectMs));
  let database: string;
  try {
    const [rows] = await conn.query('SELECT DATABASE() AS db');
    database = scope.schema ?? String((rows as Array<{ db: unknown }>)[0]?.db ?? '');
  } catch (error) {
    conn.destroy();
    throw connectError(error, url);
  }
  if (database === '') {
    conn.destroy();
    throw new RetortError('ConfigInvalid', 'The URL names no database: the Galera run lease lives in the version table\'s database.', {
      fields: { key: 'url' },
      hint: 'Put the database in the URL (mysql://user@host/DATABASE) or set dbSchema.',
    });
  }
  return new GaleraLease(settings, conn, database, scope.versionTable, node, timing(leaseSeconds));
}

/** The lease of one version table, from one run. */
class GaleraLease implements RunLock {
  readonly name: string;
  /** This run's token in the row; random, so no other run's row can ever match it. */
  private readonly token = randomBytes(8).toString('hex');
  /** The fence of our acquisition; undefined until taken. */
  private fence: number | undefined;
  /** performance.now() until which the lease is trusted without asking the server. */
  private trustedUntil = 0;
  /** Set once the lease is known to be lost; thrown by every later ensureHeld. */
  private lost: RetortError | undefined;
  /** Why the last renewal could not be confirmed (connection trouble), if it could not. */
  private unconfirmed: string | undefined;
  private renewal: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** False until an insert found the row: the first lease of a version table inserts it. */
  private rowSeen = false;
  private opening: Promise<mysql.Connection> | undefined;

  constructor(
    private readonly settings: MysqlClientSettings,
    private conn: mysql.Connection | undefined,
    private readonly database: string,
    private readonly key: string,
    private readonly node: GaleraNode,
    private readonly timing: LeaseTiming,
  ) {
    this.name = `Galera lease '${key}' in \`${database}\`.${LEASE_TABLE}`;
  }

  async tryAcquire(): Promise<boolean> {
    const claim = this.claim();
    const sent = performance.now();
    let fence = await this.write(takeOverSql(this.database, claim), true);
    if (fence === undefined && !this.rowSeen) fence = await this.write(insertLeaseSql(this.database, claim), false);
    if (fence === undefined) return false;
    this.fence = fence;
    this.trustedUntil = sent + this.timing.trustMs;
    this.heartbeat = setInterval(() => void this.renew(), this.timing.heartbeatMs);
    this.heartbeat.unref();
    return true;
  }

  /**
   * One acquisition statement: the fence it set (`insertId` of the take-over, 1 for the insert),
   * or undefined when another run holds the lease. Creates the table on first use: existence is
   * not checked first, so taking an existing lease issues no DDL (on Galera every DDL, even a
   * `CREATE TABLE IF NOT EXISTS` of a table that exists, is a cluster-wide barrier).
   */
  private async write([sql, params]: [string, unknown[]], takeOver: boolean): Promise<number | undefined> {
    const conn = await this.connection();
    try {
      const [result] = await conn.query(sql, params);
      const { affectedRows, insertId } = result as mysql.ResultSetHeader;
      if (affectedRows !== 1) return undefined;
      return takeOver ? Number(insertId) : 1;
    } catch (error) {
      const errno = errnoOf(error);
      if (errno === ER_NO_SUCH_TABLE) {
        // In TOI whatever the node's default: under RSU the table would exist on this node only,
        // the next write to it would fail on every other node, and the cluster would vote this one out.
        await conn.query(GALERA_SESSION_SQL);
        await conn.query(createLeaseTableSql(this.database));
        return this.write([sql, params], takeOver);
      }
      if (errno === ER_DUP_ENTRY) this.rowSeen = true;
      if (errno === ER_DUP_ENTRY || errno === ER_LOCK_DEADLOCK) return undefined;
      throw connectError(error, this.settings.url);
    }
  }

  async ensureHeld(): Promise<void> {
    if (this.lost) throw this.lost;
    if (performance.now() < this.trustedUntil) return;
    await this.renew();
    if (this.lost) throw this.lost;
    if (performance.now() >= this.trustedUntil) {
      throw this.lose(`this run could not renew it for ${Math.round(this.timing.trustMs / 100) / 10} s (${this.unconfirmed ?? 'no answer in time'}), so another run may hold it by now`);
    }
  }

  /** Renew once (sharing a renewal already under way); never throws. */
  private renew(): Promise<void> {
    this.renewal ??= this.renewNow().finally(() => (this.renewal = undefined));
    return this.renewal;
  }

  private async renewNow(): Promise<void> {
    if (this.fence === undefined || this.lost) return;
    const [sql, params] = renewSql(this.database, this.key, this.token, this.fence, this.timing.leaseMs * 1000);
    // A certification conflict means another node wrote the row at the same moment: read it again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const sent = performance.now();
      try {
        const conn = await this.connection();
        const [result] = await conn.query({ sql, values: params, timeout: this.timing.renewTimeoutMs });
        if ((result as mysql.ResultSetHeader).affectedRows === 1) {
          this.trustedUntil = sent + this.timing.trustMs;
          this.unconfirmed = undefined;
          return;
        }
        this.lose(`another run took it over (${await this.describeHolder()}) after it expired: this run did not renew it for ${this.timing.leaseMs / 1000} s (a paused process, or no way through to the cluster)`);
        return;
      } catch (error) {
        if (errnoOf(error) === ER_LOCK_DEADLOCK) continue;
        this.unconfirmed = (error as DriverError).message ?? String(error);
        // A connection that failed or stalled is dropped; the next renewal opens a new one.
        this.conn?.destroy();
        this.conn = undefined;
        return;
      }
    }
  }

  private lose(why: string): RetortError {
    this.lost ??= lockLostError(this.name, why, { fence: this.fence ?? null });
    this.stopHeartbeat();
    return this.lost;
  }

  private async describeHolder(): Promise<string> {
    const holder = await this.holder();
    return holder === undefined ? 'no holder recorded' : `now ${holder.description}`;
  }

  async holder(): Promise<LockHolder | undefined> {
    try {
      const conn = await this.connection();
      const [rows] = await conn.query(...readLeaseSql(this.database, this.key));
      const row = (rows as LeaseRow[])[0];
      if (row === undefined || row.token === null) return undefined;
      const left = Number(row.leftMicros ?? 0) / 1e6;
      const when = left >= 0 ? `expires in ${left.toFixed(1)} s unless renewed` : `expired ${(-left).toFixed(1)} s ago`;
      return {
        description: `retort pid ${row.pid ?? '?'} on ${row.host ?? '?'} (OS user ${row.user ?? '?'}) through Galera node ${row.node ?? '?'}, connection ${row.connectionId ?? '?'}, holding it since ${row.since ?? '?'} (fence ${row.fence}; ${when})`,
        fields: {
          node: row.node, connectionId: row.connectionId === null ? null : Number(row.connectionId), pid: row.pid, host: row.host, user: row.user,
          since: row.since, expiresAt: row.expiresAt, fence: Number(row.fence),
        },
      };
    } catch {
      return undefined;
    }
  }

  async release(): Promise<void> {
    this.stopHeartbeat();
    await this.renewal;
    if (this.fence !== undefined && this.lost === undefined) {
      // Best effort: a lease not released expires on its own.
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await (await this.connection()).query(...releaseSql(this.database, this.key, this.token, this.fence));
          break;
        } catch (error) {
          if (errnoOf(error) !== ER_LOCK_DEADLOCK) break;
        }
      }
    }
    this.fence = undefined;
    const conn = this.conn;
    this.conn = undefined;
    await conn?.end().catch(() => conn.destroy());
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private claim(): LeaseClaim {
    const me = clientIdentity();
    return { name: this.key, token: this.token, leaseMicros: this.timing.leaseMs * 1000, node: this.node.nodeName, pid: process.pid, host: me.host, user: me.user };
  }

  /** The lock connection, reopened after one was dropped (one opening at a time). */
  private async connection(): Promise<mysql.Connection> {
    if (this.conn !== undefined) return this.conn;
    this.opening ??= openSideConnection(this.settings).finally(() => (this.opening = undefined));
    this.conn = await this.opening;
    return this.conn;
  }
}
