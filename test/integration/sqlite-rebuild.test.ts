/**
 * Issue 10 defect 8 on SQLite: a table rebuild (alterColumn, batch, constraints) keeps the declared
 * type names of the columns it does not change, exactly as written, and keeps generated columns;
 * the generated revision flags its destructive downgrade steps with `// WARNING`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { editCycle, schemaModule } from '../support/edit-cycle.js';
import { createTestProject } from '../support/project.js';
import { sqliteCatalog } from '../support/sqlite-catalog.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

async function fresh(): Promise<TestDatabase> {
  const db = await createTestDatabase('sqlite');
  databases.push(db);
  return db;
}

const LEGACY = `CREATE TABLE legacy (
  id INT PRIMARY KEY,
  price DECIMAL(10,2) NOT NULL DEFAULT 0,
  name NVARCHAR(40) COLLATE NOCASE,
  flag BOOL,
  ratio FLOAT,
  seen TIMESTAMP,
  note varchar(10),
  total DECIMAL(12,2) GENERATED ALWAYS AS (price * 2) VIRTUAL,
  label TEXT AS (upper(name)) STORED
)`;

const types = (db: TestDatabase) => rawQuery<{ name: string; type: string; hidden: number }>(db, "SELECT name, type, hidden FROM pragma_table_xinfo('legacy')");

describe('SQLite rebuilds keep what they do not change', () => {
  it('keeps every untouched declared type name, collation and generated column through a rebuild', async () => {
    const db = await fresh();
    await rawQuery(db, LEGACY);
    await rawQuery(db, "INSERT INTO legacy (id, price, name, flag, ratio, seen, note) VALUES (1, 2.5, 'Ann', 1, 0.5, '2024-01-01', 'x')");
    const before = await types(db);
    const project = createTestProject({ url: db.url }, [{
      id: '000000000001', message: 'not null note',
      upgrade: "  await op.alterColumn('legacy', 'note', { nullable: false });",
      downgrade: "  await op.alterColumn('legacy', 'note', { nullable: true });",
    }]);
    try {
      await project.retort.upgrade('head');
      expect(await types(db)).toEqual(before);
      const [sql] = await rawQuery<{ sql: string }>(db, "SELECT sql FROM sqlite_schema WHERE name = 'legacy'");
      expect(sql?.sql).toContain('"id" INT NOT NULL PRIMARY KEY');
      expect(sql?.sql).toContain('"name" NVARCHAR(40) COLLATE NOCASE');
      expect(sql?.sql).toContain('"note" varchar(10) NOT NULL');
      expect(sql?.sql).toContain('"total" DECIMAL(12,2) GENERATED ALWAYS AS (price * 2) VIRTUAL');
      expect(sql?.sql).toContain('"label" TEXT GENERATED ALWAYS AS (upper(name)) STORED');
      // The rows came across, and the generated columns compute from them.
      expect(await rawQuery(db, 'SELECT id, price, name, total, label FROM legacy')).toEqual([{ id: 1, price: 2.5, name: 'Ann', total: 5, label: 'ANN' }]);
      await project.retort.downgrade('base');
      expect(await types(db)).toEqual(before);
    } finally {
      project.cleanup();
    }
  });

  it('writes // WARNING above every destructive step of a generated downgrade', async () => {
    const db = await fresh();
    const imports = ['integer', 'varchar', 'text'];
    const before = schemaModule(imports, "export const notes = table('notes', { id: integer().primaryKey(), body: varchar(40) });", ['notes']);
    const after = schemaModule(imports, `export const notes = table('notes', { id: integer().primaryKey(), body: text(), title: varchar(20) });
export const tags = table('tags', { id: integer().primaryKey() });`, ['notes', 'tags']);
    const { text } = await editCycle(db, sqliteCatalog, before, after);
    const downgrade = text.slice(text.indexOf('export async function downgrade'));
    expect(downgrade).toContain("// WARNING: drops table 'tags' and all its rows\n  await op.dropTable('tags');");
    expect(downgrade).toContain("// WARNING: drops column 'notes.title' and its data\n  await op.dropColumn('notes', 'title');");
    expect(downgrade).toMatch(/\/\/ WARNING: changes the type of 'notes\.body' in a way that may lose data\n {2}await op\.alterColumn\('notes', 'body', \{\n {4}type: varchar\(40\),/);
    // The upgrade widens and adds: nothing to warn about there.
    expect(text.slice(0, text.indexOf('export async function downgrade'))).not.toContain('WARNING');
  });
});
