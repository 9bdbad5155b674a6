/**
 * Clear errors when the SQLite database file, not the SQL, is the problem (separate processes):
 * - another process holds the file's write lock (an open write transaction): before, `InternalError:
 *   database is locked`; now `DatabaseBusy` (exit 4) naming the file, the write lock, and how to
 *   find the holder;
 * - another process holds an exclusive lock (even reads wait): before, `ConnectionFailed` with a
 *   hint about permissions; now `DatabaseBusy` saying exclusive;
 * - the disk fills up during a revision (a 400 KiB tmpfs; root only): before, `InternalError:
 *   database or disk is full` naming nothing; now `DiskFull` naming the revision and the statement
 *   (its COMMIT), the history saying failed, the version table untouched; with room made, the
 *   rerun applies it once.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRetort } from '../support/cli-async.js';
import { expectJsonFailure } from '../support/faults.js';
import { canSwitchUser } from '../support/os-user.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { sqliteRows as rows } from '../support/sqlite.js';

const FIRST = 'f1000000000a';
const SECOND = 'f2000000000b';
const FILL = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100) INSERT INTO big SELECT randomblob(8000) FROM c';

const revisions = [
  { id: FIRST, down: null, message: 'create t', upgrade: "  await op.execute('CREATE TABLE t (n INTEGER)');" },
  {
    id: SECOND,
    down: FIRST,
    message: 'fill big',
    upgrade: ["  await op.execute('INSERT INTO t VALUES (2)');", "  await op.execute('CREATE TABLE big (b BLOB)');", `  await op.execute('${FILL}');`].join('\n'),
  },
];

const require = createRequire(import.meta.url);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function project(dir?: string): TestProject {
  const made = createTestProject({ url: `sqlite:${dir === undefined ? './app.db' : join(dir, 'app.db')}` }, revisions);
  cleanups.push(() => made.cleanup());
  return made;
}

/** Another process (not retort) holding a lock on `file`: `write` (BEGIN IMMEDIATE and a write) or `exclusive`. */
async function holdLock(file: string, kind: 'write' | 'exclusive'): Promise<ChildProcess> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)});
    if (${JSON.stringify(kind)} === 'exclusive') db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN ${kind === 'write' ? 'IMMEDIATE' : 'EXCLUSIVE'}');
    db.exec('CREATE TABLE IF NOT EXISTS app_table (a)');
    process.stdout.write('holding\\n');
    setTimeout(() => {}, 60000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('holding') && resolve());
    child.on('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
  return child;
}

describe('SQLite: another process holds the database file', () => {
  it('a write lock (an open write transaction): DatabaseBusy, exit 4, naming the file, the write lock and how to find its holder', async () => {
    const p = project();
    expect((await startRetort(p.dir, ['upgrade', FIRST]).done).code).toBe(0);
    const file = join(p.dir, 'app.db');
    await holdLock(file, 'write');
    const run = await startRetort(p.dir, ['upgrade', 'head', '--json']).done;
    const error = expectJsonFailure(run, 4, 'DatabaseBusy');
    expect(error).toMatchObject({ path: file, lockHeld: 'write', busyTimeoutSeconds: 5 });
    expect(error.message).toContain(`The SQLite database ${file} is locked: another process holds a write lock on it`);
    expect(error.hint).toContain(`fuser ${file}`);
  }, 30_000);

  it('an exclusive lock (even reads wait): DatabaseBusy saying exclusive, not a hint about permissions', async () => {
    const p = project();
    expect((await startRetort(p.dir, ['upgrade', FIRST]).done).code).toBe(0);
    const file = join(p.dir, 'app.db');
    await holdLock(file, 'exclusive');
    const error = expectJsonFailure(await startRetort(p.dir, ['upgrade', 'head', '--json']).done, 4, 'DatabaseBusy');
    expect(error).toMatchObject({ path: file, lockHeld: 'exclusive' });
    expect(error.message).toContain('holds an exclusive lock on it');
    expect(`${error.message} ${error.hint}`).not.toMatch(/readable|writable|permission/i);
  }, 30_000);
});

describe.skipIf(!canSwitchUser)('SQLite: the disk fills up', () => {
  it('DiskFull names the revision and the statement; history failed, version untouched; with room made the rerun applies it once', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'retort-full-'));
    mkdirSync(mount, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', mount]);
    cleanups.push(() => {
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    });
    const p = project(mount);
    const file = join(mount, 'app.db');
    const run = await startRetort(p.dir, ['upgrade', 'head', '--json']).done;
    const error = expectJsonFailure(run, 1, 'DiskFull');
    expect(error).toMatchObject({ revision: SECOND, path: file, statement: 'COMMIT', statementIndex: 5, statementsCommitted: 0 });
    expect(error.message).toMatch(new RegExp(`^Upgrade of revision ${SECOND}, statement 5: The disk is full: SQLite could not write the database ${file}`));
    expect(error.hint).toContain(`df -h ${mount}`);
    expect(rows(file, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: FIRST }]);
    expect(rows(file, `SELECT status, statements FROM retort_history WHERE revision = '${SECOND}'`)).toEqual([{ status: 'failed', statements: 0 }]);
    expect(rows(file, 'SELECT n FROM t')).toEqual([]);

    execFileSync('mount', ['-o', 'remount,size=4m', mount]);
    const rerun = await startRetort(p.dir, ['upgrade', 'head', '--json']).done;
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rows(file, 'SELECT n FROM t')).toEqual([{ n: 2 }]);
    expect(rows(file, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: SECOND }]);
  }, 30_000);
});
