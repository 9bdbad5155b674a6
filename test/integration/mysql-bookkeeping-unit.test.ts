/**
 * MariaDB: the end of a revision is one request (a compound statement, src/dialects/mysql/unit.ts)
 * holding its version change, its history `ok` and the next revision's `running` row, committed
 * together. Checked: the requests a run sends per revision (its CREATE and that one unit, as a
 * tool keeping no history sends a CREATE and an INSERT), the `running` row each revision sees
 * while it runs, a run stopped between a unit and the revision whose row it opened, and the two
 * ways a unit can fail: a version table changed under the run, and a statement of the unit
 * refused by the server. Each names the revision and the statement, and nothing of the unit stays.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, versions } from '../support/assertions.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';
import { whileCalling } from '../support/spy.js';
import { createRetort } from '../../src/index.js';

const table = (name: string) => `  await op.createTable('${name}', { id: integer().primaryKey() });`;
const chainOf = (n: number): RevisionSpec[] => Array.from({ length: n }, (_, i) => ({
  id: `r${String(i).padStart(5, '0')}`, down: i === 0 ? null : `r${String(i - 1).padStart(5, '0')}`, upgrade: table(`t${i}`), imports: ['integer'],
}));

interface HistoryRow { revision: string; status: string; statements: number }
async function history(db: TestDatabase): Promise<HistoryRow[]> {
  const rows = await rawQuery<HistoryRow>(db, 'SELECT revision, status, statements FROM retort_history ORDER BY id');
  return rows.map((r) => ({ revision: r.revision, status: r.status, statements: Number(r.statements) }));
}

/** Counts every request mysql2 sends (one per round trip) while `body` runs. */
async function requestsDuring(body: () => Promise<unknown>): Promise<number> {
  const require = createRequire(import.meta.url);
  // The class every mysql2 connection (pooled, promise-wrapped) sends its queries through.
  const base = require(join(dirname(require.resolve('mysql2')), 'lib/base/connection.js')) as { BaseConnection?: { prototype: object }; prototype?: object };
  let count = 0;
  await whileCalling((base.BaseConnection ?? base).prototype!, 'query', () => count++, body);
  return count;
}

describe('mysql: the end of a revision is one request', () => {
  let db: TestDatabase;
  let project: TestProject | undefined;
  beforeEach(async () => {
    db = await createTestDatabase('mysql', 'retort_unit');
  });
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db.drop();
  });

  it('sends 2 requests per revision (its CREATE, then one unit), every history row ok', async () => {
    const counts: number[] = [];
    for (const n of [3, 6]) {
      const other = await createTestDatabase('mysql', 'retort_unit');
      try {
        const p = createTestProject({ url: other.url }, chainOf(n));
        try {
          counts.push(await requestsDuring(() => p.retort.upgrade('head')));
          expect(await history(other)).toEqual(chainOf(n).map((r) => ({ revision: r.id, status: 'ok', statements: 2 })));
          expect(await versions(other)).toEqual([chainOf(n).at(-1)!.id]);
        } finally {
          p.cleanup();
        }
      } finally {
        await other.drop();
      }
    }
    expect((counts[1]! - counts[0]!) / 3).toBe(2);
  });

  it("each revision's running row is in place before its first statement, with the count so far", async () => {
    await rawQuery(db, 'CREATE TABLE seen (revision VARCHAR(64), status VARCHAR(20), statements INT)');
    const look = (id: string) => `  await op.execute("INSERT INTO seen SELECT revision, status, statements FROM retort_history WHERE revision = '${id}'");`;
    project = createTestProject({ url: db.url }, [
      { id: 'aaa111', down: null, upgrade: `${look('aaa111')}\n${table('t_a')}\n${look('aaa111')}`, imports: ['integer'] },
      { id: 'bbb222', down: 'aaa111', upgrade: `${look('bbb222')}\n${table('t_b')}\n${look('bbb222')}`, imports: ['integer'] },
    ]);
    await project.retort.upgrade('head');
    const seen = await rawQuery<HistoryRow>(db, 'SELECT revision, status, statements FROM seen');
    expect(seen.map((r) => [r.revision, r.status, Number(r.statements)])).toEqual([
      ['aaa111', 'running', 0], ['aaa111', 'running', 2],
      ['bbb222', 'running', 0], ['bbb222', 'running', 2],
    ]);
    expect(await history(db)).toEqual([
      { revision: 'aaa111', status: 'ok', statements: 4 },
      { revision: 'bbb222', status: 'ok', statements: 4 },
    ]);
  });

  it('a version table changed under the run: VersionTableMismatch names the revision and the statement; the unit left nothing', async () => {
    project = createTestProject({ url: db.url }, [
      { id: 'aaa111', down: null, upgrade: table('t_a'), imports: ['integer'] },
      { id: 'bbb222', down: 'aaa111', upgrade: `${table('t_b')}\n  await op.execute("UPDATE retort_version SET version_num = 'zzz'");`, imports: ['integer'] },
      { id: 'ccc333', down: 'bbb222', upgrade: table('t_c'), imports: ['integer'] },
    ]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('VersionTableMismatch');
    expect(error.fields).toMatchObject({ revision: 'bbb222', statementIndex: 3, statementsCommitted: 2, rowsMatched: 0 });
    expect(String(error.fields.statement)).toMatch(/^UPDATE `retort_version`, `retort_history` SET .*'bbb222'/);
    // bbb222 failed with its two statements committed; ccc333's running row was never committed.
    expect(await history(db)).toEqual([
      { revision: 'aaa111', status: 'ok', statements: 2 },
      { revision: 'bbb222', status: 'failed', statements: 2 },
    ]);
    expect(await versions(db)).toEqual(['zzz']);
  });

  it("stopped right after a unit opened the next revision's row: that row says failed with 0 statements, and the next run goes on", async () => {
    project = createTestProject({ url: db.url }, chainOf(3));
    const controller = new AbortController();
    // The signal comes once r00000 is done (its unit also opened r00001's row), before r00001 runs.
    const retort = createRetort({ cwd: project.dir, signal: controller.signal, onEvent: (e) => e.type === 'step-done' && controller.abort('SIGINT') });
    const error = await failure(retort.upgrade('head'));
    expect(error.code).toBe('Interrupted');
    expect(error.message).toContain('before revision r00001: the database is at r00000');
    expect(await versions(db)).toEqual(['r00000']);
    expect(await history(db)).toEqual([
      { revision: 'r00000', status: 'ok', statements: 2 },
      { revision: 'r00001', status: 'failed', statements: 0 },
    ]);
    await project.retort.upgrade('head');
    expect(await versions(db)).toEqual(['r00002']);
  });

  it("a unit statement the server refuses: the error names it; neither the version change nor the next revision's row stays", async () => {
    project = createTestProject({ url: db.url }, chainOf(3));
    await project.retort.upgrade('r00000');
    // The history refuses the running row of r00002, which the unit ending r00001 writes.
    await rawQuery(db, "CREATE TRIGGER no_r2 BEFORE INSERT ON retort_history FOR EACH ROW IF NEW.revision = 'r00002' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no row for r00002'; END IF");
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    expect(error.message).toMatch(/^Upgrade of revision r00001 failed: statement 2 failed: INSERT INTO `retort_history` .*'r00002'.*\n.*no row for r00002/);
    expect(error.fields).toMatchObject({ revision: 'r00001', statementIndex: 2, statementsCommitted: 1 });
    expect(await versions(db)).toEqual(['r00000']);
    expect(await history(db)).toEqual([
      { revision: 'r00000', status: 'ok', statements: 2 },
      { revision: 'r00001', status: 'failed', statements: 1 },
    ]);
  });
});
