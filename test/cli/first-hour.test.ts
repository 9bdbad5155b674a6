/**
 * The first hour of a new user (issue 13): each surprise that was hit, replayed as the user met it,
 * through the built `retort` in a temporary project, against real databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { retort } from '../support/cli.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function sqliteProject(config: Record<string, unknown> = {}): Promise<{ project: TestProject; db: TestDatabase }> {
  const db = await createTestDatabase('sqlite');
  const project = createTestProject({ url: db.url, ...config });
  cleanups.push(() => project.cleanup(), () => db.drop());
  return { project, db };
}

describe('the revision graph as Alembic users expect it', () => {
  let project: TestProject;
  beforeAll(async () => {
    ({ project } = await sqliteProject({ revisionIds: 'sequential' }));
    project.write({ id: '0001', message: 'one' });
    project.write({ id: '0002', down: '0001', message: 'two' });
    project.write({ id: 'lib1', message: 'a library', branchLabels: ['lib'] });
    project.write({ id: '0003', down: '0002', dependsOn: ['lib1'], message: 'three' });
  });

  it('current shows the dependency a revision stands on as an effective head', () => {
    expect(retort(project.dir, ['upgrade', '0003']).code).toBe(0);
    const run = retort(project.dir, ['current']);
    expect(run.stdout.split('\n').filter(Boolean)).toEqual(['0003 (head)', 'lib1 (lib) (effective head)']);
    expect(retort(project.dir, ['current', '--json']).json()).toEqual({ current: ['0003'], effectiveHeads: ['lib1'] });
  });

  it('upgrade OLDER does nothing and says to use downgrade; upgrade 1 suggests 0001', () => {
    const older = retort(project.dir, ['upgrade', '0001']);
    expect(older.code).toBe(0);
    expect(older.stdout).toBe('Nothing to upgrade: the database is at 0003.\n');
    expect(older.stderr).toContain('WARNING: 0001 is below the current head(s) 0003: upgrade never goes down. To go back, run `retort downgrade 0001`.');
    const typo = retort(project.dir, ['upgrade', '1']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("ERROR [UnknownRevision] No such revision or branch '1'");
    expect(typo.stderr).toContain("Did you mean '0001'?");
  });

  it('downgrade -1 from two heads is refused, naming them', () => {
    project.write({ id: '0004', down: '0001', message: 'a branch', branchLabels: ['side'] });
    expect(retort(project.dir, ['upgrade', 'heads']).code).toBe(0);
    const run = retort(project.dir, ['downgrade', '-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("ERROR [MultipleHeads] '-1' is ambiguous: the database holds several heads (0003, 0004)");
    expect(retort(project.dir, ['current', '--json']).json().current).toEqual(['0003', '0004']);
  });
});

describe('stamp base on a database nothing has stamped', () => {
  it('says it created the version table', async () => {
    const { project, db } = await sqliteProject();
    const run = retort(project.dir, ['stamp', 'base']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Created the version table "retort_version".\nNothing to stamp: the database is at base (no revision).\n');
    expect(await rawQuery(db, 'SELECT version_num FROM retort_version')).toEqual([]);
    expect(retort(project.dir, ['stamp', 'base']).stdout).toBe('Nothing to stamp: the database is at base (no revision).\n');
  });
});

describe('DuplicateRevision', () => {
  it('names both files', async () => {
    const { project } = await sqliteProject();
    const first = project.write({ id: 'abcd1234', message: 'first' });
    const second = project.write({ id: 'abcd1234', message: 'second' });
    const run = retort(project.dir, ['heads']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`ERROR [DuplicateRevision] Revision abcd1234 is present more than once: in ${first} and in ${second}.`);
  });
});

describe('a versionTable that names another tool\'s table', () => {
  it('is refused with what to do, before anything is written', async () => {
    const { project, db } = await sqliteProject({ versionTable: 'knex_migrations' });
    await rawQuery(db, 'CREATE TABLE knex_migrations (id integer primary key, name varchar(255), batch integer, migration_time datetime)');
    await rawQuery(db, "INSERT INTO knex_migrations (name, batch) VALUES ('20240101_init.js', 1)");
    project.write({ id: 'aaaa1111', message: 'one', upgrade: "  await op.execute('CREATE TABLE t (id integer)');" });
    for (const args of [['upgrade', 'head'], ['current'], ['stamp', 'head']]) {
      const run = retort(project.dir, [...args, '--json']);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.json().error).toMatchObject({
        code: 'ForeignVersionTable',
        message: expect.stringContaining("The version table 'knex_migrations' has no version_num column (it has id, name, batch, migration_time). It is Knex's table"),
        hint: expect.stringContaining('retort adopt --from knex'),
      });
    }
    expect(await rawQuery(db, "SELECT name FROM sqlite_master WHERE name = 't'")).toEqual([]);
    expect(await rawQuery(db, 'SELECT name FROM knex_migrations')).toEqual([{ name: '20240101_init.js' }]);
  });
});

describe('a dbSchema that does not exist (PostgreSQL)', () => {
  it('is SchemaNotFound with the CREATE SCHEMA to run; createDbSchema: true creates it', async () => {
    const db = await createTestDatabase('postgres');
    cleanups.push(() => db.drop());
    const project = createTestProject({ url: db.url, dbSchema: 'billing' }, [
      { id: 'aaaa1111', message: 'one', imports: ['integer'], upgrade: "  await op.createTable('invoices', { id: integer().primaryKey() });" },
    ]);
    cleanups.push(() => project.cleanup());
    const run = retort(project.dir, ['upgrade', 'head']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("ERROR [SchemaNotFound] The database has no schema 'billing' (the config's dbSchema)");
    expect(run.stderr).toContain('Create it (`CREATE SCHEMA "billing";`), or set `createDbSchema: true` in the config');
    writeFileSync(join(project.dir, 'retort.config.json'), JSON.stringify({ url: db.url, migrations: './migrations', dbSchema: 'billing', createDbSchema: true }));
    expect(retort(project.dir, ['upgrade', 'head']).code).toBe(0);
    expect(await rawQuery(db, 'SELECT version_num FROM billing.retort_version')).toEqual([{ version_num: 'aaaa1111' }]);
    expect(await rawQuery(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'billing' AND table_name = 'invoices'")).toHaveLength(1);
  });
});

describe('errors in the user\'s own files name the file and line they wrote', () => {
  let project: TestProject;
  beforeAll(async () => {
    ({ project } = await sqliteProject({ schema: './schema.ts' }));
  });
  const revisionFile = (body: string, imports = "import { integer } from 'retort-migrate';") => {
    const path = join(project.dir, 'migrations', 'bbbb0001_one.ts');
    writeFileSync(path, `/** one */
import type { MigrationContext } from 'retort-migrate';
${imports}

export const revision = 'bbbb0001';
export const downRevision = null;

export async function upgrade({ op }: MigrationContext) {
${body}
}
export async function downgrade() {}
`);
    return path;
  };

  it('a throw in a revision: file:line in the message, and the right lines with -v', () => {
    revisionFile("  await op.createTable('t', { id: integer().primaryKey() });\n  // a comment\n  throw new Error('boom in upgrade');");
    const run = retort(project.dir, ['upgrade', 'head']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the script threw at migrations/bbbb0001_one.ts:11:9: boom in upgrade');
    const verbose = retort(project.dir, ['upgrade', 'head', '-v']);
    expect(verbose.stderr).toMatch(/Error: boom in upgrade\n\s+at Object\.upgrade \(\/.*\/migrations\/bbbb0001_one\.ts:11:9\)/);
    expect(retort(project.dir, ['upgrade', 'head', '--json']).json().error).toMatchObject({ code: 'MigrationFailed', line: 11, column: 9 });
  });

  it('a failing statement names the line of its operation', () => {
    revisionFile("  await op.createTable('t', { id: integer().primaryKey() });\n\n  await op.execute('INSERT INTO nope VALUES (1)');");
    expect(retort(project.dir, ['upgrade', 'head']).stderr).toContain('failed: statement 2 at migrations/bbbb0001_one.ts:11:3 failed: INSERT INTO nope VALUES (1)');
  });

  it('MissingAwait names the line of the call without await', () => {
    revisionFile("  op.createTable('t', { id: integer().primaryKey() });\n  await op.createTable('u', { id: integer().primaryKey() });");
    const run = retort(project.dir, ['upgrade', 'head', '--json']);
    expect(run.json().error).toMatchObject({ code: 'MissingAwait', line: 9, message: expect.stringContaining('bbbb0001_one.ts:9:6') });
  });

  it('a builder imported but not exported, or used but not imported, is said plainly', () => {
    revisionFile("  await op.createTable('t', { id: integer().primaryKey(), n: tinyintt() });", "import { integer,\n  tinyintt } from 'retort-migrate';");
    const bad = retort(project.dir, ['upgrade', 'head']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ERROR \[BadImport\] \/.*\/bbbb0001_one\.ts:4: `tinyintt` is imported from 'retort-migrate', which exports no such name\.\n {2}Did you mean `tinyint`\?/);
    revisionFile("  await op.createTable('t', { id: integer().primaryKey(), n: smallint() });");
    expect(retort(project.dir, ['upgrade', 'head']).stderr).toContain("the script threw at migrations/bbbb0001_one.ts:9:62: `smallint` is used but not imported: add it to `import { ... } from 'retort-migrate'`");
  });

  it('a throw in the schema module and in the config: file and line', () => {
    revisionFile('');
    writeFileSync(join(project.dir, 'schema.ts'), "import { defineSchema } from 'retort-migrate';\n\nthrow new Error('schema boom');\nexport default defineSchema({});\n");
    expect(retort(project.dir, ['check']).stderr).toMatch(/ERROR \[SchemaInvalid\] The schema module \/.*\/schema\.ts failed to load at \/.*\/schema\.ts:3:7: schema boom/);
    const config = join(project.dir, 'retort.config.ts');
    writeFileSync(config, "import { defineConfig } from 'retort-migrate';\nconst port = process.env.NO_SUCH_VARIABLE!.length;\nexport default defineConfig({ url: `sqlite:./x${port}.db` });\n");
    try {
      const run = retort(project.dir, ['-c', config, 'heads']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/ERROR \[ConfigInvalid\] retort\.config\.ts failed to load at \/.*\/retort\.config\.ts:2:44: Cannot read properties of undefined/);
    } finally {
      writeFileSync(config, '');
    }
  });
});

describe('autogenerate against the untouched schema stub of init', () => {
  it('refuses to write a revision that drops every table, unless asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retort-stub-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    expect(retort(dir, ['init']).code).toBe(0);
    const db = join(dir, 'app.db');
    const url = `sqlite:${db}`;
    const seed = createTestProject({ url }, [{ id: 'cccc0001', message: 'tables', upgrade: "  await op.execute('CREATE TABLE books (id integer primary key)');\n  await op.execute('CREATE TABLE authors (id integer primary key)');" }]);
    cleanups.push(() => seed.cleanup());
    await seed.retort.upgrade('head');
    await seed.retort.stamp('base', { purge: true });
    const run = retort(dir, ['--url', url, 'revision', '--autogenerate', '-m', 'first']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ERROR [EmptySchemaModule] The schema module');
    expect(run.stderr).toContain('declares no table, so autogenerate would drop every table of the database (2: authors, books). Nothing was written.');
    expect(readdirSync(join(dir, 'migrations')).filter((f) => f.endsWith('.ts'))).toEqual([]);
    const allowed = retort(dir, ['--url', url, 'revision', '--autogenerate', '-m', 'drop everything', '--allow-empty-schema']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('Detected dropTable authors');
  });
});

describe('the command line itself', () => {
  it('--version prints the package version', () => {
    const run = retort(tmpdir(), ['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(retort(tmpdir(), ['-V']).stdout).toBe(run.stdout);
  });

  it('each subcommand\'s --help lists the global options', () => {
    for (const command of ['upgrade', 'stamp', 'history', 'revision']) {
      const run = retort(tmpdir(), [command, '--help']);
      expect(run.stdout, command).toContain('Global Options:');
      for (const option of ['-c, --config <file>', '--url <url>', '--target <name>', '--json', '-v, --verbose']) expect(run.stdout, `${command} ${option}`).toContain(option);
    }
  });

  it('colours errors on a terminal, never with NO_COLOR, never on stdout', () => {
    // No config up from the temporary folder: an error every time.
    const coloured = retort(tmpdir(), ['heads'], { FORCE_COLOR: '1' });
    expect(coloured.stderr).toContain('\u001b[1;31mERROR [ConfigNotFound]\u001b[0m');
    const plain = retort(tmpdir(), ['heads'], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(plain.stderr).toMatch(/^ERROR \[ConfigNotFound\]/);
    expect(plain.stderr).not.toContain('\u001b[');
    expect(retort(tmpdir(), ['heads', '--json'], { FORCE_COLOR: '1' }).stdout).not.toContain('\u001b[');
  });
});

describe('generated revision files', () => {
  it('pass tsc --noUnusedLocals --noUnusedParameters (hand-written stubs --noUnusedLocals); init mentions revisionIds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retort-tsc-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const init = retort(dir, ['init']);
    expect(init.stdout).toContain('set `revisionIds` there');
    expect(readFileSync(join(dir, 'retort.config.ts'), 'utf8')).toContain("// revisionIds: 'sequential',");
    const ok = (args: string[]) => expect(retort(dir, args).code, args.join(' ')).toBe(0);
    ok(['revision', '-m', 'stub']);
    writeFileSync(join(dir, 'src', 'schema.ts'), `import { defineSchema, table, integer, varchar, sql, timestamp, index } from 'retort-migrate';
export const users = table('users', {
  id: integer().primaryKey(),
  x: varchar(20).notNull().default('x'),
  at: timestamp().default(sql\`CURRENT_TIMESTAMP\`),
}, (t) => [index('ix_users_x').on(t.x)]);
const schema = defineSchema({ users });
export default schema;
export type DB = typeof schema.$kysely;
`);
    ok(['upgrade', 'head']);
    ok(['revision', '--autogenerate', '-m', 'users']);
    ok(['upgrade', 'head']);
    ok(['revision', '--autogenerate', '-m', 'nothing']);
    ok(['revision', '-m', 'side', '--head', 'base']);
    ok(['merge', 'heads', '-m', 'join']);
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(REPO, join(dir, 'node_modules', 'retort-migrate'));
    const files = readdirSync(join(dir, 'migrations')).filter((f) => f.endsWith('.ts')).map((f) => join(dir, 'migrations', f));
    expect(files).toHaveLength(5);
    const stubs = files.filter((f) => /_(stub|side)\.ts$/.test(f));
    const generated = files.filter((f) => !stubs.includes(f));
    const tsc = (flags: string[], list: string[]) => spawnSync(process.execPath, [TSC, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', ...flags, ...list], { cwd: dir, encoding: 'utf8' });
    const strict = tsc(['--noUnusedLocals', '--noUnusedParameters'], generated);
    expect(strict.stdout + strict.stderr).toBe('');
    expect(strict.status).toBe(0);
    const loose = tsc(['--noUnusedLocals'], stubs);
    expect(loose.stdout + loose.stderr).toBe('');
  }, 60_000);
});
