import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import { renderRevisionBody } from '../../src/autogen/render.js';
import * as columns from '../../src/schema/columns.js';
import * as extras from '../../src/schema/extras.js';
import { buildOp } from '../../src/ops/facade.js';
import type { Operation } from '../../src/ops/operations.js';
import { bigint, enumOf, integer, numeric, sql, text, timestamp, varchar } from '../../src/schema/columns.js';
import { check, foreignKey, index, unique } from '../../src/schema/extras.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { table } from '../../src/schema/table.js';
import { model } from './diff-support.js';

const empty: SchemaModel = { tables: [], enums: [] };

/** Run a rendered body against the real `op` facade, importing what the renderer listed. */
async function runBody(body: string, imports: readonly string[]): Promise<Operation[]> {
  const ops: Operation[] = [];
  const op = buildOp(async (o) => { ops.push(o); }, async (fn) => fn());
  // What src/index.ts re-exports for scripts: the column builders and the table extras.
  const lib = { ...columns, ...extras } as unknown as Record<string, unknown>;
  for (const name of imports) expect(lib[name], `a builder named ${name}`).toBeDefined();
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction('op', ...imports, body)(op, ...imports.map((n) => lib[n]));
  return ops;
}

describe('renderRevisionBody', () => {
  it('writes the contract example as a person would', () => {
    const books = table('books', {
      id: bigint().unsigned().primaryKey().autoIncrement(),
      title: text().notNull(),
      author: varchar(64).notNull(),
      created_at: timestamp(),
    });
    const out = renderRevisionBody(diffSchemas(empty, model(books)));
    expect(out.upgrade).toBe([
      "  await op.createTable('books', {",
      '    id: bigint().unsigned().primaryKey().autoIncrement(),',
      '    title: text().notNull(),',
      '    author: varchar(64).notNull(),',
      '    created_at: timestamp(),',
      '  });',
    ].join('\n'));
    expect(out.downgrade).toBe("  // WARNING: drops table 'books' and all its rows\n  await op.dropTable('books');");
    expect(out.imports).toEqual(['bigint', 'text', 'timestamp', 'varchar']);
  });

  it('writes constraints, options, defaults and quoting, and the text re-runs to the same operations', async () => {
    const books = table('books', {
      id: integer().primaryKey(),
      author: varchar(64).notNull(),
      title: text().notNull().default("it's `new` ${x}"),
      created_at: timestamp().default(sql`now()`),
      'odd name': integer().references('authors.id', { onDelete: 'cascade' }).comment('odd "name"'),
      mood: enumOf('mood', ['a', 'b']),
      price: numeric(10, 2),
    }, (t) => [
      index('ix_books_title').on(t.title).where('title IS NOT NULL'),
      unique('uq_books_author_title').on(t.author, t.title),
      check('ck_price', 'price > 0'),
      foreignKey().on(t.author).references('people', ['name'], { onUpdate: 'restrict' }),
    ], { comment: 'All the books' });
    const authors = table('authors', { id: integer().primaryKey() });
    const diff = diffSchemas(empty, model(books, authors));
    const out = renderRevisionBody(diff);
    expect(out.upgrade).toBe([
      "  await op.createEnum('mood', ['a', 'b']);",
      "  await op.createTable('authors', {",
      '    id: integer().primaryKey(),',
      '  });',
      "  await op.createTable('books', {",
      '    id: integer().primaryKey(),',
      '    author: varchar(64).notNull(),',
      '    title: text().notNull().default("it\'s `new` ${x}"),',
      '    created_at: timestamp().default(sql`now()`),',
      "    'odd name': integer().references('authors.id', { onDelete: 'cascade' }).comment('odd \"name\"'),",
      "    mood: enumOf('mood', ['a', 'b']),",
      '    price: numeric(10, 2),',
      '  }, {',
      "    comment: 'All the books',",
      '    constraints: [',
      "      unique('uq_books_author_title').on('author', 'title'),",
      "      check('ck_price', 'price > 0'),",
      "      foreignKey().on('author').references('people', ['name'], { onUpdate: 'restrict' }),",
      '    ],',
      '  });',
      "  await op.createIndex('ix_books_title', 'books', ['title'], { where: 'title IS NOT NULL' });",
    ].join('\n'));
    expect(out.imports).toEqual(['check', 'enumOf', 'foreignKey', 'integer', 'numeric', 'sql', 'text', 'timestamp', 'unique', 'varchar']);
    expect(await runBody(out.upgrade, out.imports)).toEqual(diff.upgrade);
    expect(await runBody(out.downgrade, out.imports)).toEqual(diff.downgrade);
  });

  it('writes warnings as comments above their operation, and alterColumn with the existing definition', async () => {
    const before = table('books', { id: integer().primaryKey(), note: varchar(64), old: text() });
    const after = table('books', { id: integer().primaryKey(), note: varchar(32).notNull().default('-').comment('short') });
    const diff = diffSchemas(model(before), model(after));
    const out = renderRevisionBody(diff);
    expect(out.upgrade).toBe([
      '  // WARNING: changes the type of \'books.note\' in a way that may lose data',
      "  // WARNING: makes 'books.note' NOT NULL: fails if the column holds NULLs",
      "  await op.alterColumn('books', 'note', {",
      '    type: varchar(32),',
      '    nullable: false,',
      "    default: '-',",
      "    comment: 'short',",
      '    existingType: varchar(64),',
      '    existingNullable: true,',
      '  });',
      "  // WARNING: drops column 'books.old' and its data",
      "  await op.dropColumn('books', 'old');",
    ].join('\n'));
    expect(out.downgrade).toBe([
      "  await op.addColumn('books', 'old', text());",
      "  await op.alterColumn('books', 'note', {",
      '    type: varchar(64),',
      '    nullable: true,',
      '    default: null,',
      '    comment: null,',
      '    existingType: varchar(32),',
      '    existingNullable: false,',
      "    existingDefault: '-',",
      "    existingComment: 'short',",
      '  });',
    ].join('\n'));
    expect(await runBody(out.upgrade, out.imports)).toEqual(diff.upgrade);
    expect(await runBody(out.downgrade, out.imports)).toEqual(diff.downgrade);
  });

  it('writes every other operation on one line, with schema and options', async () => {
    const ops: Operation[] = [
      { kind: 'renameTable', table: 'a', newName: 'b', schema: 'app' },
      { kind: 'addColumn', table: 'b', schema: 'app', column: { name: 'n', spec: integer().unsigned().notNull().default(0).spec } },
      { kind: 'createIndex', name: 'ix', table: 'b', columns: ['n', { expression: 'lower(x)' }], unique: true },
      { kind: 'dropIndex', name: 'ix', table: 'b' },
      { kind: 'addConstraint', table: 'b', constraint: { kind: 'unique', name: 'uq', columns: ['n'] } },
      { kind: 'addConstraint', table: 'b', constraint: { kind: 'primaryKey', name: 'pk', columns: ['n', 'm'] } },
      { kind: 'addConstraint', table: 'b', constraint: { kind: 'check', name: 'ck', condition: "x <> ''" } },
      { kind: 'addConstraint', table: 'b', constraint: { kind: 'foreignKey', name: 'fk', columns: ['n'], refTable: 'c', refColumns: ['id'], onDelete: 'set null' } },
      { kind: 'dropConstraint', name: 'fk', table: 'b', type: 'foreignKey' },
      { kind: 'addEnumValue', name: 'mood', value: 'meh', after: 'sad' },
      { kind: 'dropEnum', name: 'mood' },
      { kind: 'setTableComment', table: 'b', comment: null },
      { kind: 'alterColumn', table: 'b', column: 'n', changes: { newName: 'm' }, existing: { type: { kind: 'integer' }, unsigned: true, nullable: false } },
      { kind: 'execute', sql: "UPDATE b SET n = 1 WHERE x = 'y'" },
    ];
    const out = renderRevisionBody({ upgrade: ops, downgrade: [] });
    expect(out.upgrade).toBe([
      "  await op.renameTable('a', 'b', { schema: 'app' });",
      "  await op.addColumn('b', 'n', integer().unsigned().notNull().default(0), { schema: 'app' });",
      "  await op.createIndex('ix', 'b', ['n', { expression: 'lower(x)' }], { unique: true });",
      "  await op.dropIndex('ix', { table: 'b' });",
      "  await op.createUnique('uq', 'b', ['n']);",
      "  await op.createPrimaryKey('pk', 'b', ['n', 'm']);",
      '  await op.createCheck(\'ck\', \'b\', "x <> \'\'");',
      "  await op.createForeignKey('fk', 'b', ['n'], 'c', ['id'], { onDelete: 'set null' });",
      "  await op.dropConstraint('fk', 'b', { type: 'foreignKey' });",
      "  await op.noTransaction(() => op.addEnumValue('mood', 'meh', { after: 'sad' }));",
      "  await op.dropEnum('mood');",
      "  await op.setTableComment('b', null);",
      "  await op.alterColumn('b', 'n', {",
      "    newName: 'm',",
      '    existingType: integer().unsigned(),',
      '    existingNullable: false,',
      '  });',
      '  await op.execute("UPDATE b SET n = 1 WHERE x = \'y\'");',
    ].join('\n'));
    expect(out.downgrade).toBe('  // no changes');
    expect(await runBody(out.upgrade, out.imports)).toEqual(ops);
  });

  it('puts warnings that belong to no operation first', () => {
    const diff = diffSchemas(model(table('t', { m: enumOf('mood', ['a', 'b']) })), model(table('t', { m: enumOf('mood', ['b', 'a']) })));
    expect(renderRevisionBody(diff).upgrade).toBe([
      '  // WARNING: enum \'mood\' lost or reordered values (now ["b","a"], was ["a","b"]): write this migration by hand (new type, convert the columns, drop the old type)',
      '  // no changes',
    ].join('\n'));
  });
});

describe('SQL bodies in revision files', () => {
  it('lines inside a sql`...` body are neither indented nor dedented (a multi-line string literal in a function body)', async () => {
    const { fn } = await import('../../src/schema/object-builders.js');
    const { renderRevision } = await import('../../src/script/writer.js');
    const { readFileSync } = await import('node:fs');
    const { builtInScriptTemplatePath } = await import('../../src/script/templates.js');
    const body = "BEGIN\ntmp := 'SELECT 1\n    FROM t `x`\nWHERE a = ''it''s''';\nEND";
    const rendered = renderRevisionBody({ upgrade: [{ kind: 'createObject', object: fn('f', { returns: 'void', language: 'plpgsql', body }) }], downgrade: [], warnings: [] } as never);
    const file = renderRevision(readFileSync(builtInScriptTemplatePath(), 'utf8'), {
      dir: '/nowhere', revision: 'abc', message: 'm', downRevisions: [], upgradeBody: rendered.upgrade, downgradeBody: rendered.downgrade,
    });
    expect(file).toContain(`body: sql\`${body.replace(/`/g, '\\`')}\``);
    expect(file).toContain("\n  await op.create(fn('f', {\n    returns: 'void',");
  });
});
