/**
 * SQLite's rebuild through a real run: foreign-key enforcement off outside the transaction,
 * rows and incoming foreign keys kept, `PRAGMA foreign_key_check` failing a run that would
 * leave a dangling reference (and rolling it back).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { failure } from '../support/assertions.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

let db: TestDatabase;
let project: TestProject;
beforeEach(async () => {
  db = await createTestDatabase('sqlite', 'retort_batch');
  project = createTestProject({ url: db.url }, [{
    id: 'base01', down: null, imports: ['integer', 'varchar'], upgrade: [
      "  await op.createTable('authors', { id: integer().primaryKey(), name: varchar(20).notNull() });",
      "  await op.createTable('books', { id: integer().primaryKey(), author_id: integer().notNull().references('authors.id', { onDelete: 'cascade' }), title: varchar(50) });",
      "  await op.createIndex('ix_books_title', 'books', ['title']);",
      "  await op.bulkInsert('authors', [{ id: 1, name: 'Eco' }, { id: 2, name: 'Calvino' }]);",
      "  await op.bulkInsert('books', [{ id: 10, author_id: 1, title: 'Rose' }, { id: 11, author_id: 2, title: 'Cities' }]);",
    ].join('\n') }]);
});
afterEach(async () => {
  project.cleanup();
  await db.drop();
});

it('alterColumn on a referenced table rebuilds it and keeps rows, indexes and incoming keys', async () => {
  project.write({ id: 'alter2', down: 'base01', imports: ['text'], upgrade: [
    "  await op.alterColumn('authors', 'name', { type: text(), nullable: true });",
    "  await op.batch('books', async (b) => { await b.alterColumn('title', { nullable: false }); await b.createCheck('ck_title', 'length(title) > 0'); });",
  ].join('\n') });
  await project.retort.upgrade('head');
  const authors = await rawQuery<{ name: string; type: string; notnull: number }>(db, "SELECT name, type, \"notnull\" FROM pragma_table_info('authors')");
  expect(authors.map((c) => [c.name, c.type])).toEqual([['id', 'INTEGER'], ['name', 'TEXT']]);
  expect(authors.find((c) => c.name === 'name')?.notnull).toBe(0);
  expect(await rawQuery(db, 'SELECT id, author_id, title FROM books ORDER BY id')).toEqual([
    { id: 10, author_id: 1, title: 'Rose' }, { id: 11, author_id: 2, title: 'Cities' },
  ]);
  const keys = await rawQuery<{ table: string; from: string; to: string; on_delete: string }>(db, "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('books')");
  expect(keys).toEqual([{ table: 'authors', from: 'author_id', to: 'id', on_delete: 'CASCADE' }]);
  expect(await rawQuery(db, "SELECT name FROM pragma_index_list('books') WHERE name = 'ix_books_title'")).toEqual([{ name: 'ix_books_title' }]);
  expect(await rawQuery(db, 'PRAGMA foreign_key_check')).toEqual([]);
  expect(await rawQuery(db, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: 'alter2' }]);
  await expect(rawQuery(db, "INSERT INTO books (id, author_id, title) VALUES (12, 1, '')")).rejects.toThrow(/CHECK/);
});

it('a revision that leaves a dangling reference fails foreign_key_check and is rolled back', async () => {
  project.write({ id: 'dangle', down: 'base01', upgrade: "  await op.execute('DELETE FROM authors WHERE id = 2');" });
  const error = await failure(project.retort.upgrade('head'));
  expect(error.code).toBe('MigrationFailed');
  expect(error.message).toMatch(/books/);
  expect(await rawQuery(db, 'SELECT id FROM authors ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  expect(await rawQuery(db, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: 'base01' }]);
});

it("a dangling reference left by the script's own db query fails foreign_key_check too", async () => {
  // No operation that could orphan a row: only the query through `db` makes the check run.
  project.write({ id: 'dangle', down: 'base01', upgrade: "  await db.deleteFrom('authors').where('id', '=', 2).execute();" });
  const error = await failure(project.retort.upgrade('head'));
  expect(error.code).toBe('MigrationFailed');
  expect(error.message).toMatch(/books/);
  expect(await rawQuery(db, 'SELECT id FROM authors ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
});
