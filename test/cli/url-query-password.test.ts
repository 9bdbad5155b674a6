/**
 * A password given as a URL query parameter, the form libpq users write
 * (`postgresql://host/db?user=u&password=...`), is masked like the authority's password in every
 * output: the `url` field of `--json` errors (before: printed in full), the text form, `--verbose`.
 * A real PostgreSQL server (which trusts 127.0.0.1 here, so the password is sent and ignored).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl, passwordOf } from '../../src/util/redact.js';
import { startRetort } from '../support/cli-async.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

const SECRET = 'Qu3ryS3cr#t';

describe('a password as a URL query parameter never appears in output', () => {
  let db: TestDatabase;
  let project: TestProject;
  beforeAll(async () => {
    db = await createTestDatabase('postgres', 'retort_qp');
    project = createTestProject({ url: 'sqlite::memory:' });
  });
  afterAll(async () => {
    project?.cleanup();
    await db?.drop();
  });

  const withQuery = (database: string) => {
    const url = new URL(db.url);
    return `postgresql://${url.host}/${database}?user=${url.username || 'postgres'}&password=${encodeURIComponent(SECRET)}&application_name=x`;
  };

  it('a run that fails (missing database): the url field masks it, user and database names stay readable', async () => {
    for (const extra of [['--json'], ['--json', '-v'], []]) {
      const run = await startRetort(project.dir, ['--url', withQuery('retort_no_such_db'), ...extra, 'current']).done;
      const all = run.stdout + run.stderr;
      expect(all).not.toContain(SECRET);
      expect(all).not.toContain(encodeURIComponent(SECRET));
      expect(run.code).toBe(1);
      if (extra.includes('--json')) {
        const { error } = JSON.parse(run.stdout) as { error: Record<string, any> };
        expect(error.code).toBe('DatabaseNotFound');
        expect(error.url).toMatch(/\?user=\w+&password=\*\*\*&application_name=x$/);
        expect(error.url).toContain('/retort_no_such_db?');
      }
    }
  });

  it('a run that works (current --json -v) prints nothing of it', async () => {
    const run = await startRetort(project.dir, ['--url', withQuery(db.name), '--json', '-v', 'current']).done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('a user and database named like the password: only the password field is masked, in every URL form', async () => {
    // The password is the user's name, and a prefix of the database's: before, every occurrence
    // of its text was replaced (`***ql://***:***@host/***_x`, "no database "***_x"").
    const host = new URL(db.url).host;
    const pg = 'postgres';
    const my = 'root';
    const forms: [string, string, string, string, [string, string]?][] = [
      // [url, error code, the url field ('' when none), text the message must hold, [user, database] fields]
      [`postgresql://${pg}:${pg}@${host}/${pg}_x`, 'DatabaseNotFound', `postgresql://${pg}:***@${host}/${pg}_x`, `"${pg}_x"`, [pg, `${pg}_x`]],
      [`postgresql://${host}/${pg}_x?user=${pg}&password=${pg}`, 'DatabaseNotFound', `postgresql://${host}/${pg}_x?user=${pg}&password=***`, `"${pg}_x"`, [pg, `${pg}_x`]],
      [`mysql://${my}:${my}@127.0.0.1:3306/${my}_x`, 'ConnectionFailed', '', `'${my}'`, [my, `${my}_x`]],
      // The query's user and password are the ones sent (before, dropped: root got in without one).
      [`mysql://127.0.0.1:3306/${my}_x?user=${my}&password=${my}`, 'ConnectionFailed', '', `'${my}'`, [my, `${my}_x`]],
      [`postgres://${pg}:${pg}@127.0.0.1:99999/${pg}_x`, 'BadUrl', `postgres://${pg}:***@127.0.0.1:99999/${pg}_x`, `${pg}:***@`],
      // libpq's key/value form is not a URL retort takes, but its error must not print the password.
      [`host=127.0.0.1 user=${pg} password='${pg} x' dbname=${pg}_x`, 'BadUrl', `host=127.0.0.1 user=${pg} password=*** dbname=${pg}_x`, `user=${pg} password=*** dbname=${pg}_x`],
    ];
    const runs = await Promise.all(forms.map(([url]) => startRetort(project.dir, ['--url', url, '--json', 'current']).done));
    forms.forEach(([url, code, shown, text, names], i) => {
      const run = runs[i]!;
      expect(run.code, `${url}: ${run.stdout}${run.stderr}`).toBe(code === 'BadUrl' ? 2 : 1);
      const { error } = JSON.parse(run.stdout) as { error: Record<string, any> };
      expect(error.code, url).toBe(code);
      expect(error.message, url).toContain(text);
      expect(error.url, url).toBe(shown === '' ? undefined : shown);
      if (names !== undefined) expect([error.user, error.database], url).toEqual(names);
      expect(run.stdout + run.stderr, url).not.toContain('***ql:');
      // The password field itself is never printed.
      expect(run.stdout + run.stderr, url).not.toMatch(/:(postgres|root)@|password='?(postgres|root)/);
    });
  });

  it('redactUrl and passwordOf know the query forms', () => {
    expect(redactUrl('postgresql://h/db?user=app&password=s%40t&sslmode=require')).toBe('postgresql://h/db?user=app&password=***&sslmode=require');
    expect(redactUrl('mysql://h/db?pwd=x&pass=y')).toBe('mysql://h/db?pwd=***&pass=***');
    expect(passwordOf('postgresql://h/db?user=app&password=s%40t')).toBe('s@t');
  });
});
