/**
 * What the chain fault suites share (kill-faults.test.ts: SIGKILL; proxy-faults.test.ts: network
 * cuts and stalls): a chain of data revisions, each inserting its row into `k_effects` (sleeping
 * inside the statement where the server can, so a fault lands while it runs) and then sleeping;
 * the wait for a faulted run's sessions to leave the server; following a refusal literally; and
 * the final checks (each revision's effect exactly once, the version table at head, history ok).
 */
import { expect } from 'vitest';
import { retort } from './cli.js';
import { rawQuery, type TestDatabase, type TestDialect } from './databases.js';
import type { RevisionSpec, TestProject } from './project.js';

/** `length` revision ids of the chain, `<prefix>00000000001`... */
export function chainIds(prefix: string, length: number): string[] {
  return Array.from({ length }, (_, i) => `${prefix}${String(i + 1).padStart(12 - prefix.length, '0')}`);
}

/**
 * The time each revision of the chain sleeps, in milliseconds: a floor under a whole run's length
 * whatever the machine's speed (`ids.length` times this), which a fault's moment must stay under
 * to land while the run is still going.
 */
export const REVISION_SLEEP_MS: Readonly<Record<TestDialect, number>> = Object.freeze({ postgres: 200, mysql: 200, sqlite: 150 });

/** The chain's revisions: each inserts its id into k_effects, then sleeps ({@link REVISION_SLEEP_MS} in all). */
export function chainRevisions(dialect: TestDialect, ids: readonly string[]): RevisionSpec[] {
  // On a server: 60% of the sleep inside the data statement (a fault lands while it runs), the rest after it.
  const total = REVISION_SLEEP_MS[dialect];
  const inside = ((total * 0.6) / 1000).toFixed(3);
  const after = ((total * 0.4) / 1000).toFixed(3);
  return ids.map((id, i) => {
    const body = dialect === 'postgres'
      ? [`  await op.execute("INSERT INTO k_effects (rev) SELECT '${id}' FROM pg_sleep(${inside})");`, `  await op.execute('SELECT pg_sleep(${after})');`]
      : dialect === 'mysql'
        ? [`  await op.execute("INSERT INTO k_effects (rev) SELECT '${id}' FROM (SELECT SLEEP(${inside})) s");`, `  await op.execute('SELECT SLEEP(${after})');`]
        : [`  await op.execute("INSERT INTO k_effects (rev) VALUES ('${id}')");`, `  await new Promise((r) => setTimeout(r, ${total}));`, "  await op.execute('SELECT 1');"];
    return { id, down: i === 0 ? null : ids[i - 1]!, message: `fill ${i + 1}`, upgrade: body.join('\n') };
  });
}

/** Until a faulted run's sessions are gone from the server (a statement may finish after its client died). */
export async function quiesce(db: TestDatabase, timeoutMs = 5_000): Promise<void> {
  const sql = db.dialect === 'postgres'
    ? 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'
    : db.dialect === 'mysql' ? 'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()' : undefined;
  if (sql === undefined) return;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (Number((await rawQuery<{ n: number }>(db, sql))[0]?.n) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the faulted run left sessions on the server');
}

/** How many times revision `rev`'s row is in k_effects. */
export const effects = async (db: TestDatabase, rev: string): Promise<number> =>
  Number((await rawQuery<{ n: number }>(db, `SELECT COUNT(*) AS n FROM k_effects WHERE rev = '${rev}'`))[0]?.n);

/** The version table's rows (none before it exists). */
export const heads = async (db: TestDatabase): Promise<string[]> =>
  (await rawQuery<{ v: string }>(db, 'SELECT version_num AS v FROM retort_version').catch(() => [])).map((r) => r.v);

/** A refusal: check that it tells the truth, then do what it says (`--applied` when the row is there, else `--rolled-back`). */
export async function follow(db: TestDatabase, project: TestProject, ids: readonly string[], error: Record<string, any>): Promise<void> {
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

/** Upgrade to head directly (following at most three refusals), then the final checks of the chain. */
export async function finishAndCheck(db: TestDatabase, project: TestProject, ids: readonly string[]): Promise<void> {
  for (let i = 0; ; i++) {
    const final = retort(project.dir, ['--json', 'upgrade', 'head']);
    if (final.code === 0) break;
    expect(i, final.stdout + final.stderr).toBeLessThan(3);
    await follow(db, project, ids, final.json().error);
  }
  for (const id of ids) expect(await effects(db, id), id).toBe(1);
  expect(await heads(db)).toEqual([ids.at(-1)]);
  const history = await rawQuery<{ revision: string; status: string }>(db, 'SELECT revision, status FROM retort_history ORDER BY id');
  const last = new Map(history.map((r) => [r.revision, r.status]));
  for (const id of ids) expect(['ok', 'resolved-applied']).toContain(last.get(id));
}
