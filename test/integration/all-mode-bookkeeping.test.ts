/**
 * `transaction: 'all'` on the dialects with transactional DDL: the version and history rows of
 * the run wait and are written together (runtime/deferred-bookkeeping.ts). What a user can check
 * stays as with a write at the end of each revision: the same history rows (values, order, ids)
 * and version rows as a per-migration run of the same chain, a failure naming its revision and
 * statement with everything rolled back and the failed revision in the history, a script that
 * changes the version table stopped at its own revision, a stop on a signal rolling back all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRetort } from '../../src/index.js';
import { failure, versions } from '../support/assertions.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';
import { GROUP_SIZE } from '../../src/runtime/deferred-bookkeeping.js';

const create = (name: string) => `  await op.createTable('${name}', { id: integer().primaryKey(), note: varchar(20) });`;
const rev = (id: string, down: string | readonly string[] | null, upgrade: string): RevisionSpec => ({ id, down, upgrade, imports: ['integer', 'varchar'] });

/** The history rows as a user reads them, without the timing values (they differ between any two runs). */
async function historyRows(db: TestDatabase): Promise<unknown[][]> {
  const rows = await rawQuery<Record<string, unknown>>(db, 'SELECT id, revision, direction, checksum, db_user, db_host, retort_version, status, statements, error, started_at FROM retort_history ORDER BY id');
  for (const row of rows) expect(row.started_at, 'every row has its start time').not.toBeNull();
  return rows.map((r) => [Number(r.id), r.revision, r.direction, r.checksum, r.db_user, r.db_host, r.retort_version, r.status, Number(r.statements), r.error]);
}

/** A statement of retort's own tables, said shortly; undefined for any other. */
function bookkeeping(sql: string): string | undefined {
  const version = /^(?:INSERT INTO "retort_version" \("version_num"\) VALUES \('(\w+)'\)|UPDATE "retort_version" SET "version_num" = '(\w+)' WHERE "version_num" = '(\w+)')$/.exec(sql);
  if (version) return version[1] !== undefined ? `version: insert ${version[1]}` : `version: ${version[3]} -> ${version[2]}`;
  if (sql.startsWith('INSERT INTO "retort_history"')) return `history: ${[...sql.matchAll(/\((?:\d+, )?'(\w+)', 'up', .*?'(ok|running)', \d+, NULL\)/g)].map((m) => `${m[1]} ${m[2]}`).join(', ')}`;
  const combined = /^WITH .* SET "version_num" = '(\w+)' WHERE "version_num" = '(\w+)'/.exec(sql);
  if (combined) return `version and history: ${combined[2]} -> ${combined[1]}`;
  return /^(INSERT|UPDATE|DELETE|WITH)\b.*retort_(version|history)/s.test(sql) ? `unexpected: ${sql}` : undefined;
}

async function userTables(db: TestDatabase): Promise<string[]> {
  const sqlText = db.dialect === 'sqlite'
    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't\\_%' ESCAPE '\\'"
    : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 't\\_%'";
  return (await rawQuery<{ name: string }>(db, sqlText)).map((r) => r.name).sort();
}

describe.each(['sqlite', 'postgres'] as const)("transaction: 'all' on %s", (dialect) => {
  const dbs: TestDatabase[] = [];
  let project: TestProject | undefined;
  const database = async () => {
    const db = await createTestDatabase(dialect, 'retort_allbk');
    dbs.push(db);
    return db;
  };
  beforeEach(() => {
    dbs.length = 0;
  });
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    for (const db of dbs) await db.drop();
  });

  it('writes the same history and version rows as a per-migration run, in far fewer statements', async () => {
    // A branch point and a merge (several version rows), raw SQL (which writes what waited at
    // once), and on PostgreSQL an op.noTransaction block (which commits the run part-way).
    const noTransaction = dialect === 'postgres'
      ? "  await op.noTransaction(async () => {\n    await op.execute('CREATE INDEX CONCURRENTLY ix_t_d ON t_d (note)');\n  });"
      : "  await op.createIndex('ix_t_d', 't_d', ['note']);";
    const chain = [
      rev('a00001', null, create('t_a')),
      rev('b00002', 'a00001', create('t_b')),
      rev('c00003', 'b00002', create('t_c')),
      rev('left04', 'c00003', create('t_left')),
      rev('right5', 'c00003', create('t_right')),
      rev('merge6', ['left04', 'right5'], "  await op.execute(\"INSERT INTO t_a (id, note) VALUES (1, 'merged')\");"),
      rev('d00007', 'merge6', create('t_d')),
      rev('e00008', 'd00007', noTransaction),
      rev('f00009', 'e00008', create('t_f')),
      rev('g00010', 'f00009', create('t_g')),
    ];
    const perMigration = await database();
    project = createTestProject({ url: perMigration.url }, chain);
    const order = (await project.retort.upgrade('head')).steps.map((s) => s.revision);
    project.cleanup();

    const all = await database();
    project = createTestProject({ url: all.url, transaction: 'all' }, chain);
    const result = await project.retort.upgrade('head');
    // Each revision's statements, its version changes included (merge6: its INSERT and two changes).
    expect(result.steps.map((s) => [s.revision, s.statements])).toEqual(order.map((id) => [id, id === 'merge6' ? 3 : 2]));
    expect(await versions(all)).toEqual(['g00010']);
    expect(await versions(all)).toEqual(await versions(perMigration));
    expect(await historyRows(all)).toEqual(await historyRows(perMigration));
    expect((await historyRows(all)).map((r) => [r[1], r[7], r[8]])).toEqual(order.map((id) => [id, 'ok', id === 'merge6' ? 3 : 2]));

    // What the run sent: the first revision's rows at its end (they check the table holds what
    // the run read); the rest wait for the raw SQL of merge6, the op.noTransaction commit
    // (PostgreSQL) or the end: each time one version change and one INSERT of the waiting rows.
    const sent = project.events.flatMap((e) => (e.type === 'statement' ? [bookkeeping(e.sql)] : [])).filter((s) => s !== undefined);
    expect(sent).toEqual([
      'version: insert a00001', 'history: a00001 ok',
      'version: a00001 -> merge6', `history: ${order.slice(1, 6).map((id) => `${id} ok`).join(', ')}`,
      ...(dialect === 'postgres'
        // e00008's op.noTransaction: d00007's rows are written before it commits; e00008 then
        // opens and ends its own `running` row, as in every mode.
        ? ['version: merge6 -> d00007', 'history: d00007 ok', 'history: e00008 running', 'version and history: d00007 -> e00008',
          'version: e00008 -> g00010', 'history: f00009 ok, g00010 ok']
        : ['version: merge6 -> g00010', 'history: d00007 ok, e00008 ok, f00009 ok, g00010 ok']),
    ]);
  });

  it('a failing revision rolls the whole run back, is named with its statement, and is the only row in the history', async () => {
    const db = await database();
    project = createTestProject({ url: db.url, transaction: 'all' }, [
      rev('a00001', null, create('t_a')),
      rev('b00002', 'a00001', create('t_b')),
      rev('c00003', 'b00002', `${create('t_c')}\n  await op.execute('INSERT INTO no_such_table VALUES (1)');`),
      rev('d00004', 'c00003', create('t_d')),
    ]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    expect(error.message).toMatch(/^Upgrade of revision c00003 failed: statement 2 (at \S+ )?failed: INSERT INTO no_such_table VALUES \(1\)\n/);
    expect(error.fields).toMatchObject({ revision: 'c00003', statementsApplied: 1, statementIndex: 2, statementsCommitted: 0, statement: 'INSERT INTO no_such_table VALUES (1)' });
    // It says that the revisions before it went with it, and where the database is: not "the
    // version table still names the revisions applied before this one", which held only per revision.
    expect(error.message).toMatch(/\n  The run was one transaction \(transaction: 'all'\), rolled back whole: with c00003, the 2 revision\(s\) it applied before \(a00001, b00002\) are undone, and the database is at base \(no revision\)\.$/);
    expect(error.fields).toMatchObject({ rolledBack: ['a00001', 'b00002'], current: [] });
    expect(error.hint).toBe('Fix the script or the database, then run the command again: it applies them all again.');
    expect(await versions(db)).toEqual([]);
    expect(await userTables(db)).toEqual([]);
    expect((await historyRows(db)).map((r) => [r[1], r[7], r[8]])).toEqual([['c00003', 'failed', 0]]);
    // The next run starts from scratch and applies everything.
    project.write(rev('c00003', 'b00002', create('t_c')));
    await project.retort.upgrade('head');
    expect(await versions(db)).toEqual(['d00004']);
    expect((await historyRows(db)).map((r) => [r[1], r[7]])).toEqual([['c00003', 'failed'], ['a00001', 'ok'], ['b00002', 'ok'], ['c00003', 'ok'], ['d00004', 'ok']]);
  });

  it("a failure after an earlier revision's op.noTransaction says what stays and what to resolve", async () => {
    const db = await database();
    project = createTestProject({ url: db.url, transaction: 'all' }, [
      rev('a00001', null, create('t_a')),
      rev('b00002', 'a00001', `${create('t_b')}\n  await op.noTransaction(async () => { await op.execute('CREATE TABLE t_nt (x integer)'); });\n${create('t_b2')}`),
      rev('c00003', 'b00002', create('t_c')),
      rev('d00004', 'c00003', "  await op.execute('INSERT INTO no_such_table VALUES (1)');"),
    ]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    // b00002's block committed a00001, t_b and t_nt; t_b2, c00003 and d00004 went with the rollback.
    expect(await userTables(db)).toEqual(['t_a', 't_b', 't_nt']);
    expect(await versions(db)).toEqual(['a00001']);
    expect(error.message).toMatch(/\n  The run was one transaction \(transaction: 'all'\) that b00002's op.noTransaction committed part-way: what ran up to the end of that block stays, the rest of b00002 is undone, the 1 revision\(s\) it applied before \(c00003\) are undone, and the version table holds a00001; the history records b00002 as failed, with the statements that stay, until it is resolved\.$/);
    expect(error.fields).toMatchObject({ rolledBack: ['c00003'], current: ['a00001'], partlyCommitted: 'b00002' });
    expect(error.hint).toMatch(/^Finish or undo b00002 by hand, then `retort resolve b00002 --applied`/);
    // b00002's `ok` went with the rollback: its row says failed, with its 2 statements that stay.
    const rows = await historyRows(db);
    expect(rows.map((r) => [r[1], r[7], r[8]])).toEqual([['a00001', 'ok', 2], ['b00002', 'failed', 2], ['d00004', 'failed', 0]]);
    expect(rows[1]![9]).toMatch(/^Rolled back with the run's transaction after 2 statement\(s\) of it committed \(op.noTransaction\), when a later revision failed: Upgrade of revision d00004 failed/);
    // As it says: the next run refuses until b00002 is resolved, and names what stays of it.
    const refused = await failure(project.retort.upgrade('head'));
    expect(refused.code).toBe('UnresolvedFailure');
    expect(refused.message).toContain('b00002');
    expect(refused.message).toContain('2 statement(s)');
  });

  it('a failed downgrade says which downgrades went with it, and the database is where the run began', async () => {
    const db = await database();
    project = createTestProject({ url: db.url, transaction: 'all' }, [
      rev('a00001', null, create('t_a')),
      { ...rev('b00002', 'a00001', create('t_b')), downgrade: "  await op.execute('DROP TABLE no_such_table');" },
      rev('c00003', 'b00002', create('t_c')),
      rev('d00004', 'c00003', create('t_d')),
    ].map((spec) => ({ downgrade: `  await op.dropTable('t_${spec.id[0]}');`, ...spec })));
    await project.retort.upgrade('head');
    const error = await failure(project.retort.downgrade('base'));
    expect(error.message).toMatch(/^Downgrade of revision b00002 failed: /);
    expect(error.message).toMatch(/\n  The run was one transaction \(transaction: 'all'\), rolled back whole: with b00002, the 2 downgrade\(s\) it ran before \(of d00004, c00003\) are undone, and the database is at d00004\.$/);
    expect(error.fields).toMatchObject({ rolledBack: ['d00004', 'c00003'], current: ['d00004'] });
    expect(await versions(db)).toEqual(['d00004']);
    expect(await userTables(db)).toEqual(['t_a', 't_b', 't_c', 't_d']);
  });

  it('a script that empties the version table is stopped at its own revision', async () => {
    const db = await database();
    project = createTestProject({ url: db.url, transaction: 'all' }, [
      rev('a00001', null, create('t_a')),
      rev('b00002', 'a00001', create('t_b')),
      rev('c00003', 'b00002', "  await op.execute('DELETE FROM retort_version');"),
      rev('d00004', 'c00003', create('t_d')),
    ]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('VersionTableMismatch');
    expect(error.fields).toMatchObject({ revision: 'c00003', rowsMatched: 0, statement: `UPDATE "retort_version" SET "version_num" = 'c00003' WHERE "version_num" = 'a00001'` });
    expect(await versions(db)).toEqual([]);
    expect((await historyRows(db)).map((r) => [r[1], r[7]])).toEqual([['c00003', 'failed']]);
  });

  it('stopped by a signal between revisions, it rolls everything back and says where the database is', async () => {
    const db = await database();
    project = createTestProject({ url: db.url, transaction: 'all' }, ['a00001', 'b00002', 'c00003', 'd00004'].map((id, i, ids) => rev(id, i === 0 ? null : ids[i - 1]!, create(`t_${id}`))));
    const controller = new AbortController();
    const retort = createRetort({ cwd: project.dir, signal: controller.signal, onEvent: (e) => e.type === 'step-done' && e.result.revision === 'b00002' && controller.abort('SIGINT') });
    const error = await failure(retort.upgrade('head'));
    expect(error.code).toBe('Interrupted');
    expect(error.message).toContain('before revision c00003: the database is at base (no revision)');
    expect(error.fields).toMatchObject({ revision: 'c00003', current: [] });
    expect(await versions(db)).toEqual([]);
    expect(await userTables(db)).toEqual([]);
    expect(await historyRows(db)).toEqual([]);
  });

  if (dialect === 'sqlite') it(`writes at most ${GROUP_SIZE} revisions' rows at once`, async () => {
    const db = await database();
    const ids = Array.from({ length: GROUP_SIZE + 2 }, (_, i) => `r${String(i).padStart(5, '0')}`);
    project = createTestProject({ url: db.url, transaction: 'all' }, ids.map((id, i) => ({ id, down: i === 0 ? null : ids[i - 1]! })));
    await project.retort.upgrade('head');
    const sent = project.events.flatMap((e) => (e.type === 'statement' ? [bookkeeping(e.sql)] : [])).filter((s) => s !== undefined);
    const rows = (from: number, to: number) => `history: ${ids.slice(from, to).map((id) => `${id} ok`).join(', ')}`;
    // The first at once; then a full group; then the last one.
    expect(sent).toEqual([
      `version: insert ${ids[0]}`, rows(0, 1),
      `version: ${ids[0]} -> ${ids[GROUP_SIZE]}`, rows(1, GROUP_SIZE + 1),
      `version: ${ids[GROUP_SIZE]} -> ${ids[GROUP_SIZE + 1]}`, rows(GROUP_SIZE + 1, GROUP_SIZE + 2),
    ]);
    expect((await historyRows(db)).map((r) => [r[0], r[1], r[7], r[8]])).toEqual(ids.map((id, i) => [i + 1, id, 'ok', 1]));
    expect(await versions(db)).toEqual([ids.at(-1)]);
  }, 30_000);
});
