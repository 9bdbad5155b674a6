/**
 * Proof for `retort test` (issue 12): a chain of 20 revisions whose revision 7 forgets to drop
 * its index in the downgrade is reported as revision 7 and that index (exit 3, the contract's
 * JSON), on the three servers; and the schemas users actually have pass: Chinook (PostgreSQL,
 * MariaDB, SQLite) and Pagila (PostgreSQL) are loaded, pulled into a schema module, turned into a
 * revision by autogenerate, and stair-stepped through the built CLI.
 */
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase, type TestDialect } from '../support/databases.js';
import { FIXTURES, loadDump } from '../support/pg-roundtrip.js';
import { createTestProject, type RevisionSpec } from '../support/project.js';
import { splitStatements } from '../support/sql-statements.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function database(dialect: TestDialect, prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase(dialect, prefix);
  cleanups.push(() => db.drop());
  return db;
}

const id = (n: number) => `r${String(n).padStart(2, '0')}`;

/**
 * Twenty revisions on one table: odd ones add a column, even ones index the column before. The
 * seventh adds a column and indexes an older one; its downgrade drops the column and forgets the
 * index (dropping the column would take an index on it along, so the index is on another one).
 */
function twentyRevisions(): RevisionSpec[] {
  const specs: RevisionSpec[] = [{
    id: id(1), down: null, imports: ['integer', 'varchar'],
    upgrade: "  await op.createTable('books', { id: integer().primaryKey(), title: varchar(100) });",
    downgrade: "  await op.dropTable('books');",
  }];
  for (let n = 2; n <= 20; n++) {
    specs.push(n % 2 === 1
      ? { id: id(n), down: id(n - 1), imports: ['integer'], upgrade: `  await op.addColumn('books', 'c${n}', integer());`, downgrade: `  await op.dropColumn('books', 'c${n}');` }
      : { id: id(n), down: id(n - 1), upgrade: `  await op.createIndex('ix_books_c${n - 1}', 'books', ['${n === 2 ? 'title' : `c${n - 1}`}']);`, downgrade: `  await op.dropIndex('ix_books_c${n - 1}', { table: 'books' });` });
  }
  specs[6] = {
    id: id(7), down: id(6), imports: ['integer'],
    upgrade: "  await op.addColumn('books', 'c7', integer());\n  await op.createIndex('ix_books_title_c5', 'books', ['title', 'c5']);",
    downgrade: "  await op.dropColumn('books', 'c7');",
  };
  return specs;
}

describe.each(DIALECTS)('%s: retort test on 20 revisions, revision 7 leaving its index', (dialect) => {
  it('exit 3, revision r07 and the index named, r01..r06 passed, the scratch database gone', async () => {
    const db = await database(dialect, 'retort_stair20');
    const project = createTestProject({ url: db.url }, twentyRevisions());
    cleanups.push(() => project.cleanup());
    const run = retort(project.dir, ['--json', 'test']);
    expect(run.code, run.stderr).toBe(3);
    const result = run.json();
    expect(result).toMatchObject({ ok: false, revisions: 20, passed: [1, 2, 3, 4, 5, 6].map(id) });
    expect(result.failures).toEqual([{
      revision: 'r07', step: 'downgrade',
      differences: [expect.stringMatching(/^index(es)? \S*ix_books_title_c5: only after the downgrade \(.*title.*c5/)],
    }]);
    if (dialect !== 'sqlite') return;
    // The text output is the same code on every dialect: once is enough.
    const text = retort(project.dir, ['test']);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('Revision r07: its downgrade does not restore the catalog:');
    expect(text.stdout).toContain('ix_books_title_c5');
  });
});

/** Load a fixture into `db` as its README says. */
async function loadFixture(db: TestDatabase, file: string): Promise<void> {
  const path = `${FIXTURES}/${file}`;
  if (db.dialect === 'postgres') return loadDump(db.url, path);
  if (db.dialect === 'mysql') {
    const conn = await mysql.createConnection({ uri: db.url, multipleStatements: true });
    try {
      await conn.query(readFileSync(path, 'utf8'));
    } finally {
      await conn.end();
    }
    return;
  }
  const { default: Database } = await import('better-sqlite3');
  const conn = new Database(db.url.slice('sqlite:'.length));
  conn.exec(readFileSync(path, 'utf8'));
  conn.close();
}

/**
 * Load `file`, pull it, write `prelude` (what the schema model does not hold) as the first
 * revision, autogenerate the rest against an empty database at that revision, then `retort test`.
 */
async function pulledStairway(dialect: TestDialect, file: string, prelude?: RevisionSpec) {
  const [source, empty] = await Promise.all([database(dialect, 'retort_fxsrc'), database(dialect, 'retort_fxdst')]);
  await loadFixture(source, file);
  const project = createTestProject({ url: empty.url, schema: './schema.ts' }, prelude === undefined ? [] : [prelude]);
  cleanups.push(() => project.cleanup());
  const pulled = retort(project.dir, ['--url', source.url, 'pull']);
  expect(pulled.code, pulled.stderr).toBe(0);
  if (prelude !== undefined) expect(retort(project.dir, ['upgrade']).code).toBe(0);
  const generated = retort(project.dir, ['revision', '--autogenerate', '-m', 'pulled schema']);
  expect(generated.code, generated.stderr).toBe(0);
  const run = retort(project.dir, ['--json', 'test']);
  return { run, result: run.code === 0 || run.code === 3 ? run.json() : undefined };
}

describe('retort test on the fixtures\' pulled schemas', () => {
  it.each([
    ['postgres', 'chinook.postgresql.sql'],
    ['mysql', 'chinook.mysql.sql'],
    ['sqlite', 'chinook.sqlite.sql'],
  ] as const)('%s: Chinook passes, the head matching the pulled module', async (dialect, file) => {
    const { run, result } = await pulledStairway(dialect, file);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(result).toMatchObject({ ok: true, revisions: 1, failures: [], schemaCompared: true });
  });

  it('postgres: Pagila passes (its domains and the aggregate its views call in a hand-written first revision)', async () => {
    // What a person writes with op.execute for the objects pull names as not modelled: the two
    // domains the tables use and the aggregate (with its function) the views call.
    const dump = splitStatements(readFileSync(`${FIXTURES}/pagila-schema.postgres.sql`, 'utf8'));
    const statement = (prefix: string) => {
      const found = dump.find((s) => s.startsWith(prefix));
      if (found === undefined) throw new Error(`no ${prefix} in Pagila`);
      return `  await op.execute(${JSON.stringify(found)});`;
    };
    const prelude: RevisionSpec = {
      id: '000000000001', down: null, message: 'domains and aggregate',
      upgrade: ['CREATE DOMAIN public."bıgınt"', 'CREATE DOMAIN public.year', 'CREATE FUNCTION public._group_concat', 'CREATE AGGREGATE public.group_concat'].map(statement).join('\n'),
      downgrade: ['DROP AGGREGATE public.group_concat(text)', 'DROP FUNCTION public._group_concat(text, text)', 'DROP DOMAIN public.year', 'DROP DOMAIN public."bıgınt"']
        .map((s) => `  await op.execute(${JSON.stringify(s)});`).join('\n'),
    };
    const { run, result } = await pulledStairway('postgres', 'pagila-schema.postgres.sql', prelude);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(result).toMatchObject({ ok: true, revisions: 2, failures: [], schemaCompared: true });
  });
});
