/**
 * The walkthroughs teams learn these tools with, run as a user would (separate `retort` processes
 * in a temporary project), checked in the catalog and the version table at each step.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';
import { retort } from '../support/cli.js';

const booksTable: RevisionSpec = {
  id: '1975ea83b712', down: null, message: 'add books table', imports: ['bigint', 'text', 'varchar', 'timestamp'],
  upgrade: [
    "  await op.createTable('books', {",
    '    id: bigint().unsigned().primaryKey().autoIncrement(),',
    '    title: text().notNull(),',
    '    author: varchar(64).notNull(),',
    '    created_at: timestamp(),',
    '    updated_at: timestamp(),',
    '  });',
  ].join('\n'),
  downgrade: "  await op.dropTable('books');",
};
const isbnColumn: RevisionSpec = {
  id: 'ae1027a6acf0', down: '1975ea83b712', message: 'add isbn column', imports: ['bigint'],
  upgrade: "  await op.addColumn('books', 'isbn', bigint().notNull());",
  downgrade: "  await op.dropColumn('books', 'isbn');",
};

let db: TestDatabase | undefined;
let project: TestProject | undefined;
afterEach(async () => {
  project?.cleanup();
  project = undefined;
  await db?.drop();
  db = undefined;
});

async function versionRows(): Promise<string[]> {
  return (await rawQuery<{ version_num: string }>(db!, 'SELECT version_num FROM retort_version ORDER BY version_num')).map((r) => r.version_num);
}

function ok(args: string[]) {
  const run = retort(project!.dir, args);
  expect(run.stderr + run.stdout, `retort ${args.join(' ')}`).not.toMatch(/ERROR/);
  expect(run.code).toBe(0);
  return run;
}

describe('MariaDB: the books walkthrough', () => {
  it('makes the columns Alembic would have made, and downgrade to base removes both revisions', async () => {
    db = await createTestDatabase('mysql', 'retort_books');
    project = createTestProject({ url: db.url }, [booksTable, isbnColumn]);
    const first = ok(['upgrade', '1975ea83b712']);
    expect(first.stderr).toContain('Running upgrade  -> 1975ea83b712, add books table');
    expect(await versionRows()).toEqual(['1975ea83b712']);
    ok(['upgrade', 'head']);
    expect(await versionRows()).toEqual(['ae1027a6acf0']);
    const describe = await rawQuery<{ Field: string; Type: string; Null: string; Key: string; Extra: string }>(db, 'DESCRIBE books');
    expect(describe.map((c) => [c.Field, c.Type, c.Null, c.Key, c.Extra])).toEqual([
      ['id', 'bigint(20) unsigned', 'NO', 'PRI', 'auto_increment'],
      ['title', 'text', 'NO', '', ''],
      ['author', 'varchar(64)', 'NO', '', ''],
      ['created_at', 'datetime', 'YES', '', ''],
      ['updated_at', 'datetime', 'YES', '', ''],
      ['isbn', 'bigint(20)', 'NO', '', ''],
    ]);
    expect(retort(project.dir, ['current', '--json']).json()).toEqual({ current: ['ae1027a6acf0'] });
    ok(['downgrade', 'base']);
    expect(await versionRows()).toEqual([]);
    expect(await rawQuery(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'books'")).toEqual([]);
  });
});

describe('PostgreSQL: the userdata walkthrough', () => {
  it('makes an identity primary key, and current, history and downgrade report truthfully', async () => {
    db = await createTestDatabase('postgres', 'retort_userdata');
    project = createTestProject({ url: db.url }, [{
      id: '0001', down: null, message: 'create userdata', imports: ['integer', 'varchar'],
      upgrade: "  await op.createTable('userdata', { id: integer().primaryKey().autoIncrement(), name: varchar(200), age: integer() });",
      downgrade: "  await op.dropTable('userdata');",
    }]);
    ok(['upgrade', 'head']);
    const columns = await rawQuery<{ column_name: string; data_type: string; is_nullable: string; is_identity: string; character_maximum_length: number | null }>(db,
      "SELECT column_name, data_type, is_nullable, is_identity, character_maximum_length FROM information_schema.columns WHERE table_name = 'userdata' ORDER BY ordinal_position");
    expect(columns.map((c) => [c.column_name, c.data_type, c.is_nullable, c.is_identity, c.character_maximum_length])).toEqual([
      ['id', 'integer', 'NO', 'YES', null],
      ['name', 'character varying', 'YES', 'NO', 200],
      ['age', 'integer', 'YES', 'NO', null],
    ]);
    expect(ok(['current']).stdout.trim()).toBe('0001 (head)');
    expect(ok(['history']).stdout.trim()).toBe('<base> -> 0001 (head), create userdata');
    const history = retort(project.dir, ['history', '--json']).json();
    expect(history.revisions[0]).toMatchObject({ revision: '0001', downRevisions: [], message: 'create userdata', isHead: true, isBranchPoint: false, isMergePoint: false });
    ok(['downgrade', 'base']);
    expect(await versionRows()).toEqual([]);
    expect(ok(['current']).stdout).toContain('base');
  });

  it('keeps tenants apart in schemas: tables and version table per dbSchema', async () => {
    db = await createTestDatabase('postgres', 'retort_schemas');
    await rawQuery(db, 'CREATE SCHEMA tenant_a; CREATE SCHEMA "Tenant B"');
    project = createTestProject({ url: db.url, dbSchema: 'tenant_a' }, [booksTable]);
    ok(['upgrade', 'head']);
    const other = createTestProject({ url: db.url, dbSchema: 'Tenant B' }, [booksTable]);
    try {
      expect(retort(other.dir, ['current', '--json']).json()).toEqual({ current: [] });
      expect(retort(other.dir, ['upgrade', 'head']).code).toBe(0);
      const tables = await rawQuery<{ table_schema: string; table_name: string }>(db,
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('tenant_a', 'Tenant B', 'public') ORDER BY 1, 2");
      expect(tables.map((t) => `${t.table_schema}.${t.table_name}`)).toEqual([
        // The history table lives with the version table, in each tenant's schema.
        'Tenant B.books', 'Tenant B.retort_history', 'Tenant B.retort_version', 'tenant_a.books', 'tenant_a.retort_history', 'tenant_a.retort_version',
      ]);
      expect(retort(other.dir, ['downgrade', 'base']).code).toBe(0);
      expect(await rawQuery(db, 'SELECT version_num FROM tenant_a.retort_version')).toEqual([{ version_num: '1975ea83b712' }]);
    } finally {
      other.cleanup();
    }
  });
});

describe.each(DIALECTS)('%s: tables A and B, then a column each', (dialect) => {
  it('steps with upgrade +1, downgrade -1 and downgrade -2', async () => {
    db = await createTestDatabase(dialect, 'retort_ab');
    const create = (id: string, down: string | null, name: string): RevisionSpec => ({
      id, down, message: `create ${name}`, imports: ['integer', 'varchar'],
      upgrade: `  await op.createTable('${name}', { id: integer().primaryKey(), name: varchar(50).notNull() });`,
      downgrade: `  await op.dropTable('${name}');`,
    });
    const column = (id: string, down: string, name: string): RevisionSpec => ({
      id, down, message: `add ${name}.note`, imports: ['varchar'],
      upgrade: `  await op.addColumn('${name}', 'note', varchar(100));`,
      downgrade: `  await op.dropColumn('${name}', 'note');`,
    });
    project = createTestProject({ url: db.url }, [create('a1', null, 'table_a'), create('b2', 'a1', 'table_b'), column('c3', 'b2', 'table_a'), column('d4', 'c3', 'table_b')]);
    ok(['upgrade', '+1']);
    expect(await versionRows()).toEqual(['a1']);
    ok(['upgrade', 'head']);
    expect(await versionRows()).toEqual(['d4']);
    ok(['downgrade', '-1']);
    expect(await versionRows()).toEqual(['c3']);
    ok(['downgrade', '-2']);
    expect(await versionRows()).toEqual(['a1']);
    const run = retort(project.dir, ['downgrade', '-2', '--json']);
    expect(run.code).toBe(2);
    expect(run.json().error.code).toBe('RelativeOutOfRange');
    expect(await versionRows()).toEqual(['a1']);
  });
});
