/**
 * Runs against the real servers: upgrade, downgrade and stamp through branches and merges, the
 * version table's rows at each step, offline SQL equal to what runs online, failures leaving the
 * version table truthful, transaction modes, and what scripts receive.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, versions } from '../support/assertions.js';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const table = (name: string, extra = '') => `  await op.createTable('${name}', { id: integer().primaryKey(), note: varchar(20)${extra} });`;
const chain: RevisionSpec[] = [
  { id: 'aaa111', down: null, message: 'create a', upgrade: table('t_a'), downgrade: "  await op.dropTable('t_a');", imports: ['integer', 'varchar'] },
  { id: 'bbb222', down: 'aaa111', message: 'create b', upgrade: table('t_b'), downgrade: "  await op.dropTable('t_b');", imports: ['integer', 'varchar'] },
  { id: 'ccc333', down: 'bbb222', message: 'add column', upgrade: "  await op.addColumn('t_b', 'extra', integer());", downgrade: "  await op.dropColumn('t_b', 'extra');", imports: ['integer'] },
];

async function tables(db: TestDatabase): Promise<string[]> {
  const sqlText =
    db.dialect === 'sqlite' ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    : db.dialect === 'postgres' ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
    : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()';
  const rows = await rawQuery<{ name?: string; NAME?: string; TABLE_NAME?: string }>(db, sqlText);
  return rows.map((r) => String(r.name ?? r.NAME ?? r.TABLE_NAME)).sort();
}

/**
 * A statement with the history row's timing values masked: the start time (a literal online, the
 * server's clock offline) and the duration (measured online, NULL offline). Nothing else changes.
 */
function untimed(sql: string): string {
  return sql
    // An online run on SQLite gives its rows ids from the block it reserved; the script leaves them to the server.
    .replace(/^(INSERT INTO ["`]retort_history["`] \()["`]id["`], (.*\) VALUES \()\d+, /, '$1$2')
    // The row's values: after VALUES, or after SELECT where one statement also changes the version table.
    .replace(/(VALUES \(|\) SELECT )('[^']*', '[^']*', (?:'[^']*'|NULL)), (.+?), (NULL|\d+), /, '$1$2, <started_at>, <duration>, ')
    .replace(/(["`]duration_ms["`] = )(NULL|\d+)/, '$1<duration>')
    // A run updates its own `running` row by id; an offline script, which cannot know the id, by revision and status.
    .replace(/((?:WHERE|AND) (?:["`]retort_history["`]\.)?)["`]id["`] = \d+$/, '$1<own running row>')
    .replace(/((?:WHERE|AND) (?:["`]retort_history["`]\.)?)["`]revision["`] = '[^']*' AND (?:["`]retort_history["`]\.)?["`]status["`] = 'running'$/, '$1<own running row>');
}

describe.each(DIALECTS)('runs on %s', (dialect) => {
  let db: TestDatabase;
  let project: TestProject | undefined;
  beforeEach(async () => {
    db = await createTestDatabase(dialect, 'retort_runs');
  });
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db.drop();
  });

  it('upgrades and downgrades a chain step by step, the version table naming one head', async () => {
    project = createTestProject({ url: db.url }, chain);
    const up1 = await project.retort.upgrade('+1');
    expect(up1.steps.map((s) => s.revision)).toEqual(['aaa111']);
    expect(await versions(db)).toEqual(['aaa111']);
    const up = await project.retort.upgrade('head');
    expect(up.steps.map((s) => [s.direction, s.revision, s.from, s.to])).toEqual([
      ['up', 'bbb222', ['aaa111'], ['bbb222']],
      ['up', 'ccc333', ['bbb222'], ['ccc333']],
    ]);
    expect(up.current).toEqual(['ccc333']);
    expect(await versions(db)).toEqual(['ccc333']);
    expect(await tables(db)).toEqual(['retort_history', 'retort_version', 't_a', 't_b']);
    expect((await project.retort.current()).current).toEqual(['ccc333']);

    const down1 = await project.retort.downgrade('-1');
    expect(down1.steps.map((s) => [s.direction, s.revision, s.from, s.to])).toEqual([['down', 'ccc333', ['ccc333'], ['bbb222']]]);
    expect(await versions(db)).toEqual(['bbb222']);
    await project.retort.downgrade('-2');
    expect(await versions(db)).toEqual([]);
    expect(await tables(db)).toEqual(['retort_history', 'retort_version']);
    const again = await project.retort.upgrade('head');
    expect(again.steps).toHaveLength(3);
    const nothing = await project.retort.upgrade('head');
    expect(nothing.steps).toEqual([]);
  });

  it('keeps one row per head through a branch point and a merge, as Alembic does', async () => {
    project = createTestProject({ url: db.url }, [
      { id: 'root01', down: null, upgrade: table('t_root'), downgrade: "  await op.dropTable('t_root');", imports: ['integer', 'varchar'] },
      { id: 'left01', down: 'root01', upgrade: table('t_left'), downgrade: "  await op.dropTable('t_left');", imports: ['integer', 'varchar'] },
      { id: 'right1', down: 'root01', upgrade: table('t_right'), downgrade: "  await op.dropTable('t_right');", imports: ['integer', 'varchar'] },
      { id: 'merge1', down: ['left01', 'right1'], message: 'merge' },
    ]);
    await project.retort.upgrade('left01');
    expect(await versions(db)).toEqual(['left01']);
    await project.retort.upgrade('right1');
    expect(await versions(db)).toEqual(['left01', 'right1']);
    await project.retort.upgrade('head');
    expect(await versions(db)).toEqual(['merge1']);
    // As Alembic: a relative step down from a merge point is an ambiguous walk.
    expect((await failure(project.retort.downgrade('-1'))).code).toBe('AmbiguousRevision');
    // Downgrading to one parent reverts only what descends from it: the merge.
    await project.retort.downgrade('left01');
    expect(await versions(db)).toEqual(['left01', 'right1']);
    await project.retort.downgrade('root01');
    expect(await versions(db)).toEqual(['root01']);
    expect(await tables(db)).toEqual(['retort_history', 'retort_version', 't_root']);
  });

  it('prints offline exactly the statements an online run executes', async () => {
    project = createTestProject({ url: db.url }, chain);
    const offline = await project.retort.upgrade('head', { sql: true });
    expect(await tables(db)).toEqual([]); // offline touched nothing
    await project.retort.upgrade('head');
    const online = project.events.flatMap((e) => (e.type === 'statement' ? [e.sql] : []));
    // Every statement is compared, history rows included; only their timing values differ (the
    // offline script lets the server's clock stamp the row and cannot time itself). A script
    // starts with the session settings its text relies on (MySQL: NO_BACKSLASH_ESCAPES off, a
    // strict mode), which an online run sends only to a server that needs them (not this one).
    const scriptStart = db.dialect === 'mysql' ? 2 : 0;
    if (scriptStart > 0) {
      expect(offline.statements![0]).toMatch(/^SET SESSION sql_mode = REPLACE\(@@session\.sql_mode, 'NO_BACKSLASH_ESCAPES', ''\)$/);
      expect(offline.statements![1]).toBe("SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@session.sql_mode, ''), 'STRICT_TRANS_TABLES')");
    }
    // On MariaDB the end of a revision (its version change, its history `ok`, the next
    // revision's `running` row) commits as one transaction sent in one request, where the script
    // (for MySQL and MariaDB alike) commits them as MySQL does: the same statements in the same
    // order, with BEGIN and COMMIT around some of them.
    const framing = db.dialect === 'mysql' ? (s: string) => s !== 'BEGIN' && s !== 'COMMIT' : () => true;
    expect(online.map(untimed)).toEqual(offline.statements!.slice(scriptStart).filter(framing).map(untimed));
    // One history row per revision: its own INSERT, or (PostgreSQL) one statement whose INSERT also changes the version table.
    expect(offline.statements!.filter((s) => /^(WITH .*[ (])?INSERT INTO ["`]retort_history["`]/.test(s))).toHaveLength(3);
    expect(offline.sql).toContain('Running upgrade aaa111 -> bbb222, create b');

    project.events.length = 0;
    const offlineDown = await project.retort.downgrade('ccc333:base', { sql: true });
    await project.retort.downgrade('base');
    const onlineDown = project.events.flatMap((e) => (e.type === 'statement' ? [e.sql] : []));
    // The script cannot know that the history table exists; the online run looks and creates nothing.
    const created = offlineDown.statements!.filter((s) => /^CREATE TABLE IF NOT EXISTS/.test(s));
    expect(created).toHaveLength(1);
    expect(onlineDown.map(untimed)).toEqual(offlineDown.statements!.slice(scriptStart).filter((s) => !created.includes(s)).filter(framing).map(untimed));
  });

  it('stamps without running scripts, and purges', async () => {
    project = createTestProject({ url: db.url }, chain);
    const stamped = await project.retort.stamp('bbb222');
    expect(stamped.current).toEqual(['bbb222']);
    expect(await versions(db)).toEqual(['bbb222']);
    expect(await tables(db)).toEqual(['retort_history', 'retort_version']);
    await project.retort.stamp('base', { purge: true });
    expect(await versions(db)).toEqual([]);
  });

  it('refuses to plan from a revision no file has, before running anything', async () => {
    project = createTestProject({ url: db.url }, chain);
    await project.retort.stamp('ccc333');
    await rawQuery(db, "UPDATE retort_version SET version_num = 'deadbeef0000'");
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('UnknownRevision');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('deadbeef0000');
    expect(await versions(db)).toEqual(['deadbeef0000']);
  });

  it('leaves the version table truthful when a script fails half-way', async () => {
    project = createTestProject({ url: db.url }, [
      chain[0]!,
      {
        id: 'bad222', down: 'aaa111', message: 'fails', imports: ['integer', 'varchar'],
        upgrade: `${table('t_partial')}\n  await op.execute('INSERT INTO no_such_table VALUES (1)');`,
      },
    ]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    expect(error.exitCode).toBe(1);
    expect(error.fields).toMatchObject({ revision: 'bad222', statementsApplied: 1, statementIndex: 2, statement: 'INSERT INTO no_such_table VALUES (1)' });
    expect(await versions(db)).toEqual(['aaa111']);
    // Transactional DDL rolls the revision back whole; MySQL cannot, and the table it made stays.
    expect(await tables(db)).toEqual(dialect === 'mysql' ? ['retort_history', 'retort_version', 't_a', 't_partial'] : ['retort_history', 'retort_version', 't_a']);
  });

  it('in transaction mode "all", rolls the whole run back where DDL is transactional', async () => {
    project = createTestProject({ url: db.url, transaction: 'all' }, [
      chain[0]!,
      { id: 'bad222', down: 'aaa111', upgrade: "  await op.execute('SELECT * FROM no_such_table');" },
    ]);
    await failure(project.retort.upgrade('head'));
    // MySQL commits each DDL statement: the first revision stays, and the version table says so.
    expect(await versions(db)).toEqual(dialect === 'mysql' ? ['aaa111'] : []);
    expect(await tables(db)).toEqual(dialect === 'mysql' ? ['retort_history', 'retort_version', 't_a'] : ['retort_history', 'retort_version']);
  });

  it('reports a forgotten await and applies nothing of that revision', async () => {
    project = createTestProject({ url: db.url }, [
      { id: 'noawait', down: null, imports: ['integer'], upgrade: "  op.createTable('t1', { id: integer().primaryKey() });\n  await op.createTable('t2', { id: integer().primaryKey() });" },
    ]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MissingAwait');
    expect(error.message).toContain('op.createTable');
    expect(await versions(db)).toEqual([]);
  });

  it('hands scripts -x values, the tag, and a Kysely db on the run connection', async () => {
    project = createTestProject({ url: db.url }, [
      { id: 'data01', down: null, imports: ['integer', 'varchar'], upgrade: [
        "  await op.createTable('notes', { id: integer().primaryKey(), body: varchar(40) });",
        "  await db.insertInto('notes').values({ id: 1, body: `x=${x.greeting} tag=${tag}` }).execute();",
        "  const rows = await db.selectFrom('notes').select('body').execute();",
        "  await op.bulkInsert('notes', [{ id: 2, body: `seen ${rows.length}` }]);",
      ].join('\n'), downgrade: "  await op.dropTable('notes');" },
    ]);
    const { createRetort } = await import('../../src/index.js');
    const retort = createRetort({ cwd: project.dir, x: { greeting: 'hello' } });
    await retort.upgrade('head', { tag: 'v1' });
    const rows = await rawQuery<{ id: number; body: string }>(db, 'SELECT id, body FROM notes ORDER BY id');
    expect(rows.map((r) => [Number(r.id), r.body])).toEqual([[1, 'x=hello tag=v1'], [2, 'seen 1']]);
  });
});
