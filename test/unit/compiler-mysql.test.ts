import { describe, expect, it } from 'vitest';
import { MysqlCompiler } from '../../src/dialects/mysql/compiler.js';
import { parseColumnType } from '../../src/dialects/mysql/types.js';
import { parseColumnDefault } from '../../src/dialects/mysql/defaults.js';
import { parseServerVersion } from '../../src/dialects/mysql/server.js';
import { mysqlScriptStatement } from '../../src/dialects/mysql/script.js';
import { fn } from '../../src/schema/object-builders.js';
import { isRetortError } from '../../src/errors.js';
import type { CompileContext } from '../../src/dialects/dialect.js';
import type { Operation } from '../../src/ops/operations.js';
import { columnSpec } from '../../src/schema/model.js';
import type { TableSpec } from '../../src/schema/model.js';
import { bigint, bigserial, boolean, bytes, enumOf, integer, json, sql, text, timestamp, uuid, varchar } from '../../src/schema/columns.js';

const compiler = new MysqlCompiler();
const compile = (op: Operation, ctx: CompileContext = {}) => compiler.compile(op, ctx);
const MARIADB = '10.11.6-MariaDB-0+deb12u1';
const MYSQL = '8.0.36';

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isRetortError(error)) return error;
    throw error;
  }
  throw new Error('expected a RetortError');
}

describe('MysqlCompiler: tables', () => {
  it('refuses a trigger with `enabled` (MySQL triggers are always enabled)', async () => {
    const { trigger } = await import('../../src/schema/object-builders.js');
    const t = trigger('t', { table: 'items', timing: 'after', events: ['insert'], body: 'SET @x = 1' });
    await expect(Promise.resolve().then(() => compile({ kind: 'createObject', object: t }))).resolves.toHaveLength(1);
    await expect(Promise.resolve().then(() => compile({ kind: 'createObject', object: { ...t, enabled: 'disabled' } }))).rejects.toMatchObject({ code: 'UnsupportedOperation' });
  });

  it('renders the Alembic books table as MySQL would show it', async () => {
    const out = await compile({
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
    expect(out).toEqual([
      'CREATE TABLE `books` (\n' +
        '  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,\n' +
        '  `title` TEXT NOT NULL,\n' +
        '  `author` VARCHAR(64) NOT NULL,\n' +
        '  `created_at` DATETIME NULL\n' +
        ')',
    ]);
  });

  it('a serial column is the column\'s AUTO_INCREMENT (not MySQL\'s SERIAL alias, which is BIGINT UNSIGNED UNIQUE)', async () => {
    const table = (spec: typeof bigserial extends () => infer B ? B : never) => compile({ kind: 'createTable', table: 't', columns: [{ name: 'id', spec: spec.spec }], constraints: [], options: {} });
    expect(await table(bigserial().primaryKey())).toEqual(await table(bigint().primaryKey().autoIncrement()));
    expect(await table(bigserial().primaryKey())).toEqual(['CREATE TABLE `t` (\n  `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY\n)']);
  });

  it('renders types, inline enum, comments, foreign keys and table options', async () => {
    const out = await compile(
      {
        kind: 'createTable',
        table: 'items',
        columns: [
          { name: 'id', spec: integer().primaryKey().spec },
          { name: 'state', spec: enumOf('state', ['draft', "it's"]).notNull().default('draft').spec },
          { name: 'on', spec: boolean().default(true).spec },
          { name: 'data', spec: json().spec },
          { name: 'key', spec: uuid().spec },
          { name: 'blob', spec: bytes().comment("raw \\ 'bytes'").spec },
          { name: 'made', spec: timestamp().default(sql`CURRENT_TIMESTAMP`).spec },
          { name: 'owner_id', spec: integer().references('users.id', { onDelete: 'cascade' }).spec },
        ],
        constraints: [{ kind: 'check', name: 'ck_state', condition: "state <> ''" }],
        options: { engine: 'InnoDB', charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci', comment: 'the items' },
      },
      { defaultSchema: 'other' },
    );
    expect(out).toEqual([
      'CREATE TABLE `other`.`items` (\n' +
        '  `id` INTEGER NOT NULL PRIMARY KEY,\n' +
        "  `state` ENUM('draft', 'it''s') NOT NULL DEFAULT 'draft',\n" +
        '  `on` BOOL NULL DEFAULT TRUE,\n' +
        '  `data` JSON NULL,\n' +
        '  `key` CHAR(36) NULL,\n' +
        "  `blob` LONGBLOB NULL COMMENT 'raw \\\\ ''bytes''',\n" +
        '  `made` DATETIME NULL DEFAULT CURRENT_TIMESTAMP,\n' +
        '  `owner_id` INTEGER NULL,\n' +
        '  FOREIGN KEY (`owner_id`) REFERENCES `other`.`users` (`id`) ON DELETE CASCADE,\n' +
        "  CONSTRAINT `ck_state` CHECK (state <> '')\n" +
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='the items'",
    ]);
  });

  it('writes literal defaults of TEXT and JSON columns as expressions (MySQL 8 needs it)', async () => {
    const out = await compile({ kind: 'addColumn', table: 't', column: { name: 'notes', spec: text().notNull().default("it's").spec } });
    expect(out).toEqual(["ALTER TABLE `t` ADD COLUMN `notes` TEXT NOT NULL DEFAULT ('it''s')"]);
    const sqlDefault = await compile({ kind: 'addColumn', table: 't', column: { name: 'j', spec: json().default(sql`(JSON_ARRAY())`).spec } });
    expect(sqlDefault).toEqual(['ALTER TABLE `t` ADD COLUMN `j` JSON NULL DEFAULT (JSON_ARRAY())']);
  });

  it('quotes awkward identifiers with doubled backticks', async () => {
    const out = await compile({ kind: 'dropTable', table: 'we`ird "Name" select' });
    expect(out).toEqual(['DROP TABLE `we``ird "Name" select`']);
  });

  it('refuses a table option that is not a bare name', async () => {
    const error = await failure(compile({ kind: 'createTable', table: 't', columns: [], constraints: [], options: { engine: 'InnoDB; DROP' } }));
    expect(error.code).toBe('BadArgument');
  });

  it('refuses VARCHAR without a length', async () => {
    const error = await failure(compile({ kind: 'addColumn', table: 't', column: { name: 'v', spec: varchar().spec } }));
    expect(error.code).toBe('BadArgument');
    expect(error.hint).toContain('varchar(n)');
  });

  it('renames a table keeping it in its database', async () => {
    expect(await compile({ kind: 'renameTable', table: 'a', newName: 'b' })).toEqual(['ALTER TABLE `a` RENAME TO `b`']);
    expect(await compile({ kind: 'renameTable', table: 'a', newName: 'b' }, { defaultSchema: 'x' })).toEqual(['ALTER TABLE `x`.`a` RENAME TO `x`.`b`']);
  });

  it('sets and removes a table comment', async () => {
    expect(await compile({ kind: 'setTableComment', table: 't', comment: "Bob's" })).toEqual(["ALTER TABLE `t` COMMENT = 'Bob''s'"]);
    expect(await compile({ kind: 'setTableComment', table: 't', comment: null })).toEqual(["ALTER TABLE `t` COMMENT = ''"]);
  });
});

describe('MysqlCompiler: columns', () => {
  it('adds a column with its foreign key in one statement', async () => {
    const out = await compile({
      kind: 'addColumn',
      table: 'books',
      column: { name: 'author_id', spec: bigint().unsigned().references('authors.id', { name: 'fk_author' }).comment('who').spec },
    });
    expect(out).toEqual([
      "ALTER TABLE `books` ADD COLUMN `author_id` BIGINT UNSIGNED NULL COMMENT 'who', ADD CONSTRAINT `fk_author` FOREIGN KEY (`author_id`) REFERENCES `authors` (`id`)",
    ]);
  });

  it('MODIFYs with the whole definition from existing, offline', async () => {
    const out = await compile({
      kind: 'alterColumn',
      table: 'books',
      column: 'author',
      changes: { nullable: true },
      existing: { type: { kind: 'varchar', length: 64 }, nullable: false, default: { kind: 'literal', value: 'anon' }, comment: 'by' },
    });
    expect(out).toEqual(["ALTER TABLE `books` MODIFY COLUMN `author` VARCHAR(64) NULL DEFAULT 'anon' COMMENT 'by'"]);
  });

  it('refuses MODIFY offline without existing type and nullability', async () => {
    const error = await failure(compile({ kind: 'alterColumn', table: 'books', column: 'author', changes: { nullable: true } }));
    expect(error.code).toBe('OfflineUnsupported');
    expect(error.hint).toContain('existingType');
    expect(error.fields['missing']).toEqual(['existingType']);
  });

  it('MODIFYs from the live table when online, keeping unsigned, default and comment', async () => {
    const live: TableSpec = {
      name: 'books',
      columns: [
        {
          name: 'n',
          spec: columnSpec({ kind: 'integer' }, { unsigned: true, nullable: true, default: { kind: 'literal', value: 7 }, comment: 'count' }),
        },
      ],
      constraints: [],
      indexes: [],
      options: {},
    };
    const ctx: CompileContext = { readTable: async (t) => (t === 'books' ? live : undefined) };
    const out = await compile({ kind: 'alterColumn', table: 'books', column: 'n', changes: { nullable: false } }, ctx);
    expect(out).toEqual(["ALTER TABLE `books` MODIFY COLUMN `n` INTEGER UNSIGNED NOT NULL DEFAULT 7 COMMENT 'count'"]);
    const renamed = await compile({ kind: 'alterColumn', table: 'books', column: 'n', changes: { newName: 'm', comment: null } }, ctx);
    expect(renamed).toEqual(['ALTER TABLE `books` CHANGE COLUMN `n` `m` INTEGER UNSIGNED NULL DEFAULT 7']);
  });

  it('uses ALTER COLUMN for a default alone and RENAME COLUMN for a rename alone', async () => {
    expect(await compile({ kind: 'alterColumn', table: 't', column: 'c', changes: { default: { kind: 'literal', value: 'x' } } })).toEqual([
      "ALTER TABLE `t` ALTER COLUMN `c` SET DEFAULT 'x'",
    ]);
    expect(await compile({ kind: 'alterColumn', table: 't', column: 'c', changes: { default: null } })).toEqual(['ALTER TABLE `t` ALTER COLUMN `c` DROP DEFAULT']);
    expect(await compile({ kind: 'alterColumn', table: 't', column: 'c', changes: { newName: 'd' } }, { serverVersion: MARIADB })).toEqual([
      'ALTER TABLE `t` RENAME COLUMN `c` TO `d`',
    ]);
  });

  it('falls back to CHANGE COLUMN for a rename on MariaDB before 10.5', async () => {
    const out = await compile(
      { kind: 'alterColumn', table: 't', column: 'c', changes: { newName: 'd' }, existing: { type: { kind: 'text' }, nullable: false } },
      { serverVersion: '10.4.30-MariaDB' },
    );
    expect(out).toEqual(['ALTER TABLE `t` CHANGE COLUMN `c` `d` TEXT NOT NULL']);
  });
});

describe('MysqlCompiler: indexes and constraints', () => {
  it('creates and drops indexes', async () => {
    expect(await compile({ kind: 'createIndex', name: 'ix_a', table: 't', columns: ['a', { expression: 'lower(b)' }], unique: true, concurrently: true })).toEqual([
      'CREATE UNIQUE INDEX `ix_a` ON `t` (`a`, (lower(b)))',
    ]);
    expect(await compile({ kind: 'dropIndex', name: 'ix_a', table: 't' }, { defaultSchema: 'd' })).toEqual(['DROP INDEX `ix_a` ON `d`.`t`']);
  });

  it('refuses partial indexes and a dropIndex without table', async () => {
    expect((await failure(compile({ kind: 'createIndex', name: 'i', table: 't', columns: ['a'], unique: false, where: 'a > 0' }))).code).toBe('UnsupportedOperation');
    expect((await failure(compile({ kind: 'dropIndex', name: 'i' }))).code).toBe('BadArgument');
  });

  it('adds constraints', async () => {
    expect(await compile({ kind: 'addConstraint', table: 't', constraint: { kind: 'unique', name: 'uq', columns: ['a', 'b'] } })).toEqual([
      'ALTER TABLE `t` ADD CONSTRAINT `uq` UNIQUE (`a`, `b`)',
    ]);
    expect(
      await compile({
        kind: 'addConstraint',
        table: 't',
        constraint: { kind: 'foreignKey', name: 'fk', columns: ['u'], refTable: 'users', refColumns: ['id'], onDelete: 'set null', onUpdate: 'cascade' },
      }),
    ).toEqual(['ALTER TABLE `t` ADD CONSTRAINT `fk` FOREIGN KEY (`u`) REFERENCES `users` (`id`) ON DELETE SET NULL ON UPDATE CASCADE']);
  });

  it('drops each constraint kind the MySQL way', async () => {
    const drop = (type: 'foreignKey' | 'unique' | 'primaryKey' | 'check', serverVersion?: string) =>
      compile({ kind: 'dropConstraint', table: 't', name: 'n', type }, serverVersion === undefined ? {} : { serverVersion });
    expect(await drop('foreignKey')).toEqual(['ALTER TABLE `t` DROP FOREIGN KEY `n`']);
    expect(await drop('unique')).toEqual(['ALTER TABLE `t` DROP INDEX `n`']);
    expect(await drop('primaryKey')).toEqual(['ALTER TABLE `t` DROP PRIMARY KEY']);
    expect(await drop('check', MARIADB)).toEqual(['ALTER TABLE `t` DROP CONSTRAINT `n`']);
    expect(await drop('check', MYSQL)).toEqual(['ALTER TABLE `t` DROP CHECK `n`']);
    expect(await drop('check')).toEqual(['ALTER TABLE `t` DROP CONSTRAINT `n`']);
  });

  it('finds an untyped constraint kind in the live table', async () => {
    const live: TableSpec = {
      name: 't',
      columns: [],
      constraints: [{ kind: 'foreignKey', name: 'fk_x', columns: ['x'], refTable: 'u', refColumns: ['id'] }],
      indexes: [],
      options: {},
    };
    const out = await compile({ kind: 'dropConstraint', table: 't', name: 'fk_x' }, { readTable: async () => live });
    expect(out).toEqual(['ALTER TABLE `t` DROP FOREIGN KEY `fk_x`']);
  });
});

describe('MysqlCompiler: enums, data, batch', () => {
  it('emits nothing for named enum types and refuses addEnumValue', async () => {
    expect(await compile({ kind: 'createEnum', name: 'mood', values: ['a'] })).toEqual([]);
    expect(await compile({ kind: 'dropEnum', name: 'mood' })).toEqual([]);
    const error = await failure(compile({ kind: 'addEnumValue', name: 'mood', value: 'b' }));
    expect(error.code).toBe('UnsupportedOperation');
    expect(error.hint).toContain('alterColumn');
  });

  it('inserts rows with MySQL escaping', async () => {
    const out = await compile({
      kind: 'bulkInsert',
      table: 't',
      rows: [{ a: "it's \\ a\0b", b: 1, c: true, d: null, e: new Date('2024-01-02T03:04:05.678Z'), f: Buffer.from([1, 255]) }, {}],
    });
    expect(out).toEqual([
      "INSERT INTO `t` (`a`, `b`, `c`, `d`, `e`, `f`) VALUES ('it''s \\\\ a\\0b', 1, TRUE, NULL, '2024-01-02 03:04:05.678', X'01ff')",
      'INSERT INTO `t` () VALUES ()',
    ]);
  });

  it('compiles a batch as its operations one by one', async () => {
    const out = await compile({
      kind: 'batch',
      table: 't',
      recreate: 'auto',
      operations: [
        { kind: 'dropColumn', table: 't', column: 'a' },
        { kind: 'execute', sql: 'UPDATE t SET b = 1' },
      ],
    });
    expect(out).toEqual(['ALTER TABLE `t` DROP COLUMN `a`', 'UPDATE t SET b = 1']);
  });
});

describe('MySQL type and default parsing', () => {
  it('reads COLUMN_TYPE on MariaDB and MySQL 8', () => {
    expect(parseColumnType('bigint(20) unsigned', 'id')).toEqual({ type: { kind: 'bigint' }, unsigned: true });
    expect(parseColumnType('bigint unsigned', 'id')).toEqual({ type: { kind: 'bigint' }, unsigned: true });
    expect(parseColumnType('int(11)', 'n').type).toEqual({ kind: 'integer' });
    expect(parseColumnType('int', 'n').type).toEqual({ kind: 'integer' });
    expect(parseColumnType('tinyint(1)', 'b').type).toEqual({ kind: 'boolean' });
    expect(parseColumnType('tinyint(4)', 'b').type).toEqual({ kind: 'tinyint' });
    expect(parseColumnType('mediumint(8) unsigned', 'b')).toEqual({ type: { kind: 'mediumint' }, unsigned: true });
    expect(parseColumnType("set('a','b,c')", 's').type).toEqual({ kind: 'set', values: ['a', 'b,c'] });
    expect(parseColumnType('year(4)', 'y').type).toEqual({ kind: 'year' });
    expect(parseColumnType('varchar(64)', 'v').type).toEqual({ kind: 'varchar', length: 64 });
    expect(parseColumnType('datetime(6)', 'd').type).toEqual({ kind: 'timestamp', precision: 6 });
    expect(parseColumnType('decimal(10,2)', 'd').type).toEqual({ kind: 'numeric', precision: 10, scale: 2 });
    expect(parseColumnType("enum('Draft','it''s','a,b')", 's').type).toEqual({ kind: 'enum', name: 's', values: ['Draft', "it's", 'a,b'] });
  });

  it('normalises defaults: MariaDB quotes literals, MySQL does not', () => {
    const maria = parseServerVersion(MARIADB);
    const mysql = parseServerVersion(MYSQL);
    expect(maria.flavour).toBe('mariadb');
    expect(mysql.flavour).toBe('mysql');
    const vc = { kind: 'varchar', length: 10 } as const;
    expect(parseColumnDefault("'it''s \\\\ x'", '', vc, maria)).toEqual({ kind: 'literal', value: "it's \\ x" });
    expect(parseColumnDefault("it's", '', vc, mysql)).toEqual({ kind: 'literal', value: "it's" });
    expect(parseColumnDefault('NULL', '', vc, maria)).toBeUndefined();
    expect(parseColumnDefault(null, '', vc, mysql)).toBeUndefined();
    expect(parseColumnDefault('5', '', { kind: 'integer' }, maria)).toEqual({ kind: 'literal', value: 5 });
    expect(parseColumnDefault('1', '', { kind: 'boolean' }, mysql)).toEqual({ kind: 'literal', value: true });
    expect(parseColumnDefault('current_timestamp()', '', { kind: 'timestamp' }, maria)).toEqual({ kind: 'sql', sql: 'current_timestamp()' });
    expect(parseColumnDefault('CURRENT_TIMESTAMP', 'DEFAULT_GENERATED', { kind: 'timestamp' }, mysql)).toEqual({ kind: 'sql', sql: 'CURRENT_TIMESTAMP' });
  });
});

describe('MySQL routines: DDL by server, and the --sql script', () => {
  const f = fn('net', { args: [{ name: 'p', type: 'decimal(10,2)' }], returns: 'decimal(10,2)', language: 'sql', volatility: 'immutable', body: sql`RETURN p * 2` });
  const changed = { ...f, body: 'RETURN p * 3' };
  it('replaces a changed function in place on MariaDB, drops and creates it on MySQL and offline; characteristics by ALTER', async () => {
    const op: Operation = { kind: 'alterObject', from: f, to: changed };
    expect(await compile(op, { serverVersion: MARIADB })).toEqual(['CREATE OR REPLACE FUNCTION `net`(`p` decimal(10,2)) RETURNS decimal(10,2)\nDETERMINISTIC SQL SECURITY INVOKER\nRETURN p * 3']);
    for (const ctx of [{ serverVersion: MYSQL }, {}]) {
      expect(await compile(op, ctx)).toEqual(['DROP FUNCTION `net`', 'CREATE FUNCTION `net`(`p` decimal(10,2)) RETURNS decimal(10,2)\nDETERMINISTIC SQL SECURITY INVOKER\nRETURN p * 3']);
    }
    expect(await compile({ kind: 'alterObject', from: f, to: { ...f, securityDefiner: true, comment: "it's" } }, { serverVersion: MYSQL }))
      .toEqual(["ALTER FUNCTION `net` CONTAINS SQL SQL SECURITY DEFINER COMMENT 'it''s'"]);
  });
  it('refuses what a MySQL routine cannot be', async () => {
    const e = await failure(compile({ kind: 'createObject', object: { ...f, language: 'plpgsql' } }));
    expect(e).toMatchObject({ code: 'UnsupportedOperation' });
  });
  it('wraps in DELIMITER only statements the client would split', () => {
    expect(mysqlScriptStatement("INSERT INTO t VALUES ('a;b') -- x")).toBe("INSERT INTO t VALUES ('a;b') -- x\n;");
    expect(mysqlScriptStatement('SELECT `a;` /* ; */ FROM t')).toBe('SELECT `a;` /* ; */ FROM t;');
    expect(mysqlScriptStatement('CREATE PROCEDURE p() BEGIN SELECT 1; END')).toBe('DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;');
    expect(mysqlScriptStatement("CREATE PROCEDURE p() BEGIN SELECT '$$'; END")).toBe("DELIMITER $$1$$\nCREATE PROCEDURE p() BEGIN SELECT '$$'; END$$1$$\nDELIMITER ;");
  });
});
