/**
 * Every operation compiled by the MySQL dialect, executed on the real server (MariaDB 10.11 here),
 * then checked in the catalog: DESCRIBE, SHOW CREATE TABLE, information_schema, and readTable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUrl } from '../../src/config/url.js';
import type { CompileContext, Connection, Session } from '../../src/dialects/dialect.js';
import { mysqlDialect } from '../../src/dialects/mysql/index.js';
import { isRetortError } from '../../src/errors.js';
import type { Operation } from '../../src/ops/operations.js';
import { bigint, enumOf, integer, json, sql, text, timestamp, varchar } from '../../src/schema/columns.js';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

let db: TestDatabase;
let connection: Connection;

beforeAll(async () => {
  db = await createTestDatabase('mysql', 'retort_myddl');
  connection = await mysqlDialect.connect(parseUrl(db.url));
});

afterAll(async () => {
  await connection?.close();
  await db?.drop();
});

/** The context the runtime gives an online run. */
function online(session: Session, defaultSchema?: string): CompileContext {
  return {
    ...(defaultSchema === undefined ? {} : { defaultSchema }),
    readTable: (table, schema) => mysqlDialect.readTable(session, table, schema ?? defaultSchema),
    ...(session.serverVersion === undefined ? {} : { serverVersion: session.serverVersion }),
  };
}

/** Compile and execute operations one at a time, as the runtime does; returns the SQL run. */
async function run(...ops: Operation[]): Promise<string[]> {
  return connection.withSession(async (session) => {
    const ran: string[] = [];
    for (const op of ops) {
      for (const statement of await mysqlDialect.compiler.compile(op, online(session))) {
        await session.execute(statement);
        ran.push(statement);
      }
    }
    return ran;
  });
}

const describeTable = (table: string) =>
  rawQuery<{ Field: string; Type: string; Null: string; Key: string; Default: string | null; Extra: string }>(db, `DESCRIBE \`${table}\``);

async function columnInfo(table: string, column: string) {
  const rows = await rawQuery<{ type: string; nullable: string; dflt: string | null; comment: string; extra: string }>(
    db,
    'SELECT COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, COLUMN_COMMENT AS comment, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    [db.name, table, column],
  );
  return rows[0];
}

describe('mysql dialect on the live server', () => {
  it('creates the Alembic books table as DESCRIBE shows it', async () => {
    await run({
      kind: 'createTable',
      table: 'books',
      columns: [
        { name: 'id', spec: bigint().unsigned().primaryKey().autoIncrement().spec },
        { name: 'title', spec: text().notNull().spec },
        { name: 'author', spec: varchar(64).notNull().spec },
        { name: 'created_at', spec: timestamp().spec },
      ],
      constraints: [],
      options: {},
    });
    const rows = await describeTable('books');
    expect(rows.map((r) => [r.Field, r.Type, r.Null, r.Key, r.Default, r.Extra])).toEqual([
      ['id', 'bigint(20) unsigned', 'NO', 'PRI', null, 'auto_increment'],
      ['title', 'text', 'NO', '', null, ''],
      ['author', 'varchar(64)', 'NO', '', null, ''],
      ['created_at', 'datetime', 'YES', '', null, ''],
    ]);
  });

  it('MODIFY keeps type, default, comment and unsigned when only nullability changes', async () => {
    await run(
      { kind: 'addColumn', table: 'books', column: { name: 'pages', spec: integer().unsigned().notNull().default(100).comment('page count').spec } },
      { kind: 'alterColumn', table: 'books', column: 'pages', changes: { nullable: true } },
    );
    expect(await columnInfo('books', 'pages')).toEqual({ type: 'int(10) unsigned', nullable: 'YES', dflt: '100', comment: 'page count', extra: '' });
    // Auto-increment survives a comment change on the key.
    await run({ kind: 'alterColumn', table: 'books', column: 'id', changes: { comment: 'the key' } });
    expect(await columnInfo('books', 'id')).toEqual({ type: 'bigint(20) unsigned', nullable: 'NO', dflt: null, comment: 'the key', extra: 'auto_increment' });
  });

  it('changes a type, renames with and without other changes, and sets defaults', async () => {
    await run({ kind: 'alterColumn', table: 'books', column: 'author', changes: { type: { kind: 'varchar', length: 128 } } });
    expect(await columnInfo('books', 'author')).toMatchObject({ type: 'varchar(128)', nullable: 'NO' });
    const renamed = await run({ kind: 'alterColumn', table: 'books', column: 'author', changes: { newName: 'writer' } });
    expect(renamed).toEqual(['ALTER TABLE `books` RENAME COLUMN `author` TO `writer`']);
    await run({ kind: 'alterColumn', table: 'books', column: 'writer', changes: { newName: 'author', nullable: true } });
    expect(await columnInfo('books', 'author')).toMatchObject({ type: 'varchar(128)', nullable: 'YES' });
    await run({ kind: 'alterColumn', table: 'books', column: 'author', changes: { default: { kind: 'literal', value: "O'Brien \\ Co" } } });
    expect((await readBooks()).columns.find((c) => c.name === 'author')?.spec.default).toEqual({ kind: 'literal', value: "O'Brien \\ Co" });
    await run({ kind: 'alterColumn', table: 'books', column: 'author', changes: { default: null } });
    expect((await readBooks()).columns.find((c) => c.name === 'author')?.spec.default).toBeUndefined();
  });

  it('adds and drops every constraint kind', async () => {
    await run(
      { kind: 'createTable', table: 'authors', columns: [{ name: 'id', spec: bigint().unsigned().primaryKey().autoIncrement().spec }, { name: 'email', spec: varchar(200).spec }], constraints: [], options: {} },
      { kind: 'addColumn', table: 'books', column: { name: 'author_id', spec: bigint().unsigned().spec } },
      { kind: 'addConstraint', table: 'books', constraint: { kind: 'foreignKey', name: 'fk_books_author', columns: ['author_id'], refTable: 'authors', refColumns: ['id'], onDelete: 'cascade' } },
      { kind: 'addConstraint', table: 'authors', constraint: { kind: 'unique', name: 'uq_email', columns: ['email'] } },
      { kind: 'addConstraint', table: 'books', constraint: { kind: 'check', name: 'ck_pages', condition: 'pages > 0' } },
    );
    const constraints = () =>
      rawQuery<{ name: string; type: string }>(
        db,
        'SELECT CONSTRAINT_NAME AS name, CONSTRAINT_TYPE AS type FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?) ORDER BY name',
        [db.name, 'books', 'authors'],
      );
    expect(await constraints()).toEqual([
      { name: 'ck_pages', type: 'CHECK' },
      { name: 'fk_books_author', type: 'FOREIGN KEY' },
      { name: 'PRIMARY', type: 'PRIMARY KEY' },
      { name: 'PRIMARY', type: 'PRIMARY KEY' },
      { name: 'uq_email', type: 'UNIQUE' },
    ]);
    const read = await readBooks();
    expect(read.constraints).toContainEqual({ kind: 'foreignKey', name: 'fk_books_author', columns: ['author_id'], refTable: 'authors', refColumns: ['id'], onDelete: 'cascade' });
    expect(read.constraints).toContainEqual({ kind: 'check', name: 'ck_pages', condition: '`pages` > 0' });
    // The index MySQL made for the foreign key is not reported as a declared index.
    expect(read.indexes).toEqual([]);
    // Without `type`, the kind is looked up in the live catalog.
    await run(
      { kind: 'dropConstraint', table: 'books', name: 'fk_books_author' },
      { kind: 'dropConstraint', table: 'authors', name: 'uq_email', type: 'unique' },
      { kind: 'dropConstraint', table: 'books', name: 'ck_pages', type: 'check' },
    );
    expect((await constraints()).map((c) => c.name)).toEqual(['PRIMARY', 'PRIMARY']);
  });

  it('drops and re-adds a primary key', async () => {
    await run(
      { kind: 'createTable', table: 'pairs', columns: [{ name: 'a', spec: integer().notNull().spec }, { name: 'b', spec: integer().notNull().spec }], constraints: [], options: {} },
      { kind: 'addConstraint', table: 'pairs', constraint: { kind: 'primaryKey', name: 'pk_pairs', columns: ['a', 'b'] } },
    );
    expect((await describeTable('pairs')).map((r) => r.Key)).toEqual(['PRI', 'PRI']);
    expect((await mustRead('pairs')).constraints).toEqual([{ kind: 'primaryKey', columns: ['a', 'b'] }]);
    await run({ kind: 'dropConstraint', table: 'pairs', name: 'pk_pairs', type: 'primaryKey' });
    expect((await describeTable('pairs')).map((r) => r.Key)).toEqual(['', '']);
  });

  it('creates and drops indexes', async () => {
    // MySQL keeps the index it made for fk_books_author after the key is dropped (as Alembic
    // leaves it): from then on it is an ordinary index of the table.
    const before = [{ name: 'fk_books_author', unique: false, columns: ['author_id'] }];
    expect((await readBooks()).indexes).toEqual(before);
    await run({ kind: 'createIndex', name: 'ix_books_author', table: 'books', columns: ['author', 'pages'], unique: false });
    expect((await readBooks()).indexes).toEqual([...before, { name: 'ix_books_author', unique: false, columns: ['author', 'pages'] }]);
    await run({ kind: 'dropIndex', name: 'ix_books_author', table: 'books' });
    expect((await readBooks()).indexes).toEqual(before);
  });

  it('writes table options and comments, and reads them back', async () => {
    await run({
      kind: 'createTable',
      table: 'opts',
      columns: [{ name: 'id', spec: integer().primaryKey().spec }],
      constraints: [],
      options: { engine: 'InnoDB', charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci', comment: "Bob's table" },
    });
    const [create] = await rawQuery<Record<string, string>>(db, 'SHOW CREATE TABLE `opts`');
    expect(create!['Create Table']).toMatch(/ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Bob''s table'$/);
    expect((await mustRead('opts')).options).toEqual({ engine: 'InnoDB', charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci', comment: "Bob's table" });
    await run({ kind: 'setTableComment', table: 'opts', comment: null });
    expect((await mustRead('opts')).options.comment).toBeUndefined();
    await run({ kind: 'renameTable', table: 'opts', newName: 'options2' });
    expect(await mysqlRead('opts')).toBeUndefined();
    expect((await mysqlRead('options2'))?.name).toBe('options2');
  });

  it('handles awkward names: spaces, backticks, quotes, reserved words, mixed case', async () => {
    const table = 'Order `Items` "x" \'y\'';
    await run(
      {
        kind: 'createTable',
        table,
        columns: [
          { name: 'select', spec: integer().primaryKey().spec },
          { name: 'Mixed Case`col', spec: varchar(10).default("a'b").spec },
        ],
        constraints: [],
        options: {},
      },
      { kind: 'createIndex', name: 'ix `odd`', table, columns: ['Mixed Case`col'], unique: false },
      { kind: 'alterColumn', table, column: 'Mixed Case`col', changes: { nullable: false } },
      { kind: 'bulkInsert', table, rows: [{ select: 1, 'Mixed Case`col': "q'\\\"z" }] },
    );
    const read = await mysqlRead(table);
    expect(read?.columns.map((c) => c.name)).toEqual(['select', 'Mixed Case`col']);
    expect(read?.columns[1]?.spec).toMatchObject({ nullable: false, default: { kind: 'literal', value: "a'b" } });
    expect(read?.indexes.map((i) => i.name)).toEqual(['ix `odd`']);
    const rows = await rawQuery(db, 'SELECT * FROM `Order ``Items`` "x" \'y\'`');
    expect(rows).toEqual([{ select: 1, 'Mixed Case`col': "q'\\\"z" }]);
  });

  it('round-trips enum, json, defaults and auto-increment through readTable', async () => {
    await run({
      kind: 'createTable',
      table: 'kinds',
      columns: [
        { name: 'id', spec: bigint().unsigned().primaryKey().autoIncrement().spec },
        { name: 'mood', spec: enumOf('mood', ['happy', "it's"]).notNull().default('happy').spec },
        { name: 'data', spec: json().spec },
        { name: 'made', spec: timestamp().default(sql`CURRENT_TIMESTAMP`).spec },
        { name: 'n', spec: integer().default(3).spec },
        { name: 'notes', spec: text().notNull().default("it's \\ ok").spec },
      ],
      constraints: [],
      options: {},
    });
    const read = await mysqlRead('kinds');
    const spec = (name: string) => read?.columns.find((c) => c.name === name)?.spec;
    expect(spec('id')).toMatchObject({ type: { kind: 'bigint' }, unsigned: true, autoIncrement: true, primaryKey: true, nullable: false });
    expect(spec('mood')).toMatchObject({ type: { kind: 'enum', values: ['happy', "it's"] }, default: { kind: 'literal', value: 'happy' } });
    expect(spec('data')?.type).toEqual({ kind: 'json' });
    expect(spec('made')?.default?.kind).toBe('sql');
    expect(spec('n')?.default).toEqual({ kind: 'literal', value: 3 });
    expect(spec('notes')).toMatchObject({ type: { kind: 'text' }, nullable: false, default: { kind: 'literal', value: "it's \\ ok" } });
    // MariaDB's json_valid CHECK is part of the JSON type, not a user constraint, also after a rename.
    expect(read?.constraints).toEqual([{ kind: 'primaryKey', columns: ['id'] }]);
    await run({ kind: 'alterColumn', table: 'kinds', column: 'data', changes: { newName: 'payload' } });
    const renamed = await mustRead('kinds');
    expect(renamed.columns.find((c) => c.name === 'payload')?.spec.type).toEqual({ kind: 'json' });
    expect(renamed.constraints).toEqual([{ kind: 'primaryKey', columns: ['id'] }]);
    await run({ kind: 'alterColumn', table: 'kinds', column: 'payload', changes: { newName: 'data' } });
  });

  it('inserts rows with escapes and defaults', async () => {
    await run({ kind: 'bulkInsert', table: 'kinds', rows: [{ mood: "it's", data: { a: 'b\\c' }, n: 7 }, {}] });
    const rows = await rawQuery<{ mood: string; data: unknown; n: number; notes: string }>(db, 'SELECT mood, data, n, notes FROM kinds ORDER BY id');
    expect(rows).toEqual([
      { mood: "it's", data: { a: 'b\\c' }, n: 7, notes: "it's \\ ok" },
      { mood: 'happy', data: null, n: 3, notes: "it's \\ ok" },
    ]);
  });

  it('qualifies names with dbSchema to reach another database on the same server', async () => {
    const other = await createTestDatabase('mysql', 'retort_myother');
    try {
      await connection.withSession(async (session) => {
        const ctx = online(session, other.name);
        for (const statement of await mysqlDialect.compiler.compile(
          { kind: 'createTable', table: 'elsewhere', columns: [{ name: 'id', spec: integer().primaryKey().spec }], constraints: [], options: {} },
          ctx,
        )) {
          expect(statement).toContain(`\`${other.name}\`.\`elsewhere\``);
          await session.execute(statement);
        }
        expect((await mysqlDialect.readTable(session, 'elsewhere', other.name))?.schema).toBe(other.name);
      });
      expect(await mysqlRead('elsewhere')).toBeUndefined();
      expect(await rawQuery(other, 'SELECT COUNT(*) AS n FROM elsewhere')).toEqual([{ n: 0 }]);
    } finally {
      await other.drop();
    }
  });

  it('refuses addEnumValue with a hint instead of guessing columns', async () => {
    const error = await run({ kind: 'addEnumValue', name: 'mood', value: 'sad' }).catch((e: unknown) => e);
    expect(isRetortError(error) && error.code).toBe('UnsupportedOperation');
  });
});

function mysqlRead(table: string) {
  return connection.withSession((session) => mysqlDialect.readTable(session, table));
}

async function mustRead(name: string) {
  const table = await mysqlRead(name);
  if (table === undefined) throw new Error(`${name} is missing`);
  return table;
}

const readBooks = () => mustRead('books');
