/**
 * Ten replicas booting at once on a three-node Galera cluster, as separate OS processes spread
 * over the nodes, each running `retort upgrade head` on a 50-revision chain of DDL and data
 * revisions: every process exits 0, each revision's effect happens exactly once, the history is
 * all `ok`, and every node's version table is at head. Repeated on fresh databases.
 * Needs the built CLI and the cluster (`.ci/run` starts both).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetort } from '../../src/index.js';
import { startRetort } from '../support/cli-async.js';
import { assertClusterUp, createClusterDatabase, GALERA_PORTS, nodeQuery, type ClusterDatabase } from '../support/galera.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const REVISIONS = 50;
const PROCESSES = 10;
const ROUNDS = 3;
const rev = (n: number) => `c${String(n).padStart(11, '0')}`;

/** Data revisions: each adds one to gl_counter.c, so a second run of one shows in the count. */
const isData = (i: number) => i % 4 === 3;

/**
 * Revision i (1-based) logs itself in gl_log, and does one of: DDL that would repeat silently
 * (CREATE TABLE IF NOT EXISTS), DDL that fails when repeated (createTable, addColumn), or data.
 */
function chain(): RevisionSpec[] {
  return Array.from({ length: REVISIONS }, (_, k) => {
    const i = k + 1;
    const log = `  await op.execute('INSERT INTO gl_log (n) VALUES (${i})');`;
    let body: string;
    if (i === 1) {
      body = [
        "  await op.createTable('gl_log', { id: integer().primaryKey().autoIncrement(), n: integer().notNull() });",
        "  await op.createTable('gl_counter', { id: integer().primaryKey(), c: integer().notNull() });",
        "  await op.execute('INSERT INTO gl_counter (id, c) VALUES (1, 0)');",
      ].join('\n');
    } else if (i % 4 === 0) body = `  await op.execute('CREATE TABLE IF NOT EXISTS gl_t${i} (id integer PRIMARY KEY)');`;
    else if (i % 4 === 1) body = `  await op.createTable('gl_u${i}', { id: integer().primaryKey(), label: varchar(20) });`;
    else if (i % 4 === 2) body = `  await op.addColumn('gl_counter', 'c${i}', integer());`;
    else body = "  await op.execute('UPDATE gl_counter SET c = c + 1 WHERE id = 1');";
    return { id: rev(i), down: i === 1 ? null : rev(i - 1), message: `step ${i}`, imports: ['integer', 'varchar'], upgrade: `${body}\n${log}` };
  });
}

describe('Galera: concurrent upgrades over three nodes', () => {
  let project: TestProject;
  const databases: ClusterDatabase[] = [];

  beforeAll(async () => {
    await assertClusterUp();
    project = createTestProject({ url: 'mysql://unused@127.0.0.1:1/none' }, chain());
  });
  afterAll(async () => {
    project?.cleanup();
    for (const db of databases) await db.drop().catch(() => undefined);
  });

  it(`${PROCESSES} processes apply each of ${REVISIONS} revisions exactly once, ${ROUNDS} times`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const db = await createClusterDatabase('retort_glc');
      databases.push(db);
      const runs = await Promise.all(
        Array.from({ length: PROCESSES }, (_, p) => startRetort(project.dir, ['--url', db.url(p), 'upgrade', 'head', '--lock-timeout', '120s']).done),
      );
      for (const [p, run] of runs.entries()) expect(run.code, `round ${round}, process ${p} (node ${(p % GALERA_PORTS.length) + 1}):\n${run.stderr}`).toBe(0);

      const [log] = await nodeQuery<{ total: number; distinct_n: number }>(0, db.name, 'SELECT COUNT(*) AS total, COUNT(DISTINCT n) AS distinct_n FROM gl_log');
      expect({ round, ...log }).toEqual({ round, total: REVISIONS, distinct_n: REVISIONS });
      const [counter] = await nodeQuery<{ c: number }>(1, db.name, 'SELECT c FROM gl_counter WHERE id = 1');
      expect(counter!.c).toBe(Array.from({ length: REVISIONS }, (_, k) => k + 1).filter((i) => i > 1 && isData(i)).length);
      const history = await nodeQuery<{ revision: string; direction: string; status: string }>(2, db.name, 'SELECT revision, direction, status FROM retort_history ORDER BY id');
      expect(history.map((h) => h.revision).sort()).toEqual(Array.from({ length: REVISIONS }, (_, k) => rev(k + 1)));
      expect(history.filter((h) => h.status !== 'ok' || h.direction !== 'up')).toEqual([]);
      for (let node = 0; node < GALERA_PORTS.length; node++) {
        const versions = await nodeQuery<{ version_num: string }>(node, db.name, 'SELECT version_num FROM retort_version');
        expect({ node, versions: versions.map((v) => v.version_num) }).toEqual({ node, versions: [rev(REVISIONS)] });
      }
      // Exactly one process ran each revision; the others found nothing left to do.
      const applied = runs.map((run) => (run.stderr.match(/^Running upgrade /gm) ?? []).length);
      expect(applied.reduce((a, b) => a + b, 0)).toBe(REVISIONS);
    }
  }, 150_000);

  it('a no-op upgrade issues no statement at all, DDL least (each would be a cluster-wide barrier)', async () => {
    const db = await createClusterDatabase('retort_glc');
    databases.push(db);
    await createRetort({ cwd: project.dir, url: db.url(0) }).upgrade('head');
    for (let node = 0; node < GALERA_PORTS.length; node++) {
      const run = await startRetort(project.dir, ['--url', db.url(node), 'upgrade', 'head', '-v']).done;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).toMatch(/Nothing to upgrade/);
      // -v prints every statement a run executes, indented.
      expect({ node, statements: run.stderr.split('\n').filter((line) => /^\s+\S/.test(line)) }).toEqual({ node, statements: [] });
    }
  }, 30_000);
});
