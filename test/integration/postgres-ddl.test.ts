/**
 * The PostgreSQL compiler's statements executed on a real server, checked in the catalog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUrl } from '../../src/config/url.js';
import type { CompileContext, Connection, Session } from '../../src/dialects/dialect.js';
import { postgresDialect } from '../../src/dialects/postgres/index.js';
import type { Operation } from '../../src/ops/operations.js';
import { bigint, enumOf, integer, text, timestamptz, varchar } from '../../src/schema/columns.js';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

const ctx: CompileContext = { defaultSchema: 'tenant_1' };
let database: TestDatabase;
let connection: Connection;

/** Compile and execute `ops` on `session`, statement by statement. */
async function runOps(session: Session, ops: readonly Operation[], context: CompileContext = ctx): Promise<void> {
  for (const op of ops) {
    for (const statement of await postgresDialect.compiler.compile(op, context)) await session.execute(statement);
  }
}

/** Run `ops` on a fresh pinned session, in autocommit (no BEGIN). */
const apply = (...ops: Operation[]) => connection.withSession((s) => runOps(s, ops));

const q = <R = Record<string, unknown>>(text: string, params: unknown[] = []) => rawQuery<R>(database, text, params);

beforeAll(async () => {
  database = await createTestDatabase('postgres', 'retort_pgddl');
  connection = await postgresDialect.connect(parseUrl(database.url));
  await connection.withSession((s) => s.execute('CREATE SCHEMA "tenant_1"'));
});

afterAll(async () => {
  await connection?.close();
  await database?.drop();
});

describe('PostgreSQL DDL on a real server', () => {
  it('creates a table in a non-public schema with an identity key, a named enum and comments', async () => {
    await apply(
      { kind: 'createEnum', name: 'book_state', values: ['draft', 'out'] },
      {
        kind: 'createTable',
        table: 'books',
        columns: [
          { name: 'id', spec: bigint().primaryKey().autoIncrement().spec },
          { name: 'title', spec: varchar(200).notNull().comment("the book's title").spec },
          { name: 'state', spec: enumOf('book_state', ['draft', 'out']).notNull().default('draft').spec },
        ],
        constraints: [],
        options: { comment: 'All books' },
      },
    );
    const columns = await q(
      `SELECT column_name, data_type, is_identity, identity_generation, is_nullable, udt_schema, udt_name, character_maximum_length
       FROM information_schema.columns WHERE table_schema = 'tenant_1' AND table_name = 'books' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'bigint', is_identity: 'YES', identity_generation: 'BY DEFAULT', is_nullable: 'NO', udt_schema: 'pg_catalog', udt_name: 'int8', character_maximum_length: null },
      { column_name: 'title', data_type: 'character varying', is_identity: 'NO', identity_generation: null, is_nullable: 'NO', udt_schema: 'pg_catalog', udt_name: 'varchar', character_maximum_length: 200 },
      { column_name: 'state', data_type: 'USER-DEFINED', is_identity: 'NO', identity_generation: null, is_nullable: 'NO', udt_schema: 'tenant_1', udt_name: 'book_state', character_maximum_length: null },
    ]);
    expect(await q(`SELECT obj_description('tenant_1.books'::regclass, 'pg_class') AS t, col_description('tenant_1.books'::regclass, 2) AS c`)).toEqual([
      { t: 'All books', c: "the book's title" },
    ]);
    // Nothing leaked into public.
    expect(await q(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = 'books'`)).toEqual([{ n: 0 }]);
    // The identity generates ids; the enum default applies.
    await apply({ kind: 'bulkInsert', table: 'books', rows: [{ title: 'A' }, { title: 'B' }] });
    expect(await q(`SELECT id::int AS id, state::text AS state FROM tenant_1.books ORDER BY id`)).toEqual([
      { id: 1, state: 'draft' },
      { id: 2, state: 'draft' },
    ]);
  });

  it('adds an enum value outside a transaction, before and after existing labels', async () => {
    await apply(
      { kind: 'addEnumValue', name: 'book_state', value: 'review', after: 'draft' },
      { kind: 'addEnumValue', name: 'book_state', value: 'idea', before: 'draft' },
      { kind: 'addEnumValue', name: 'book_state', value: 'review', ifNotExists: true },
    );
    const rows = await q<{ label: string }>(
      `SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'tenant_1' AND t.typname = 'book_state' ORDER BY e.enumsortorder`,
    );
    expect(rows.map((r) => r.label)).toEqual(['idea', 'draft', 'review', 'out']);
    // Committed, so the new value is usable now.
    await apply({ kind: 'execute', sql: `UPDATE "tenant_1"."books" SET state = 'review' WHERE id = 1` });
    expect(await q(`SELECT state::text AS s FROM tenant_1.books WHERE id = 1`)).toEqual([{ s: 'review' }]);
  });

  it('cannot use a value added inside the same transaction (why ADD VALUE wants op.noTransaction)', async () => {
    await expect(
      connection.withSession(async (s) => {
        await s.execute('BEGIN');
        await runOps(s, [{ kind: 'addEnumValue', name: 'book_state', value: 'gone' }]);
        await s.execute(`UPDATE "tenant_1"."books" SET state = 'gone'`);
      }),
    ).rejects.toThrow(/unsafe use of new value "gone"/);
    const rows = await q(`SELECT count(*)::int AS n FROM pg_enum WHERE enumlabel = 'gone'`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('creates partial, expression and concurrent indexes, and drops one concurrently', async () => {
    await apply(
      { kind: 'createIndex', name: 'ix_books_lower_title', table: 'books', columns: [{ expression: 'lower(title)' }], unique: true },
      { kind: 'createIndex', name: 'ix_books_draft', table: 'books', columns: ['title'], unique: false, where: "state = 'draft'" },
      // CONCURRENTLY refuses to run in a transaction block: this session is in autocommit.
      { kind: 'createIndex', name: 'ix_books_state', table: 'books', columns: ['state'], unique: false, concurrently: true, ifNotExists: true },
    );
    const indexes = await q<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'tenant_1' AND tablename = 'books' AND indexname LIKE 'ix_%' ORDER BY indexname`,
    );
    expect(indexes).toEqual([
      { indexname: 'ix_books_draft', indexdef: `CREATE INDEX ix_books_draft ON tenant_1.books USING btree (title) WHERE (state = 'draft'::tenant_1.book_state)` },
      { indexname: 'ix_books_lower_title', indexdef: 'CREATE UNIQUE INDEX ix_books_lower_title ON tenant_1.books USING btree (lower((title)::text))' },
      { indexname: 'ix_books_state', indexdef: 'CREATE INDEX ix_books_state ON tenant_1.books USING btree (state)' },
    ]);
    expect(await q(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'tenant_1.ix_books_state'::regclass`)).toEqual([{ valid: true }]);
    await apply({ kind: 'dropIndex', name: 'ix_books_state', concurrently: true });
    expect(await q(`SELECT to_regclass('tenant_1.ix_books_state') AS r`)).toEqual([{ r: null }]);
  });

  it('refuses CREATE INDEX CONCURRENTLY inside BEGIN (why op.noTransaction exists)', async () => {
    await expect(
      connection.withSession(async (s) => {
        await s.execute('BEGIN');
        await runOps(s, [{ kind: 'createIndex', name: 'ix_never', table: 'books', columns: ['id'], unique: false, concurrently: true }]);
      }),
    ).rejects.toThrow(/cannot run inside a transaction block/);
    expect(await q(`SELECT to_regclass('tenant_1.ix_never') AS r`)).toEqual([{ r: null }]);
  });

  it('changes a type with USING, and nullability, default, comment and name', async () => {
    await apply(
      { kind: 'addColumn', table: 'books', column: { name: 'pages', spec: text().spec } },
      { kind: 'execute', sql: `UPDATE "tenant_1"."books" SET pages = '12'` },
      {
        kind: 'alterColumn',
        table: 'books',
        column: 'pages',
        changes: { type: integer().spec.type, using: 'pages::integer', nullable: false, default: { kind: 'literal', value: 0 }, comment: 'count', newName: 'page_count' },
      },
    );
    const [column] = await q(
      `SELECT data_type, is_nullable, column_default, col_description('tenant_1.books'::regclass, ordinal_position::int) AS comment
       FROM information_schema.columns WHERE table_schema = 'tenant_1' AND table_name = 'books' AND column_name = 'page_count'`,
    );
    expect(column).toEqual({ data_type: 'integer', is_nullable: 'NO', column_default: '0', comment: 'count' });
    expect(await q(`SELECT page_count FROM tenant_1.books ORDER BY id`)).toEqual([{ page_count: 12 }, { page_count: 12 }]);
    await apply({ kind: 'alterColumn', table: 'books', column: 'page_count', changes: { nullable: true, default: null, comment: null } });
    const [after] = await q(
      `SELECT is_nullable, column_default, col_description('tenant_1.books'::regclass, ordinal_position::int) AS comment
       FROM information_schema.columns WHERE table_schema = 'tenant_1' AND table_name = 'books' AND column_name = 'page_count'`,
    );
    expect(after).toEqual({ is_nullable: 'YES', column_default: null, comment: null });
  });

  it('adds and drops unique, check, foreign-key and primary-key constraints', async () => {
    await apply(
      {
        kind: 'createTable',
        table: 'authors',
        columns: [{ name: 'id', spec: integer().spec }, { name: 'email', spec: text().spec }],
        constraints: [],
        options: {},
      },
      { kind: 'addConstraint', table: 'authors', constraint: { kind: 'primaryKey', name: 'pk_authors', columns: ['id'] } },
      { kind: 'addConstraint', table: 'authors', constraint: { kind: 'unique', name: 'uq_authors_email', columns: ['email'] } },
      { kind: 'addConstraint', table: 'authors', constraint: { kind: 'check', name: 'ck_authors_id', condition: 'id > 0' } },
      { kind: 'addColumn', table: 'books', column: { name: 'author_id', spec: integer().spec } },
      {
        kind: 'addConstraint',
        table: 'books',
        constraint: { kind: 'foreignKey', name: 'fk_books_author', columns: ['author_id'], refTable: 'authors', refColumns: ['id'], onDelete: 'cascade' },
      },
    );
    const constraints = await q(
      `SELECT conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE connamespace = 'tenant_1'::regnamespace AND conname IN ('pk_authors', 'uq_authors_email', 'ck_authors_id', 'fk_books_author') ORDER BY conname`,
    );
    expect(constraints).toEqual([
      { conname: 'ck_authors_id', contype: 'c', def: 'CHECK ((id > 0))' },
      { conname: 'fk_books_author', contype: 'f', def: 'FOREIGN KEY (author_id) REFERENCES tenant_1.authors(id) ON DELETE CASCADE' },
      { conname: 'pk_authors', contype: 'p', def: 'PRIMARY KEY (id)' },
      { conname: 'uq_authors_email', contype: 'u', def: 'UNIQUE (email)' },
    ]);
    await apply({ kind: 'dropConstraint', table: 'books', name: 'fk_books_author', type: 'foreignKey' });
    expect(await q(`SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'fk_books_author'`)).toEqual([{ n: 0 }]);
  });

  it('rolls back every earlier statement when one fails inside BEGIN', async () => {
    await expect(
      connection.withSession(async (s) => {
        await s.execute(postgresDialect.beginSql);
        await runOps(s, [
          { kind: 'createTable', table: 'doomed', columns: [{ name: 'id', spec: integer().spec }], constraints: [], options: {} },
          { kind: 'addColumn', table: 'books', column: { name: 'doomed_col', spec: text().spec } },
          { kind: 'execute', sql: 'SELECT * FROM "tenant_1"."no_such_table"' },
        ]);
        await s.execute(postgresDialect.commitSql);
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(await q(`SELECT to_regclass('tenant_1.doomed') AS r`)).toEqual([{ r: null }]);
    expect(await q(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'books' AND column_name = 'doomed_col'`)).toEqual([{ n: 0 }]);
    // The session's client went back to the pool clean: a new session is not in a failed transaction.
    await expect(apply({ kind: 'execute', sql: 'SELECT 1' })).resolves.toBeUndefined();
  });

  it('quotes awkward names end to end: reserved words, mixed case, spaces and quotes', async () => {
    await connection.withSession((s) => s.execute('CREATE SCHEMA "Odd ""Schema"""'));
    await apply(
      {
        kind: 'createTable',
        table: 'user',
        schema: 'Odd "Schema"',
        columns: [
          { name: 'order', spec: integer().primaryKey().spec },
          { name: 'Full "Name"', spec: text().spec },
        ],
        constraints: [],
        options: {},
      },
      { kind: 'createIndex', name: 'Ix Order', table: 'user', schema: 'Odd "Schema"', columns: ['Full "Name"'], unique: false },
      { kind: 'renameTable', table: 'user', newName: 'Order', schema: 'Odd "Schema"' },
    );
    const cols = await q<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'Odd "Schema"' AND table_name = 'Order' ORDER BY ordinal_position`,
    );
    expect(cols.map((c) => c.column_name)).toEqual(['order', 'Full "Name"']);
    expect(await q(`SELECT indexname FROM pg_indexes WHERE schemaname = 'Odd "Schema"' AND indexname = 'Ix Order'`)).toEqual([{ indexname: 'Ix Order' }]);
  });

  it('sets and removes a table comment, then renames and drops a table and an enum', async () => {
    await apply({ kind: 'setTableComment', table: 'authors', comment: 'people' });
    expect(await q(`SELECT obj_description('tenant_1.authors'::regclass, 'pg_class') AS c`)).toEqual([{ c: 'people' }]);
    await apply({ kind: 'setTableComment', table: 'authors', comment: null });
    expect(await q(`SELECT obj_description('tenant_1.authors'::regclass, 'pg_class') AS c`)).toEqual([{ c: null }]);
    await apply(
      { kind: 'createEnum', name: 'spare', values: ['a'] },
      { kind: 'createTable', table: 'tmp', columns: [{ name: 'at', spec: timestamptz().spec }], constraints: [], options: {} },
      { kind: 'renameTable', table: 'tmp', newName: 'tmp2' },
      { kind: 'dropTable', table: 'tmp2' },
      { kind: 'dropEnum', name: 'spare' },
    );
    expect(await q(`SELECT to_regclass('tenant_1.tmp2') AS t, to_regtype('tenant_1.spare') AS e`)).toEqual([{ t: null, e: null }]);
  });
});
