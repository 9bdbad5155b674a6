/**
 * The Galera run lease, with separate OS processes on different nodes: a lease held elsewhere
 * makes `--lock-timeout` exit 4 naming its holder; a run whose lease is taken over (stolen, or
 * expired while its process was paused) stops before its next statement and writes nothing more;
 * a killed holder's lease frees after its length and the next run tells the truth about it.
 * Needs the built CLI and the cluster (`.ci/run` starts both).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLeaseTableSql } from '../../src/dialects/mysql/lease-sql.js';
import { startRetort, waitFor, type RunningRetort } from '../support/cli-async.js';
import { assertClusterUp, createClusterDatabase, nodeQuery, type ClusterDatabase } from '../support/galera.js';
import { createTestProject, type TestProject } from '../support/project.js';

/** Short, so that expiries cost the suite little time. */
const LEASE_SECONDS = 2;

/** One revision: a table, a first mark, a long statement, a second mark. */
function markRevision(sleepSeconds: number) {
  return {
    id: 'aaaaaaaaaaa1', down: null, message: 'marks', imports: ['integer'],
    upgrade: [
      "  await op.createTable('marks', { n: integer().primaryKey() });",
      "  await op.execute('INSERT INTO marks (n) VALUES (1)');",
      `  await op.execute('SELECT SLEEP(${sleepSeconds})');`,
      "  await op.execute('INSERT INTO marks (n) VALUES (2)');",
    ].join('\n'),
  };
}

interface Fixture {
  db: ClusterDatabase;
  project: TestProject;
  /** `retort ARGS` through node `node` (0-based). */
  run(node: number, args: string[]): RunningRetort;
}

const fixtures: Fixture[] = [];

async function fixture(sleepSeconds = 3): Promise<Fixture> {
  const db = await createClusterDatabase('retort_gll');
  const project = createTestProject({ url: db.url(0), lockLease: LEASE_SECONDS }, [markRevision(sleepSeconds)]);
  const f = { db, project, run: (node: number, args: string[]) => startRetort(project.dir, ['--url', db.url(node), ...args]) };
  fixtures.push(f);
  return f;
}

const marks = async (db: ClusterDatabase) => (await nodeQuery<{ n: number }>(2, db.name, 'SELECT n FROM marks ORDER BY n')).map((r) => r.n);
const historyRows = (db: ClusterDatabase) =>
  nodeQuery<{ revision: string; status: string; statements: number; error: string | null }>(2, db.name, 'SELECT revision, status, statements, error FROM retort_history ORDER BY id');
const leaseRow = async (db: ClusterDatabase) =>
  (await nodeQuery<{ token: string | null; fence: number; expired: number }>(1, db.name, 'SELECT token, fence, expires_at < UTC_TIMESTAMP(6) AS expired FROM retort_lock'))[0];
const sleeping = async (db: ClusterDatabase, node: number) =>
  (await nodeQuery(node, db.name, "SELECT 1 FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'SELECT SLEEP(%'", [db.name])).length > 0;

describe('Galera: the run lease', () => {
  beforeAll(assertClusterUp);
  afterEach(async () => {
    for (const f of fixtures.splice(0)) {
      f.project.cleanup();
      await f.db.drop().catch(() => undefined);
    }
  });

  it('exits 4 after --lock-timeout while another run holds the lease, naming it and running nothing', async () => {
    const { db, run } = await fixture();
    // A live lease of a run on another node, as retort writes it.
    await nodeQuery(2, db.name, createLeaseTableSql(db.name));
    await nodeQuery(2, db.name,
      "INSERT INTO retort_lock SET name = 'retort_version', token = 'elsewhere', fence = 7, acquired_at = UTC_TIMESTAMP(6), expires_at = UTC_TIMESTAMP(6) + INTERVAL 1 HOUR, node = 'node3', connection_id = 99, pid = 4242, host = 'web-7', os_user = 'deploy'");
    const waited = await run(0, ['upgrade', 'head', '--lock-timeout', '2s', '--json']).done;
    expect(waited.code, waited.stderr).toBe(4);
    const { error } = JSON.parse(waited.stdout);
    expect(error).toMatchObject({
      code: 'LockTimeout', lockTimeoutSeconds: 2, lock: `Galera lease 'retort_version' in \`${db.name}\`.retort_lock`,
      holder: { pid: 4242, host: 'web-7', user: 'deploy', node: 'node3', connectionId: 99, fence: 7 },
    });
    expect(error.message).toMatch(/held by retort pid 4242 on web-7 \(OS user deploy\) through Galera node node3, connection 99, holding it since .*\(fence 7; expires in \d+\.\d s unless renewed\)\. Nothing was executed\.$/);
    expect(await nodeQuery(1, db.name, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN ('retort_version', 'marks')", [db.name])).toEqual([]);
  }, 30_000);

  it('a run whose lease is taken over during a statement stops before the next one and writes nothing more', async () => {
    const { db, run } = await fixture(3);
    const victim = run(0, ['upgrade', 'head', '-v']);
    await waitFor('the long statement', () => sleeping(db, 0));
    // Another run takes the lease over (as after an expiry), from another node.
    await nodeQuery(1, db.name, "UPDATE retort_lock SET token = 'thief', fence = fence + 1, expires_at = UTC_TIMESTAMP(6) + INTERVAL 1 HOUR, pid = 5151, host = 'thief-host' WHERE name = 'retort_version'");
    const done = await victim.done;
    expect(done.code, done.stderr).toBe(1);
    expect(done.stderr).toMatch(/\[LockLost\] Upgrade of revision aaaaaaaaaaa1, statement 4: Lost the run lock \(Galera lease 'retort_version' in `[^`]+`\.retort_lock\): another run took it over \(now retort pid 5151 on thief-host .*fence 2; expires in/);
    expect(await marks(db)).toEqual([1]);
    // Nothing written after the take-over: the row still counts the two statements before the sleep.
    expect(await historyRows(db)).toEqual([expect.objectContaining({ revision: 'aaaaaaaaaaa1', status: 'running', statements: 2 })]);
    expect(done.stderr).not.toMatch(/INSERT INTO marks \(n\) VALUES \(2\)/);
  }, 30_000);

  it('a holder paused past its lease stops before its next statement, after another run took the lease', async () => {
    const { db, run } = await fixture(2);
    const paused = run(0, ['upgrade', 'head', '-v']);
    await waitFor('the long statement', () => sleeping(db, 0));
    paused.child.kill('SIGSTOP');
    try {
      await waitFor('the paused run\'s lease to expire', async () => (await leaseRow(db))?.expired === 1, 15_000);
      // The next run, on another node, takes the lease and finds the paused run's revision unfinished.
      const next = await run(1, ['upgrade', 'head', '--json']).done;
      expect(next.code, next.stderr).toBe(2);
      expect(JSON.parse(next.stdout).error).toMatchObject({ code: 'UnresolvedFailure', revision: 'aaaaaaaaaaa1', status: 'running', statementsApplied: 2 });
    } finally {
      paused.child.kill('SIGCONT');
    }
    const done = await paused.done;
    expect(done.code, done.stderr).toBe(1);
    expect(done.stderr).toMatch(/\[LockLost\]/);
    expect(await marks(db)).toEqual([1]);
    // The row stays as the paused run left it (the second run changes no row it does not own),
    // and the paused run, its lease lost, did not write over it either.
    const [row] = await historyRows(db);
    expect(row).toMatchObject({ status: 'running', statements: 2 });
    expect(await leaseRow(db)).toMatchObject({ token: null, fence: 2 });
  }, 40_000);

  it('a killed holder\'s lease frees after its length; the next run names the holder it waited for and the truth', async () => {
    const { db, run } = await fixture(30); // killed long before the sleep ends
    const victim = run(0, ['upgrade', 'head']);
    await waitFor('the long statement', () => sleeping(db, 0));
    // The next run starts while the victim holds the lease, and is waiting before the kill: on a
    // loaded machine a run started after it could come too late to see the 2 s lease held at all.
    const waiting = run(2, ['upgrade', 'head', '--lock-timeout', '20s']);
    await waitFor('the next run to wait for the lease', () => /Waiting for the run lock/.test(waiting.output().stderr), 20_000);
    victim.child.kill('SIGKILL');
    await victim.done;
    const next = await waiting.done;
    expect(next.stderr).toMatch(new RegExp(`Waiting for the run lock \\(Galera lease 'retort_version' .*held by retort pid ${victim.child.pid} `));
    expect(next.code, next.stderr).toBe(2);
    expect(next.stderr).toMatch(/\[UnresolvedFailure\] Revision aaaaaaaaaaa1 did not finish its upgrade: its history row \(.*\) still says 'running'.* 2 statement\(s\) of it committed for certain/);
    expect(await marks(db)).toEqual([1]);
    expect(await historyRows(db)).toEqual([expect.objectContaining({ status: 'running', statements: 2 })]);
    expect(await leaseRow(db)).toMatchObject({ token: null, fence: 2 });
  }, 40_000);
});
