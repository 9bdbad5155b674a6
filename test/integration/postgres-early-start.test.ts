/**
 * PostgreSQL, one transaction per revision: the next revision's script starts while the current
 * revision's bookkeeping and COMMIT are in flight (runtime/early-start.ts), and whatever it sends
 * waits until that COMMIT succeeded and its own transaction is open. Checked here: when the
 * COMMIT fails, nothing of the next revision reaches the server (its statements, its queries
 * through `db`, even those it makes after catching the first failure), and the run reports the
 * revision that failed; when it succeeds, a query through `db` made before the revision's
 * first statement runs inside the revision's transaction.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, versions } from '../support/assertions.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';
import { pgRequestsDuring as requestsDuring } from '../support/spy.js';

const FIRST: RevisionSpec = {
  id: 'es0000000001', down: null, message: 'log table',
  upgrade: "  await op.execute('CREATE TABLE es_log (n INT)');",
};

/** Fails at its COMMIT (a deferred unique constraint), after a pause that lets the next module load. */
const FAILS_AT_COMMIT: RevisionSpec = {
  id: 'es0000000002', down: 'es0000000001', message: 'duplicates',
  upgrade: [
    "  await op.execute('CREATE TABLE es_d (n INT UNIQUE DEFERRABLE INITIALLY DEFERRED)');",
    "  await op.execute('SELECT pg_sleep(0.3)');",
    "  await op.execute('INSERT INTO es_d VALUES (1), (1)');",
  ].join('\n'),
};

/** What the third revision's script saw, written where the test reads it. */
interface Seen { earlyErrors?: string[] }
const seen = globalThis as Seen;

describe('postgres: the next revision started during the COMMIT of the one before', () => {
  let db: TestDatabase;
  let project: TestProject | undefined;
  beforeEach(async () => {
    db = await createTestDatabase('postgres', 'retort_es');
    seen.earlyErrors = [];
  });
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db.drop();
  });

  it('sends nothing of the next revision when the COMMIT before it fails, even what its script tries after catching', async () => {
    project = createTestProject({ url: db.url }, [FIRST, FAILS_AT_COMMIT, {
      id: 'es0000000003', down: 'es0000000002', message: 'never runs',
      upgrade: [
        "  const seen = globalThis as { earlyErrors?: string[] };",
        "  try { await db.insertInto('es_log').values({ n: 3 }).execute(); } catch (e) { seen.earlyErrors?.push(String(e)); }",
        "  try { await op.execute('CREATE TABLE es_never (n INT)'); } catch (e) { seen.earlyErrors?.push(String(e)); }",
        "  try { await db.insertInto('es_log').values({ n: 4 }).execute(); } catch (e) { seen.earlyErrors?.push(String(e)); }",
        "  await op.execute('CREATE TABLE es_never_either (n INT)');",
      ].join('\n'),
    }]);
    await project.retort.upgrade('es0000000001');
    let error: Error & { code?: string; fields?: Record<string, unknown> } = new Error('no failure');
    const sent = await requestsDuring(async () => {
      error = await failure(project!.retort.upgrade('head'));
    });
    // The run reports the COMMIT that failed, as when the next revision started only after it.
    expect(error.code).toBe('MigrationFailed');
    expect(error.fields).toMatchObject({ revision: 'es0000000002', statement: 'COMMIT', statementsCommitted: 0 });
    // The third script did start early (during that COMMIT): each of its requests failed, unsent.
    expect(seen.earlyErrors).toHaveLength(3);
    for (const text of seen.earlyErrors!) expect(text).toContain('Revision es0000000003 did not run: the run stopped before it');
    expect(sent.filter((s) => /es_never|es_log/.test(s))).toEqual([]);
    expect(await versions(db)).toEqual(['es0000000001']);
    const tables = await rawQuery<{ tablename: string }>(db, "SELECT tablename FROM pg_tables WHERE tablename LIKE 'es\\_%' ORDER BY 1");
    expect(tables.map((t) => t.tablename)).toEqual(['es_log']);
    expect(await rawQuery(db, 'SELECT n FROM es_log')).toEqual([]);
    const history = await rawQuery<{ revision: string; status: string }>(db, 'SELECT revision, status FROM retort_history ORDER BY id');
    expect(history).toEqual([{ revision: 'es0000000001', status: 'ok' }, { revision: 'es0000000002', status: 'failed' }]);
  });

  it("runs a query the next script makes through db before its first statement inside that revision's transaction", async () => {
    project = createTestProject({ url: db.url }, [FIRST, {
      id: 'es0000000002', down: 'es0000000001', message: 'slow',
      upgrade: "  await op.execute('SELECT pg_sleep(0.3)');",
    }, {
      id: 'es0000000003', down: 'es0000000002', message: 'logs then fails',
      upgrade: "  await db.insertInto('es_log').values({ n: 3 }).execute();\n  await op.execute('CREATE TABLE es_log (n INT)');",
    }]);
    await project.retort.upgrade('es0000000001');
    let error: Error & { code?: string; fields?: Record<string, unknown> } = new Error('no failure');
    const sent = await requestsDuring(async () => {
      error = await failure(project!.retort.upgrade('head'));
    });
    expect(error.fields).toMatchObject({ revision: 'es0000000003', statement: 'CREATE TABLE es_log (n INT)', statementIndex: 1 });
    // Its BEGIN went ahead of the query (alone: a query with parameters cannot carry it), once
    // the revision before it had committed.
    const insert = sent.findIndex((s) => s.startsWith('insert into "es_log"'));
    expect(sent.slice(insert - 2, insert + 1).map((s) => s.replace(/^(WITH "retort_version_changed").*'es0000000002'.*;\nCOMMIT$/s, '$1 ...es0000000002...;\nCOMMIT'))).toEqual([
      'WITH "retort_version_changed" ...es0000000002...;\nCOMMIT', 'BEGIN', 'insert into "es_log" ("n") values ($1)',
    ]);
    // The revision rolled back whole: the row its query wrote went with it.
    expect(await rawQuery(db, 'SELECT n FROM es_log')).toEqual([]);
    expect(await versions(db)).toEqual(['es0000000002']);
  });
});
