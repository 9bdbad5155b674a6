/**
 * readTable on real SQLite files (what autogenerate will compare against), the connection's
 * behaviour, and a rebuild next to views and triggers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql as kyselySql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDialect } from '../../src/dialects/sqlite/index.js';
import type { Connection, Session } from '../../src/dialects/dialect.js';
import type { Operation } from '../../src/ops/operations.js';
import { columnSpec } from '../../src/schema/model.js';
import { bigint, boolean, enumOf, integer, sql, text, timestamp, uuid, varchar } from '../../src/schema/columns.js';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

let db: TestDatabase;
let connection: Connection;
const urlOf = (path: string) => ({ raw: `sqlite:${path}`, scheme: 'sqlite', database: path, params: {} });

beforeAll(async () => {
  db = await createTestDatabase('sqlite');
  connection = await sqliteDialect.connect(urlOf(db.url.slice('sqlite:'.length)));
  await connection.withSession(async (s) => {
    for (const statement of sqliteDialect.hooks.sessionStart ?? []) await s.execute(statement);
  });
});

afterAll(async () => {
  await connection.close();
  await db.drop();
});

const read = (table: string) => connection.withSession((s) => sqliteDialect.readTable(s, table));
async function run(...ops: Operation[]): Promise<void> {
  await connection.withSession(async (session: Session) => {
    await session.execute(sqliteDialect.beginSql);
    for (const op of ops) {
      for (const s of await sqliteDialect.compiler.compile(op, { readTable: (t) => sqliteDialect.readTable(session, t) })) await session.execute(s);
    }
    await sqliteDialect.hooks.verify?.(session, { operations: ops.map((o) => o.kind), queried: false });
    await session.execute(sqliteDialect.commitSql);
  });
}

describe('readTable', () => {
  it('reads back what the compiler wrote', async () => {
    await run(
      { kind: 'createTable', table: 'authors', columns: [{ name: 'id', spec: bigint().primaryKey().autoIncrement().spec }], constraints: [], options: {} },
      {
        kind: 'createTable',
        table: 'books',
        columns: [
          { name: 'id', spec: integer().primaryKey().autoIncrement().spec },
          { name: 'title', spec: varchar(64).notNull().default("it's").spec },
          { name: 'state', spec: enumOf('state', ['draft', 'out']).notNull().default('draft').spec },
          { name: 'done', spec: boolean().default(false).spec },
          { name: 'at', spec: timestamp().default(sql`CURRENT_TIMESTAMP`).spec },
          { name: 'day', spec: text().default(sql`date('now')`).spec },
          { name: 'ref', spec: uuid().unique().spec },
          { name: 'author_id', spec: bigint().references('authors.id', { name: 'fk_author', onDelete: 'cascade' }).spec },
          { name: 'n', spec: integer().default(-3).spec },
        ],
        constraints: [
          { kind: 'check', name: 'ck_title', condition: "title <> ''" },
          { kind: 'unique', name: 'uq_title_state', columns: ['title', 'state'] },
        ],
        options: {},
      },
      { kind: 'createIndex', name: 'ix_day', table: 'books', columns: ['day', { expression: 'lower(title)' }], unique: false, where: 'done = 0' },
    );
    const spec = await read('books');
    expect(spec?.columns).toEqual([
      { name: 'id', spec: columnSpec({ kind: 'integer' }, { nullable: false, primaryKey: true, autoIncrement: true }) },
      { name: 'title', spec: columnSpec({ kind: 'varchar', length: 64 }, { nullable: false, default: { kind: 'literal', value: "it's" } }) },
      { name: 'state', spec: columnSpec({ kind: 'enum', name: 'state', values: ['draft', 'out'] }, { nullable: false, default: { kind: 'literal', value: 'draft' } }) },
      { name: 'done', spec: columnSpec({ kind: 'boolean' }, { default: { kind: 'literal', value: false } }) },
      { name: 'at', spec: columnSpec({ kind: 'timestamp' }, { default: { kind: 'sql', sql: 'CURRENT_TIMESTAMP' } }) },
      { name: 'day', spec: columnSpec({ kind: 'text' }, { default: { kind: 'sql', sql: "date('now')" } }) },
      { name: 'ref', spec: columnSpec({ kind: 'uuid' }, { unique: true }) },
      { name: 'author_id', spec: columnSpec({ kind: 'bigint' }) },
      { name: 'n', spec: columnSpec({ kind: 'integer' }, { default: { kind: 'literal', value: -3 } }) },
    ]);
    expect(spec?.constraints).toEqual([
      { kind: 'check', name: 'ck_title', condition: "title <> ''" },
      { kind: 'unique', name: 'uq_title_state', columns: ['title', 'state'] },
      { kind: 'foreignKey', name: 'fk_author', columns: ['author_id'], refTable: 'authors', refColumns: ['id'], onDelete: 'cascade' },
    ]);
    expect(spec?.indexes).toEqual([{ name: 'ix_day', columns: ['day', { expression: 'lower(title)' }], unique: false, where: 'done = 0' }]);
    expect(await read('nope')).toBeUndefined();
  });

  it('reads hand-written SQL: composite and named keys, implicit references, comments, odd quoting', async () => {
    await rawQuery(
      db,
      `CREATE TABLE [Line Items] (
         order_id INT NOT NULL, -- the order
         "No." INTEGER NOT NULL /* position */,
         sku TEXT CONSTRAINT ck_sku CHECK (length(sku) > 2) REFERENCES authors ON DELETE SET NULL,
         qty NUMERIC(10,2) DEFAULT (1.0),
         CONSTRAINT pk_lines PRIMARY KEY (order_id, "No.")
       ) WITHOUT ROWID`,
    );
    const spec = await read('line items');
    expect(spec?.name).toBe('Line Items');
    expect(spec?.columns.map((c) => [c.name, c.spec.type.kind, c.spec.nullable, c.spec.primaryKey])).toEqual([
      ['order_id', 'integer', false, true],
      ['No.', 'integer', false, true],
      ['sku', 'text', true, false],
      ['qty', 'numeric', true, false],
    ]);
    expect(spec?.columns[3]?.spec.default).toEqual({ kind: 'literal', value: 1 });
    expect(spec?.constraints).toEqual([
      { kind: 'primaryKey', name: 'pk_lines', columns: ['order_id', 'No.'] },
      { kind: 'check', name: 'ck_sku', condition: 'length(sku) > 2' },
      { kind: 'foreignKey', columns: ['sku'], refTable: 'authors', refColumns: ['id'], onDelete: 'set null' },
    ]);
  });

  it('keeps views, triggers and WITHOUT ROWID through a rebuild', async () => {
    await rawQuery(db, 'CREATE VIEW book_titles AS SELECT title FROM books');
    await rawQuery(db, "CREATE TRIGGER books_touch AFTER INSERT ON books BEGIN UPDATE books SET day = 'touched' WHERE id = NEW.id; END");
    await rawQuery(db, "INSERT INTO authors (id) VALUES (1)");
    await rawQuery(db, "INSERT INTO books (title, author_id) VALUES ('Dune', 1)");
    await run({ kind: 'alterColumn', table: 'books', column: 'n', changes: { nullable: false, default: { kind: 'literal', value: 0 } } });
    await run({ kind: 'alterColumn', table: 'Line Items', column: 'qty', changes: { type: { kind: 'real' } } });
    expect(await rawQuery(db, 'SELECT * FROM book_titles')).toEqual([{ title: 'Dune' }]);
    await rawQuery(db, "INSERT INTO books (title) VALUES ('Emma')");
    expect(await rawQuery(db, 'SELECT title, day, n FROM books ORDER BY id')).toEqual([
      { title: 'Dune', day: 'touched', n: -3 },
      { title: 'Emma', day: 'touched', n: 0 },
    ]);
    const lines = await rawQuery<{ sql: string }>(db, "SELECT sql FROM sqlite_master WHERE name = 'Line Items'");
    expect(lines[0]?.sql).toMatch(/\) WITHOUT ROWID$/);
    expect(await rawQuery(db, "SELECT name FROM sqlite_master WHERE name LIKE '_retort_tmp_%'")).toEqual([]);
  });
});

describe('sqlite connection', () => {
  it('refuses a missing directory instead of creating it', async () => {
    await expect(sqliteDialect.connect(urlOf(join(tmpdir(), 'retort-no-such-dir', 'x', 'a.db')))).rejects.toMatchObject({
      code: 'ConnectionFailed',
      fields: { directory: join(tmpdir(), 'retort-no-such-dir', 'x') },
    });
  });

  it('opens :memory: and shares one connection between retort and the scripts’ Kysely', async () => {
    const memory = await sqliteDialect.connect({ raw: 'sqlite::memory:', scheme: 'sqlite', database: ':memory:', params: {} });
    await memory.withSession(async (s) => {
      await s.execute('CREATE TABLE t (a INTEGER, b BOOLEAN)');
      await s.execute(sqliteDialect.beginSql);
      await (await s.kysely()).insertInto('t').values({ a: 1, b: 1 }).execute();
      expect(await s.query('SELECT a FROM t WHERE b = ?', [true])).toEqual([{ a: 1 }]);
      await s.execute(sqliteDialect.rollbackSql);
      expect((await kyselySql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(await s.kysely())).rows).toEqual([{ n: 0 }]);
    });
    await memory.close();
    await expect(memory.withSession(async () => 1)).rejects.toMatchObject({ code: 'ConnectionFailed' });
  });

  it('creates a missing file in an existing directory, relative paths included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retort-rel-'));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const conn = await sqliteDialect.connect({ raw: 'sqlite:./app.db', scheme: 'sqlite', params: {} });
      await conn.withSession((s) => s.execute('CREATE TABLE x (a)'));
      await conn.close();
      expect(await rawQuery({ dialect: 'sqlite', url: `sqlite:${join(dir, 'app.db')}`, name: 'x', drop: async () => {} }, "SELECT name FROM sqlite_master")).toEqual([{ name: 'x' }]);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('switches foreign keys off for the session and back on at the end', async () => {
    const memory = await sqliteDialect.connect({ raw: 'sqlite::memory:', scheme: 'sqlite', database: ':memory:', params: {} });
    await memory.withSession(async (s) => {
      for (const st of sqliteDialect.hooks.sessionStart ?? []) await s.execute(st);
      expect(await s.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 0 }]);
      for (const st of sqliteDialect.hooks.sessionEnd ?? []) await s.execute(st);
      expect(await s.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    });
    await memory.close();
  });
});
