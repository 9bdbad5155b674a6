/**
 * `retort-migrate/testing`'s per-worker databases on the three real servers: three processes
 * asking at once for a template that does not exist yet migrate it exactly once (one history row
 * per revision in the template) and each get a copy of their own holding the template's tables
 * and rows; an unchanged chain reuses the template, an edited revision makes a new one, a
 * template left below the heads is made again; drop() removes a copy. MariaDB copies table by
 * table and falls back to migrating when the template holds a routine.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createRetort } from '../../src/index.js';
import { migratedTemplate, workerDatabase, type MigratedTemplate, type WorkerDatabase } from '../../src/testing.js';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const revisions: RevisionSpec[] = [
  { id: 't1', down: null, imports: ['integer', 'varchar'], upgrade: "  await op.createTable('authors', { id: integer().primaryKey(), name: varchar(50) });", downgrade: "  await op.dropTable('authors');" },
  {
    id: 't2', down: 't1', imports: ['integer', 'varchar'],
    upgrade: "  await op.createTable('books', { id: integer().primaryKey(), title: varchar(100), author_id: integer().references('authors.id') });\n  await op.createIndex('ix_books_title', 'books', ['title']);",
    downgrade: "  await op.dropTable('books');",
  },
  { id: 't3', down: 't2', upgrade: "  await op.bulkInsert('authors', [{ id: 1, name: 'Eco' }, { id: 2, name: 'Le Guin' }]);", downgrade: "  await op.execute('DELETE FROM authors');" },
];

/** A database of `url`'s dialect at `url` (a TestDatabase view, for rawQuery). */
const at = (dialect: TestDialect, url: string, name = url): TestDatabase => ({ dialect, url, name, drop: async () => undefined });

async function setUp(dialect: TestDialect, specs = revisions): Promise<{ db: TestDatabase; project: TestProject }> {
  const db = await createTestDatabase(dialect, 'retort_tk');
  cleanups.push(() => db.drop());
  const project = createTestProject({ url: db.url }, specs);
  cleanups.push(() => project.cleanup());
  return { db, project };
}

async function dropDatabase(dialect: TestDialect, configured: string, name: string): Promise<void> {
  if (dialect === 'sqlite') {
    for (const suffix of ['', '.lock', '.lock.holder']) rmSync(`${name}${suffix}`, { force: true });
    return;
  }
  await rawQuery(at(dialect, configured), `DROP DATABASE IF EXISTS ${dialect === 'postgres' ? `"${name}" WITH (FORCE)` : `\`${name}\``}`);
}

/** Drop a template at the end (templates are kept on purpose; a test removes its own). */
const dropLater = (dialect: TestDialect, configured: string, template: MigratedTemplate) => cleanups.push(() => dropDatabase(dialect, configured, template.name));

/** `workerDatabase()` in a process of its own, as a test worker calls it. */
function workerProcess(cwd: string, worker: string): Promise<WorkerDatabase & { code: number; stderr: string }> {
  const code = `const { workerDatabase } = await import('retort-migrate/testing');
const db = await workerDatabase({ cwd: ${JSON.stringify(cwd)}, worker: ${JSON.stringify(worker)} });
process.stdout.write(JSON.stringify(db));`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', fail);
    child.on('close', (status) => done({ ...(status === 0 ? JSON.parse(stdout) : {}), code: status ?? -1, stderr }));
  });
}

const historyRows = async (db: TestDatabase) => (await rawQuery<{ revision: string; direction: string }>(db, 'SELECT revision, direction FROM retort_history ORDER BY id'))
  .map((r) => `${r.direction} ${r.revision}`);

async function exists(dialect: TestDialect, configured: string, name: string): Promise<boolean> {
  if (dialect === 'sqlite') return existsSync(name);
  const sql = dialect === 'postgres' ? 'SELECT 1 FROM pg_database WHERE datname = $1' : 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?';
  return (await rawQuery(at(dialect, configured), sql, [name])).length > 0;
}

describe.each(DIALECTS)('%s: a migrated database per test worker', (dialect) => {
  it('three processes at once: the template is migrated once, each gets its own copy with the rows; drop() removes it', async () => {
    const { db, project } = await setUp(dialect);
    const runs = await Promise.all(['1', '2', '3'].map((w) => workerProcess(project.dir, w)));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const template = runs[0]!.template;
    dropLater(dialect, db.url, template);
    // Exactly one of them migrated the template; the others waited for it and reused it.
    expect(runs.filter((r) => r.template.created)).toHaveLength(1);
    expect(new Set(runs.map((r) => r.template.name))).toEqual(new Set([template.name]));
    expect(template.name).toMatch(new RegExp(`_tpl_${template.key}`));
    expect(await historyRows(at(dialect, template.url))).toEqual(['up t1', 'up t2', 'up t3']);

    expect(new Set(runs.map((r) => r.name)).size).toBe(3);
    expect(runs.map((r) => r.made)).toEqual(['copy', 'copy', 'copy']);
    const mine = at(dialect, runs[0]!.url);
    expect(await rawQuery(mine, 'SELECT name FROM authors ORDER BY id')).toEqual([{ name: 'Eco' }, { name: 'Le Guin' }]);
    expect((await rawQuery<{ version_num: string }>(mine, 'SELECT version_num FROM retort_version')).map((r) => r.version_num)).toEqual(['t3']);
    // A copy is its own: rows written to it are in no other database.
    await rawQuery(mine, "INSERT INTO books (id, title, author_id) VALUES (1, 'Baudolino', 1)");
    expect(await rawQuery(at(dialect, runs[1]!.url), 'SELECT * FROM books')).toEqual([]);
    expect(await rawQuery(at(dialect, template.url), 'SELECT * FROM books')).toEqual([]);
    // Foreign keys came along with the copy.
    await expect(rawQuery(mine, "INSERT INTO books (id, title, author_id) VALUES (2, 'x', 99)")).rejects.toThrow(/foreign key/i);

    // The processes are gone; their copies are dropped here as their afterAll would.
    for (const run of runs) cleanups.push(() => dropDatabase(dialect, db.url, run.name));
    const copy = await workerDatabase({ cwd: project.dir, worker: 'x' });
    expect(copy.template).toEqual({ ...template, created: false });
    expect(await exists(dialect, db.url, copy.name)).toBe(true);
    await copy.drop();
    expect(await exists(dialect, db.url, copy.name)).toBe(false);
  });

  it('reused while the revisions are unchanged; an edited revision makes a new template; one left below the heads is made again', async () => {
    const { db, project } = await setUp(dialect);
    const first = await migratedTemplate({ cwd: project.dir });
    dropLater(dialect, db.url, first);
    expect(first.created).toBe(true);
    expect(await migratedTemplate({ cwd: project.dir })).toEqual({ ...first, created: false });

    // A process killed while migrating leaves a template below the heads: it is made again.
    await createRetort({ cwd: project.dir, url: first.url }).downgrade('-1');
    const again = await migratedTemplate({ cwd: project.dir });
    expect(again).toMatchObject({ name: first.name, created: true, heads: ['t3'] });
    expect(await historyRows(at(dialect, again.url))).toEqual(['up t1', 'up t2', 'up t3']);

    appendFileSync(project.write(revisions[2]!), '// edited\n');
    const edited = await migratedTemplate({ cwd: project.dir });
    dropLater(dialect, db.url, edited);
    expect(edited.created).toBe(true);
    expect(edited.key).not.toBe(first.key);
    expect(edited.name).not.toBe(first.name);
  });
});

describe('mysql: a template holding a routine', () => {
  it('is not copied table by table (routines are not cloned): the worker database is migrated instead', async () => {
    const { db, project } = await setUp('mysql', [...revisions, {
      id: 't4', down: 't3',
      upgrade: "  await op.execute('CREATE FUNCTION answer() RETURNS INT DETERMINISTIC RETURN 42');",
      downgrade: "  await op.execute('DROP FUNCTION answer');",
    }]);
    const worker = await workerDatabase({ cwd: project.dir });
    cleanups.push(() => worker.drop());
    dropLater('mysql', db.url, worker.template);
    expect(worker.made).toBe('migrated');
    expect(await rawQuery(at('mysql', worker.url), 'SELECT answer() AS a')).toEqual([{ a: 42 }]);
    expect(await rawQuery(at('mysql', worker.url), 'SELECT COUNT(*) AS n FROM authors')).toEqual([{ n: 2 }]);
  });
});

describe('postgres: drop() while the worker\'s own connection is closing', () => {
  it('lets the connection end on its own, then drops the copy; one left open is terminated', async () => {
    const { db, project } = await setUp('postgres');
    const worker = await workerDatabase({ cwd: project.dir });
    cleanups.push(() => worker.drop());
    dropLater('postgres', db.url, worker.template);
    // The race of a test's afterAll: its pool ends (pg's Pool.end() resolves before its clients
    // have closed) and the copy is dropped. Widened here: the client ends 100 ms into the drop.
    const closing = new pg.Client({ connectionString: worker.url });
    const errors: unknown[] = [];
    closing.on('error', (error) => errors.push(error));
    await closing.connect();
    await closing.query('SELECT 1');
    const dropped = worker.drop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await closing.end();
    await dropped;
    // Terminated mid-close, the client would have been sent "terminating connection due to administrator command".
    expect(errors).toEqual([]);
    expect(await exists('postgres', db.url, worker.name)).toBe(false);

    // A connection nobody closes (a leaked pool) does not keep the copy: it is terminated.
    const second = await workerDatabase({ cwd: project.dir, worker: 'leak' });
    cleanups.push(() => second.drop());
    const leaked = new pg.Client({ connectionString: second.url });
    const leakErrors: { code?: string }[] = [];
    leaked.on('error', (error) => leakErrors.push(error as { code?: string }));
    await leaked.connect();
    await second.drop();
    expect(await exists('postgres', db.url, second.name)).toBe(false);
    // PostgreSQL's "terminating connection due to administrator command" (then the driver's own "terminated unexpectedly").
    await expect.poll(() => leakErrors[0]?.code).toBe('57P01');
    await leaked.end().catch(() => undefined);
  });
});
