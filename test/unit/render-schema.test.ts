import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import { renderSchemaModule } from '../../src/autogen/render-schema.js';
import { postgresDefaultPrimaryKeyName } from '../../src/dialects/postgres/autogen/index.js';
import type { SchemaDefinition } from '../../src/schema/define.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { columnSpec } from '../../src/schema/model.js';

/** A model as introspection would read it: keys as named table constraints. */
const pulled: SchemaModel = {
  enums: [{ name: 'mood', values: ['happy', 'sad'] }],
  tables: [
    {
      name: 'books', columns: [
        { name: 'id', spec: columnSpec({ kind: 'bigint' }, { nullable: false, autoIncrement: true }) },
        { name: 'title', spec: columnSpec({ kind: 'varchar', length: 200 }, { nullable: false, default: { kind: 'literal', value: 'untitled' } }) },
        { name: 'author_id', spec: columnSpec({ kind: 'integer' }) },
        { name: 'mood', spec: columnSpec({ kind: 'enum', name: 'mood', values: ['happy', 'sad'] }, { comment: "reader's mood" }) },
        { name: 'class', spec: columnSpec({ kind: 'raw', sql: 'tsvector' }) },
      ],
      constraints: [
        { kind: 'primaryKey', name: 'books_pkey', columns: ['id'] },
        { kind: 'foreignKey', name: 'books_author_id_fkey', columns: ['author_id'], refTable: 'authors', refColumns: ['id'], onDelete: 'cascade' },
        { kind: 'unique', name: 'books_title_author_key', columns: ['title', 'author_id'] },
        { kind: 'check', name: 'books_title_check', condition: "title <> ''" },
      ],
      indexes: [{ name: 'ix_books_lower_title', columns: [{ expression: 'lower(title)' }], unique: false, where: 'author_id IS NOT NULL' }],
      options: { comment: 'All the books' },
    },
    {
      name: 'authors', columns: [
        { name: 'id', spec: columnSpec({ kind: 'integer' }, { nullable: false }) },
        { name: 'tenant', spec: columnSpec({ kind: 'integer' }, { nullable: false }) },
      ],
      constraints: [{ kind: 'primaryKey', name: 'authors_pkey', columns: ['id', 'tenant'] }],
      indexes: [],
      options: {},
    },
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'retort-render-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('renderSchemaModule', () => {
  it('writes keys where a person would, extras with typed column references, and the Kysely type', () => {
    expect(renderSchemaModule(pulled, { defaultPrimaryKeyName: postgresDefaultPrimaryKeyName })).toBe(`/** The database schema, written by \`retort pull\`. Edit it: it is the target of autogenerate. */
import { bigint, check, defineSchema, enumOf, index, integer, primaryKey, rawType, sql, table, unique, varchar } from 'retort-migrate';

const mood_enum = enumOf('mood', ['happy', 'sad']);

export const authors = table('authors', {
  id: integer().notNull(),
  tenant: integer().notNull(),
}, (t) => [
  primaryKey().on(t.id, t.tenant),
]);

export const books = table('books', {
  id: bigint().primaryKey().autoIncrement(),
  title: varchar(200).notNull().default('untitled'),
  author_id: integer().references('authors.id', { name: 'books_author_id_fkey', onDelete: 'cascade' }),
  mood: mood_enum.comment("reader's mood"),
  class: rawType('tsvector'),
}, (t) => [
  unique('books_title_author_key').on(t.title, t.author_id),
  check('books_title_check', "title <> ''"),
  index('ix_books_lower_title').on(sql\`lower(title)\`).where('author_id IS NOT NULL'),
], { comment: 'All the books' });

const schema = defineSchema({ authors, books });
export default schema;
/** The Kysely \`Database\` type of this schema. */
export type DB = typeof schema.$kysely;
`);
  });

  it('writes a module that loads and declares the schema it was read from', async () => {
    const barrel = join(dir, 'barrel.ts');
    const src = resolve('src/schema');
    writeFileSync(barrel, ['columns', 'define', 'extras', 'table'].map((m) => `export * from '${pathToFileURL(join(src, `${m}.ts`)).href}';`).join('\n'));
    const file = join(dir, 'schema.ts');
    writeFileSync(file, renderSchemaModule(pulled, { importFrom: pathToFileURL(barrel).href }));
    const loaded = (await import(pathToFileURL(file).href)) as { default: SchemaDefinition<never> };
    const diff = diffSchemas(pulled, loaded.default.model);
    expect(diff.upgrade).toEqual([]);
    expect(diff.downgrade).toEqual([]);
  });

  it('keeps the primary key names a person chose, and only those', () => {
    const keyed = (name: string, pk: string | undefined, columns: string[]): SchemaModel['tables'][number] => ({
      name,
      // As the catalog reads them: every key column flagged.
      columns: ['a', 'b'].map((c) => ({ name: c, spec: columnSpec({ kind: 'integer' }, { nullable: false, primaryKey: columns.includes(c) }) })),
      constraints: [{ kind: 'primaryKey', ...(pk === undefined ? {} : { name: pk }), columns }],
      indexes: [],
      options: {},
    });
    const long = 'x'.repeat(62);
    const text = renderSchemaModule({
      enums: [],
      tables: [keyed('one', 'pk_one', ['a']), keyed('two', 'two_pkey', ['a', 'b']), keyed('three', 'pk_three', ['a', 'b']), keyed(long, `${'x'.repeat(58)}_pkey`, ['a'])],
    }, { defaultPrimaryKeyName: postgresDefaultPrimaryKeyName });
    // A chosen name on one column: a table-level key (`.primaryKey()` has no name), the column just not null.
    expect(text).toContain("export const one = table('one', {\n  a: integer().notNull(),\n  b: integer().notNull(),\n}, (t) => [\n  primaryKey('pk_one').on(t.a),\n]);");
    // Composite keys are written once, named only when the name was chosen.
    expect(text).toContain("export const two = table('two', {\n  a: integer().notNull(),\n  b: integer().notNull(),\n}, (t) => [\n  primaryKey().on(t.a, t.b),\n]);");
    expect(text).toContain("  primaryKey('pk_three').on(t.a, t.b),");
    // PostgreSQL clips the table name to 58 bytes in the default name.
    expect(text).toContain(`export const ${long} = table('${long}', {\n  a: integer().primaryKey(),`);
    expect(postgresDefaultPrimaryKeyName('é'.repeat(40))).toBe(`${'é'.repeat(29)}_pkey`);
  });

  it('names variables safely and uniquely', () => {
    const t = (name: string) => ({ name, columns: [{ name: 'x', spec: columnSpec({ kind: 'text' }) }], constraints: [], indexes: [], options: {} });
    const text = renderSchemaModule({ enums: [], tables: [t('default'), t('2fa-codes'), t('2fa_codes'), t('schema')] });
    expect(text).toContain("export const _2fa_codes = table('2fa-codes', {");
    expect(text).toContain("export const _2fa_codes_2 = table('2fa_codes', {");
    expect(text).toContain("export const defaultTable = table('default', {");
    expect(text).toContain("export const schemaTable = table('schema', {");
    expect(text).toContain('const schema = defineSchema({ _2fa_codes, _2fa_codes_2, defaultTable, schemaTable });');
  });
});
