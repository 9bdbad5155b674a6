/**
 * SIGKILL at seeded random moments of a chain of data revisions (each inserts a row, then
 * sleeps), per dialect and transaction mode, as separate OS processes. After each kill the test
 * reruns `upgrade head`, and where retort refuses with UnresolvedFailure it follows the message
 * literally: `resolve --applied` when the revision's row is there, `--rolled-back` when it is not.
 * At the end every revision's row exists exactly once, the version table is at head, and every
 * refusal said what the history row and the version table really held.
 *
 * Faults per run: up to KILLS (3) per case, 5 cases: at most 15 SIGKILLs (the count that landed
 * is checked to be at least one per case).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { startRetort } from '../support/cli-async.js';
import { createTestDatabase, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';
import { Random } from '../fuzz/random.js';

const KILLS = 3;
const CHAIN = 6;
const ids = Array.from({ length: CHAIN }, (_, i) => `k${String(i + 1).padStart(11, '0')}`);

/** The insert sleeps inside the statement where the server can, so a kill lands while it runs (and the server commits it anyway). */
function revisions(dialect: TestDialect): RevisionSpec[] {
  return ids.map((id, i) => {
    const body = dialect === 'postgres'
      ? [`  await op.execute("INSERT INTO k_effects (rev) SELECT '${id}' FROM pg_sleep(0.12)");`, "  await op.execute('SELECT pg_sleep(0.08)');"]
      : dialect === 'mysql'
        ? [`  await op.execute("INSERT INTO k_effects (rev) SELECT '${id}' FROM (SELECT SLEEP(0.12)) s");`, "  await op.execute('SELECT SLEEP(0.08)');"]
        : [`  await op.execute("INSERT INTO k_effects (rev) VALUES ('${id}')");`, '  await new Promise((r) => setTimeout(r, 150));', "  await op.execute('SELECT 1');"];
    return { id, down: i === 0 ? null : ids[i - 1]!, message: `fill ${i + 1}`, upgrade: body.join('\n') };
  });
}

/** Until the killed run's sessions are gone from the server (a statement may finish after its client died). */
async function quiesce(db: TestDatabase): Promise<void> {
  const sql = db.dialect === 'postgres'
    ? 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'
    : db.dialect === 'mysql' ? 'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()' : undefined;
  if (sql === undefined) return;
  for (let i = 0; i < 100; i++) {
    if (Number((await rawQuery<{ n: number }>(db, sql))[0]?.n) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the killed run left sessions on the server');
}

const effects = async (db: TestDatabase, rev: string) => Number((await rawQuery<{ n: number }>(db, `SELECT COUNT(*) AS n FROM k_effects WHERE rev = '${rev}'`))[0]?.n);
const heads = async (db: TestDatabase) => (await rawQuery<{ v: string }>(db, 'SELECT version_num AS v FROM retort_version').catch(() => [])).map((r) => r.v);

/** A refusal: check that it tells the truth, then do what it says. */
async function follow(db: TestDatabase, project: TestProject, error: Record<string, any>): Promise<void> {
  expect(error.code).toBe('UnresolvedFailure');
  const rev = String(error.revision);
  const n = await effects(db, rev);
  expect(n).toBeLessThanOrEqual(1);
  const rows = await rawQuery<{ status: string; statements: number }>(db, `SELECT status, statements FROM retort_history WHERE revision = '${rev}' ORDER BY id DESC`);
  expect(error.status).toBe(rows[0]!.status);
  if (error.status === 'running') expect(error.message).toContain("still says 'running'");
  // The certain count never exceeds what happened; an effect beyond it is announced as possible.
  if (Number(error.statementsApplied) >= 1) expect(n).toBe(1);
  if (n === 1 && Number(error.statementsApplied) === 0) expect(error.statementMayHaveCommitted).toBe(1);
  const current = await heads(db);
  const claims = current.length > 0 && ids.indexOf(current[0]!) >= ids.indexOf(rev);
  expect(error.versionTableClaims).toBe(claims);
  const resolved = retort(project.dir, ['resolve', rev, n === 1 ? '--applied' : '--rolled-back']);
  expect(resolved.code, resolved.stderr).toBe(0);
}

const cases: Array<[TestDialect, 'per-migration' | 'none']> = [
  ['sqlite', 'per-migration'], ['sqlite', 'none'], ['postgres', 'per-migration'], ['postgres', 'none'], ['mysql', 'per-migration'],
];

describe('SIGKILL at random moments', () => {
  const dbs: TestDatabase[] = [];
  const projects: TestProject[] = [];
  afterAll(async () => {
    for (const p of projects) p.cleanup();
    for (const db of dbs) await db.drop();
  });

  it.each(cases)('%s, transaction %s: every revision exactly once, version and history truthful', async (dialect, transaction) => {
    const db = await createTestDatabase(dialect, 'retort_kf');
    dbs.push(db);
    await rawQuery(db, 'CREATE TABLE k_effects (rev VARCHAR(64) NOT NULL)');
    const project = createTestProject({ url: db.url, transaction }, revisions(dialect));
    projects.push(project);
    const random = new Random(0x6b11 + cases.findIndex(([d, t]) => d === dialect && t === transaction));
    let kills = 0;
    for (let attempt = 0; attempt < KILLS * 3 && kills < KILLS; attempt++) {
      const run = startRetort(project.dir, ['--json', 'upgrade', 'head']);
      await new Promise((r) => setTimeout(r, 350 + Math.floor(random.next() * 900)));
      const killed = run.child.kill('SIGKILL');
      const end = await run.done;
      if (killed && end.signal === 'SIGKILL') {
        kills++;
        await quiesce(db);
        continue;
      }
      if (end.code === 2) await follow(db, project, JSON.parse(end.stdout).error);
      else if (end.code === 0) break;
      else throw new Error(`unexpected exit ${end.code}: ${end.stdout} ${end.stderr}`);
    }
    for (let i = 0; ; i++) {
      const final = retort(project.dir, ['--json', 'upgrade', 'head']);
      if (final.code === 0) break;
      expect(i).toBeLessThan(3);
      await follow(db, project, final.json().error);
    }
    expect(kills).toBeGreaterThanOrEqual(1);
    for (const id of ids) expect(await effects(db, id), id).toBe(1);
    expect(await heads(db)).toEqual([ids.at(-1)]);
    const history = await rawQuery<{ revision: string; status: string }>(db, 'SELECT revision, status FROM retort_history ORDER BY id');
    const last = new Map(history.map((r) => [r.revision, r.status]));
    for (const id of ids) expect(['ok', 'resolved-applied']).toContain(last.get(id));
  }, 40_000);
});
