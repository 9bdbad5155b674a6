/**
 * The first hour of a new user (issue 13): each surprise that was hit, replayed as the user met it,
 * through the built `retort` in a temporary project, against real databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { retort } from '../support/cli.js';

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
