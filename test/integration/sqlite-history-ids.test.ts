/**
 * History ids on SQLite handed out from a block reserved once per run (src/dialects/sqlite/
 * history-ids.ts): the key's high-water mark in sqlite_sequence is written in the run's first
 * transaction, past every id the run will use, instead of by every revision's commit. The
 * guarantee of AUTOINCREMENT stays: ids increase in the order rows are written and are never
 * given twice, after rows deleted by hand, a failure half-way and an op.noTransaction block too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure } from '../support/assertions.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const create = (name: string, extra = '') => `  await op.createTable('${name}', { id: integer().primaryKey(), note: varchar(20) });${extra}`;
const rev = (id: string, down: string | null, upgrade: string, table: string): RevisionSpec => ({
  id, down, message: `rev ${id}`, upgrade, downgrade: `  await op.dropTable('${table}');`, imports: ['integer', 'varchar'],
});
/** Keeps what the key's high-water mark says while the second revision runs. */
const seen = "\n  await op.execute(\"CREATE TABLE seen AS SELECT seq FROM sqlite_sequence WHERE name = 'retort_history'\");";
const revA = rev('aaa111', null, create('t_a'), 't_a');
const revB = rev('bbb222', 'aaa111', create('t_b', seen), 't_b');
const revC = rev('ccc333', 'bbb222', create('t_c'), 't_c');
const revD = rev('ddd444', 'ccc333', create('t_d'), 't_d');
const badD = rev('ddd444', 'ccc333', create('t_d', "\n  await op.execute('INSERT INTO no_such_table VALUES (1)');"), 't_d');
const partialB = rev('bbb222', 'aaa111', create('t_b', "\n  await op.noTransaction(async () => {\n    await op.execute('CREATE TABLE t_nt (x INTEGER)');\n  });"), 't_b');

interface Row { id: number; revision: string; status: string }
const rows = async (db: TestDatabase) => (await rawQuery<Row>(db, 'SELECT id, revision, status FROM retort_history ORDER BY rowid')).map((r) => ({ ...r, id: Number(r.id) }));
const seq = async (db: TestDatabase) => Number((await rawQuery<{ seq: number }>(db, "SELECT seq FROM sqlite_sequence WHERE name = 'retort_history'"))[0]?.seq);
/** The ids in the order the rows were written (rowid is the id: INTEGER PRIMARY KEY). */
const increasing = (ids: number[]) => ids.every((id, i) => i === 0 || id > ids[i - 1]!);

describe('history ids on SQLite', () => {
  let db: TestDatabase;
  let project: TestProject | undefined;
  beforeEach(async () => {
    db = await createTestDatabase('sqlite', 'retort_ids');
  });
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db.drop();
  });

  it('writes the high-water mark once per run, past every id the run uses, in its first revision', async () => {
    project = createTestProject({ url: db.url }, [revA, revB, revC]);
    await project.retort.upgrade('head');
    // While the second revision ran, the mark already covered all three rows: the commits of the
    // second and third rows did not write it (SQLite writes it only for an id above it).
    expect(Number((await rawQuery<{ seq: number }>(db, 'SELECT seq FROM seen'))[0]?.seq)).toBe(3);
    expect(await rows(db)).toEqual([
      { id: 1, revision: 'aaa111', status: 'ok' }, { id: 2, revision: 'bbb222', status: 'ok' }, { id: 3, revision: 'ccc333', status: 'ok' },
    ]);
    expect(await seq(db)).toBe(3);
  });

  it('keeps ids increasing and never gives one twice: rows deleted by hand, a failure half-way, op.noTransaction', async () => {
    // bbb222's row is a `running` row committed by its op.noTransaction block, then made `ok`.
    project = createTestProject({ url: db.url }, [revA, partialB, revC, badD]);
    expect((await failure(project.retort.upgrade('head'))).code).toBe('MigrationFailed');
    const first = await rows(db);
    expect(first.map((r) => [r.revision, r.status])).toEqual([['aaa111', 'ok'], ['bbb222', 'ok'], ['ccc333', 'ok'], ['ddd444', 'failed']]);
    expect(increasing(first.map((r) => r.id))).toBe(true);
    const failedId = first[3]!.id;
    // The newest rows deleted by hand: their ids are not given again.
    await rawQuery(db, 'DELETE FROM retort_history WHERE id >= ?', [first[2]!.id]);
    project.write(revD);
    await project.retort.upgrade('head');
    await project.retort.downgrade('-1');
    const after = await rows(db);
    expect(after.map((r) => [r.revision, r.status])).toEqual([['aaa111', 'ok'], ['bbb222', 'ok'], ['ddd444', 'ok'], ['ddd444', 'ok']]);
    expect(after[2]!.id).toBeGreaterThan(failedId);
    expect(increasing(after.map((r) => r.id))).toBe(true);
    expect(await seq(db)).toBeGreaterThanOrEqual(after.at(-1)!.id);
  });
});
