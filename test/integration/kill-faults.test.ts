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
import { startRetort } from '../support/cli-async.js';
import { createTestDatabase, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';
import { chainIds, chainRevisions, finishAndCheck, follow, quiesce, REVISION_SLEEP_MS } from '../support/fault-chain.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { Random } from '../fuzz/random.js';

const KILLS = 3;
const ids = chainIds('k', 6);

/** A random moment from 300 ms after the start to 100 ms before the chain's sleeps alone end. */
function killMoment(random: Random, dialect: TestDialect): number {
  const span = ids.length * REVISION_SLEEP_MS[dialect] - 400;
  return 300 + Math.floor(random.next() * span);
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
    const project = createTestProject({ url: db.url, transaction }, chainRevisions(dialect, ids));
    projects.push(project);
    const random = new Random(0x6b11 + cases.findIndex(([d, t]) => d === dialect && t === transaction));
    let kills = 0;
    for (let attempt = 0; attempt < KILLS * 3 && kills < KILLS; attempt++) {
      const run = startRetort(project.dir, ['--json', 'upgrade', 'head']);
      // Within the chain's sleeps, which a run of the whole chain cannot finish before: the first
      // attempt is always killed while it runs, however fast the machine. (The window was a fixed
      // 350-1250 ms, and on a fast host the SQLite chain, 0.9 s of sleeps, finished first.)
      await new Promise((r) => setTimeout(r, killMoment(random, dialect)));
      const killed = run.child.kill('SIGKILL');
      const end = await run.done;
      if (killed && end.signal === 'SIGKILL') {
        kills++;
        await quiesce(db);
        continue;
      }
      if (end.code === 2) await follow(db, project, ids, JSON.parse(end.stdout).error);
      else if (end.code === 0) break;
      else throw new Error(`unexpected exit ${end.code}: ${end.stdout} ${end.stderr}`);
    }
    expect(kills).toBeGreaterThanOrEqual(1);
    await finishAndCheck(db, project, ids);
  }, 40_000);
});
