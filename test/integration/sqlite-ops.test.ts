/**
 * Each operation's SQL, run on a real SQLite file through the dialect's own connection the way a
 * run does it (foreign keys off for the session, BEGIN IMMEDIATE, verify, COMMIT), then checked
 * in the catalog with a separate connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDialect } from '../../src/dialects/sqlite/index.js';
import type { Connection } from '../../src/dialects/dialect.js';
import type { Operation } from '../../src/ops/operations.js';
import { bigint, boolean, enumOf, integer, sql, text, varchar } from '../../src/schema/columns.js';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { connectSqliteTest, runSqliteOps } from '../support/sqlite.js';

let db: TestDatabase;
let connection: Connection;

beforeAll(async () => {
  db = await createTestDatabase('sqlite');
  connection = await connectSqliteTest(db);
});

afterAll(async () => {
  await connection.close();
  await db.drop();
});

/** Compile and run `ops` in one transaction, as the runtime does; returns the statements. */
const run = (...ops: Operation[]): Promise<string[]> => runSqliteOps(connection, ops);

const q = <R = Record<string, unknown>>(text: string, params: unknown[] = []) => rawQuery<R>(db, text, params);
const columnsOf = async (table: string) =>
  (await q<{ name: string; type: string; notnull: number; pk: number; dflt_value: string | null }>('SELECT * FROM pragma_table_info(?)', [table])).map(
    (c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.pk ? ` PK${c.pk}` : ''}${c.dflt_value === null ? '' : ` = ${c.dflt_value}`}`,
  );
const indexesOf = async (table: string) =>
  (await q<{ name: string; unique: number; origin: string; partial: number }>('SELECT * FROM pragma_index_list(?) ORDER BY name', [table])).map(
    (i) => `${i.name} ${i.origin}${i.unique ? ' unique' : ''}${i.partial ? ' partial' : ''}`,
  );

describe('sqlite operations on a real file', () => {
  it('creates tables with keys, autoincrement, defaults, enums and foreign keys', async () => {
    await run(
      { kind: 'createTable', table: 'authors', columns: [{ name: 'id', spec: bigint().primaryKey().autoIncrement().spec }, { name: 'name', spec: text().notNull().spec }], constraints: [], options: {} },
      {
        kind: 'createTable',
        table: 'books',
        columns: [
          { name: 'id', spec: integer().primaryKey().autoIncrement().spec },
          { name: 'title', spec: varchar(64).notNull().default('untitled').spec },
          { name: 'state', spec: enumOf('book_state', ['draft', 'out']).notNull().default('draft').spec },
          { name: 'author_id', spec: bigint().references('authors.id', { onDelete: 'cascade' }).spec },
          { name: 'made', spec: text().default(sql`CURRENT_TIMESTAMP`).spec },
          { name: 'flag', spec: boolean().default(true).comment('dropped on SQLite').spec },
        ],
        constraints: [{ kind: 'check', name: 'title_not_empty', condition: "title <> ''" }],
        options: { comment: 'also dropped' },
      },
    );
    expect(await columnsOf('authors')).toEqual(['id INTEGER NOT NULL PK1', 'name TEXT NOT NULL']);
    expect(await columnsOf('books')).toEqual([
      'id INTEGER NOT NULL PK1',
      "title VARCHAR(64) NOT NULL = 'untitled'",
      "state TEXT NOT NULL = 'draft'",
      'author_id BIGINT',
      'made TEXT = CURRENT_TIMESTAMP',
      'flag BOOLEAN = 1',
    ]);
    expect(await q('SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?)', ['books'])).toEqual([
      { table: 'authors', from: 'author_id', to: 'id', on_delete: 'CASCADE' },
    ]);
    await q("INSERT INTO authors (name) VALUES ('Ann')");
    await expect(q("INSERT INTO books (title, state) VALUES ('x', 'gone')")).rejects.toThrow(/CHECK constraint failed/);
    await expect(q("INSERT INTO books (title) VALUES ('')")).rejects.toThrow(/title_not_empty/);
  });

  it('adds, renames and drops columns in place when SQLite can', async () => {
    const added = await run({ kind: 'addColumn', table: 'books', column: { name: 'isbn', spec: varchar(13).spec } });
    expect(added).toEqual(['ALTER TABLE "books" ADD COLUMN "isbn" VARCHAR(13)']);
    const renamed = await run({ kind: 'alterColumn', table: 'books', column: 'isbn', changes: { newName: 'isbn13' } });
    expect(renamed).toEqual(['ALTER TABLE "books" RENAME COLUMN "isbn" TO "isbn13"']);
    const dropped = await run({ kind: 'dropColumn', table: 'books', column: 'isbn13' });
    expect(dropped).toEqual(['ALTER TABLE "books" DROP COLUMN "isbn13"']);
    expect((await columnsOf('books')).some((c) => c.startsWith('isbn'))).toBe(false);
  });

  it('creates unique, partial and expression indexes and drops them', async () => {
    await run(
      { kind: 'createIndex', name: 'ix_title', table: 'books', columns: ['title'], unique: false },
      { kind: 'createIndex', name: 'ux_lower_title', table: 'books', columns: [{ expression: 'lower(title)' }], unique: true, where: "state = 'out'" },
    );
    expect(await indexesOf('books')).toEqual(['ix_title c', 'ux_lower_title c unique partial']);
    const spec = await connection.withSession((s) => sqliteDialect.readTable(s, 'books'));
    expect(spec?.indexes).toEqual([
      { name: 'ix_title', columns: ['title'], unique: false },
      { name: 'ux_lower_title', columns: [{ expression: 'lower(title)' }], unique: true, where: "state = 'out'" },
    ]);
    await run({ kind: 'dropIndex', name: 'ix_title' });
    expect(await indexesOf('books')).toEqual(['ux_lower_title c unique partial']);
  });

  it('rebuilds a table to alter a column, keeping rows, indexes, constraints and incoming foreign keys', async () => {
    await run({ kind: 'createTable', table: 'reviews', columns: [{ name: 'id', spec: integer().primaryKey().spec }, { name: 'book_id', spec: integer().notNull().references('books.id').spec }], constraints: [], options: {} });
    await q("INSERT INTO books (id, title, state, author_id) VALUES (7, 'Dune', 'out', 1), (9, 'Emma', 'draft', NULL)");
    await q('INSERT INTO reviews (id, book_id) VALUES (1, 7), (2, 9)');
    const statements = await run({ kind: 'alterColumn', table: 'books', column: 'title', changes: { type: text().spec.type, nullable: true, default: null } });
    expect(statements[0]).toMatch(/^CREATE TABLE "_retort_tmp_books" \(/);
    expect(statements).toContain('DROP TABLE "books"');
    expect(statements).toContain('ALTER TABLE "_retort_tmp_books" RENAME TO "books"');
    expect(await columnsOf('books')).toContain('title TEXT');
    expect(await q('SELECT id, title, state FROM books ORDER BY id')).toEqual([
      { id: 7, title: 'Dune', state: 'out' },
      { id: 9, title: 'Emma', state: 'draft' },
    ]);
    expect(await indexesOf('books')).toEqual(['ux_lower_title c unique partial']);
    expect(await q('PRAGMA foreign_key_check')).toEqual([]);
    expect(await q('SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)', ['reviews'])).toEqual([{ table: 'books', from: 'book_id', to: 'id' }]);
    // The enum CHECK, the named CHECK and the outgoing FK survived the rebuild.
    await expect(q("INSERT INTO books (title, state) VALUES ('x', 'gone')")).rejects.toThrow(/CHECK constraint failed/);
    await expect(q("INSERT INTO books (title) VALUES ('')")).rejects.toThrow(/title_not_empty/);
    expect(await q('SELECT "table", "from" FROM pragma_foreign_key_list(?)', ['books'])).toEqual([{ table: 'authors', from: 'author_id' }]);
    // AUTOINCREMENT carries on from the old high-water mark.
    await q("INSERT INTO books (title) VALUES ('next')");
    expect(await q("SELECT id FROM books WHERE title = 'next'")).toEqual([{ id: 10 }]);
  });

  it('adds and drops named constraints through the rebuild', async () => {
    await run({ kind: 'addConstraint', table: 'books', constraint: { kind: 'unique', name: 'uq_title_state', columns: ['title', 'state'] } });
    expect(await indexesOf('books')).toEqual(['sqlite_autoindex_books_1 u unique', 'ux_lower_title c unique partial']);
    expect((await q<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'books'"))[0]?.sql).toContain('CONSTRAINT "uq_title_state" UNIQUE ("title", "state")');
    await run({ kind: 'dropConstraint', table: 'books', name: 'uq_title_state', type: 'unique' });
    expect(await indexesOf('books')).toEqual(['ux_lower_title c unique partial']);
    await expect(run({ kind: 'dropConstraint', table: 'books', name: 'nope' })).rejects.toMatchObject({ code: 'MigrationFailed' });
  });

  it('fails the run and rolls back when a change leaves a dangling reference', async () => {
    await expect(run({ kind: 'execute', sql: 'DELETE FROM books WHERE id = 7' })).rejects.toMatchObject({
      code: 'MigrationFailed',
      fields: { table: 'reviews', parent: 'books' },
    });
    expect(await q('SELECT id FROM books WHERE id = 7')).toEqual([{ id: 7 }]);
  });

  it('runs a batch as one rebuild: add a unique column, rename, drop an indexed column', async () => {
    await run({
      kind: 'batch',
      table: 'books',
      recreate: 'auto',
      operations: [
        { kind: 'addColumn', table: 'books', column: { name: 'slug', spec: varchar(80).unique().spec } },
        { kind: 'alterColumn', table: 'books', column: 'state', changes: { newName: 'status' } },
        { kind: 'dropColumn', table: 'books', column: 'made' },
      ],
    });
    expect((await columnsOf('books')).map((c) => c.split(' ')[0])).toEqual(['id', 'title', 'status', 'author_id', 'flag', 'slug']);
    expect(await q('SELECT id, status FROM books ORDER BY id')).toEqual([
      { id: 7, status: 'out' },
      { id: 9, status: 'draft' },
      { id: 10, status: 'draft' },
    ]);
    // The partial index followed the rename into its WHERE clause.
    expect((await q<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'ux_lower_title'"))[0]?.sql).toContain(`WHERE "status" = 'out'`);
    await expect(q("INSERT INTO books (title, status) VALUES ('y', 'gone')")).rejects.toThrow(/CHECK constraint failed/);
  });

  it('handles names that need quoting, through create, rebuild and introspection', async () => {
    const table = 'Order "Lines"';
    await run({
      kind: 'createTable',
      table,
      columns: [
        { name: 'select', spec: integer().primaryKey().spec },
        { name: 'Mixed Case', spec: text().notNull().spec },
        { name: "it's", spec: integer().references('books.id').spec },
      ],
      constraints: [],
      options: {},
    });
    await q(`INSERT INTO "Order ""Lines""" ("select", "Mixed Case", "it's") VALUES (1, 'a', 7)`);
    await run(
      { kind: 'createIndex', name: 'ix "odd"', table, columns: ['Mixed Case'], unique: false },
      { kind: 'alterColumn', table, column: 'Mixed Case', changes: { nullable: true, newName: 'group' } },
    );
    expect(await columnsOf(table)).toEqual(['select INTEGER NOT NULL PK1', 'group TEXT', "it's INTEGER"]);
    expect(await indexesOf(table)).toEqual(['ix "odd" c']);
    expect(await q(`SELECT * FROM "Order ""Lines"""`)).toEqual([{ select: 1, group: 'a', "it's": 7 }]);
    expect(await q('PRAGMA foreign_key_check')).toEqual([]);
  });

  it('renames and drops tables, inserts rows as literals', async () => {
    await run({ kind: 'createTable', table: 'tmp', columns: [{ name: 'a', spec: text().spec }, { name: 'b', spec: integer().default(5).spec }], constraints: [], options: {} });
    await run({ kind: 'bulkInsert', table: 'tmp', rows: [{ a: "o'k", b: 1 }, { a: null, b: 2 }, { a: 'no b' }] });
    expect(await q('SELECT a, b FROM tmp ORDER BY rowid')).toEqual([
      { a: "o'k", b: 1 },
      { a: null, b: 2 },
      { a: 'no b', b: 5 },
    ]);
    await run({ kind: 'renameTable', table: 'tmp', newName: 'tmp2' });
    await run({ kind: 'dropTable', table: 'tmp2' });
    expect(await q("SELECT name FROM sqlite_master WHERE name LIKE 'tmp%'")).toEqual([]);
  });
});
