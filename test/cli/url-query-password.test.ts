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

  it('redactUrl and passwordOf know the query forms', () => {
    expect(redactUrl('postgresql://h/db?user=app&password=s%40t&sslmode=require')).toBe('postgresql://h/db?user=app&password=***&sslmode=require');
    expect(redactUrl('mysql://h/db?pwd=x&pass=y')).toBe('mysql://h/db?pwd=***&pass=***');
    expect(passwordOf('postgresql://h/db?user=app&password=s%40t')).toBe('s@t');
  });
});
