/**
 * MySQL/MariaDB autogenerate against the real server: a rich declared schema is created from an
 * empty database with the diff's own operations, read back with readSchema, and must then diff
 * to nothing; the downgrade empties the database again. Then one change at a time: the exact
 * operations found, and an empty diff once they (and then their reverse) ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import type { DiffOptions, DiffResult } from '../../src/autogen/types.js';
import { parseUrl } from '../../src/config/url.js';
import type { CompileContext, Connection, Session } from '../../src/dialects/dialect.js';
import { mysqlDialect } from '../../src/dialects/mysql/index.js';
import type { Operation } from '../../src/ops/operations.js';
import {
  bigint, boolean, bytes, char, date, double, enumOf, integer, json, jsonb, numeric, rawType, real, smallint, sql, text, time,
  timestamp, timestamptz, uuid, varchar,
} from '../../src/schema/columns.js';
import { defineSchema } from '../../src/schema/define.js';
import { check, foreignKey, index, primaryKey, unique } from '../../src/schema/extras.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { table } from '../../src/schema/table.js';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

const autogen = mysqlDialect.autogen!;
let db: TestDatabase;
let connection: Connection;

beforeAll(async () => {
  db = await createTestDatabase('mysql', 'retort_myag');
  connection = await mysqlDialect.connect(parseUrl(db.url));
});

afterAll(async () => {
  await connection?.close();
  await db?.drop();
});

const options: DiffOptions = {
  typesEqual: autogen.typesEqual,
  defaultsEqual: autogen.defaultsEqual,
  expressionsEqual: autogen.expressionsEqual,
  namedEnums: mysqlDialect.capabilities.namedEnums,
  comments: mysqlDialect.capabilities.comments,
};

const online = (session: Session): CompileContext => ({
  readTable: (t, s) => mysqlDialect.readTable(session, t, s),
  ...(session.serverVersion === undefined ? {} : { serverVersion: session.serverVersion }),
});

/** Compile and run operations one by one, as the runtime does. */
async function apply(ops: readonly Operation[]): Promise<void> {
  await connection.withSession(async (session) => {
    for (const op of ops) for (const statement of await mysqlDialect.compiler.compile(op, online(session))) await session.execute(statement);
  });
}

const read = (opts: Parameters<typeof autogen.readSchema>[1] = {}) => connection.withSession((s) => autogen.readSchema(s, opts));

/** The live database against `declared`, as `compare` does it. */
async function diffTo(declared: SchemaModel): Promise<DiffResult> {
  const defaults = await connection.withSession((s) => autogen.readDefaults!(s, {}));
  return diffSchemas(await read(), autogen.normalizeDeclared(declared, defaults), options);
}

/** What the schema looks like after each change (all off: the base schema). */
interface Variant {
  titleLength?: number;
  bornNotNull?: boolean;
  titleDefault?: string;
  nameComment?: string;
  priceIndex?: boolean;
  dropNameIndex?: boolean;
  authorOnDelete?: 'cascade' | 'restrict' | 'none';
  statusValues?: string[];
  authorsComment?: string;
  addColumn?: boolean;
  pagesSigned?: boolean;
  dropIsbnUnique?: boolean;
  addCheck?: boolean;
  addTable?: boolean;
}

function schema(v: Variant = {}): SchemaModel {
  const status = enumOf('book_status', v.statusValues ?? ['draft', 'published', "it's"]);
  const authors = table('authors', {
    id: bigint().unsigned().primaryKey().autoIncrement(),
    name: varchar(200).notNull().comment(v.nameComment ?? 'display name'),
    email: varchar(255).notNull().unique(),
    active: boolean().notNull().default(true),
    score: integer().default('0'),
    rating: numeric(5, 2).default(1.5),
    ratio: numeric().default(sql`0`),
    born: v.bornNotNull ? date().notNull() : date(),
    bio: text().comment("it's \\ long"),
    meta: json(),
    extra: jsonb(),
    uid: uuid().default(sql`(uuid())`),
    created: timestamp().notNull().default(sql`CURRENT_TIMESTAMP`),
    touched: timestamptz(3).default(sql`now(3)`),
    ...(v.addColumn ? { nickname: varchar(40).default('') } : {}),
  }, (t) => [
    ...(v.dropNameIndex ? [] : [index('ix_authors_name').on(t.name)]),
    check('ck_authors_score', 'score >= 0'),
  ], { comment: v.authorsComment ?? 'people who write' });
  const onDelete = v.authorOnDelete ?? 'cascade';
  const books = table('books', {
    id: integer().primaryKey().autoIncrement(),
    author_id: onDelete === 'none'
      ? bigint().unsigned().notNull()
      : bigint().unsigned().notNull().references('authors.id', { onDelete, name: 'fk_books_author' }),
    title: varchar(v.titleLength ?? 300).notNull().default(v.titleDefault ?? 'untitled'),
    isbn: char(13),
    code: char(),
    status: status.notNull().default('draft'),
    price: double().default(0),
    weight: real(),
    pages: v.pagesSigned ? smallint() : smallint().unsigned(),
    cover: bytes(),
    starts: time(),
    small: rawType('mediumint'),
    flag: rawType('tinyint'),
  }, (t) => [
    ...(v.dropIsbnUnique ? [] : [unique('uq_books_isbn').on(t.isbn)]),
    unique().on(t.author_id, t.title),
    index('ix_books_title_status').on(t.title, t.status),
    ...(v.priceIndex ? [index('ix_books_price').on(t.price)] : []),
    check(undefined, 'price >= 0'),
    ...(v.addCheck ? [check('ck_books_pages', 'pages < 10000')] : []),
  ]);
  const tags = table('book_tags', {
    book_id: integer(),
    tag: varchar(50),
    position: integer().notNull().default(1),
    owner: bigint().unsigned(),
  }, (t) => [
    primaryKey('pk_book_tags').on(t.book_id, t.tag),
    foreignKey('fk_tags_book').on(t.book_id).references('books', ['id'], { onDelete: 'cascade', onUpdate: 'restrict' }),
    foreignKey().on(t.owner).references('authors', ['id'], { onDelete: 'set null' }),
    index('uq_tags_position').on(t.book_id, t.position).unique(),
  ]);
  const extra = table('shelves', { id: integer().primaryKey(), label: text().notNull() });
  return defineSchema(v.addTable ? { authors, books, tags, extra } : { authors, books, tags }).model;
}

const empty: SchemaModel = { tables: [], enums: [] };

describe('mysql autogenerate: round trip of a rich schema', () => {
  it('creates every table from an empty database, reads it back equal, and the downgrade empties it', async () => {
    const declared = schema();
    const create = diffSchemas(empty, autogen.normalizeDeclared(declared), options);
    expect(create.upgrade.map((o) => `${o.kind} ${'name' in o ? o.name : 'table' in o ? o.table : ''}`)).toEqual([
      'createTable authors', 'createIndex ix_authors_name', 'createTable books', 'createIndex ix_books_title_status', 'createTable book_tags',
    ]);
    await apply(create.upgrade);

    const after = await diffTo(declared);
    expect(after.upgrade).toEqual([]);
    expect(after.downgrade).toEqual([]);

    // The catalog, as a user would check it: the bool, the json check, the enum, the defaults.
    const cols = await rawQuery<{ c: string; t: string; d: string | null }>(db,
      'SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, COLUMN_DEFAULT AS d FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [db.name, 'authors']);
    expect(cols.find((c) => c.c === 'active')).toEqual({ c: 'active', t: 'tinyint(1)', d: '1' });
    expect(cols.find((c) => c.c === 'meta')?.t).toBe('longtext');
    expect(cols.find((c) => c.c === 'created')?.d).toBe('current_timestamp()');

    const live = await read();
    expect(live.tables.map((t) => t.name)).toEqual(['authors', 'book_tags', 'books']);
    const authors = live.tables.find((t) => t.name === 'authors')!;
    // Every table reports its engine, character set and collation: here the server's defaults.
    const defaults = await connection.withSession((s) => autogen.readDefaults!(s, {}));
    expect(authors.options).toEqual({ ...defaults.tableOptions(undefined), comment: 'people who write' });
    expect(authors.columns.find((c) => c.name === 'meta')?.spec.type).toEqual({ kind: 'json' });
    expect(authors.columns.find((c) => c.name === 'bio')?.spec.comment).toBe("it's \\ long");
    const books = live.tables.find((t) => t.name === 'books')!;
    expect(books.columns.find((c) => c.name === 'status')?.spec.type).toEqual({ kind: 'enum', name: 'books_status', values: ['draft', 'published', "it's"] });
    // The FK's own index is not reported; the unique key that serves it is.
    expect(books.indexes.map((i) => i.name)).toEqual(['ix_books_title_status']);
    expect(books.constraints.filter((c) => c.kind === 'check')).toHaveLength(1);

    // The live schema also diffs to nothing against itself read again (pull's premise).
    expect(diffSchemas(live, await read(), options).upgrade).toEqual([]);

    await apply(create.downgrade);
    expect((await read()).tables).toEqual([]);
    await apply(create.upgrade);
    expect((await diffTo(declared)).upgrade).toEqual([]);
  });

  /** One change: the operations found, then upgrade → empty diff, downgrade → back where it was. */
  async function change(before: Variant, after: Variant, expected: readonly Record<string, unknown>[]): Promise<void> {
    const diff = await diffTo(schema(after));
    expect(diff.upgrade).toMatchObject(expected);
    expect(diff.upgrade).toHaveLength(expected.length);
    await apply(diff.upgrade);
    expect((await diffTo(schema(after))).upgrade).toEqual([]);
    await apply(diff.downgrade);
    expect((await diffTo(schema(before))).upgrade).toEqual([]);
  }

  it('finds a type change', async () => {
    await change({}, { titleLength: 400 }, [
      { kind: 'alterColumn', table: 'books', column: 'title', changes: { type: { kind: 'varchar', length: 400 } } },
    ]);
  });

  it('finds nullability', async () => {
    await change({}, { bornNotNull: true }, [
      { kind: 'alterColumn', table: 'authors', column: 'born', changes: { nullable: false } },
    ]);
  });

  const base: Variant = {};

  it('finds a default', async () => {
    await change(base, { ...base, titleDefault: "it's new" }, [
      { kind: 'alterColumn', table: 'books', column: 'title', changes: { default: { kind: 'literal', value: "it's new" } } },
    ]);
  });

  it('finds a column comment and a table comment', async () => {
    await change(base, { ...base, nameComment: 'shown name', authorsComment: 'writers' }, [
      { kind: 'alterColumn', table: 'authors', column: 'name', changes: { comment: 'shown name' } },
      { kind: 'setTableComment', table: 'authors', comment: 'writers' },
    ]);
  });

  it('finds an added and a dropped index', async () => {
    await change(base, { ...base, priceIndex: true, dropNameIndex: true }, [
      { kind: 'dropIndex', table: 'authors', name: 'ix_authors_name' },
      { kind: 'createIndex', table: 'books', name: 'ix_books_price', columns: ['price'], unique: false },
    ]);
  });

  it('finds a dropped foreign key and a changed one', async () => {
    await change(base, { ...base, authorOnDelete: 'none' }, [
      { kind: 'dropConstraint', table: 'books', name: 'fk_books_author', type: 'foreignKey' },
    ]);
    // RESTRICT is MySQL's default (the catalog says RESTRICT or NO ACTION alike): the new key has no action.
    await change(base, { ...base, authorOnDelete: 'restrict' }, [
      { kind: 'dropConstraint', table: 'books', name: 'fk_books_author', type: 'foreignKey' },
      { kind: 'addConstraint', table: 'books', constraint: { kind: 'foreignKey', name: 'fk_books_author', columns: ['author_id'], refTable: 'authors' } },
    ]);
    const toRestrict = await diffTo(schema({ ...base, authorOnDelete: 'restrict' }));
    expect(toRestrict.upgrade[1]).not.toHaveProperty('constraint.onDelete');
    expect(toRestrict.downgrade.at(-1)).toMatchObject({ kind: 'addConstraint', constraint: { onDelete: 'cascade' } });
  });

  it('finds an enum value added, as a column type change', async () => {
    await change(base, { ...base, statusValues: ['draft', 'published', "it's", 'archived'] }, [
      { kind: 'alterColumn', table: 'books', column: 'status', changes: { type: { kind: 'enum', values: ['draft', 'published', "it's", 'archived'] } } },
    ]);
  });

  it('finds an added column, unsigned dropped, a unique dropped and a check added', async () => {
    await change(base, { ...base, addColumn: true, pagesSigned: true, dropIsbnUnique: true, addCheck: true }, [
      { kind: 'dropConstraint', table: 'books', name: 'uq_books_isbn', type: 'unique' },
      { kind: 'addColumn', table: 'authors', column: { name: 'nickname' } },
      { kind: 'alterColumn', table: 'books', column: 'pages', changes: { type: { kind: 'smallint' } } },
      { kind: 'addConstraint', table: 'books', constraint: { kind: 'check', name: 'ck_books_pages' } },
    ]);
  });

  it('finds a new table and drops it in the downgrade', async () => {
    await change(base, { ...base, addTable: true }, [{ kind: 'createTable', table: 'shelves' }]);
  });

  it('reads only the included tables, and other databases through `schemas`', async () => {
    const some = await read({ include: (t) => t.startsWith('book') });
    expect(some.tables.map((t) => t.name)).toEqual(['book_tags', 'books']);
    expect(some.tables.map((t) => t.schema)).toEqual([undefined, undefined]);
    const named = await read({ schemas: [db.name] });
    expect(named.tables.map((t) => [t.name, t.schema])).toEqual([['authors', undefined], ['book_tags', undefined], ['books', undefined]]);
    // With two databases, the tables of the connection's own carry no schema; the other's do.
    const other = await createTestDatabase('mysql', 'retort_myag2');
    try {
      await rawQuery(other, 'CREATE TABLE extra (id INT PRIMARY KEY, author_id BIGINT UNSIGNED, CONSTRAINT fk_x FOREIGN KEY (author_id) REFERENCES `' + db.name + '`.authors (id))');
      const both = await read({ schemas: [db.name, other.name] });
      expect(both.tables.map((t) => [t.name, t.schema])).toEqual([
        ['authors', undefined], ['book_tags', undefined], ['books', undefined], ['extra', other.name],
      ]);
      const fk = both.tables.find((t) => t.name === 'extra')!.constraints.find((c) => c.kind === 'foreignKey');
      expect(fk).toMatchObject({ name: 'fk_x', refTable: 'authors', refSchema: db.name });
      // `include` sees each table's schema as the model has it: undefined for the default one.
      const seen: [string, string | undefined][] = [];
      const filtered = await read({ schemas: [db.name, other.name], include: (t, s) => (seen.push([t, s]), s !== undefined) });
      expect(filtered.tables.map((t) => t.name)).toEqual(['extra']);
      expect(seen).toContainEqual(['authors', undefined]);
      expect(seen).toContainEqual(['extra', other.name]);
    } finally {
      await other.drop();
    }
  });
});
