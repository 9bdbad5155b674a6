/**
 * Autogenerate on real SQLite files: a rich declared schema is diffed against an empty database,
 * the upgrade is compiled and run as a run does it (rebuilds included), the database is read back
 * with readSchema, and the declared schema must then diff to nothing; the downgrade empties it.
 * Then single changes, each with the exact operations the diff must find.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import type { DiffOptions } from '../../src/autogen/types.js';
import type { Connection, DialectAutogen } from '../../src/dialects/dialect.js';
import { sqliteDialect } from '../../src/dialects/sqlite/index.js';
import type { Operation } from '../../src/ops/operations.js';
import {
  bigint, boolean, bytes, char, date, double, enumOf, integer, json, numeric, real, smallint, sql, text, time, timestamp, timestamptz, uuid, varchar,
} from '../../src/schema/columns.js';
import { defineSchema } from '../../src/schema/define.js';
import { check, foreignKey, index, primaryKey, unique } from '../../src/schema/extras.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { trigger, view } from '../../src/schema/object-builders.js';
import { table } from '../../src/schema/table.js';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { connectSqliteTest, runSqliteOps } from '../support/sqlite.js';

const autogen = sqliteDialect.autogen as DialectAutogen;
const options: DiffOptions = {
  typesEqual: autogen.typesEqual,
  defaultsEqual: autogen.defaultsEqual,
  expressionsEqual: autogen.expressionsEqual,
  namedEnums: sqliteDialect.capabilities.namedEnums,
  comments: sqliteDialect.capabilities.comments,
  objectKinds: sqliteDialect.capabilities.objectKinds ?? [],
  objectsEqual: autogen.objectsEqual!,
};
const EMPTY: SchemaModel = { tables: [], enums: [] };

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

const apply = (ops: readonly Operation[]) => runSqliteOps(connection, ops);
const live = () => connection.withSession((s) => autogen.readSchema(s, {}));
const diff = (from: SchemaModel, declared: SchemaModel) => diffSchemas(from, autogen.normalizeDeclared(declared), options);
/** The upgrade from the live database to `declared`. */
const pending = async (declared: SchemaModel) => diff(await live(), declared);

/** The rich schema, with `change` applied to the pieces the per-change tests vary. */
function richSchema(change: {
  titleType?: ReturnType<ReturnType<ReturnType<typeof varchar>['notNull']>['default']>;
  states?: readonly string[];
  priceDefault?: number;
  bornNotNull?: boolean;
  extraIndex?: boolean;
  dropTitleIndex?: boolean;
  editorFk?: boolean;
  stockCheck?: boolean;
  pagesColumn?: boolean;
  isbnUnique?: boolean;
  tagIdAutoIncrement?: boolean;
  bioComment?: string;
} = {}) {
  const authors = table('authors', {
    id: integer().primaryKey().autoIncrement(),
    name: varchar(120).notNull(),
    email: text().unique(),
    bio: text().comment(change.bioComment ?? 'about the author'),
    born: change.bornNotNull ? date().notNull().default('1970-01-01') : date(),
    wakes: time(),
    score: real().default(0.5),
  }, { comment: 'people who write' });
  const books = table('books', {
    id: bigint().primaryKey().autoIncrement(),
    title: change.titleType ?? varchar(64).notNull().default('untitled'),
    isbn: char(13),
    state: enumOf('book_state', change.states ?? ['draft', 'out']).notNull().default('draft'),
    author_id: integer().notNull().references('authors.id', { onDelete: 'cascade', onUpdate: 'restrict' }),
    editor_id: integer(),
    price: numeric(10, 2).notNull().default(change.priceDefault ?? 0),
    stock: smallint().default(sql`0`),
    ratio: double(),
    in_print: boolean().notNull().default(true),
    added: timestamp(3).default(sql`CURRENT_TIMESTAMP`),
    seen: timestamptz(),
    meta: json(),
    ref: uuid(),
    cover: bytes(),
    code: text().default('0'),
    ...(change.pagesColumn ? { pages: integer() } : {}),
  }, (t) => [
    check('ck_books_price', 'price >= 0'),
    check(undefined, 'length(title) > 0'),
    unique('uq_books_title_author').on(t.title, t.author_id),
    ...(change.isbnUnique ? [unique('uq_books_isbn').on(t.isbn)] : []),
    ...(change.stockCheck ? [check('ck_books_stock', 'stock >= 0')] : []),
    ...(change.editorFk ? [foreignKey('fk_books_editor').on(t.editor_id).references('authors', ['id'], { onDelete: 'set null' })] : []),
    ...(change.dropTitleIndex ? [] : [index('ix_books_title').on(t.title)]),
    index('ix_books_lower_title').on(sql`lower(title)`),
    index('ix_books_in_print').on(t.author_id, t.added).where('in_print = 1'),
    index('ix_books_isbn').on(t.isbn).unique(),
    ...(change.extraIndex ? [index('ix_books_price').on(t.price)] : []),
  ]);
  const tags = table('tags', {
    id: change.tagIdAutoIncrement ? integer().primaryKey().autoIncrement() : integer().primaryKey(),
    label: varchar(40).notNull().unique(),
  });
  const bookTags = table('book_tags', {
    book_id: bigint().notNull(),
    tag_id: integer().notNull(),
    position: integer().notNull().default(sql`'0'`),
  }, (t) => [
    primaryKey().on(t.book_id, t.tag_id),
    foreignKey('fk_book_tags_book').on(t.book_id).references('books', ['id'], { onDelete: 'cascade' }),
    foreignKey().on(t.tag_id).references('tags', ['id']),
  ]);
  return defineSchema({ authors, books, tags, bookTags }).model;
}

const kinds = (ops: readonly Operation[]) => ops.map((o) => o.kind);

describe('sqlite autogenerate round trip', () => {
  it('creates the rich schema from nothing, reads it back equal, and drops it again', async () => {
    const declared = richSchema();
    const first = diff(await live(), declared);
    expect(kinds(first.upgrade)).toEqual([
      'createTable', 'createTable', 'createIndex', 'createIndex', 'createIndex', 'createIndex', 'createTable', 'createTable',
    ]);
    const statements = await apply(first.upgrade);
    // bigint().primaryKey().autoIncrement() is written INTEGER: only that can AUTOINCREMENT on SQLite.
    expect(statements.find((s) => s.startsWith('CREATE TABLE "books"'))).toContain('"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT');
    expect(statements).toContain('CREATE INDEX "ix_books_in_print" ON "books" ("author_id", "added") WHERE in_print = 1');

    const read = await live();
    expect(read.tables.map((t) => t.name)).toEqual(['authors', 'book_tags', 'books', 'tags']);
    const books = read.tables.find((t) => t.name === 'books');
    expect(books?.columns.find((c) => c.name === 'state')?.spec.type).toEqual({ kind: 'enum', name: 'state', values: ['draft', 'out'] });
    expect(books?.indexes.map((i) => i.name)).toEqual(['ix_books_in_print', 'ix_books_isbn', 'ix_books_lower_title', 'ix_books_title']);
    expect(books?.constraints.map((c) => `${c.kind}:${c.name ?? ''}`)).toEqual([
      'check:ck_books_price', 'check:', 'unique:uq_books_title_author', 'foreignKey:',
    ]);
    expect(read.tables.find((t) => t.name === 'book_tags')?.constraints).toEqual([
      { kind: 'primaryKey', columns: ['book_id', 'tag_id'] },
      { kind: 'foreignKey', name: 'fk_book_tags_book', columns: ['book_id'], refTable: 'books', refColumns: ['id'], onDelete: 'cascade' },
      { kind: 'foreignKey', columns: ['tag_id'], refTable: 'tags', refColumns: ['id'] },
    ]);

    const again = diff(read, declared);
    expect(again.upgrade).toEqual([]);
    expect(again.downgrade).toEqual([]);

    // The reverse: the downgrade of the first diff empties the database.
    await apply(first.downgrade);
    expect((await live()).tables).toEqual([]);
    expect(diff(await live(), { tables: [], enums: [] }).upgrade).toEqual([]);
  });

  it('reads a hand-written enum CHECK on a text column as the declared enum, and compares equivalent defaults as equal', async () => {
    await rawQuery(db, `CREATE TABLE hand (
      id INT PRIMARY KEY,
      mood TEXT CHECK (mood IN ('ok', 'bad')),
      n INTEGER DEFAULT '0',
      s TEXT DEFAULT (0),
      b BOOLEAN DEFAULT TRUE,
      c INTEGER DEFAULT (-1)
    )`);
    const declared = defineSchema({
      hand: table('hand', {
        id: integer().primaryKey(),
        mood: enumOf('mood_type', ['ok', 'bad']),
        n: integer().default(0),
        s: text().default('0'),
        b: boolean().default(sql`1`),
        c: integer().default(-1),
      }),
    }).model;
    expect((await pending(declared)).upgrade).toEqual([]);
    const asCheck = defineSchema({
      hand: table('hand', {
        id: integer().primaryKey(), mood: text(), n: integer().default(sql`(0)`), s: text().default(sql`'0'`), b: boolean().default(true), c: integer().default(sql`- 1`),
      }, () => [check(undefined, `"mood" in ('ok','bad')`)]),
    }).model;
    expect((await pending(asCheck)).upgrade).toEqual([]);
    await apply([{ kind: 'dropTable', table: 'hand' }]);
  });
});

describe('what sqlite readSchema leaves out', () => {
  it('reads views and triggers, skips virtual tables with their shadow tables (named unmodelled); reads generated columns', async () => {
    await rawQuery(db, 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, size INTEGER GENERATED ALWAYS AS (length(body)) VIRTUAL)');
    await rawQuery(db, 'CREATE VIEW long_notes AS SELECT id FROM notes WHERE size > 10');
    await rawQuery(db, "CREATE TRIGGER notes_touch AFTER INSERT ON notes BEGIN UPDATE notes SET body = body || '' WHERE id = NEW.id; END");
    await rawQuery(db, 'CREATE VIRTUAL TABLE notes_fts USING fts5(body)');
    const read = await live();
    expect(read.tables.map((t) => t.name)).toEqual(['notes']);
    expect(read.tables[0]?.columns.map((c) => c.name)).toEqual(['id', 'body', 'size']);
    expect(read.tables[0]?.columns[2]?.spec.generated).toEqual({ expression: 'length(body)', stored: false });
    expect(read.objects?.map((o) => `${o.kind} ${o.name}`)).toEqual(['trigger notes_touch', 'view long_notes']);
    expect(read.unmodelled).toEqual([{ kind: 'virtual table', name: 'notes_fts' }]);
    const declared = defineSchema({
      notes: table('notes', { id: integer().primaryKey(), body: text(), size: integer().generatedAlwaysAs('LENGTH("body")') }),
      // Spelt differently from what the database keeps (case, quotes, layout): the same SQL.
      longNotes: view('long_notes', 'select "id" from NOTES where size > 10;'),
      touch: trigger('notes_touch', { table: 'notes', timing: 'after', events: ['insert'], body: "update notes set body = body || '' where id = new.id" }),
    }).model;
    expect(diff(read, declared).upgrade).toEqual([]);
    await rawQuery(db, 'DROP TABLE notes_fts');
    await rawQuery(db, 'DROP VIEW long_notes');
    await rawQuery(db, 'DROP TABLE notes');
    expect((await live()).tables).toEqual([]);
  });

  it('a NOT NULL change on a column holding NULLs fails whole, and the table is left as it was', async () => {
    const before = defineSchema({ people: table('people', { id: integer().primaryKey(), nick: text() }) }).model;
    const after = defineSchema({ people: table('people', { id: integer().primaryKey(), nick: text().notNull() }) }).model;
    await apply(diff(await live(), before).upgrade);
    await rawQuery(db, 'INSERT INTO people (id) VALUES (1)');
    const change = await pending(after);
    expect(change.warnings.map((w) => w.code)).toEqual(['notNullAdded']);
    await expect(apply(change.upgrade)).rejects.toThrow(/NOT NULL constraint failed/);
    expect((await pending(before)).upgrade).toEqual([]);
    expect(await rawQuery(db, 'SELECT id, nick FROM people')).toEqual([{ id: 1, nick: null }]);
    await apply([{ kind: 'dropTable', table: 'people' }]);
  });
});

describe('sqlite autogenerate finds each change, and applying it makes the diff empty', () => {
  const base = richSchema();

  beforeAll(async () => {
    await apply(diff(await live(), base).upgrade);
    await rawQuery(db, "INSERT INTO authors (name, born) VALUES ('Le Guin', '1929-10-21')");
    await rawQuery(db, "INSERT INTO books (title, isbn, author_id, price) VALUES ('Earthsea', '9780547773742', 1, 9.5)");
  });

  /** Diff to `changed`, check the operations, apply, expect no diff; then the downgrade back to base. */
  async function roundTrip(changed: SchemaModel, expected: unknown[]): Promise<void> {
    const result = await pending(changed);
    expect(result.upgrade).toMatchObject(expected);
    expect(result.upgrade).toHaveLength(expected.length);
    await apply(result.upgrade);
    expect((await pending(changed)).upgrade).toEqual([]);
    await apply(result.downgrade);
    expect((await pending(base)).upgrade).toEqual([]);
    // Rows survive the rebuilds both ways.
    expect(await rawQuery(db, 'SELECT title, price FROM books')).toEqual([{ title: 'Earthsea', price: 9.5 }]);
  }

  it('a type change (varchar(64) → varchar(200)) rebuilds the table', async () => {
    await roundTrip(richSchema({ titleType: varchar(200).notNull().default('untitled') }), [
      { kind: 'alterColumn', table: 'books', column: 'title', changes: { type: { kind: 'varchar', length: 200 } } },
    ]);
  });

  it('a nullability change with its default', async () => {
    await roundTrip(richSchema({ bornNotNull: true }), [
      { kind: 'alterColumn', table: 'authors', column: 'born', changes: { nullable: false, default: { kind: 'literal', value: '1970-01-01' } } },
    ]);
  });

  it('a default change', async () => {
    await roundTrip(richSchema({ priceDefault: 1 }), [
      { kind: 'alterColumn', table: 'books', column: 'price', changes: { default: { kind: 'literal', value: 1 } } },
    ]);
  });

  it('an added enum value', async () => {
    await roundTrip(richSchema({ states: ['draft', 'out', 'gone'] }), [
      { kind: 'alterColumn', table: 'books', column: 'state', changes: { type: { kind: 'enum', values: ['draft', 'out', 'gone'] } } },
    ]);
  });

  it('an added and a dropped index', async () => {
    await roundTrip(richSchema({ extraIndex: true, dropTitleIndex: true }), [
      { kind: 'dropIndex', name: 'ix_books_title', table: 'books' },
      { kind: 'createIndex', name: 'ix_books_price', table: 'books', columns: ['price'], unique: false },
    ]);
  });

  it('an added foreign key, a check and a unique constraint', async () => {
    await roundTrip(richSchema({ editorFk: true, stockCheck: true, isbnUnique: true }), [
      { kind: 'addConstraint', table: 'books', constraint: { kind: 'unique', name: 'uq_books_isbn', columns: ['isbn'] } },
      { kind: 'addConstraint', table: 'books', constraint: { kind: 'check', name: 'ck_books_stock', condition: 'stock >= 0' } },
      {
        kind: 'addConstraint', table: 'books',
        constraint: { kind: 'foreignKey', name: 'fk_books_editor', columns: ['editor_id'], refTable: 'authors', refColumns: ['id'], onDelete: 'set null' },
      },
    ]);
  });

  it('an added column', async () => {
    await roundTrip(richSchema({ pagesColumn: true }), [
      { kind: 'addColumn', table: 'books', column: { name: 'pages', spec: { type: { kind: 'integer' }, nullable: true } } },
    ]);
  });

  it('a rowid alias becoming AUTOINCREMENT', async () => {
    await roundTrip(richSchema({ tagIdAutoIncrement: true }), [
      { kind: 'alterColumn', table: 'tags', column: 'id', changes: { autoIncrement: true } },
    ]);
    const [tags] = await rawQuery<{ sql: string }>(db, "SELECT sql FROM sqlite_schema WHERE name = 'tags'");
    expect(tags?.sql).not.toMatch(/AUTOINCREMENT/);
  });

  it('a comment change is no change (SQLite keeps no comments)', async () => {
    expect((await pending(richSchema({ bioComment: 'changed' }))).upgrade).toEqual([]);
  });

  it('a dropped table', async () => {
    const { tags: _tags, ...rest } = Object.fromEntries(base.tables.map((t) => [t.name, t]));
    void _tags;
    const without: SchemaModel = { tables: Object.values(rest).filter((t) => t.name !== 'book_tags'), enums: [] };
    const result = await pending(without);
    expect(kinds(result.upgrade)).toEqual(['dropTable', 'dropTable']);
    expect(result.upgrade.map((o) => (o.kind === 'dropTable' ? o.table : ''))).toEqual(['book_tags', 'tags']);
    await apply(result.upgrade);
    expect((await pending(without)).upgrade).toEqual([]);
    await apply(result.downgrade);
    expect((await pending(base)).upgrade).toEqual([]);
  });

  it('readSchema honours include before reading any table', async () => {
    const only = await connection.withSession((s) => autogen.readSchema(s, { include: (name) => name.startsWith('book') }));
    expect(only.tables.map((t) => t.name)).toEqual(['book_tags', 'books']);
    expect(EMPTY.tables).toEqual([]);
  });
});
