/**
 * PostgreSQL, one transaction per revision: a revision costs two requests to the server (its
 * BEGIN travels with its first statement, its bookkeeping statement, prepared, with its COMMIT
 * pipelined after it: postgres-prepared-bookkeeping.test.ts), and every
 * failure still names the statement that failed: the COMMIT (a deferred constraint), the
 * bookkeeping statement (a history row the table refuses), or a script's first statement.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, versions } from '../support/assertions.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';
import { whileCalling } from '../support/spy.js';

const FIRST: RevisionSpec = { id: 'rt0000000001', down: null, message: 'create a', upgrade: "  await op.execute('CREATE TABLE rt_a (n INT)');" };

/** The requests this process sends to PostgreSQL while `body` runs (the library runs in the test's process). */
async function requestsDuring(body: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  await whileCalling(pg.Client.prototype, 'query', ([request]) => {
    // The prepared bookkeeping request (its COMMIT pipelined in it) shows as its statement's text.
    const named = typeof (request as { name?: unknown } | undefined)?.name === 'string';
    seen.push(typeof request === 'string' ? request : `${String((request as { text?: string } | undefined)?.text)}${named ? ';\nCOMMIT' : ''}`);
  }, body);
  return seen;
}

describe('postgres: two requests per revision, failures named exactly', () => {
  let db: TestDatabase;
  let project: TestProject | undefined;
  beforeEach(async () => {
    db = await createTestDatabase('postgres', 'retort_rt');
  });
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db.drop();
  });

  it('sends each revision as BEGIN with its first statement, then its bookkeeping with its COMMIT', async () => {
    const revisions: RevisionSpec[] = [FIRST, ...[2, 3, 4].map((i) => ({
      id: `rt000000000${i}`, down: `rt000000000${i - 1}`, message: `step ${i}`,
      upgrade: `  await op.execute('CREATE TABLE rt_${i} (n INT)');\n  await op.execute('INSERT INTO rt_${i} VALUES (${i})');`,
    }))];
    project = createTestProject({ url: db.url }, revisions);
    await project.retort.upgrade('rt0000000001');
    const sent = await requestsDuring(() => project!.retort.upgrade('head'));
    const from = sent.findIndex((s) => s.startsWith('BEGIN;\nCREATE TABLE rt_2'));
    // From the second revision's first request on: 3 revisions, each 3 requests (2 statements of
    // its own, then bookkeeping and COMMIT); then the run lock's release.
    expect(sent.slice(from, -1).map((s) => s.replace(/^(WITH "retort_version_changed").*;\nCOMMIT$/s, '$1 ...;\nCOMMIT'))).toEqual([
      'BEGIN;\nCREATE TABLE rt_2 (n INT)', 'INSERT INTO rt_2 VALUES (2)', 'WITH "retort_version_changed" ...;\nCOMMIT',
      'BEGIN;\nCREATE TABLE rt_3 (n INT)', 'INSERT INTO rt_3 VALUES (3)', 'WITH "retort_version_changed" ...;\nCOMMIT',
      'BEGIN;\nCREATE TABLE rt_4 (n INT)', 'INSERT INTO rt_4 VALUES (4)', 'WITH "retort_version_changed" ...;\nCOMMIT',
    ]);
    expect(sent.at(-1)).toMatch(/^SELECT pg_advisory_unlock/);
    expect(await versions(db)).toEqual(['rt0000000004']);
    const history = await rawQuery<{ revision: string; status: string; statements: number }>(db, 'SELECT revision, status, statements FROM retort_history ORDER BY id');
    expect(history).toEqual([1, 2, 3, 4].map((i) => ({ revision: `rt000000000${i}`, status: 'ok', statements: i === 1 ? 2 : 3 })));
  });

  it('names the COMMIT when a deferred constraint fails it, and leaves the version table and history truthful', async () => {
    project = createTestProject({ url: db.url }, [FIRST, {
      id: 'rt0000000002', down: 'rt0000000001', message: 'duplicates',
      upgrade: "  await op.execute('CREATE TABLE rt_d (n INT UNIQUE DEFERRABLE INITIALLY DEFERRED)');\n  await op.execute('INSERT INTO rt_d VALUES (1), (1)');",
    }]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    expect(error.fields).toMatchObject({ revision: 'rt0000000002', statement: 'COMMIT', statementIndex: 4, statementsApplied: 3, statementsCommitted: 0 });
    expect(error.message).toContain('statement 4 failed: COMMIT');
    expect(await versions(db)).toEqual(['rt0000000001']);
    const tables = await rawQuery<{ n: number }>(db, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'rt_d'");
    expect(tables[0]!.n).toBe(0);
    const rows = await rawQuery<{ status: string; statements: number }>(db, "SELECT status, statements FROM retort_history WHERE revision = 'rt0000000002'");
    expect(rows).toEqual([{ status: 'failed', statements: 0 }]);
    // Nothing is left to resolve: the next run applies the revision once the script is fixed.
    expect((await project.retort.upgrade('rt0000000001')).steps).toEqual([]);
  });

  it('names the bookkeeping statement, not the COMMIT, when the history table refuses its row', async () => {
    project = createTestProject({ url: db.url }, [FIRST, {
      id: 'rt0000000002', down: 'rt0000000001', message: 'refused',
      upgrade: "  await op.execute(\"ALTER TABLE retort_history ADD CONSTRAINT rt_no CHECK (revision <> 'rt0000000002') NOT VALID\");",
    }]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    expect(error.fields).toMatchObject({ revision: 'rt0000000002', statementIndex: 2, statementsApplied: 1, statementsCommitted: 0 });
    expect(String(error.fields.statement)).toMatch(/^WITH "retort_version_changed" AS \(UPDATE "retort_version" SET "version_num" = 'rt0000000002'/);
    expect(error.message).toContain('violates check constraint "rt_no"');
    // The whole revision rolled back, the constraint with it.
    expect(await versions(db)).toEqual(['rt0000000001']);
    const constraints = await rawQuery<{ n: number }>(db, "SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'rt_no'");
    expect(constraints[0]!.n).toBe(0);
  });

  it("names a revision's first statement when it fails, though its BEGIN travelled with it", async () => {
    project = createTestProject({ url: db.url }, [FIRST, {
      id: 'rt0000000002', down: 'rt0000000001', message: 'bad',
      upgrade: "  await op.execute('CREATE TABLE rt_a (n INT)');",
    }]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.fields).toMatchObject({ revision: 'rt0000000002', statement: 'CREATE TABLE rt_a (n INT)', statementIndex: 1, statementsApplied: 0 });
    expect(error.message).toContain('relation "rt_a" already exists');
    expect(await versions(db)).toEqual(['rt0000000001']);
    // The session is usable after the failed transaction: the failed row was written after the rollback.
    const rows = await rawQuery<{ status: string }>(db, "SELECT status FROM retort_history WHERE revision = 'rt0000000002'");
    expect(rows).toEqual([{ status: 'failed' }]);
  });
});
