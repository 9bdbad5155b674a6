/**
 * What a user gets for the bad input they will try: a one-paragraph error, the contract's exit
 * code, and a database and version table left truthful.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';
import { retort } from '../support/cli.js';

const books: RevisionSpec = {
  id: 'a1b2c3d4e5f6', down: null, message: 'add books', imports: ['integer', 'text'],
  upgrade: "  await op.createTable('books', { id: integer().primaryKey(), title: text() });",
  downgrade: "  await op.dropTable('books');",
};

describe('bad input on the command line', () => {
  let project: TestProject | undefined;
  let db: TestDatabase | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db?.drop();
    db = undefined;
    for (const fn of cleanups.splice(0)) fn();
  });

  async function sqliteProject(revisions: RevisionSpec[] = [books]) {
    db = await createTestDatabase('sqlite');
    project = createTestProject({ url: db.url }, revisions);
    return project;
  }

  it('a missing config: ConfigNotFound, exit 2, saying what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'retort-empty-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const run = retort(dir, ['heads']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ConfigNotFound');
    expect(run.stderr).toContain('retort init');
    const json = retort(dir, ['heads', '--json']);
    expect(json.code).toBe(2);
    expect(json.json().error.code).toBe('ConfigNotFound');
    const explicit = retort(dir, ['-c', 'nope.ts', 'heads']);
    expect(explicit.code).toBe(2);
    expect(explicit.stderr).toContain('nope.ts');
  });

  it('a typo in a config key names the key and suggests the right one', async () => {
    const p = await sqliteProject();
    writeFileSync(join(p.dir, 'retort.config.json'), JSON.stringify({ url: db!.url, migration: './migrations' }));
    const run = retort(p.dir, ['heads', '--json']);
    expect(run.code).toBe(2);
    const error = run.json().error;
    expect(error.code).toBe('ConfigInvalid');
    expect(error.message).toContain('migration');
    expect(error.message).toContain('migrations');
  });

  it('an URL with an unknown scheme: BadUrl, exit 2, never the password', async () => {
    const p = await sqliteProject();
    const run = retort(p.dir, ['--url', 'oracle://scott:tiger-secret@db/orcl', 'upgrade', 'head']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('BadUrl');
    expect(run.stderr + run.stdout).not.toContain('tiger-secret');
  });

  it('upgrade to a revision that does not exist: UnknownRevision, exit 2, nothing applied', async () => {
    const p = await sqliteProject();
    const run = retort(p.dir, ['upgrade', 'nonsense', '--json']);
    expect(run.code).toBe(2);
    expect(run.json().error.code).toBe('UnknownRevision');
    const tables = await rawQuery(db!, "SELECT name FROM sqlite_master WHERE name = 'books'");
    expect(tables).toEqual([]);
  });

  it('a target that names no revision is reported before any connection, even with the server down', () => {
    // Port 9 (discard) has no database: anything that connects fails with ConnectionFailed, exit 1.
    const p = createTestProject({ url: 'postgres://nobody@127.0.0.1:9/none' }, [books]);
    project = p;
    for (const args of [['upgrade', 'nonsense'], ['downgrade', 'a1b2c3d4e5f6-1x'], ['stamp', 'zzzz'], ['upgrade', 'nonsense@head']]) {
      const run = retort(p.dir, [...args, '--json']);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.json().error.code, args.join(' ')).toBe('UnknownRevision');
    }
    // A step from the current heads needs the version table: that one does connect.
    const relative = retort(p.dir, ['upgrade', '+1', '--json']);
    expect(relative.code).toBe(1);
    expect(relative.json().error.code).toBe('ConnectionFailed');
  });

  it('downgrade with no target and revision with no message are bad arguments (exit 2)', async () => {
    const p = await sqliteProject();
    const down = retort(p.dir, ['downgrade']);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('missing required argument');
    const rev = retort(p.dir, ['revision']);
    expect(rev.code).toBe(2);
    expect(rev.stderr).toContain('-m');
  });

  it('a revision file with a syntax error or without upgrade is named, exit 2', async () => {
    const p = await sqliteProject();
    writeFileSync(join(p.dir, 'migrations', 'b2_broken.ts'), "/** broken */\nexport const revision = 'b2b2b2';\nexport const downRevision = 'a1b2c3d4e5f6';\nexport async function upgrade({ op }) {\n  await op.execute('SELECT 1'\n}\n");
    const run = retort(p.dir, ['upgrade', 'head']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('b2_broken.ts');
    // The first revision ran and committed; the version table says so.
    expect(await rawQuery(db!, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: 'a1b2c3d4e5f6' }]);

    writeFileSync(join(p.dir, 'migrations', 'b2_broken.ts'), "/** no upgrade */\nexport const revision = 'b2b2b2';\nexport const downRevision = 'a1b2c3d4e5f6';\nexport async function downgrade() {}\n");
    const missing = retort(p.dir, ['upgrade', 'head', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json().error.message).toContain('upgrade');
  });

  it('two files with the same id: DuplicateRevision naming both files, before any connection', async () => {
    const p = await sqliteProject();
    p.write({ ...books, message: 'again' });
    const run = retort(p.dir, ['--url', 'postgres://nobody:pw@127.0.0.1:1/none', 'upgrade', 'head', '--json']);
    expect(run.code).toBe(2);
    const error = run.json().error;
    expect(error.code).toBe('DuplicateRevision');
    expect(JSON.stringify(error)).toContain('again');
  });

  it('a script that throws half-way: exit 1, the error names the revision, the database is as before it', async () => {
    const p = await sqliteProject([
      books,
      { id: 'c3c3c3', down: 'a1b2c3d4e5f6', message: 'throws', imports: ['integer'], upgrade: "  await op.addColumn('books', 'isbn', integer());\n  throw new Error('boom in the script');" },
    ]);
    const run = retort(p.dir, ['upgrade', 'head']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('c3c3c3');
    expect(run.stderr).toContain('boom in the script');
    expect(await rawQuery(db!, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: 'a1b2c3d4e5f6' }]);
    const columns = await rawQuery<{ name: string }>(db!, "SELECT name FROM pragma_table_info('books')");
    expect(columns.map((c) => c.name)).toEqual(['id', 'title']);
  });
});
