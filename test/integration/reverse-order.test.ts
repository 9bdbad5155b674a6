/**
 * Issue 10 defect 1, on every dialect: a generated reverse drops what depends on a column (its
 * foreign key, its indexes, the checks that use it) before the column, and re-creates them after
 * it. A column added with `.references()`, an index and a check, then taken back by the generated
 * downgrade; and the mirror case, a column with those dependents dropped and brought back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase, TestDialect } from '../support/databases.js';
import { editCycle, schemaModule } from '../support/edit-cycle.js';
import { mysqlCatalog } from '../support/mysql-catalog.js';
import { sqliteCatalog } from '../support/sqlite-catalog.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

/** PostgreSQL's tables, columns, constraints and indexes, from its catalog. */
async function pgCatalog(db: TestDatabase): Promise<unknown> {
  const q = (sql: string) => rawQuery(db, sql);
  return {
    columns: await q("SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'retort%' ORDER BY 1, ordinal_position"),
    constraints: await q("SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'retort%' ORDER BY 1, 2"),
    indexes: await q("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE 'retort%' ORDER BY 1, 2"),
  };
}

const CATALOGS: Record<TestDialect, (db: TestDatabase) => Promise<unknown>> = { sqlite: sqliteCatalog, postgres: pgCatalog, mysql: mysqlCatalog };

const imports = ['integer', 'varchar', 'index', 'check'];
const authors = "export const authors = table('authors', { id: integer().primaryKey(), name: varchar(80) });\n";
const plain = schemaModule(imports, `${authors}export const books = table('books', { id: integer().primaryKey(), title: varchar(80) });`, ['authors', 'books']);
const withAuthor = schemaModule(imports, `${authors}export const books = table('books', {
  id: integer().primaryKey(),
  title: varchar(80),
  author_id: integer().references('authors.id'),
}, (t) => [index('ix_books_author').on(t.author_id, t.title), check('ck_books_author', 'author_id > 0')]);`, ['authors', 'books']);

// The mirror case (the drop generated first) on the dialects whose DROP COLUMN does not simply cascade.
const ADDS = ['sqlite', 'postgres', 'mysql'] as const;
const DROPS = ['sqlite', 'mysql'] as const;

describe('generated reverses drop dependents first', () => {
  it.each(ADDS)('%s: a column added with a foreign key, an index and a check, taken back by the downgrade', async (dialect) => {
    const db = await createTestDatabase(dialect, 'retort_rev');
    databases.push(db);
    const { edit, text } = await editCycle(db, CATALOGS[dialect], plain, withAuthor);
    // The key is its own step, named, so the downgrade can drop it before the column.
    expect(edit.diff.downgrade.at(-1)).toMatchObject({ kind: 'dropColumn', column: 'author_id' });
    if (dialect === 'mysql') {
      // MySQL refuses to drop a column (or an index) a key needs: the key is its own step, named,
      // added after the column and dropped first.
      expect(edit.diff.downgrade.map((o) => (o.kind === 'dropConstraint' ? `${o.kind} ${o.type}` : o.kind)).sort()).toEqual(
        ['dropColumn', 'dropConstraint check', 'dropConstraint foreignKey', 'dropIndex']);
      expect(edit.diff.downgrade[0]).toMatchObject({ kind: 'dropConstraint', type: 'foreignKey' });
      expect(text).toMatch(/await op\.dropConstraint\('fk_books_author_id_authors', 'books', \{ type: 'foreignKey', algorithm: 'inplace', lock: 'none' \}\);[\s\S]*await op\.dropColumn\('books', 'author_id', \{ algorithm: 'instant' \}\);/);
    } else {
      // Dropping the column takes its key along here: the key travels with the column (a plain
      // ADD COLUMN on SQLite, no table rebuild); the index and the check still go first.
      expect(text).toContain(".references('authors.id')");
      expect(edit.diff.downgrade.map((o) => o.kind).sort()).toEqual(['dropColumn', 'dropConstraint', 'dropIndex']);
    }
  });

  it.each(DROPS)('%s: a column with a foreign key, an index and a check dropped, brought back by the downgrade', async (dialect) => {
    const db = await createTestDatabase(dialect, 'retort_rev');
    databases.push(db);
    const { edit } = await editCycle(db, CATALOGS[dialect], withAuthor, plain);
    expect(edit.diff.upgrade.map((o) => o.kind).at(-1)).toBe('dropColumn');
    expect(edit.diff.downgrade.map((o) => o.kind)[0]).toBe('addColumn');
  });
});
