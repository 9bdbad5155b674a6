import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import { bigint, enumOf, integer, text, varchar } from '../../src/schema/columns.js';
import { foreignKey, index } from '../../src/schema/extras.js';
import { table } from '../../src/schema/table.js';
import { model, outline, roundTrip } from './diff-support.js';

const authors = table('authors', { id: integer().primaryKey(), name: text().notNull() });
const books = table('books', {
  id: bigint().primaryKey().autoIncrement(),
  title: text().notNull(),
  author_id: integer().references('authors.id', { onDelete: 'cascade' }),
}, (t) => [index('ix_books_title').on(t.title)]);

describe('diffSchemas: tables', () => {
  it('creates a new table with its indexes, and drops it in the downgrade', () => {
    const diff = roundTrip(model(authors), model(authors, books));
    expect(diff.upgrade).toEqual([
      {
        kind: 'createTable', table: 'books', columns: books.spec.columns, constraints: [], options: {},
      },
      { kind: 'createIndex', name: 'ix_books_title', table: 'books', columns: ['title'], unique: false },
    ]);
    // DROP TABLE takes the table's indexes with it (a dropIndex first fails on MySQL when a foreign key needs it).
    expect(diff.downgrade).toEqual([{ kind: 'dropTable', table: 'books' }]);
    expect(diff.warnings.map((w) => [w.code, w.direction, w.operation === diff.downgrade[0]])).toEqual([['dropTable', 'downgrade', true]]);
  });

  it('creates referenced tables first and drops them last, whatever the declaration order', () => {
    const diff = roundTrip(model(), model(books, authors));
    expect(outline(diff.upgrade)).toEqual(['createTable authors', 'createTable books', 'createIndex books ix_books_title']);
    expect(outline(diff.downgrade)).toEqual(['dropTable books', 'dropTable authors']);
    const drop = diffSchemas(model(books, authors), model());
    expect(outline(drop.upgrade)).toEqual(['dropTable books', 'dropTable authors']);
    expect(outline(drop.downgrade)).toEqual(['createTable authors', 'createTable books', 'createIndex books ix_books_title']);
  });

  it('flags a dropped table as destructive, on the operation that drops it', () => {
    const diff = diffSchemas(model(authors, books), model(authors));
    const dropOp = diff.upgrade.find((op) => op.kind === 'dropTable');
    expect(diff.warnings).toEqual([
      { code: 'dropTable', table: 'books', message: "drops table 'books' and all its rows", direction: 'upgrade', operation: dropOp },
    ]);
  });

  it('breaks a foreign-key cycle by adding one key after both tables exist', () => {
    const a = table('a', { id: integer().primaryKey(), b_id: integer() },
      (t) => [foreignKey('fk_a_b').on(t.b_id).references('b', ['id'])]);
    const b = table('b', { id: integer().primaryKey(), a_id: integer().references('a.id') });
    const diff = roundTrip(model(), model(a, b));
    expect(outline(diff.upgrade)).toEqual(['createTable a', 'createTable b', 'addConstraint a fk_a_b']);
    const createA = diff.upgrade[0];
    expect(createA?.kind === 'createTable' && createA.constraints).toEqual([]);
    expect(outline(diff.downgrade)).toEqual(['dropConstraint a fk_a_b', 'dropTable b', 'dropTable a']);
  });

  it('renames a table declared with renamedFrom, and renames it back in the downgrade', () => {
    const renamed = table('authors_v2', { id: integer().primaryKey(), name: text().notNull() }, { renamedFrom: 'authors' });
    const diff = roundTrip(model(authors), model(renamed));
    expect(diff.upgrade).toEqual([{ kind: 'renameTable', table: 'authors', newName: 'authors_v2' }]);
    expect(diff.downgrade).toEqual([{ kind: 'renameTable', table: 'authors_v2', newName: 'authors' }]);
    // Once applied, the hint is inert.
    expect(diffSchemas(model(renamed), model(renamed)).upgrade).toEqual([]);
  });

  it('sets, changes and removes a table comment', () => {
    const commented = table('authors', { id: integer().primaryKey(), name: text().notNull() }, { comment: 'people who write' });
    const diff = roundTrip(model(authors), model(commented));
    expect(diff.upgrade).toEqual([{ kind: 'setTableComment', table: 'authors', comment: 'people who write' }]);
    expect(diff.downgrade).toEqual([{ kind: 'setTableComment', table: 'authors', comment: null }]);
    expect(diffSchemas(model(authors), model(commented), { comments: false }).upgrade).toEqual([]);
  });

  it('compares only the tables the include filter keeps', () => {
    const legacy = table('legacy_stuff', { id: integer() });
    const include = (name: string) => !name.startsWith('legacy_');
    expect(diffSchemas(model(authors, legacy), model(authors), { include }).upgrade).toEqual([]);
    expect(outline(diffSchemas(model(), model(legacy, authors), { include }).upgrade)).toEqual(['createTable authors']);
  });

  it('treats the default namespace and no namespace as the same', () => {
    const inPublic = table('authors', { id: integer().primaryKey(), name: text().notNull() }, { schema: 'public' });
    expect(diffSchemas(model(inPublic), model(authors), { defaultSchema: 'public' }).upgrade).toEqual([]);
    expect(outline(diffSchemas(model(inPublic), model(authors)).upgrade)).toEqual(['createTable authors', 'dropTable authors']);
  });

  it('creates an enum before the table using it and drops it after the table', () => {
    const moods = table('moods', { id: integer().primaryKey(), mood: enumOf('mood', ['happy', 'sad']).notNull() });
    const diff = roundTrip(model(), model(moods));
    expect(outline(diff.upgrade)).toEqual(['createEnum mood', 'createTable moods']);
    expect(diff.upgrade[0]).toEqual({ kind: 'createEnum', name: 'mood', values: ['happy', 'sad'] });
    expect(outline(diff.downgrade)).toEqual(['dropTable moods', 'dropEnum mood']);
  });

  it('runs the rewrite hook last, per direction', () => {
    const diff = diffSchemas(model(), model(authors, books), {
      rewrite: (ops, direction) => (direction === 'upgrade' ? ops.filter((op) => op.kind !== 'createIndex') : ops),
    });
    expect(outline(diff.upgrade)).toEqual(['createTable authors', 'createTable books']);
    expect(outline(diffSchemas(model(authors, books), model(), { rewrite: (ops) => ops }).downgrade)).toContain('createIndex books ix_books_title');
  });

  it('finds nothing to do between equal schemas', () => {
    const wide = table('wide', { id: integer().primaryKey(), v: varchar(10).unique().default('x').comment('c') });
    expect(diffSchemas(model(authors, books, wide), model(authors, books, wide))).toEqual({
      upgrade: [], downgrade: [], warnings: [], renameCandidates: [],
    });
  });

  it('orders a long chain declared backwards, and compares thousands of tables', () => {
    const chain = Array.from({ length: 3000 }, (_, i) =>
      table(`t${i}`, { id: integer().primaryKey(), ...(i > 0 ? { prev_id: integer().references(`t${i - 1}.id`) } : {}) }));
    const backwards = model(...[...chain].reverse());
    const diff = diffSchemas(model(), backwards);
    expect(diff.upgrade.map((op) => (op.kind === 'createTable' ? op.table : ''))).toEqual(chain.map((t) => t.name));
    expect(diffSchemas(backwards, backwards).upgrade).toEqual([]);
  });
});
