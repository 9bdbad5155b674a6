/**
 * The three-node MariaDB Galera cluster the tests run on (started by `.ci/run` from
 * `scripts/galera/ensure-cluster.sh`: client ports 3341-3343, root with an empty password). A
 * cluster that does not answer, or answers with fewer than three synced nodes, fails the test
 * loudly; it never skips.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/** The client ports of the nodes (RETORT_TEST_GALERA_PORTS="3341,3342,3343" to point elsewhere). */
export const GALERA_PORTS = (process.env.RETORT_TEST_GALERA_PORTS ?? '3341,3342,3343').split(',').map(Number);

/** The URL of `database` through node `index` (0-based). */
export function nodeUrl(index: number, database: string): string {
  return `mysql://root@127.0.0.1:${GALERA_PORTS[index % GALERA_PORTS.length]}/${database}`;
}

/**
 * A connection to node `index`. Reads wait until the node has applied every write set the
 * cluster had ordered when the read began (`wsrep_sync_wait = 1`), so an assertion never reads a
 * node that is a few milliseconds behind; DDL replicates in total order even while a test has
 * set a node's default method to RSU.
 */
export async function nodeConnection(index: number, database?: string): Promise<mysql.Connection> {
  const port = GALERA_PORTS[index % GALERA_PORTS.length];
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', ...(database ? { database } : {}) }).catch((e: Error) => {
    throw new Error(`Galera node ${index + 1} is not reachable on 127.0.0.1:${port}: ${e.message}. Start the cluster: scripts/galera/ensure-cluster.sh (as root; see README).`);
  });
  await conn.query("SET SESSION wsrep_sync_wait = 1, wsrep_OSU_method = 'TOI'");
  return conn;
}

/** Run one query on node `index` and return its rows. */
export async function nodeQuery<R = Record<string, unknown>>(index: number, database: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const conn = await nodeConnection(index, database);
  try {
    const [rows] = await conn.query(sql, params);
    return (Array.isArray(rows) ? rows : []) as R[];
  } finally {
    await conn.end();
  }
}

/** Fails unless every node answers, is Synced and sees a cluster of all the nodes. */
export async function assertClusterUp(): Promise<void> {
  for (let i = 0; i < GALERA_PORTS.length; i++) {
    const conn = await nodeConnection(i);
    try {
      const [rows] = await conn.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_local_state_comment')");
      const status = Object.fromEntries((rows as Array<{ Variable_name: string; Value: string }>).map((r) => [r.Variable_name.toLowerCase(), r.Value]));
      if (Number(status.wsrep_cluster_size) !== GALERA_PORTS.length || status.wsrep_local_state_comment !== 'Synced') {
        throw new Error(`Galera node ${i + 1} (port ${GALERA_PORTS[i]}) is not a synced member of a ${GALERA_PORTS.length}-node cluster: ${JSON.stringify(status)}`);
      }
    } finally {
      await conn.end();
    }
  }
}

/** A fresh database on the cluster (created through node 1, replicated to all). */
export interface ClusterDatabase {
  readonly name: string;
  /** The database's URL through node `index`. */
  url(index: number): string;
  drop(): Promise<void>;
}

export async function createClusterDatabase(prefix = 'retort_gl'): Promise<ClusterDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const conn = await nodeConnection(0);
  try {
    await conn.query(`CREATE DATABASE \`${name}\``);
  } finally {
    await conn.end();
  }
  // The other nodes apply the CREATE a moment later: wait (causal read) until each has it, so that
  // a connection naming the database never reaches a node that does not know it yet.
  for (let i = 1; i < GALERA_PORTS.length; i++) await nodeQuery(i, 'information_schema', 'SELECT SCHEMA_NAME FROM SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
  return {
    name,
    url: (index) => nodeUrl(index, name),
    drop: async () => {
      const c = await nodeConnection(0);
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}
