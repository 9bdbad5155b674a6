/**
 * What a run's session does on a Galera node: it reads what another node has just committed
 * (causal reads), it replicates its DDL to every node even where the node's default is RSU (with
 * a message), and a certification conflict on retort's own history writes is retried, never
 * reported as the script's failure. Needs the built CLI and the cluster (`.ci/run` starts both).
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetort } from '../../src/index.js';
import { startRetort, waitFor } from '../support/cli-async.js';
import { assertClusterUp, createClusterDatabase, GALERA_PORTS, nodeConnection, nodeQuery, type ClusterDatabase } from '../support/galera.js';
import { createTestProject, type TestProject } from '../support/project.js';

describe('Galera: a run\'s session', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  beforeAll(assertClusterUp);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function setup(revisions: Parameters<typeof createTestProject>[1]): Promise<{ db: ClusterDatabase; project: TestProject }> {
    const db = await createClusterDatabase('retort_gls');
    const project = createTestProject({ url: db.url(0) }, revisions);
    cleanups.push(() => db.drop(), () => project.cleanup());
    return { db, project };
  }

  it('reads what another node has just committed', async () => {
    const { db, project } = await setup([{ id: 'bbbbbbbbbbb0', down: null }, { id: 'bbbbbbbbbbb1', down: 'bbbbbbbbbbb0' }]);
    await project.retort.stamp('bbbbbbbbbbb1');
    const writer = await nodeConnection(0, db.name);
    const reader = createRetort({ cwd: project.dir, url: db.url(1) });
    const stale: string[] = [];
    try {
      for (let i = 0; i < 200; i++) {
        const version = `bbbbbbbbbbb${i % 2}`;
        await writer.query('UPDATE retort_version SET version_num = ?', [version]);
        // Straight after the commit on node 1, through node 2: no stale version.
        const { current } = await reader.current();
        if (current[0] !== version) stale.push(`${version}: read ${current.join(', ')}`);
      }
    } finally {
      await writer.end();
    }
    expect(stale).toEqual([]);
  }, 60_000);

  it('replicates its DDL to every node when the node defaults to RSU, and says so', async () => {
    const { db, project } = await setup([{
      id: 'bbbbbbbbbbb2', down: null, message: 'ddl', imports: ['integer'],
      upgrade: "  await op.createTable('everywhere', { id: integer().primaryKey() });\n  await op.execute('INSERT INTO everywhere (id) VALUES (1)');",
    }]);
    const node3 = await nodeConnection(2);
    await node3.query("SET GLOBAL wsrep_OSU_method = 'RSU'");
    let run;
    try {
      run = await startRetort(project.dir, ['--url', db.url(2), 'upgrade', 'head']).done;
    } finally {
      // Restored at once: the cluster is shared with the other Galera test files.
      await node3.query("SET GLOBAL wsrep_OSU_method = 'TOI'");
      await node3.end();
    }
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("Galera node node3 has wsrep_OSU_method=RSU: retort's session uses TOI instead");
    for (let node = 0; node < GALERA_PORTS.length; node++) {
      expect({ node, rows: await nodeQuery(node, db.name, 'SELECT id FROM everywhere') }).toEqual({ node, rows: [{ id: 1 }] });
      expect({ node, history: await nodeQuery(node, db.name, 'SELECT status FROM retort_history') }).toEqual({ node, history: [{ status: 'ok' }] });
    }
    const [size] = await nodeQuery<{ Value: string }>(2, db.name, "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'");
    expect(Number(size!.Value)).toBe(GALERA_PORTS.length);
  }, 30_000);

  it('retries its history writes over a certification conflict with another node, and reports the revision as it ran', async () => {
    const STATEMENTS = 40;
    const { db, project } = await setup([{
      id: 'bbbbbbbbbbb3', down: null, message: 'many statements', imports: ['integer'],
      upgrade: [
        "  await op.createTable('steps', { id: integer().primaryKey() });",
        `  for (let i = 1; i < ${STATEMENTS}; i++) await op.execute(\`INSERT INTO steps (id) VALUES (\${i})\`);`,
      ].join('\n'),
    }]);
    // Another node keeps writing the running history row (a column of its own, so retort's values stay).
    await project.retort.stamp('base');
    await nodeQuery(1, db.name, 'ALTER TABLE retort_history ADD COLUMN touched INT NOT NULL DEFAULT 0');
    const hammers = [1, 2].map(async (node) => {
      const conn = await mysql.createConnection(db.url(node));
      return conn;
    });
    const conns = await Promise.all(hammers);
    let stop = false;
    const conflicts = { writes: 0 };
    const loops = conns.map(async (conn) => {
      while (!stop) {
        await conn.query("UPDATE retort_history SET touched = touched + 1 WHERE status = 'running'").then(() => conflicts.writes++, () => undefined);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    });
    const run = startRetort(project.dir, ['--url', db.url(0), 'upgrade', 'head']);
    await waitFor('the other nodes to write the running row', () => conflicts.writes > 0 || run.output().stderr.includes('Done'), 20_000).catch(() => undefined);
    const done = await run.done;
    stop = true;
    await Promise.all(loops);
    for (const conn of conns) await conn.end();
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).not.toMatch(/the script threw/);
    const [row] = await nodeQuery<{ status: string; statements: number; touched: number }>(0, db.name, "SELECT status, statements, touched FROM retort_history WHERE revision = 'bbbbbbbbbbb3'");
    expect(row).toMatchObject({ status: 'ok', statements: STATEMENTS + 1 });
    // The other nodes did write the row while it ran: the conflicts were there to retry.
    expect(row!.touched).toBeGreaterThan(0);
    expect(await nodeQuery(2, db.name, 'SELECT COUNT(*) AS n FROM steps')).toEqual([{ n: STATEMENTS - 1 }]);
  }, 60_000);
});
