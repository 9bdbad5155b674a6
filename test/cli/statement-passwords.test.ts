/**
 * A revision's statement that carries a URL with a password of its own (a `dblink_connect`, a
 * foreign server: a password no config names, so nothing knew to mask it) fails: the failure
 * report prints the statement whole, and the server's message quotes it. The password appears in
 * no output (text, `--json`, `--verbose` with its statement echo and the driver's stack) and not
 * in the history table's error text; the rest of the URL stays readable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

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

  it('is reported with the password masked everywhere', async () => {
    db = await createTestDatabase(dialect, 'retort_stpw');
    // Fails on both servers, and both quote the value in their message.
    const statement = dialect === 'postgres' ? `SELECT '${URL_IN_SQL}'::int` : `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${URL_IN_SQL}'`;
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
});
