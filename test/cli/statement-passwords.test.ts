/**
 * A revision's statement that carries a URL with a password of its own (a `dblink_connect`, a
 * foreign server: a password no config names, so nothing knew to mask it) fails: the failure
 * report prints the statement whole, and the server's message quotes it. The password appears in
 * no output (text, `--json`, `--verbose` with its statement echo and the driver's stack) and not
 * in the history table's error text; the rest of the URL stays readable. Through the library, the
 * error thrown and the driver's error it keeps as its `cause` (which `console.error` prints with it)
 * hold no password either, nor does the `ConnectionLost` of a connection cut while that statement ran.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createRetort } from '../../src/index.js';
import { failure } from '../support/assertions.js';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const SECRET = 'Stmt5ecretPw';
const URL_IN_SQL = `postgres://bob:${SECRET}@db.example/app`;

describe.each(['postgres', 'mysql'] as const)('%s: a failed statement holding a URL with a password', (dialect) => {
  let db: TestDatabase | undefined;
  let project: TestProject | undefined;
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db?.drop();
    db = undefined;
  });

  // Fails on both servers, and both quote the value in their message.
  const statement = dialect === 'postgres' ? `SELECT '${URL_IN_SQL}'::int` : `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${URL_IN_SQL}'`;

  it('is reported with the password masked everywhere', async () => {
    db = await createTestDatabase(dialect, 'retort_stpw');
    project = createTestProject({ url: db.url }, [{ id: 'f0f000000001', down: null, message: 'connects', upgrade: `  await op.execute(\`${statement}\`);` }]);
    const runs = [
      retort(project.dir, ['upgrade', 'head']),
      retort(project.dir, ['upgrade', 'head', '--json']),
      retort(project.dir, ['-v', 'upgrade', 'head']),
    ];
    for (const run of runs) {
      expect(run.code, run.stdout + run.stderr).toBeGreaterThan(0);
      expect(run.stdout + run.stderr).not.toContain(SECRET);
    }
    const error = runs[1]!.json().error as Record<string, any>;
    expect(error.statement).toBe(statement.replace(SECRET, '***'));
    expect(error.message).toContain('postgres://bob:***@db.example/app');
    // The caret counted in the text before masking: its LINE goes rather than point wrong.
    expect(error.message).not.toContain('LINE 1:');
    const rows = await rawQuery<{ error: string }>(db, 'SELECT error FROM retort_history');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.error).toContain('bob:***@db.example');
      expect(row.error).not.toContain(SECRET);
    }
  });

  it('is thrown by the library with the password masked in the error and in its cause', async () => {
    db = await createTestDatabase(dialect, 'retort_stpw');
    project = createTestProject({ url: db.url }, [{ id: 'f0f000000001', down: null, message: 'connects', upgrade: `  await op.execute(\`${statement}\`);` }]);
    const error = await failure(createRetort({ cwd: project.dir }).upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    const cause = error.cause as (Error & Record<string, unknown>) | undefined;
    // What console.error(error) prints: the error, its fields, and the driver's error as its cause.
    const printed = inspect(error, { depth: 10 });
    expect(printed).toContain('[cause]');
    expect(printed).not.toContain(SECRET);
    expect(cause?.message).toContain('bob:***@db.example');
    expect(String(cause?.stack)).not.toContain(SECRET);
    // mysql2 keeps the statement on its error too.
    if (dialect === 'mysql') expect(cause?.sql).toBe(statement.replace(SECRET, '***'));
  });

  it('is masked in the ConnectionLost of a connection cut while it ran, and in that error\'s fields', async () => {
    db = await createTestDatabase(dialect, 'retort_stpw');
    const proxy = await startTcpProxy({ port: dialect === 'postgres' ? 5432 : 3306 });
    try {
      // A statement that waits, so the cut lands while it runs.
      const slow = dialect === 'postgres' ? `SELECT pg_sleep(5), '${URL_IN_SQL}'` : `SELECT SLEEP(5), '${URL_IN_SQL}'`;
      project = createTestProject({ url: proxy.url(db.url), transaction: 'none' }, [{ id: 'f0f000000001', down: null, message: 'connects', upgrade: `  await op.execute(\`${slow}\`);` }]);
      const cut = proxy.when({ sent: 'db.example' }, { cut: 'rst' });
      const error = await failure(createRetort({ cwd: project.dir }).upgrade('head'));
      expect(await cut).toBeGreaterThan(0);
      expect(error.code).toBe('ConnectionLost');
      expect(error.fields.statement).toBe(slow.replace(SECRET, '***'));
      const printed = inspect(error, { depth: 10 });
      // The cause is the guard's ConnectionLost, whose own fields name the statement.
      expect(printed).toContain('statementSent: true');
      expect(printed).not.toContain(SECRET);
    } finally {
      await proxy.close();
    }
  });
});
