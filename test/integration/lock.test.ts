/**
 * The run lock, with separate OS processes as in production: ten concurrent `retort upgrade head`
 * runs apply every revision exactly once; a lock held elsewhere makes `--lock-timeout 2s` exit 4
 * naming the holder and running nothing; a run SIGKILLed mid-revision leaves no lock behind.
 * Needs the built CLI (`npx tsc -p tsconfig.build.json`).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlLockName } from '../../src/dialects/mysql/lock.js';
import { postgresLockKey } from '../../src/dialects/postgres/lock.js';
import { sqliteLockPath } from '../../src/dialects/sqlite/lock.js';
import { retort } from '../support/cli.js';
import { startRetort, waitFor } from '../support/cli-async.js';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const REVISIONS = 50;
const PROCESSES = 10;
const rev = (n: number) => `a${String(n).padStart(11, '0')}`;

/** 50 revisions, each inserting one row into lock_log (the first creates it). */
function logRevisions(): RevisionSpec[] {
  return Array.from({ length: REVISIONS }, (_, i) => ({
    id: rev(i + 1),
    down: i === 0 ? null : rev(i),
    message: `log ${i + 1}`,
    imports: i === 0 ? ['integer'] : [],
    upgrade: `${i === 0 ? "  await op.createTable('lock_log', { n: integer().notNull() });\n" : ''}  await op.execute('INSERT INTO lock_log (n) VALUES (${i + 1})');`,
  }));
}

/** A statement (or, on SQLite, a busy loop in the script) that lasts `x.sleep` seconds. */
const SLEEP: Record<TestDialect, string> = {
  postgres: "  await op.execute(`SELECT pg_sleep(${Number(x.sleep ?? 0)})`);",
  mysql: "  await op.execute(`SELECT SLEEP(${Number(x.sleep ?? 0)})`);",
  sqlite: '  const end = Date.now() + Number(x.sleep ?? 0) * 1000;\n  while (Date.now() < end) { /* a long revision */ }',
};

/** The run lock taken from this test process with the key/name retort derives. */
async function holdLock(db: TestDatabase): Promise<{ holder: RegExp; release(): Promise<void> }> {
  if (db.dialect === 'postgres') {
    const client = new pg.Client({ connectionString: db.url, application_name: 'lock-test-holder' });
    await client.connect();
    const { rows } = await client.query('SELECT pg_backend_pid() AS pid, pg_try_advisory_lock($1::bigint) AS ok', [postgresLockKey('public', 'retort_version')]);
    expect(rows[0].ok).toBe(true);
    return { holder: new RegExp(`pid ${rows[0].pid} \\(postgres@[^,]+, application 'lock-test-holder'`), release: () => client.end() };
  }
  if (db.dialect === 'mysql') {
    const conn = await mysql.createConnection(db.url);
    const [rows] = await conn.query('SELECT CONNECTION_ID() AS id, GET_LOCK(?, 0) AS got', [mysqlLockName(db.name, 'retort_version')]);
    const row = (rows as Array<{ id: number; got: number }>)[0]!;
    expect(row.got).toBe(1);
    return { holder: new RegExp(`MySQL connection ${row.id} \\(root@`), release: () => conn.end() };
  }
  const lockPath = sqliteLockPath(db.url.slice('sqlite:'.length));
  const handle = new Database(lockPath, { timeout: 0 });
  handle.exec('BEGIN EXCLUSIVE');
  // As a run killed while holding the lock leaves it: a record naming a process that is gone.
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  writeFileSync(`${lockPath}.holder`, JSON.stringify({ pid: gone, host: hostname(), since: new Date().toISOString() }));
  return { holder: /lock file .*\.db\.lock/, release: async () => void handle.close() };
}

async function versions(db: TestDatabase): Promise<string[]> {
  return (await rawQuery<{ version_num: string }>(db, 'SELECT version_num FROM retort_version')).map((r) => r.version_num);
}

async function tableExists(db: TestDatabase, table: string): Promise<boolean> {
  const rows =
    db.dialect === 'postgres' ? await rawQuery(db, 'SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2', ['public', table])
    : db.dialect === 'mysql' ? await rawQuery(db, 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [db.name, table])
    : await rawQuery(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]);
  return rows.length > 0;
}

/** True while a backend of `db` is still running the long statement (the killed run's). */
async function sleeperRunning(db: TestDatabase): Promise<boolean> {
  if (db.dialect === 'postgres') {
    return (await rawQuery(db, "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE 'SELECT pg_sleep(%'", [db.name])).length > 0;
  }
  if (db.dialect === 'mysql') {
    return (await rawQuery(db, "SELECT 1 FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'SELECT SLEEP(%'", [db.name])).length > 0;
  }
  return false;
}

describe.each(DIALECTS)('run lock on %s', (dialect) => {
  let db: TestDatabase;
  let project: TestProject;

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'retort_lock');
    project = createTestProject({ url: db.url }, logRevisions());
  });
  afterAll(async () => {
    project?.cleanup();
    await db?.drop();
  });

  it(`${PROCESSES} concurrent upgrades apply each of ${REVISIONS} revisions exactly once`, async () => {
    const runs = await Promise.all(Array.from({ length: PROCESSES }, () => startRetort(project.dir, ['upgrade', 'head', '--lock-timeout', '60s', '-v']).done));
    // -v: a failure prints its stack; the statement lines (indented) are left out of the message.
    for (const run of runs) expect(run.code, run.stderr.split('\n').filter((l) => !l.startsWith('  ') || /^\s+at /.test(l)).join('\n')).toBe(0);
    const [count] = await rawQuery<{ total: number | string; distinct_n: number | string }>(db, 'SELECT COUNT(*) AS total, COUNT(DISTINCT n) AS distinct_n FROM lock_log');
    expect(Number(count!.total)).toBe(REVISIONS);
    expect(Number(count!.distinct_n)).toBe(REVISIONS);
    expect(await versions(db)).toEqual([rev(REVISIONS)]);
    // Every revision ran in exactly one process; the late ones saw nothing left to do.
    const applied = runs.map((run) => (run.stderr.match(/^Running upgrade /gm) ?? []).length);
    expect(applied.reduce((a, b) => a + b, 0)).toBe(REVISIONS);
    expect(runs.filter((run) => /Nothing to upgrade/.test(run.stdout)).length).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('exits 4 after --lock-timeout 2s while another session holds the lock, naming it and running nothing', async () => {
    project.write({ id: rev(51), down: rev(50), message: 'must wait', upgrade: "  await op.execute('CREATE TABLE must_wait (id integer)');" });
    const lock = await holdLock(db);
    let run;
    try {
      run = await startRetort(project.dir, ['upgrade', 'head', '--lock-timeout', '2s', '--json']).done;
    } finally {
      await lock.release();
    }
    expect(run.code, run.stderr).toBe(4);
    // 2 s of waiting plus process start-up, and not much more.
    expect(run.ms).toBeGreaterThanOrEqual(2000);
    expect(run.ms).toBeLessThan(6000);
    const { error } = JSON.parse(run.stdout);
    expect(error).toMatchObject({ code: 'LockTimeout', lockTimeoutSeconds: 2 });
    expect(error.message).toMatch(/Could not take the run lock .* within 2 s: .*Nothing was executed\.$/);
    if (dialect !== 'sqlite') expect(error.message).toMatch(lock.holder);
    // The raw handle of holdLock wrote no holder record, and the stale one of a dead run names nobody.
    if (dialect === 'sqlite') expect(error.holder).toBeNull();
    if (dialect === 'postgres') expect(error.holder).toMatchObject({ applicationName: 'lock-test-holder', user: 'postgres' });
    if (dialect === 'mysql') expect(error.holder).toMatchObject({ user: 'root', database: db.name });
    expect(await versions(db)).toEqual([rev(50)]);
    expect(await tableExists(db, 'must_wait')).toBe(false);

    // Released: the same command now proceeds.
    const again = await startRetort(project.dir, ['upgrade', 'head', '--lock-timeout', '2s']).done;
    expect(again.code, again.stderr).toBe(0);
    expect(await versions(db)).toEqual([rev(51)]);
  }, 30_000);

  it('downgrade and stamp wait for the lock too; offline --sql takes none', async () => {
    const lock = await holdLock(db);
    try {
      await expect(project.retort.downgrade('-1', { lockTimeout: 0.3 })).rejects.toMatchObject({ code: 'LockTimeout', exitCode: 4 });
      await expect(project.retort.stamp('base', { lockTimeout: 0 })).rejects.toMatchObject({ code: 'LockTimeout' });
      const offline = await project.retort.upgrade(`${rev(50)}:${rev(51)}`, { sql: true });
      expect(offline.sql).toContain('must_wait');
    } finally {
      await lock.release();
    }
    expect(await versions(db)).toEqual([rev(51)]);
  }, 30_000);

  it('a run SIGKILLed mid-revision leaves no lock behind', async () => {
    project.write({
      id: rev(52), down: rev(51), message: 'half done',
      upgrade: `  await op.execute('CREATE TABLE IF NOT EXISTS half_done (id integer)');\n${SLEEP[dialect]}`,
    });
    const victim = startRetort(project.dir, ['upgrade', 'head', '-x', 'sleep=30']);
    await waitFor('the long revision to start', () => victim.output().stderr.includes('half done'));
    if (dialect === 'sqlite') await new Promise((resolve) => setTimeout(resolve, 300));
    else await waitFor('the long statement to run', () => sleeperRunning(db));
    victim.child.kill('SIGKILL');
    expect((await victim.done).signal).toBe('SIGKILL');

    if (dialect === 'postgres') {
      // The server notices the dead client and rolls the revision back: schema and version table as before it.
      await waitFor('the killed backend to end', async () => !(await sleeperRunning(db)), 5000);
      expect(await tableExists(db, 'half_done')).toBe(false);
      expect(await versions(db)).toEqual([rev(51)]);
    }
    const next = await startRetort(project.dir, ['upgrade', 'head', '--lock-timeout', '5s']).done;
    expect(next.code, next.stderr).not.toBe(4);
    expect(next.stderr).not.toMatch(/run lock/);
    if (dialect !== 'mysql') {
      // What MariaDB's history makes of the killed revision is the history's part; here only the lock.
      expect(next.code, next.stderr).toBe(0);
      expect(await versions(db)).toEqual([rev(52)]);
      expect(await tableExists(db, 'half_done')).toBe(true);
    }
  }, 30_000);
});

describe('run lock keys', () => {
  it('are per schema on PostgreSQL: a tenant in another schema does not wait', async () => {
    const db = await createTestDatabase('postgres', 'retort_lockkey');
    const tenantA = createTestProject({ url: db.url, dbSchema: 'tenant_a' });
    const tenantB = createTestProject({ url: db.url, dbSchema: 'tenant_b' });
    const holder = new pg.Client({ connectionString: db.url });
    try {
      await rawQuery(db, 'CREATE SCHEMA tenant_a');
      await rawQuery(db, 'CREATE SCHEMA tenant_b');
      await holder.connect();
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [postgresLockKey('tenant_a', 'retort_version')]);
      await expect(tenantA.retort.stamp('base', { lockTimeout: 0.2 })).rejects.toMatchObject({ code: 'LockTimeout' });
      await expect(tenantB.retort.stamp('base', { lockTimeout: 0 })).resolves.toMatchObject({ current: [] });
    } finally {
      await holder.end();
      tenantA.cleanup();
      tenantB.cleanup();
      await db.drop();
    }
  });

  it('are names of at most 64 characters on MySQL, distinct per database and table', () => {
    expect(mysqlLockName('app', 'retort_version')).toBe('retort:app.retort_version');
    const long = mysqlLockName('d'.repeat(64), 'retort_version');
    expect(long).toHaveLength(64);
    expect(long).not.toBe(mysqlLockName('d'.repeat(63), 'retort_version'));
    expect(postgresLockKey('a', 'retort_version')).not.toBe(postgresLockKey('b', 'retort_version'));
    expect(BigInt(postgresLockKey('public', 'retort_version'))).toBeGreaterThan(0n);
  });
});

describe('--lock-timeout', () => {
  it('rejects a value that is not a duration with exit 2, before connecting', () => {
    const project = createTestProject({ url: 'postgres://nobody@127.0.0.1:1/none' });
    try {
      const run = retort(project.dir, ['upgrade', 'head', '--lock-timeout', '2x', '--json']);
      expect(run.code).toBe(2);
      expect(run.json().error).toMatchObject({ code: 'BadArgument' });
      expect(run.json().error.message).toMatch(/--lock-timeout takes a duration such as 2, 2s, 500ms or 1m; got '2x'/);
    } finally {
      project.cleanup();
    }
  });
});
