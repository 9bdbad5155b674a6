/**
 * PostgreSQL autogenerate against a real server: a rich declared schema is diffed against an
 * empty database, the upgrade runs, the bulk reader reads it back, and the diff must be empty;
 * the downgrade must empty the database again. Then single changes, each with the exact
 * operations the diff must find and an empty diff after they run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSchema } from '../../src/schema/define.js';
import {
  bigint, boolean, bytes, char, date, double, enumOf, integer, json, jsonb, numeric, rawType, real, smallint, sql,
  text, time, timestamp, timestamptz, uuid, varchar,
} from '../../src/schema/columns.js';
import { check, foreignKey, index, primaryKey, unique } from '../../src/schema/extras.js';
import { table } from '../../src/schema/table.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { postgresAutogen } from '../../src/dialects/postgres/autogen/index.js';
import { openPg, pgDiff } from '../support/pg-autogen.js';
import type { PgFixture } from '../support/pg-autogen.js';

let pg: PgFixture;
const READ = { schemas: ['public', 'shop'] };

beforeAll(async () => {
  pg = await openPg('retort_pgauto');
  await pg.exec('CREATE SCHEMA shop');
});
afterAll(async () => pg?.close());

/** The declared schema; `v` switches the single changes the tests make. */
function declared(v: Partial<Record<'label50' | 'nameNotNull' | 'score5' | 'comment' | 'newIndex' | 'noIndex' | 'newFk' | 'noFk' | 'great' | 'tableComment' | 'lostValue', boolean>> = {}): SchemaModel {
  const mood = enumOf('mood', v.lostValue ? ['sad', 'happy'] : v.great ? ['sad', 'ok', 'happy', 'great'] : ['sad', 'ok', 'happy']);
  const authors = table('authors', {
    id: integer().primaryKey().autoIncrement(),
    email: varchar(200).notNull().unique(),
    name: v.nameNotNull ? text().notNull().comment('display name') : text().comment(v.comment ? 'full name' : 'display name'),
    label: varchar(v.label50 ? 50 : 20).default('abc'),
    score: integer().default(v.score5 ? 5 : 0),
    score_text: integer().default('0'),
    score_cast: integer().default(sql`'0'::integer`),
    neg: integer().default(-1),
    active: boolean().notNull().default(true),
    created: timestamptz().default(sql`CURRENT_TIMESTAMP`),
    updated: timestamp(3).default(sql`now()`),
    mood: mood.default('ok'),
  }, (t) => [
    ...(v.noIndex ? [] : [index('ix_authors_lower_email').on(sql`lower(email)`)]),
    ...(v.newIndex ? [index('ix_authors_score').on(t.score, t.label).where('score > 0')] : []),
    check('ck_authors_score', 'score >= 0'),
    check(undefined, "label IN ('abc', 'def') OR label IS NULL"),
  ], v.tableComment ? { comment: 'writers' } : { comment: 'people who write' });
  const books = table('books', {
    id: bigint().primaryKey().autoIncrement(),
    author_id: integer().notNull().references('authors.id', { onDelete: 'cascade' }),
    editor_id: integer(),
    title: varchar(300).notNull(),
    isbn: char(13),
    price: numeric(10, 2).notNull().default(0),
    weight: real(),
    ratio: double(),
    pages: smallint(),
    published: date(),
    at_time: time(),
    meta: json(),
    doc: jsonb().default(sql`'{}'::jsonb`),
    uid: uuid().default(sql`gen_random_uuid()`),
    cover: bytes(),
    tags: rawType('text[]'),
    legacy: rawType('int4'),
  }, (t) => [
    unique('uq_books_title_author').on(t.title, t.author_id),
    index('ix_books_published').on(t.published).where(sql`price > 0 AND published IS NOT NULL`),
    index('ix_books_isbn').on(t.isbn).unique(),
    ...(v.newFk ? [foreignKey('fk_books_editor').on(t.editor_id).references('authors', ['id'], { onDelete: 'set null' })] : []),
    check(undefined, 'price >= 0'),
  ]);
  const bookTags = table('book_tags', {
    book_id: bigint(),
    tag: varchar(40),
    weight: integer().notNull().default(1),
  }, (t) => [
    primaryKey('pk_book_tags').on(t.book_id, t.tag),
    ...(v.noFk ? [] : [foreignKey('fk_book_tags_book').on(t.book_id).references('books', ['id'], { onDelete: 'cascade', onUpdate: 'restrict' })]),
  ]);
  const status = enumOf('status', ['new', 'paid']);
  const orders = table('orders', {
    id: integer().primaryKey().autoIncrement(),
    status: status.notNull().default('new'),
    note: varchar(100).comment('free text'),
  }, { schema: 'shop', comment: 'shop orders' });
  return defineSchema({ authors, books, bookTags, orders }).model;
}

const ops = (list: readonly { kind: string }[]) => list.map((op) => JSON.parse(JSON.stringify(op)) as Record<string, unknown>);

describe('PostgreSQL autogenerate round trip', () => {
  it('creates the whole schema from nothing and then finds no difference', async () => {
    const diff = pgDiff(await pg.read(READ), declared());
    expect(diff.upgrade.map((o) => o.kind)).toEqual([
      'createEnum', 'createEnum', 'createTable', 'createIndex', 'createTable', 'createIndex', 'createIndex', 'createTable', 'createTable',
    ]);
    await pg.apply(diff.upgrade);
    const live = await pg.read(READ);
    expect(live.tables.map((t) => `${t.schema ?? ''}.${t.name}`)).toEqual(['.authors', '.book_tags', '.books', 'shop.orders']);
    expect(live.enums).toEqual([{ name: 'mood', values: ['sad', 'ok', 'happy'] }, { name: 'status', schema: 'shop', values: ['new', 'paid'] }]);
    expect(pgDiff(live, declared()).upgrade).toEqual([]);
  });

  it('reads what the catalog stores: serial/identity, defaults, comments, keys', async () => {
    const live = await pg.read(READ);
    const authors = live.tables.find((t) => t.name === 'authors');
    const col = (name: string) => authors?.columns.find((c) => c.name === name)?.spec;
    expect(col('id')).toMatchObject({ autoIncrement: true, primaryKey: true, nullable: false });
    expect(col('id')?.default).toBeUndefined();
    expect(col('score_cast')?.default).toEqual({ kind: 'literal', value: 0 });
    expect(col('created')?.default).toEqual({ kind: 'sql', sql: 'CURRENT_TIMESTAMP' });
    expect(col('name')?.comment).toBe('display name');
    expect(authors?.options).toEqual({ comment: 'people who write' });
    const checkRow = authors?.constraints.find((c) => c.kind === 'check' && c.name !== 'ck_authors_score');
    // PostgreSQL rewrote the IN list; the diff above still matched it with the declared one.
    expect(checkRow).toMatchObject({ kind: 'check', condition: expect.stringContaining('ANY') });
  });

  it('a serial column made by hand reads as auto-increment without a default; a generated one has none either', async () => {
    await pg.exec('CREATE TABLE shop.legacy (id serial PRIMARY KEY, n int4 DEFAULT 0, g int4 GENERATED ALWAYS AS (n * 2) STORED)');
    const legacy = (await pg.read({ schemas: ['shop'] })).tables.find((t) => t.name === 'legacy');
    expect(legacy?.schema).toBeUndefined();
    expect(legacy?.columns[0]?.spec).toMatchObject({ autoIncrement: true, nullable: false, type: { kind: 'integer' } });
    expect(legacy?.columns[0]?.spec.default).toBeUndefined();
    expect(legacy?.columns[1]?.spec.default).toEqual({ kind: 'literal', value: 0 });
    // A generated column's expression is not a default (an upgrade could not create it as one).
    expect(legacy?.columns[2]?.spec.default).toBeUndefined();
    await pg.exec('DROP TABLE shop.legacy');
  });

  it('the session keeps its jit setting (switched off only while reading)', async () => {
    const settings = await pg.connection.withSession(async (s) => {
      await s.execute('SET jit = on');
      await postgresAutogen.readSchema(s, READ);
      const [on] = await s.query<{ jit: string }>('SHOW jit');
      await s.execute('SET jit = off');
      await postgresAutogen.readSchema(s, READ);
      const [off] = await s.query<{ jit: string }>('SHOW jit');
      await s.execute('RESET jit');
      return [on?.jit, off?.jit];
    });
    expect(settings).toEqual(['on', 'off']);
  });

  it('include filters tables before reading them', async () => {
    const only = await pg.read({ ...READ, include: (name) => name === 'books' });
    expect(only.tables.map((t) => t.name)).toEqual(['books']);
    expect(only.tables[0]?.columns).toHaveLength(17);
  });

  /**
   * Diff the base database against `declared(v)`, check the upgrade, apply it (then nothing is
   * left to do), apply the downgrade (then the base schema matches again).
   */
  const step = async (v: Parameters<typeof declared>[0]) => {
    const diff = pgDiff(await pg.read(READ), declared(v));
    await pg.apply(diff.upgrade);
    expect(pgDiff(await pg.read(READ), declared(v)).upgrade).toEqual([]);
    await pg.apply(diff.downgrade);
    expect(pgDiff(await pg.read(READ), declared()).upgrade).toEqual([]);
    return diff;
  };

  it('a type change', async () => {
    const diff = await step({ label50: true });
    expect(ops(diff.upgrade)).toMatchObject([{ kind: 'alterColumn', table: 'authors', column: 'label', changes: { type: { kind: 'varchar', length: 50 } } }]);
    expect(Object.keys((diff.upgrade[0] as { changes: object }).changes)).toEqual(['type']);
  });

  it('a nullability change, flagged', async () => {
    const diff = await step({ nameNotNull: true });
    expect(ops(diff.upgrade)).toMatchObject([{ kind: 'alterColumn', column: 'name', changes: { nullable: false } }]);
    expect(diff.warnings.map((w) => w.code)).toEqual(['notNullAdded']);
  });

  it('a default change', async () => {
    const diff = await step({ score5: true });
    expect(ops(diff.upgrade)).toMatchObject([{ kind: 'alterColumn', column: 'score', changes: { default: { kind: 'literal', value: 5 } } }]);
  });

  it('column and table comment changes', async () => {
    const diff = await step({ comment: true, tableComment: true });
    expect(ops(diff.upgrade)).toMatchObject([
      { kind: 'alterColumn', column: 'name', changes: { comment: 'full name' } },
      { kind: 'setTableComment', table: 'authors', comment: 'writers' },
    ]);
    expect(ops(diff.upgrade)).toHaveLength(2);
  });

  it('indexes: add a partial one, drop an expression one', async () => {
    let diff = await step({ newIndex: true });
    expect(ops(diff.upgrade)).toEqual([{ kind: 'createIndex', name: 'ix_authors_score', table: 'authors', columns: ['score', 'label'], unique: false, where: 'score > 0' }]);
    diff = await step({ noIndex: true });
    expect(ops(diff.upgrade)).toEqual([{ kind: 'dropIndex', name: 'ix_authors_lower_email', table: 'authors' }]);
    expect(ops(diff.downgrade)).toEqual([{ kind: 'createIndex', name: 'ix_authors_lower_email', table: 'authors', columns: [{ expression: 'lower(email::text)' }], unique: false }]);
  });

  it('foreign keys: add one with actions, drop one', async () => {
    let diff = await step({ newFk: true });
    expect(ops(diff.upgrade)).toEqual([{
      kind: 'addConstraint', table: 'books',
      constraint: { kind: 'foreignKey', name: 'fk_books_editor', columns: ['editor_id'], refTable: 'authors', refColumns: ['id'], onDelete: 'set null' },
    }]);
    diff = await step({ noFk: true });
    expect(ops(diff.upgrade)).toEqual([{ kind: 'dropConstraint', table: 'book_tags', name: 'fk_book_tags_book', type: 'foreignKey' }]);
  });

  const change = async (v: Parameters<typeof declared>[0]) => {
    const diff = pgDiff(await pg.read(READ), declared(v));
    await pg.apply(diff.upgrade);
    expect(pgDiff(await pg.read(READ), declared(v)).upgrade).toEqual([]);
    return diff;
  };

  it('enums: an added value is ALTER TYPE ADD VALUE; a removed one is flagged, not emitted', async () => {
    const diff = await change({ great: true });
    expect(ops(diff.upgrade)).toEqual([{ kind: 'addEnumValue', name: 'mood', value: 'great', after: 'happy', ifNotExists: true }]);
    const lost = pgDiff(await pg.read(READ), declared({ lostValue: true }));
    expect(lost.upgrade).toEqual([]);
    expect(lost.warnings.map((w) => w.code)).toEqual(['enumValuesChanged']);
  });

  it('the downgrade of the whole schema empties the database', async () => {
    const live = await pg.read(READ);
    const diff = pgDiff(live, declared({ great: true }));
    expect(diff.upgrade).toEqual([]);
    const fromEmpty = pgDiff({ tables: [], enums: [] }, declared({ great: true }));
    await pg.apply(fromEmpty.downgrade);
    expect(await pg.read(READ)).toEqual({ tables: [], enums: [], objects: [], unmodelled: [] });
  });
});
