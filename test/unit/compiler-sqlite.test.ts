import { describe, expect, it } from 'vitest';
import { sqliteDialect } from '../../src/dialects/sqlite/index.js';
import type { CompileContext } from '../../src/dialects/dialect.js';
import type { Operation } from '../../src/ops/operations.js';
import { columnSpec } from '../../src/schema/model.js';
import type { TableSpec } from '../../src/schema/model.js';
import { bigint, boolean, bytes, enumOf, integer, json, numeric, serial, sql, text, timestamp, uuid, varchar } from '../../src/schema/columns.js';

/** Offline by default; a test that needs the catalog passes a fixed table. */
const compile = (op: Operation, ctx: CompileContext = { defaultSchema: 'public' }) => sqliteDialect.compiler.compile(op, ctx);
const withTable = (table: TableSpec): CompileContext => ({ readTable: async (name) => (name === table.name ? table : undefined) });

const books: TableSpec = {
  name: 'books',
  columns: [
    { name: 'id', spec: columnSpec({ kind: 'integer' }, { primaryKey: true, nullable: false, autoIncrement: true }) },
    { name: 'title', spec: columnSpec({ kind: 'varchar', length: 64 }, { nullable: false }) },
    { name: 'author_id', spec: columnSpec({ kind: 'integer' }) },
    { name: 'note', spec: columnSpec({ kind: 'text' }) },
  ],
  constraints: [{ kind: 'foreignKey', name: 'fk_author', columns: ['author_id'], refTable: 'authors', refColumns: ['id'], onDelete: 'set null' }],
  indexes: [{ name: 'ix_title', columns: ['title'], unique: false, where: 'title IS NOT NULL' }],
  options: {},
};

describe('SqliteCompiler: exact SQL', () => {
  it('creates a table: INTEGER auto-increment key, no schema, enum CHECK, SQLite defaults', async () => {
    const out = await compile({
      kind: 'createTable',
      table: 'books',
      schema: 'ignored',
      columns: [
        { name: 'id', spec: bigint().unsigned().primaryKey().autoIncrement().spec },
        { name: 'state', spec: enumOf('s', ['a', "b'c"]).notNull().spec },
        { name: 'done', spec: boolean().notNull().default(false).spec },
        { name: 'at', spec: timestamp(3).default(sql`CURRENT_TIMESTAMP`).spec },
        { name: 'day', spec: text().default(sql`date('now')`).spec },
        { name: 'price', spec: numeric(10, 2).default(-1.5).spec },
        { name: 'doc', spec: json().spec },
        { name: 'key', spec: uuid().unique().spec },
        { name: 'raw', spec: bytes().spec },
        { name: 'author_id', spec: integer().references('authors.id', { name: 'fk_a', onUpdate: 'cascade' }).spec },
      ],
      constraints: [{ kind: 'unique', name: 'uq', columns: ['state', 'day'] }],
      options: { comment: 'dropped' },
    });
    expect(out).toEqual([
      'CREATE TABLE "books" (\n' +
        '  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n' +
        `  "state" TEXT NOT NULL CHECK ("state" IN ('a', 'b''c')),\n` +
        '  "done" BOOLEAN NOT NULL DEFAULT 0,\n' +
        '  "at" DATETIME DEFAULT CURRENT_TIMESTAMP,\n' +
        `  "day" TEXT DEFAULT (date('now')),\n` +
        '  "price" NUMERIC(10, 2) DEFAULT -1.5,\n' +
        '  "doc" JSON,\n' +
        '  "key" UUID UNIQUE,\n' +
        '  "raw" BLOB,\n' +
        '  "author_id" INTEGER,\n' +
        '  CONSTRAINT "fk_a" FOREIGN KEY ("author_id") REFERENCES "authors" ("id") ON UPDATE CASCADE,\n' +
        '  CONSTRAINT "uq" UNIQUE ("state", "day")\n' +
        ')',
    ]);
  });

  it('refuses a trigger with `enabled` (SQLite triggers are always enabled)', async () => {
    const { trigger } = await import('../../src/schema/object-builders.js');
    const t = trigger('t', { table: 'items', timing: 'after', events: ['insert'], body: 'SELECT 1;' });
    await expect(compile({ kind: 'createObject', object: t })).resolves.toHaveLength(1);
    await expect(compile({ kind: 'createObject', object: { ...t, enabled: 'disabled' } })).rejects.toMatchObject({ code: 'UnsupportedOperation' });
  });

  it('a serial column is the auto-increment key here (SQLite has no sequences)', async () => {
    expect(await compile({ kind: 'createTable', table: 't', columns: [{ name: 'id', spec: serial({ sequence: 'ignored' }).primaryKey().spec }], constraints: [], options: {} }))
      .toEqual(await compile({ kind: 'createTable', table: 't', columns: [{ name: 'id', spec: integer().primaryKey().autoIncrement().spec }], constraints: [], options: {} }));
  });

  it('refuses auto-increment outside a single-column key', async () => {
    await expect(
      compile({ kind: 'createTable', table: 't', columns: [{ name: 'a', spec: integer().primaryKey().autoIncrement().spec }, { name: 'b', spec: integer().primaryKey().spec }], constraints: [], options: {} }),
    ).rejects.toMatchObject({ code: 'UnsupportedOperation' });
  });

  it('drops, renames, comments, indexes, inserts', async () => {
    expect(await compile({ kind: 'dropTable', table: 'b"x', ifExists: true, cascade: true })).toEqual(['DROP TABLE IF EXISTS "b""x"']);
    expect(await compile({ kind: 'renameTable', table: 'a', newName: 'select' })).toEqual(['ALTER TABLE "a" RENAME TO "select"']);
    expect(await compile({ kind: 'setTableComment', table: 'a', comment: 'x' })).toEqual([]);
    expect(await compile({ kind: 'alterColumn', table: 'a', column: 'c', changes: { comment: 'x' } })).toEqual([]);
    expect(
      await compile({ kind: 'createIndex', name: 'ix', table: 't', columns: ['a', { expression: 'lower(b)' }], unique: true, where: 'a > 0', concurrently: true, ifNotExists: true }),
    ).toEqual(['CREATE UNIQUE INDEX IF NOT EXISTS "ix" ON "t" ("a", (lower(b))) WHERE a > 0']);
    expect(await compile({ kind: 'dropIndex', name: 'ix', schema: 's', ifExists: true })).toEqual(['DROP INDEX IF EXISTS "ix"']);
    expect(await compile({ kind: 'bulkInsert', table: 't', rows: [{ a: true, b: Buffer.from('hi'), c: "x'y" }] })).toEqual([
      `INSERT INTO "t" ("a", "b", "c") VALUES (1, X'6869', 'x''y')`,
    ]);
    expect(await compile({ kind: 'createEnum', name: 'e', values: ['a'] })).toEqual([]);
    expect(await compile({ kind: 'execute', sql: 'VACUUM' })).toEqual(['VACUUM']);
  });

  it('adds a column in place only when SQLite ADD COLUMN allows it', async () => {
    expect(await compile({ kind: 'addColumn', table: 't', column: { name: 'n', spec: integer().notNull().default(0).references('u.id').spec } })).toEqual([
      'ALTER TABLE "t" ADD COLUMN "n" INTEGER NOT NULL DEFAULT 0 REFERENCES "u" ("id")',
    ]);
    for (const spec of [varchar(5).unique().spec, integer().notNull().spec, timestamp().default(sql`CURRENT_TIMESTAMP`).spec]) {
      await expect(compile({ kind: 'addColumn', table: 't', column: { name: 'n', spec } })).rejects.toMatchObject({ code: 'OfflineUnsupported' });
    }
  });

  it('says offline why a rebuild cannot be written', async () => {
    await expect(compile({ kind: 'alterColumn', table: 'books', column: 'title', changes: { nullable: true } })).rejects.toMatchObject({
      code: 'OfflineUnsupported',
      fields: { table: 'books', operations: ['alterColumn'] },
    });
    expect(await compile({ kind: 'dropColumn', table: 'books', column: 'note' })).toEqual(['ALTER TABLE "books" DROP COLUMN "note"']);
  });

  it('drops a plain column natively but rebuilds for a constrained one', async () => {
    expect(await compile({ kind: 'dropColumn', table: 'books', column: 'note' }, withTable(books))).toEqual(['ALTER TABLE "books" DROP COLUMN "note"']);
    const out = await compile({ kind: 'dropColumn', table: 'books', column: 'author_id' }, withTable(books));
    expect(out).toEqual([
      'CREATE TABLE "_retort_tmp_books" (\n' +
        '  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n' +
        '  "title" VARCHAR(64) NOT NULL,\n' +
        '  "note" TEXT\n' +
        ')',
      'INSERT INTO "_retort_tmp_books" ("id", "title", "note") SELECT "id", "title", "note" FROM "books"',
      `DELETE FROM sqlite_sequence WHERE name = '_retort_tmp_books'`,
      `INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_tmp_books', seq FROM sqlite_sequence WHERE name = 'books'`,
      'DROP TABLE "books"',
      'PRAGMA legacy_alter_table=ON',
      'ALTER TABLE "_retort_tmp_books" RENAME TO "books"',
      'PRAGMA legacy_alter_table=OFF',
      'CREATE INDEX "ix_title" ON "books" ("title") WHERE title IS NOT NULL',
    ]);
  });

  it('rebuilds for an alter column: renames follow into constraints and indexes, type changes CAST', async () => {
    const out = await compile(
      { kind: 'alterColumn', table: 'books', column: 'title', changes: { type: text().spec.type, newName: 'name', nullable: true } },
      withTable(books),
    );
    expect(out[0]).toBe(
      'CREATE TABLE "_retort_tmp_books" (\n' +
        '  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n' +
        '  "name" TEXT,\n' +
        '  "author_id" INTEGER,\n' +
        '  "note" TEXT,\n' +
        '  CONSTRAINT "fk_author" FOREIGN KEY ("author_id") REFERENCES "authors" ("id") ON DELETE SET NULL\n' +
        ')',
    );
    expect(out[1]).toBe('INSERT INTO "_retort_tmp_books" ("id", "name", "author_id", "note") SELECT "id", CAST("title" AS TEXT), "author_id", "note" FROM "books"');
    expect(out.at(-1)).toBe('CREATE INDEX "ix_title" ON "books" ("name") WHERE "name" IS NOT NULL');
  });

  it('batch: in place when every operation allows it, one rebuild otherwise, refused with never', async () => {
    const inPlace = await compile(
      {
        kind: 'batch',
        table: 'books',
        recreate: 'auto',
        operations: [
          { kind: 'addColumn', table: 'books', column: { name: 'isbn', spec: varchar(13).spec } },
          { kind: 'alterColumn', table: 'books', column: 'note', changes: { newName: 'notes' } },
          { kind: 'dropColumn', table: 'books', column: 'notes' },
        ],
      },
      withTable(books),
    );
    expect(inPlace).toEqual([
      'ALTER TABLE "books" ADD COLUMN "isbn" VARCHAR(13)',
      'ALTER TABLE "books" RENAME COLUMN "note" TO "notes"',
      'ALTER TABLE "books" DROP COLUMN "notes"',
    ]);
    const rebuilt = await compile(
      {
        kind: 'batch',
        table: 'books',
        recreate: 'auto',
        operations: [
          { kind: 'addColumn', table: 'books', column: { name: 'isbn', spec: varchar(13).unique().spec } },
          { kind: 'dropConstraint', table: 'books', name: 'fk_author' },
          { kind: 'createIndex', name: 'ix_isbn', table: 'books', columns: ['isbn'], unique: false },
        ],
      },
      withTable(books),
    );
    expect(rebuilt.filter((s) => s.startsWith('CREATE TABLE'))).toHaveLength(1);
    expect(rebuilt[0]).toContain('"isbn" VARCHAR(13) UNIQUE');
    expect(rebuilt[0]).not.toContain('fk_author');
    expect(rebuilt.slice(-2)).toEqual(['CREATE INDEX "ix_title" ON "books" ("title") WHERE title IS NOT NULL', 'CREATE INDEX "ix_isbn" ON "books" ("isbn")']);
    await expect(
      compile({ kind: 'batch', table: 'books', recreate: 'never', operations: [{ kind: 'dropConstraint', table: 'books', name: 'fk_author' }] }, withTable(books)),
    ).rejects.toMatchObject({ code: 'UnsupportedOperation' });
    await expect(
      compile({ kind: 'batch', table: 'books', recreate: 'always', operations: [{ kind: 'execute', sql: 'SELECT 1' }] }, withTable(books)),
    ).rejects.toMatchObject({ code: 'UnsupportedOperation' });
  });

  it('names a missing table or constraint', async () => {
    await expect(compile({ kind: 'addConstraint', table: 'nope', constraint: { kind: 'check', name: 'c', condition: '1' } }, withTable(books))).rejects.toMatchObject({
      code: 'MigrationFailed',
      fields: { table: 'nope' },
    });
    await expect(compile({ kind: 'dropConstraint', table: 'books', name: 'zzz' }, withTable(books))).rejects.toMatchObject({
      code: 'MigrationFailed',
      hint: expect.stringContaining('fk_author'),
    });
  });

  it('quotes identifiers and strings as SQLite needs', () => {
    expect(sqliteDialect.quoteIdentifier('we"ird name')).toBe('"we""ird name"');
    expect(sqliteDialect.quoteString("it's")).toBe("'it''s'");
  });
});
