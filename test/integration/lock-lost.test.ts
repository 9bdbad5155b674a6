/**
 * The run lock's connection killed from the server side in the middle of a run
 * (`pg_terminate_backend`, `KILL`), with a second run started at once: the first stops with
 * `LockLost` before its next statement, and each data revision takes effect exactly once. And a
 * version-table UPDATE that matches no row fails the revision instead of being committed.
 * Separate OS processes against the real servers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { startRetort, waitFor } from '../support/cli-async.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const ids = ['l00000000001', 'l00000000002', 'l00000000003'];

function chain(dialect: 'postgres' | 'mysql'): RevisionSpec[] {
  const sleep = dialect === 'postgres' ? 'SELECT pg_sleep(0.7)' : 'SELECT SLEEP(0.7)';
  return ids.map((id, i) => ({
    id, down: i === 0 ? null : ids[i - 1]!, message: `lock ${i + 1}`,
    upgrade: `  await op.execute("INSERT INTO l_effects (rev) VALUES ('${id}')");\n  await op.execute('${sleep}');`,
  }));
}

const killLockSql = {
  postgres: `SELECT pg_terminate_backend(pid) AS done FROM pg_locks WHERE locktype = 'advisory' AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  mysql: '',
};

describe('a lock connection killed mid-run', () => {
  const dbs: TestDatabase[] = [];
  const projects: TestProject[] = [];
  afterAll(async () => {
    for (const p of projects) p.cleanup();
    for (const db of dbs) await db.drop();
  });

  it.each(['postgres', 'mysql'] as const)('%s: the run stops with LockLost, a second run finishes, each revision once', async (dialect) => {
    const db = await createTestDatabase(dialect, 'retort_ll');
    dbs.push(db);
    await rawQuery(db, 'CREATE TABLE l_effects (rev VARCHAR(64) NOT NULL)');
    const project = createTestProject({ url: db.url }, chain(dialect));
    projects.push(project);
    const first = startRetort(project.dir, ['--json', 'upgrade', 'head']);
    // Inside the first revision's sleep.
    const sleeping = dialect === 'postgres'
      ? "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(0.7)%' AND state = 'active'"
      : "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE 'SELECT SLEEP(0.7)%'";
    await waitFor('the first revision to sleep', async () => Number((await rawQuery<{ n: number }>(db, sleeping))[0]?.n) > 0);
    if (dialect === 'postgres') {
      expect((await rawQuery<{ done: boolean }>(db, killLockSql.postgres))[0]?.done).toBe(true);
    } else {
      const id = (await rawQuery<{ id: number | null }>(db, `SELECT IS_USED_LOCK('retort:${db.name}.retort_version') AS id`))[0]?.id;
      expect(id).not.toBeNull();
      await rawQuery(db, `KILL ${Number(id)}`);
    }
    // A second run takes the freed lock at once.
    const second = startRetort(project.dir, ['--json', 'upgrade', 'head']);
    const a = await first.done;
    expect(a.code, a.stdout + a.stderr).toBe(1);
    expect(JSON.parse(a.stdout).error.code).toBe('LockLost');
    let b = await second.done;
    if (b.code === 2) {
      // MariaDB: the first revision's insert committed before the lock was found lost; its row stays running.
      const error = JSON.parse(b.stdout).error;
      expect(error).toMatchObject({ code: 'UnresolvedFailure', revision: ids[0], status: 'running', versionTableClaims: false });
      expect(retort(project.dir, ['resolve', ids[0]!, '--applied']).code).toBe(0);
      const again = retort(project.dir, ['--json', 'upgrade', 'head']);
      b = { ...b, code: again.code, stdout: again.stdout };
    }
    expect(b.code, b.stdout).toBe(0);
    for (const id of ids) expect(Number((await rawQuery<{ n: number }>(db, `SELECT COUNT(*) AS n FROM l_effects WHERE rev = '${id}'`))[0]?.n), id).toBe(1);
    expect((await rawQuery<{ v: string }>(db, 'SELECT version_num AS v FROM retort_version')).map((r) => r.v)).toEqual([ids[2]]);
  }, 30_000);

  it.each(['sqlite', 'postgres', 'mysql'] as const)('%s: a version UPDATE matching no row fails the revision', async (dialect) => {
    const db = await createTestDatabase(dialect, 'retort_vm');
    dbs.push(db);
    // The second revision empties the version table, as a foreign writer would during the run.
    const project = createTestProject({ url: db.url }, [
      { id: 'v00000000001', down: null, upgrade: "  await op.execute('CREATE TABLE v_t (n INT)');" },
      { id: 'v00000000002', down: 'v00000000001', upgrade: "  await op.execute('DELETE FROM retort_version');" },
    ]);
    projects.push(project);
    const run = retort(project.dir, ['--json', 'upgrade', 'head']);
    expect(run.code, run.stdout).toBe(1);
    expect(run.json().error).toMatchObject({ code: 'VersionTableMismatch', revision: 'v00000000002', rowsMatched: 0 });
    const versions = (await rawQuery<{ v: string }>(db, 'SELECT version_num AS v FROM retort_version')).map((r) => r.v);
    // Transactional DDL rolls the whole revision back; MariaDB keeps the DELETE, and says so in the history.
    if (dialect === 'mysql') {
      expect(versions).toEqual([]);
      const refused = retort(project.dir, ['--json', 'upgrade', 'head']);
      expect(refused.json().error).toMatchObject({ code: 'UnresolvedFailure', revision: 'v00000000002', status: 'failed', statementsApplied: 1 });
    } else {
      expect(versions).toEqual(['v00000000001']);
    }
  }, 30_000);
});
