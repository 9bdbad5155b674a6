/**
 * The history table against the real servers: its rows after upgrade, downgrade and stamp
 * (every column, the file's sha256), a revision that fails on its second statement (rolled back
 * whole where DDL is transactional; on MariaDB recorded as failed with what committed, refused
 * until resolved either way), and an applied revision whose file was edited (refused until
 * accepted).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, versions } from '../support/assertions.js';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, revisionSource, type RevisionSpec, type TestProject } from '../support/project.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const table = (name: string) => `  await op.createTable('${name}', { id: integer().primaryKey(), note: varchar(20) });`;
const revA: RevisionSpec = { id: 'aaa111', down: null, message: 'create a', upgrade: table('t_a'), downgrade: "  await op.dropTable('t_a');", imports: ['integer', 'varchar'] };
const revB: RevisionSpec = { id: 'bbb222', down: 'aaa111', message: 'create b', upgrade: table('t_b'), downgrade: "  await op.dropTable('t_b');", imports: ['integer', 'varchar'] };
/** Creates t_c, then fails on its second statement. */
const badC: RevisionSpec = {
  id: 'ccc333', down: 'bbb222', message: 'fails half way', imports: ['integer', 'varchar'],
  upgrade: `${table('t_c')}\n  await op.execute('INSERT INTO no_such_table VALUES (1)');`, downgrade: "  await op.dropTable('t_c');",
};
const fixedC: RevisionSpec = { ...badC, upgrade: `${table('t_c')}\n  await op.execute("INSERT INTO t_c (id, note) VALUES (1, 'fixed')");` };

interface Row { id: number; revision: string; direction: string; checksum: string | null; started_at: unknown; duration_ms: number | null; db_user: string | null; db_host: string | null; retort_version: string | null; status: string; statements: number; error: string | null }

async function history(db: TestDatabase): Promise<Row[]> {
  const rows = await rawQuery<Row>(db, 'SELECT * FROM retort_history ORDER BY id');
  return rows.map((r) => ({ ...r, id: Number(r.id), statements: Number(r.statements), duration_ms: r.duration_ms === null ? null : Number(r.duration_ms) }));
}

async function hasTable(db: TestDatabase, name: string): Promise<boolean> {
  const sqlText =
    db.dialect === 'sqlite' ? 'SELECT name FROM sqlite_master WHERE type = \'table\' AND name = ?'
    : db.dialect === 'postgres' ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1"
    : 'SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?';
  return (await rawQuery(db, sqlText, [name])).length === 1;
}

describe.each(DIALECTS)('history on %s', (dialect) => {
  let db: TestDatabase;
  let project: TestProject | undefined;
  beforeEach(async () => {
    db = await createTestDatabase(dialect, 'retort_hist');
  });
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db.drop();
  });

  it('records every upgrade, downgrade and stamp with the file\'s sha256, who, when and how long', async () => {
    project = createTestProject({ url: db.url }, [revA, revB]);
    const pathA = project.write(revA);
    const pathB = project.write(revB);
    const before = Date.now();
    await project.retort.upgrade('head');
    await project.retort.downgrade('-1');
    await project.retort.stamp('bbb222');
    const rows = await history(db);
    expect(rows.map((r) => [r.revision, r.direction, r.status, r.checksum])).toEqual([
      ['aaa111', 'up', 'ok', sha(pathA)],
      ['bbb222', 'up', 'ok', sha(pathB)],
      ['bbb222', 'down', 'ok', sha(pathB)],
      ['bbb222', 'stamp', 'ok', sha(pathB)],
    ]);
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
    for (const row of rows) {
      expect(row.retort_version).toBe(version);
      expect(row.db_user).toBe(dialect === 'sqlite' ? (await import('node:os')).userInfo().username : dialect === 'postgres' ? 'postgres' : 'root');
      expect(row.db_host).toBeTruthy();
      expect(row.error).toBeNull();
      expect(row.duration_ms).toBeGreaterThanOrEqual(0);
    }
    // CREATE TABLE, then the version-table INSERT: two statements.
    expect(rows[0]!.statements).toBe(2);
    const started = (await project.retort.appliedHistory()).applied.map((r) => Date.parse(r.startedAt!));
    for (const t of started) expect(Math.abs(t - before)).toBeLessThan(60_000);
    // Newest first, as the rows of the table.
    expect((await project.retort.appliedHistory()).applied.map((r) => r.id)).toEqual(rows.map((r) => r.id).reverse());
  });

  it('keeps the history when a DBA applies the offline script by hand', async () => {
    project = createTestProject({ url: db.url }, [revA, revB]);
    const pathA = project.write(revA);
    const pathB = project.write(revB);
    const offline = await project.retort.upgrade('head', { sql: true });
    // One connection per statement here, so the script's transaction brackets are left out.
    for (const sql of offline.statements!) if (!/^(BEGIN|COMMIT)/.test(sql)) await rawQuery(db, sql);
    const rows = await history(db);
    expect(rows.map((r) => [r.revision, r.direction, r.status, r.checksum, r.duration_ms, r.statements])).toEqual([
      ['aaa111', 'up', 'ok', sha(pathA), null, 2],
      ['bbb222', 'up', 'ok', sha(pathB), null, 2],
    ]);
    for (const row of rows) {
      expect(row.started_at).not.toBeNull();
      if (dialect !== 'sqlite') expect(row.db_user).toBe(dialect === 'postgres' ? 'postgres' : 'root');
    }
    expect(await versions(db)).toEqual(['bbb222']);
    // The database is as an online run leaves it: nothing to do, no checksum complaint.
    expect((await project.retort.upgrade('head')).steps).toEqual([]);
  });

  it('records a revision that fails on its second statement, and refuses to run over a half-applied one until resolved', async () => {
    project = createTestProject({ url: db.url }, [revA, revB, badC]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    expect(await versions(db)).toEqual(['bbb222']);
    const failed = (await history(db)).at(-1)!;
    expect([failed.revision, failed.direction, failed.status]).toEqual(['ccc333', 'up', 'failed']);
    expect(failed.error).toContain('no_such_table');
    if (dialect !== 'mysql') {
      // Rolled back whole: nothing committed, nothing to resolve; the fixed file just runs.
      expect(failed.statements).toBe(0);
      expect(await hasTable(db, 't_c')).toBe(false);
      project.write(fixedC);
      expect((await project.retort.upgrade('head')).current).toEqual(['ccc333']);
      expect((await history(db)).at(-1)).toMatchObject({ revision: 'ccc333', status: 'ok' });
      return;
    }
    // MariaDB: the CREATE TABLE committed; the version table does not claim the revision.
    expect(failed.statements).toBe(1);
    expect(await hasTable(db, 't_c')).toBe(true);
    const refused = await failure(project.retort.upgrade('head'));
    expect(refused.code).toBe('UnresolvedFailure');
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain('ccc333');
    expect(refused.message).toContain('retort resolve ccc333 --applied');
    expect(refused.message).toContain('retort resolve ccc333 --rolled-back');
    expect(refused.fields).toMatchObject({ revision: 'ccc333', statementsApplied: 1 });
    expect((await failure(project.retort.downgrade('-1'))).code).toBe('UnresolvedFailure');

    // Undo by hand, fix the file, resolve as rolled back, run again: done.
    await rawQuery(db, 'DROP TABLE t_c');
    project.write(fixedC);
    const resolved = await project.retort.resolve('ccc333', 'rolled-back');
    expect(resolved).toMatchObject({ revision: 'ccc333', resolution: 'rolled-back', current: ['bbb222'] });
    expect(await versions(db)).toEqual(['bbb222']);
    expect((await history(db)).at(-1)).toMatchObject({ revision: 'ccc333', status: 'resolved-rolled-back', statements: 1 });
    expect((await project.retort.upgrade('head')).current).toEqual(['ccc333']);
    expect(await rawQuery(db, 'SELECT note FROM t_c')).toEqual([{ note: 'fixed' }]);
  });

  if (dialect === 'mysql') it('resolves a half-applied revision as applied: the version table moves as if it ran', async () => {
    project = createTestProject({ url: db.url }, [revA, revB, badC]);
    await failure(project.retort.upgrade('head'));
    // Finish by hand what the revision meant to do (here: nothing more than the table it made).
    project.write(fixedC);
    const resolved = await project.retort.resolve('ccc3', 'applied');
    expect(resolved).toMatchObject({ revision: 'ccc333', resolution: 'applied', direction: 'up', current: ['ccc333'] });
    expect(await versions(db)).toEqual(['ccc333']);
    const last = (await history(db)).at(-1)!;
    expect(last).toMatchObject({ revision: 'ccc333', status: 'resolved-applied', direction: 'up' });
    expect(last.checksum).toBe(sha(project.write(fixedC)));
    expect((await project.retort.upgrade('head')).steps).toEqual([]);
    // A second resolve has nothing to resolve.
    expect((await failure(project.retort.resolve('ccc333', 'applied'))).code).toBe('BadArgument');
  });

  if (dialect !== 'mysql') it('records what op.noTransaction committed before a failure, and refuses until resolved', async () => {
    // t_c is created in the revision's transaction, which op.noTransaction commits; then the
    // statement inside the block fails: the table stays, and the history must say so.
    const partial: RevisionSpec = {
      ...badC,
      upgrade: `${table('t_c')}\n  await op.noTransaction(async () => {\n    await op.execute('INSERT INTO no_such_table VALUES (1)');\n  });`,
    };
    project = createTestProject({ url: db.url }, [revA, revB, partial]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    expect(error.fields).toMatchObject({ revision: 'ccc333', statementsApplied: 1, statementsCommitted: 1, statementIndex: 2 });
    expect(error.message).toContain('1 statement(s) of it stay committed');
    expect(error.hint).toContain('retort resolve ccc333 --rolled-back');
    expect(await hasTable(db, 't_c')).toBe(true);
    expect(await versions(db)).toEqual(['bbb222']);
    expect((await history(db)).at(-1)).toMatchObject({ revision: 'ccc333', status: 'failed', statements: 1 });
    expect((await failure(project.retort.upgrade('head'))).code).toBe('UnresolvedFailure');

    await rawQuery(db, 'DROP TABLE t_c');
    project.write(fixedC);
    await project.retort.resolve('ccc333', 'rolled-back');
    expect((await project.retort.upgrade('head')).current).toEqual(['ccc333']);
    // One row per attempt: the failed one (now resolved) and the one that ran.
    expect((await history(db)).slice(-2).map((r) => [r.revision, r.status])).toEqual([['ccc333', 'resolved-rolled-back'], ['ccc333', 'ok']]);
  });

  if (dialect !== 'mysql') it("with transaction: 'none', records a running row and refuses a half-applied revision as on MySQL", async () => {
    project = createTestProject({ url: db.url, transaction: 'none' }, [revA, revB, badC]);
    await failure(project.retort.upgrade('head'));
    expect(await hasTable(db, 't_c')).toBe(true);
    expect((await history(db)).at(-1)).toMatchObject({ revision: 'ccc333', status: 'failed', statements: 1 });
    expect((await failure(project.retort.upgrade('head'))).code).toBe('UnresolvedFailure');
  });

  if (dialect === 'mysql') it('records a downgrade that fails half-way, and resolve --applied moves the version table down', async () => {
    const badDown: RevisionSpec = { ...revB, downgrade: "  await op.dropTable('t_b');\n  await op.execute('DELETE FROM no_such_table');" };
    project = createTestProject({ url: db.url }, [revA, badDown]);
    await project.retort.upgrade('head');
    expect((await failure(project.retort.downgrade('-1'))).code).toBe('MigrationFailed');
    expect(await versions(db)).toEqual(['bbb222']);
    expect((await history(db)).at(-1)).toMatchObject({ revision: 'bbb222', direction: 'down', status: 'failed', statements: 1 });
    const refused = await failure(project.retort.upgrade('head'));
    expect(refused.message).toContain('failed during downgrade');
    expect(await project.retort.resolve('bbb222', 'applied')).toMatchObject({ direction: 'down', current: ['aaa111'] });
    expect(await versions(db)).toEqual(['aaa111']);
    expect((await history(db)).at(-1)).toMatchObject({ revision: 'bbb222', direction: 'down', status: 'resolved-applied' });
  });

  if (dialect === 'postgres') it('keeps no password in the error text of a failed row', async () => {
    // Trust authentication accepts any password, so the URL can carry one.
    const url = new URL(db.url);
    url.password = 'S3cret-pw!';
    project = createTestProject({ url: url.toString() }, [
      { id: 'leaky1', down: null, upgrade: `  throw new Error('cannot reach ${url.toString()} (password S3cret-pw!)');` },
    ]);
    await failure(project.retort.upgrade('head'));
    const row = (await history(db)).at(-1)!;
    expect(row.status).toBe('failed');
    expect(row.error).toContain('cannot reach');
    expect(row.error).not.toContain('S3cret-pw');
    expect(row.error).not.toContain(encodeURIComponent('S3cret-pw!'));
  });

  it('refuses to upgrade over an applied revision whose file changed, until it is accepted', async () => {
    const revC: RevisionSpec = { id: 'ccc333', down: 'bbb222', message: 'create c', upgrade: table('t_c'), imports: ['integer', 'varchar'] };
    project = createTestProject({ url: db.url }, [revA, revB]);
    const pathA = project.write(revA);
    await project.retort.upgrade('head');
    const recorded = sha(pathA);
    writeFileSync(pathA, revisionSource({ ...revA, message: 'create a (edited)' }));
    const actual = sha(pathA);
    project.write(revC);
    const refused = await failure(project.retort.upgrade('head'));
    expect(refused.code).toBe('ChecksumMismatch');
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain(pathA);
    expect(refused.message).toContain(recorded);
    expect(refused.message).toContain(actual);
    expect(refused.fields).toMatchObject({ mismatches: [{ revision: 'aaa111', file: pathA, recorded, actual }] });
    expect(await versions(db)).toEqual(['bbb222']);
    expect(await hasTable(db, 't_c')).toBe(false);

    const accepted = await project.retort.accept('aaa111');
    expect(accepted).toMatchObject({ revision: 'aaa111', previous: recorded, checksum: actual });
    expect((await history(db)).at(-1)).toMatchObject({ revision: 'aaa111', status: 'accepted', checksum: actual });
    expect((await project.retort.upgrade('head')).current).toEqual(['ccc333']);
    // A revision the database does not hold has nothing to accept.
    await project.retort.downgrade('bbb222');
    expect((await failure(project.retort.accept('ccc333'))).code).toBe('BadArgument');
  });
});
