/**
 * `retort test`: the stairway on a scratch database, on the three real servers, through the
 * built CLI. The configured database is never touched; the scratch database is gone afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { createTestDatabase, DIALECTS, MYSQL_ADMIN_URL, PG_ADMIN_URL, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A chain of five revisions; `broken` replaces one revision's downgrade. */
function chain(dialect: TestDialect, broken: Partial<Record<string, string>> = {}): RevisionSpec[] {
  const specs: RevisionSpec[] = [
    { id: 'r1', down: null, imports: ['integer', 'varchar'], upgrade: "  await op.createTable('books', { id: integer().primaryKey(), title: varchar(200) });", downgrade: "  await op.dropTable('books');" },
    { id: 'r2', down: 'r1', imports: ['integer'], upgrade: "  await op.addColumn('books', 'pages', integer());", downgrade: "  await op.dropColumn('books', 'pages');" },
    { id: 'r3', down: 'r2', upgrade: "  await op.createIndex('books_title_idx', 'books', ['title']);", downgrade: "  await op.dropIndex('books_title_idx', { table: 'books' });" },
    { id: 'r4', down: 'r3', imports: ['varchar'], upgrade: "  await op.addColumn('books', 'isbn', varchar(20));", downgrade: "  await op.dropColumn('books', 'isbn');" },
    dialect === 'postgres'
      // The classic: a named enum type; a downgrade that drops the column but not the type leaves it behind.
      ? { id: 'r5', down: 'r4', imports: ['enumOf'], upgrade: "  await op.createEnum('mood', ['sad', 'happy']);\n  await op.addColumn('books', 'mood', enumOf('mood', ['sad', 'happy']));", downgrade: "  await op.dropColumn('books', 'mood');\n  await op.dropEnum('mood');" }
      : { id: 'r5', down: 'r4', imports: ['integer'], upgrade: "  await op.addColumn('books', 'year', integer());", downgrade: "  await op.dropColumn('books', 'year');" },
  ];
  return specs.map((s) => (broken[s.id] === undefined ? s : { ...s, downgrade: broken[s.id]! }));
}

async function setUp(dialect: TestDialect, revisions: RevisionSpec[]): Promise<{ db: TestDatabase; project: TestProject }> {
  const db = await createTestDatabase(dialect, 'retort_stair');
  cleanups.push(() => db.drop());
  const project = createTestProject({ url: db.url }, revisions);
  cleanups.push(() => project.cleanup());
  return { db, project };
}

/** True when the scratch database a run reported still exists. */
async function scratchExists(dialect: TestDialect, database: string): Promise<boolean> {
  if (dialect === 'sqlite') return existsSync(database);
  const admin = { dialect, url: dialect === 'postgres' ? PG_ADMIN_URL : MYSQL_ADMIN_URL, name: 'admin', drop: async () => undefined } as TestDatabase;
  const sql = dialect === 'postgres' ? 'SELECT datname FROM pg_database WHERE datname = $1' : 'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?';
  return (await rawQuery(admin, sql, [database])).length > 0;
}

async function tablesOf(db: TestDatabase): Promise<string[]> {
  const sql = db.dialect === 'sqlite' ? "SELECT name AS t FROM sqlite_schema WHERE type = 'table'"
    : db.dialect === 'postgres' ? "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'"
      : 'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()';
  return (await rawQuery<{ t: string }>(db, sql)).map((r) => r.t).sort();
}

describe.each(DIALECTS)('%s: retort test', (dialect) => {
  it('a clean chain passes (exit 0) on a scratch database that is dropped; the configured database is untouched', async () => {
    const { db, project } = await setUp(dialect, chain(dialect));
    const run = retort(project.dir, ['--json', 'test']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json();
    expect(result).toMatchObject({ ok: true, revisions: 5, failures: [], passed: ['r1', 'r2', 'r3', 'r4', 'r5'], scratch: true });
    expect(await scratchExists(dialect, result.database)).toBe(false);
    expect(await tablesOf(db)).toEqual([]);
  });

  it('a downgrade that leaves an index behind: exit 3 naming the revision and the index', async () => {
    const { project } = await setUp(dialect, chain(dialect, { r3: '  // forgot the index' }));
    const run = retort(project.dir, ['--json', 'test']);
    expect(run.code, run.stderr).toBe(3);
    const result = run.json();
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['ok', 'revisions', 'failures']));
    expect(result).toMatchObject({ ok: false, revisions: 5, passed: ['r1', 'r2'] });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ revision: 'r3', step: 'downgrade' });
    expect(result.failures[0].differences).toEqual([expect.stringMatching(/^index(es)? .*books_title_idx: only after the downgrade/)]);
    expect(await scratchExists(dialect, result.database)).toBe(false);
  });

  it('a downgrade that leaves a column behind: the text names the revision and the column', async () => {
    const { project } = await setUp(dialect, chain(dialect, { r4: '  // forgot the column' }));
    const run = retort(project.dir, ['test']);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toContain('Revision r4: its downgrade does not restore the catalog:');
    expect(run.stdout).toMatch(/isbn/);
    const scratch = /scratch database (\S+) \(dropped\)/.exec(run.stdout)?.[1];
    expect(scratch).toBeDefined();
    expect(await scratchExists(dialect, scratch!)).toBe(false);
  });

  it('--url runs on the given database and leaves it at head', async () => {
    const { project } = await setUp(dialect, chain(dialect));
    const other = await createTestDatabase(dialect, 'retort_stair_url');
    cleanups.push(() => other.drop());
    const run = retort(project.dir, ['--json', '--url', other.url, 'test']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ ok: true, scratch: false });
    expect(await tablesOf(other)).toContain('books');
  });
});

describe('postgres: retort test, enum types and the schema module', () => {
  it('a downgrade that leaves the enum type behind: exit 3 naming the revision and the type', async () => {
    const { project } = await setUp('postgres', chain('postgres', { r5: "  await op.dropColumn('books', 'mood');" }));
    const run = retort(project.dir, ['--json', 'test']);
    expect(run.code, run.stderr).toBe(3);
    expect(run.json().failures).toEqual([{ revision: 'r5', step: 'downgrade', differences: ['enums public.mood: only after the downgrade (sad,happy)'] }]);
  });

  it('at head the database is compared with the schema module (step "schema")', async () => {
    const { project } = await setUp('postgres', chain('postgres').slice(0, 1));
    mkdirSync(join(project.dir, 'src'));
    writeFileSync(join(project.dir, 'retort.config.json'), JSON.stringify({ url: PG_ADMIN_URL, migrations: './migrations', schema: './src/schema.ts' }));
    const schema = (extra: string) => `import { defineSchema, table, integer, varchar } from 'retort-migrate';
export default defineSchema({ books: table('books', { id: integer().primaryKey(), title: varchar(200)${extra} }) });
`;
    writeFileSync(join(project.dir, 'src/schema.ts'), schema(''));
    const same = retort(project.dir, ['--json', 'test']);
    expect(same.code, same.stderr + same.stdout).toBe(0);
    expect(same.json()).toMatchObject({ ok: true, schemaCompared: true });

    writeFileSync(join(project.dir, 'src/schema.ts'), schema(', pages: integer()'));
    const differs = retort(project.dir, ['--json', 'test']);
    expect(differs.code).toBe(3);
    expect(differs.json().failures).toEqual([{ revision: 'r1', step: 'schema', differences: [expect.stringContaining("op.addColumn('books', 'pages'")] }]);
  });
});

describe('sqlite: the testing helper', () => {
  it("stairway() from 'retort-migrate/testing' returns the result object (the package export resolves)", async () => {
    const { project } = await setUp('sqlite', chain('sqlite', { r2: '  // forgot the column' }));
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const code = `const { stairway } = await import('retort-migrate/testing');
process.stdout.write(JSON.stringify(await stairway({ cwd: ${JSON.stringify(project.dir)} })));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ ok: false, passed: ['r1'], failures: [{ revision: 'r2', step: 'downgrade' }], scratch: true });
    expect(result.failures[0].differences).toEqual([expect.stringMatching(/^column books\.pages: only after the downgrade/)]);
    expect(existsSync(result.database)).toBe(false);
  });
});
