/**
 * The statements of the Galera run lease (see `lease.ts`), kept apart so that each one's
 * reasoning sits next to its text. Every write is ONE autocommit statement on the lease row: Galera
 * certifies it against every other node's writes to that row, so of several nodes' concurrent
 * writes exactly one commits (the others fail with error 1213, or, retried by the server
 * (`wsrep_retry_autocommit`), find the row changed and match 0 rows). Times are the server's UTC
 * clock, never the client's.
 */

/** The lease table's name, in the version table's database. */
export const LEASE_TABLE = 'retort_lock';

/** `db`.`retort_lock`, quoted. */
export function leaseTable(database: string): string {
  return `\`${database.replaceAll('`', '``')}\`.\`${LEASE_TABLE}\``;
}

/**
 * One row per version table (`name`). `token` is the holding run's random id (NULL when free);
 * `fence` counts acquisitions and never goes back, so a holder that lost the row can tell;
 * `beats` counts renewals so that every renewal changes the row (and replicates).
 */
export function createLeaseTableSql(database: string): string {
  return `CREATE TABLE IF NOT EXISTS ${leaseTable(database)} (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  token VARCHAR(32) NULL,
  fence BIGINT NOT NULL,
  beats BIGINT NOT NULL DEFAULT 0,
  acquired_at DATETIME(6) NULL,
  expires_at DATETIME(6) NOT NULL,
  node VARCHAR(255) NULL,
  connection_id BIGINT NULL,
  pid INT NULL,
  host VARCHAR(255) NULL,
  os_user VARCHAR(255) NULL
) ENGINE=InnoDB`;
}

/** Who takes the lease, written into the row for the waiters' messages. */
export interface LeaseClaim {
  readonly name: string;
  readonly token: string;
  readonly leaseMicros: number;
  readonly node: string;
  readonly pid: number;
  readonly host: string;
  readonly user: string;
}

const SET_HOLDER = 'token = ?, beats = 0, acquired_at = UTC_TIMESTAMP(6), expires_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND, node = ?, connection_id = CONNECTION_ID(), pid = ?, host = ?, os_user = ?';

function holderParams(claim: LeaseClaim): unknown[] {
  return [claim.token, claim.leaseMicros, claim.node, claim.pid, claim.host, claim.user];
}

/**
 * Take over a free or expired row: the compare-and-set. `fence = LAST_INSERT_ID(fence + 1)` hands
 * the new fence back in the OK packet (`insertId`), so winning costs one round trip.
 */
export function takeOverSql(database: string, claim: LeaseClaim): [string, unknown[]] {
  return [
    `UPDATE ${leaseTable(database)} SET fence = LAST_INSERT_ID(fence + 1), ${SET_HOLDER} WHERE name = ? AND (token IS NULL OR expires_at < UTC_TIMESTAMP(6))`,
    [...holderParams(claim), claim.name],
  ];
}

/**
 * The first lease of a version table: the row does not exist yet. A concurrent first insert on
 * another node makes this fail with 1062 (seen) or 1213 (certification): held.
 */
export function insertLeaseSql(database: string, claim: LeaseClaim): [string, unknown[]] {
  return [
    `INSERT INTO ${leaseTable(database)} SET name = ?, fence = 1, ${SET_HOLDER}`,
    [claim.name, ...holderParams(claim)],
  ];
}

/**
 * The heartbeat: extend the lease only if the row still carries this run's token and fence. 0 rows
 * matched means another run took it over: the lease is lost.
 */
export function renewSql(database: string, name: string, token: string, fence: number, leaseMicros: number): [string, unknown[]] {
  return [
    `UPDATE ${leaseTable(database)} SET beats = beats + 1, expires_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND WHERE name = ? AND token = ? AND fence = ?`,
    [leaseMicros, name, token, fence],
  ];
}

/** Release: only by its holder (token and fence), and the fence stays. */
export function releaseSql(database: string, name: string, token: string, fence: number): [string, unknown[]] {
  return [
    `UPDATE ${leaseTable(database)} SET token = NULL, expires_at = UTC_TIMESTAMP(6) WHERE name = ? AND token = ? AND fence = ?`,
    [name, token, fence],
  ];
}

/** A DATETIME(6) column as ISO-8601 UTC with milliseconds. */
const iso = (column: string) => `CONCAT(LEFT(DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')`;

/** The row as waiters describe it, with the server's clock to measure what is left. */
export function readLeaseSql(database: string, name: string): [string, unknown[]] {
  return [
    `SELECT token, fence, node, connection_id AS connectionId, pid, host, os_user AS user,
            ${iso('acquired_at')} AS since, ${iso('expires_at')} AS expiresAt,
            TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), expires_at) AS leftMicros
       FROM ${leaseTable(database)} WHERE name = ?`,
    [name],
  ];
}
