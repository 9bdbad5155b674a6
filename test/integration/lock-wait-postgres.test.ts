/**
 * Issue 12, item 2: every run bounds its statements' lock waits (config `lockWaitTimeout`), runs a
 * statement that timed out again a bounded number of times when it is alone in its transaction,
 * says so (stderr and `--json`), and gives up with `LockWaitTimeout` (exit 1) naming revision and
 * statement. Another session holds an ACCESS EXCLUSIVE lock on the table meanwhile. Offline
 * `--sql` prints the same SET statements.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { startRetort } from '../support/cli-async.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

let db: TestDatabase;
let project: TestProject;

/** Take an ACCESS EXCLUSIVE lock on books from another session; `release()` commits. */
async function holdLock(): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE books IN ACCESS EXCLUSIVE MODE');
  return { release: async () => { await client.query('COMMIT'); await client.end(); } };
}

/** Resolves once `read()` contains `text` (polled), or after 20 s. */
async function until(read: () => string, text: string): Promise<void> {
  for (let i = 0; i < 400 && !read().includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

beforeAll(async () => {
  db = await createTestDatabase('postgres', 'retort_lockwait');
  project = createTestProject({ url: db.url, lockWaitTimeout: 0.5, lockWaitRetries: 2, statementTimeout: 60 }, [
    { id: 'a1base', down: null, imports: ['integer', 'text'], upgrade: "  await op.createTable('books', { id: integer().primaryKey(), title: text() });", downgrade: "  await op.dropTable('books');" },
    {
      id: 'a2index', down: 'a1base',
      upgrade: "  await op.noTransaction(() => op.createIndex('ix_books_title', 'books', ['title'], { concurrently: true }));",
      downgrade: "  await op.noTransaction(() => op.dropIndex('ix_books_title', { concurrently: true }));",
    },
    { id: 'a3plain', down: 'a2index', upgrade: "  await op.createIndex('ix_books_id_title', 'books', ['id', 'title']);", downgrade: "  await op.dropIndex('ix_books_id_title');" },
  ]);
  expect(retort(project.dir, ['upgrade', 'a1base']).code).toBe(0);
});

afterAll(async () => {
  project?.cleanup();
  await db?.drop();
});

describe('lock waits bounded and retried on PostgreSQL', () => {
  it('offline --sql sets lock_timeout and statement_timeout first', () => {
    const run = retort(project.dir, ['upgrade', '--sql', 'a1base:a2index']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('SET ')).slice(0, 2)).toEqual(["SET lock_timeout = '500ms';", "SET statement_timeout = '60000ms';"]);
  });

  it('a CREATE INDEX CONCURRENTLY behind a held lock times out, waits, runs again and succeeds; --json lists the retries', async () => {
    // The lock is released once the run said it gave up once: the second attempt finds it free.
    const lock = await holdLock();
    const running = startRetort(project.dir, ['upgrade', 'a2index', '--json']);
    await until(() => running.output().stderr, 'gave up waiting for its lock');
    await lock.release();
    const run = await running.done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Revision a2index: statement 1 gave up waiting for its lock after 0\.5 s \(attempt 1 of 3\); running it again in \d+ ms: CREATE INDEX CONCURRENTLY "ix_books_title"/);
    const step = JSON.parse(run.stdout).steps[0];
    expect(step.revision).toBe('a2index');
    expect(step.lockRetries.length).toBeGreaterThanOrEqual(1);
    expect(step.lockRetries[0]).toMatchObject({ attempt: 1, statement: 'CREATE INDEX CONCURRENTLY "ix_books_title" ON "public"."books" ("title")' });
    expect(await rawQuery(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_books_title'::regclass")).toEqual([{ indisvalid: true }]);
  });

  it('gives up after the retries with LockWaitTimeout (exit 1) naming revision and statement; inside a transaction at once', async () => {
    expect(retort(project.dir, ['downgrade', 'a1base']).code).toBe(0);
    const lock = await holdLock();
    const run = await startRetort(project.dir, ['upgrade', 'a2index', '--json']).done;
    // The invalid leftover of a timed-out concurrent build is never left behind by a retry.
    expect(await rawQuery(db, "SELECT 1 FROM pg_class WHERE relname = 'ix_books_title'")).toEqual([]);
    await lock.release();
    expect(retort(project.dir, ['upgrade', 'a2index']).code).toBe(0);
    const again = await holdLock();
    const plain = await startRetort(project.dir, ['upgrade', 'a3plain', '--json']).done;
    await again.release();
    expect(run.code).toBe(1);
    const error = JSON.parse(run.stdout).error;
    expect(error).toMatchObject({ code: 'LockWaitTimeout', revision: 'a2index', attempts: 3 });
    expect(error.message).toContain('Revision a2index: statement 1 gave up: it waited more than 0.5 s for its lock 3 time(s)');
    expect(error.message).toContain('CREATE INDEX CONCURRENTLY "ix_books_title"');
    expect((run.stderr.match(/gave up waiting for its lock/g) ?? []).length).toBe(2);
    expect(plain.code).toBe(1);
    expect(JSON.parse(plain.stdout).error).toMatchObject({ code: 'LockWaitTimeout', attempts: 1 });
    expect(plain.stderr).not.toContain('gave up waiting');
  }, 30_000);
});
