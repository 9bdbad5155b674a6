/**
 * Safe by default (issue 12, item 2): what autogenerate writes for a change to a table that
 * exists, on each dialect: the exact script text, the exact SQL, and the same operation objects
 * when the script runs through the `op` facade. A table created in the same revision keeps the
 * plain forms.
 */
import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import { renderRevisionBody } from '../../src/autogen/render.js';
import { postgresSafeForm } from '../../src/dialects/postgres/autogen/safe-forms.js';
import { postgresDialect } from '../../src/dialects/postgres/index.js';
import { mysqlDialect } from '../../src/dialects/mysql/index.js';
import { mysqlSafeForm } from '../../src/dialects/mysql/online-ddl.js';
import { parseServerVersion } from '../../src/dialects/mysql/server.js';
import type { Operation } from '../../src/ops/operations.js';
import { enumOf, integer, text, varchar } from '../../src/schema/columns.js';
import { check, foreignKey, index, unique } from '../../src/schema/extras.js';
import { table } from '../../src/schema/table.js';
import { model, runBody } from './diff-support.js';


async function sqlOf(dialect: typeof postgresDialect, ops: readonly Operation[], serverVersion?: string): Promise<string[]> {
  const out: string[] = [];
  for (const op of ops) out.push(...(await dialect.compiler.compile(op, { defaultSchema: 'app', ...(serverVersion === undefined ? {} : { serverVersion }) })));
  return out;
}

const authors = table('authors', { id: integer().primaryKey() });
const before = table('books', { id: integer().primaryKey(), title: varchar(50), author_id: integer(), sku: text() }, (t) => [index('ix_books_old').on(t.sku)]);
const after = table('books', { id: integer().primaryKey(), title: varchar(50).notNull(), author_id: integer(), sku: text() }, (t) => [
  index('ix_books_title').on(t.title),
  unique('uq_books_sku').on(t.sku),
  check('ck_books_id', 'id > 0'),
  foreignKey('fk_books_author').on(t.author_id).references('authors', ['id']),
]);
const tags = table('tags', { id: integer().primaryKey(), book_id: integer() }, (t) => [
  index('ix_tags_book').on(t.book_id),
  foreignKey('fk_tags_book').on(t.book_id).references('books', ['id']),
]);

describe('PostgreSQL safe forms', () => {
  const diff = diffSchemas(model(authors, before), model(authors, after, tags), { safeForm: (op) => postgresSafeForm(op, 150000) });

  it('autogenerate writes CONCURRENTLY, NOT VALID + validate, USING INDEX and NOT NULL through a check, each in op.noTransaction; the new table keeps the plain forms', () => {
    const out = renderRevisionBody(diff);
    expect(out.upgrade.split('\n')).toEqual([
      "  await op.noTransaction(() => op.dropIndex('ix_books_old', { table: 'books', concurrently: true }));",
      "  await op.createTable('tags', {",
      '    id: integer().primaryKey(),',
      '    book_id: integer(),',
      '  }, {',
      '    constraints: [',
      "      foreignKey('fk_tags_book').on('book_id').references('books', ['id']),",
      '    ],',
      '  });',
      "  await op.createIndex('ix_tags_book', 'tags', ['book_id']);",
      "  // WARNING: makes 'books.title' NOT NULL: fails if the column holds NULLs",
      "  await op.noTransaction(() => op.alterColumn('books', 'title', {",
      '    nullable: false,',
      '    existingType: varchar(50),',
      '    existingNullable: true,',
      '    notNullViaCheck: true,',
      '  }));',
      "  await op.noTransaction(() => op.createUnique('uq_books_sku', 'books', ['sku'], { concurrently: true }));",
      "  await op.noTransaction(() => op.createCheck('ck_books_id', 'books', 'id > 0', { notValid: true, validate: true }));",
      "  await op.noTransaction(() => op.createIndex('ix_books_title', 'books', ['title'], { concurrently: true }));",
      "  await op.noTransaction(() => op.createForeignKey('fk_books_author', 'books', ['author_id'], 'authors', ['id'], { notValid: true, validate: true }));",
    ]);
    // The downgrade re-creates the dropped index on an existing table concurrently too.
    expect(out.downgrade).toContain("  await op.noTransaction(() => op.createIndex('ix_books_old', 'books', ['sku'], { concurrently: true }));");
    expect(out.downgrade).toContain("  await op.noTransaction(() => op.dropIndex('ix_books_title', { table: 'books', concurrently: true }));");
  });

  it('the script makes the very operation objects autogenerate made (one object for script, render and SQL)', async () => {
    const out = renderRevisionBody(diff);
    expect(await runBody(out.upgrade, out.imports)).toEqual(diff.upgrade);
  });

  it('compiles to the exact statements', async () => {
    expect(await sqlOf(postgresDialect, diff.upgrade.filter((op) => op.kind !== 'createTable'))).toEqual([
      'DROP INDEX CONCURRENTLY "app"."ix_books_old"',
      'CREATE INDEX "ix_tags_book" ON "app"."tags" ("book_id")',
      'ALTER TABLE "app"."books" ADD CONSTRAINT "books_title_not_null" CHECK ("title" IS NOT NULL) NOT VALID',
      'ALTER TABLE "app"."books" VALIDATE CONSTRAINT "books_title_not_null"',
      'ALTER TABLE "app"."books" ALTER COLUMN "title" SET NOT NULL',
      'ALTER TABLE "app"."books" DROP CONSTRAINT "books_title_not_null"',
      'CREATE UNIQUE INDEX CONCURRENTLY "uq_books_sku" ON "app"."books" ("sku")',
      'ALTER TABLE "app"."books" ADD CONSTRAINT "uq_books_sku" UNIQUE USING INDEX "uq_books_sku"',
      'ALTER TABLE "app"."books" ADD CONSTRAINT "ck_books_id" CHECK (id > 0) NOT VALID',
      'ALTER TABLE "app"."books" VALIDATE CONSTRAINT "ck_books_id"',
      'CREATE INDEX CONCURRENTLY "ix_books_title" ON "app"."books" ("title")',
      'ALTER TABLE "app"."books" ADD CONSTRAINT "fk_books_author" FOREIGN KEY ("author_id") REFERENCES "app"."authors" ("id") NOT VALID',
      'ALTER TABLE "app"."books" VALIDATE CONSTRAINT "fk_books_author"',
    ]);
  });

  it('before PostgreSQL 12 SET NOT NULL stays plain (the check would not spare the scan)', () => {
    const old = diffSchemas(model(authors, before), model(authors, after), { safeForm: (op) => postgresSafeForm(op, 110000) });
    const alter = old.upgrade.find((op) => op.kind === 'alterColumn');
    expect(alter).toBeDefined();
    expect(alter).not.toHaveProperty('notNullViaCheck');
  });
});

describe('MySQL / MariaDB online DDL clauses', () => {
  const from = table('books', { id: integer().primaryKey(), title: varchar(20), mood: enumOf('mood', ['a', 'b']), old: integer() }, (t) => [index('ix_old').on(t.old)]);
  const to = table('books', { id: integer().primaryKey(), title: varchar(40).notNull(), mood: enumOf('mood', ['a', 'b', 'c']), isbn: text(), pages: integer().notNull().default(0) }, (t) => [
    index('ix_title').on(t.title),
  ]);
  const on = (version: string) => diffSchemas(model(from), model(to, tags), {
    namedEnums: false, safeForm: (op) => mysqlSafeForm(op, parseServerVersion(version), model(from)),
  });

  it('MariaDB 10.11: INSTANT where it is metadata only, INPLACE with LOCK=NONE where it builds, nothing for the new table', async () => {
    const diff = on('10.11.6-MariaDB');
    expect(await sqlOf(mysqlDialect, diff.upgrade.filter((op) => op.kind !== 'createTable' && op.kind !== 'alterColumn'), '10.11.6-MariaDB')).toEqual([
      'ALTER TABLE `app`.`books` DROP INDEX `ix_old`, ALGORITHM=INPLACE, LOCK=NONE',
      'CREATE INDEX `ix_tags_book` ON `app`.`tags` (`book_id`)',
      'ALTER TABLE `app`.`books` ADD COLUMN `isbn` TEXT NULL, ALGORITHM=INSTANT',
      'ALTER TABLE `app`.`books` ADD COLUMN `pages` INTEGER NOT NULL DEFAULT 0, ALGORITHM=INSTANT',
      'ALTER TABLE `app`.`books` DROP COLUMN `old`, ALGORITHM=INPLACE, LOCK=NONE',
      'ALTER TABLE `app`.`books` ADD INDEX `ix_title` (`title`), ALGORITHM=INPLACE, LOCK=NONE',
    ]);
    const alters = diff.upgrade.filter((op) => op.kind === 'alterColumn');
    // Widening VARCHAR and NOT NULL together: no single clause fits both, so none is written.
    expect(alters.map((op) => [op.kind === 'alterColumn' && op.column, 'algorithm' in op ? op.algorithm : undefined])).toEqual([
      ['title', undefined], ['mood', 'instant'],
    ]);
  });

  it('MySQL 8.0.11 has no INSTANT ADD COLUMN: INPLACE with LOCK=NONE; 8.0.35 drops an unindexed column INSTANT', async () => {
    const old = on('8.0.11');
    expect(old.upgrade.filter((op) => op.kind === 'addColumn').map((op) => 'algorithm' in op && op.algorithm)).toEqual(['inplace', 'inplace']);
    const drop = table('books', { id: integer().primaryKey(), note: text() });
    const diff = diffSchemas(model(drop), model(table('books', { id: integer().primaryKey() })), { safeForm: (op) => mysqlSafeForm(op, parseServerVersion('8.0.35'), model(drop)) });
    expect(await sqlOf(mysqlDialect, diff.upgrade, '8.0.35')).toEqual(['ALTER TABLE `app`.`books` DROP COLUMN `note`, ALGORITHM=INSTANT']);
  });

  it('a script asks for the clauses itself; lint accepts them', async () => {
    const ops = await runBody("await op.createIndex('ix', 'books', ['title'], { algorithm: 'inplace', lock: 'none' }); await op.dropIndex('ix', { table: 'books', algorithm: 'inplace', lock: 'none' });", []);
    expect(await sqlOf(mysqlDialect, ops)).toEqual([
      'ALTER TABLE `app`.`books` ADD INDEX `ix` (`title`), ALGORITHM=INPLACE, LOCK=NONE',
      'ALTER TABLE `app`.`books` DROP INDEX `ix`, ALGORITHM=INPLACE, LOCK=NONE',
    ]);
  });
});
