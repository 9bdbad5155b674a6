import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import { integer, text, varchar } from '../../src/schema/columns.js';
import { check, foreignKey, index, primaryKey, unique } from '../../src/schema/extras.js';
import { sql } from '../../src/schema/columns.js';
import { table } from '../../src/schema/table.js';
import { model, outline, roundTrip } from './diff-support.js';

const authors = table('authors', { id: integer().primaryKey(), email: varchar(200) });

describe('diffSchemas: constraints', () => {
  it('matches an anonymous declared unique with the named one the database reports', () => {
    const declared = table('authors', { id: integer().primaryKey(), email: varchar(200).unique() });
    const live = table('authors', { id: integer().primaryKey(), email: varchar(200) }, (t) => [unique('authors_email_key').on(t.email)]);
    expect(diffSchemas(model(live), model(declared)).upgrade).toEqual([]);
    expect(diffSchemas(model(declared), model(live)).upgrade).toEqual([]);
  });

  it('adds an anonymous unique under a conventional name, and drops it by that name', () => {
    const declared = table('authors', { id: integer().primaryKey(), email: varchar(200) }, (t) => [unique().on(t.email)]);
    const diff = roundTrip(model(authors), model(declared));
    expect(diff.upgrade).toEqual([{ kind: 'addConstraint', table: 'authors', constraint: { kind: 'unique', columns: ['email'], name: 'uq_authors_email' } }]);
    expect(diff.downgrade).toEqual([{ kind: 'dropConstraint', table: 'authors', name: 'uq_authors_email', type: 'unique' }]);
  });

  it('replaces a named constraint whose columns changed', () => {
    const before = table('authors', { id: integer().primaryKey(), email: varchar(200), name: text() }, (t) => [unique('uq_x').on(t.email)]);
    const after = table('authors', { id: integer().primaryKey(), email: varchar(200), name: text() }, (t) => [unique('uq_x').on(t.email, t.name)]);
    const diff = roundTrip(model(before), model(after));
    expect(outline(diff.upgrade)).toEqual(['dropConstraint authors uq_x', 'addConstraint authors uq_x']);
    expect(diff.downgrade).toEqual([
      { kind: 'dropConstraint', table: 'authors', name: 'uq_x', type: 'unique' },
      { kind: 'addConstraint', table: 'authors', constraint: { kind: 'unique', name: 'uq_x', columns: ['email'] } },
    ]);
  });

  it('adds a foreign key to an existing table after creating the table it references', () => {
    const books = table('books', { id: integer().primaryKey(), author_id: integer() });
    const booksFk = table('books', { id: integer().primaryKey(), author_id: integer() },
      (t) => [foreignKey('fk_books_author').on(t.author_id).references('authors', ['id'], { onDelete: 'cascade' })]);
    const diff = roundTrip(model(books), model(booksFk, authors));
    expect(outline(diff.upgrade)).toEqual(['createTable authors', 'addConstraint books fk_books_author']);
    expect(outline(diff.downgrade)).toEqual(['dropConstraint books fk_books_author', 'dropTable authors']);
    // And the reverse: the key goes before the table it points to.
    expect(outline(diffSchemas(model(booksFk, authors), model(books)).upgrade))
      .toEqual(['dropConstraint books fk_books_author', 'dropTable authors']);
  });

  it('sees a changed ON DELETE as a changed key, and no action as the default', () => {
    const plain = table('books', { id: integer().primaryKey(), author_id: integer().references('authors.id') });
    const noAction = table('books', { id: integer().primaryKey(), author_id: integer() },
      (t) => [foreignKey('books_author_id_fkey').on(t.author_id).references('authors', ['id'], { onDelete: 'no action' })]);
    const cascade = table('books', { id: integer().primaryKey(), author_id: integer().references('authors.id', { onDelete: 'cascade' }) });
    expect(diffSchemas(model(authors, noAction), model(authors, plain)).upgrade).toEqual([]);
    const diff = diffSchemas(model(authors, noAction), model(authors, cascade));
    expect(outline(diff.upgrade)).toEqual(['dropConstraint books books_author_id_fkey', 'addConstraint books fk_books_author_id_authors']);
  });

  it('carries inline keys with the column that is added or dropped, where dropping the column drops its keys', () => {
    const books = table('books', { id: integer().primaryKey() });
    const withAuthor = table('books', { id: integer().primaryKey(), author_id: integer().references('authors.id').unique() });
    const diff = roundTrip(model(authors, books), model(authors, withAuthor), { dropColumnDropsForeignKeys: true });
    expect(outline(diff.upgrade)).toEqual(['addColumn books']);
    expect(outline(diff.downgrade)).toEqual(['dropColumn books']);
  });

  it('adds a foreign key after its column and drops it before, elsewhere (MySQL): defect 1 of issue 10', () => {
    const books = table('books', { id: integer().primaryKey() });
    const withAuthor = table('books', { id: integer().primaryKey(), author_id: integer().references('authors.id').unique() });
    const diff = roundTrip(model(authors, books), model(authors, withAuthor));
    expect(outline(diff.upgrade)).toEqual(['addColumn books', 'addConstraint books fk_books_author_id_authors']);
    expect(outline(diff.downgrade)).toEqual(['dropConstraint books fk_books_author_id_authors', 'dropColumn books']);
    expect(diff.upgrade[0]).toMatchObject({ column: { name: 'author_id', spec: { unique: true } } });
    expect(diff.upgrade[0]).not.toHaveProperty('column.spec.references');
    // And the mirror: the column dropped, its key first; the downgrade adds it back after the column.
    const back = roundTrip(model(authors, withAuthor), model(authors, books));
    expect(outline(back.upgrade)).toEqual(['dropConstraint books fk_books_author_id_authors', 'dropColumn books']);
    expect(outline(back.downgrade)).toEqual(['addColumn books', 'addConstraint books fk_books_author_id_authors']);
  });

  it('changes the primary key: drop the old, add the new', () => {
    const before = table('memberships', { user_id: integer().primaryKey(), group_id: integer().notNull() });
    const after = table('memberships', { user_id: integer().notNull(), group_id: integer().notNull() },
      (t) => [primaryKey('pk_memberships').on(t.user_id, t.group_id)]);
    const diff = roundTrip(model(before), model(after));
    expect(outline(diff.upgrade)).toEqual(['dropConstraint memberships pk_memberships', 'addConstraint memberships pk_memberships']);
    expect(diff.warnings.map((w) => w.code)).toEqual(['unnamedConstraint']);
  });

  it('compares checks by content, named ones too (issue 10, defect 4)', () => {
    const declared = table('items', { price: integer() }, () => [check('ck_price', 'price > 0')]);
    const rewritten = table('items', { price: integer() }, () => [check('ck_price', '((PRICE  >  0))')]);
    expect(diffSchemas(model(rewritten), model(declared)).upgrade).toEqual([]);
    const widened = table('items', { price: integer() }, () => [check('ck_price', 'price >= 0')]);
    expect(outline(diffSchemas(model(declared), model(widened)).upgrade)).toEqual([
      'dropConstraint items ck_price', 'addConstraint items ck_price',
    ]);
    const anon = table('items', { price: integer() }, () => [check(undefined, sql`price > 0`)]);
    const liveAnon = table('items', { price: integer() }, () => [check(undefined, '(PRICE  >  0)')]);
    expect(diffSchemas(model(liveAnon), model(anon)).upgrade).toEqual([]);
    const other = table('items', { price: integer() }, () => [check(undefined, 'price >= 0')]);
    expect(outline(diffSchemas(model(liveAnon), model(other)).upgrade)).toEqual([
      'dropConstraint items ck_items_price_0', 'addConstraint items ck_items_price_0',
    ]);
  });
});

describe('diffSchemas: indexes', () => {
  const plain = table('users', { id: integer().primaryKey(), email: text() }, (t) => [index('ix_users_email').on(t.email)]);

  it('adds and drops indexes by name', () => {
    const none = table('users', { id: integer().primaryKey(), email: text() });
    const diff = roundTrip(model(none), model(plain));
    expect(diff.upgrade).toEqual([{ kind: 'createIndex', name: 'ix_users_email', table: 'users', columns: ['email'], unique: false }]);
    expect(diff.downgrade).toEqual([{ kind: 'dropIndex', name: 'ix_users_email', table: 'users' }]);
  });

  it('recreates an index whose uniqueness, predicate or expression changed', () => {
    const partial = table('users', { id: integer().primaryKey(), email: text() },
      (t) => [index('ix_users_email').on(t.email).unique().where('email IS NOT NULL')]);
    const diff = roundTrip(model(plain), model(partial));
    expect(outline(diff.upgrade)).toEqual(['dropIndex users ix_users_email', 'createIndex users ix_users_email']);
    expect(diff.upgrade[1]).toMatchObject({ unique: true, where: 'email IS NOT NULL' });
    const expr = table('users', { id: integer().primaryKey(), email: text() }, () => [index('ix_users_email').on(sql`lower(email)`)]);
    const liveExpr = table('users', { id: integer().primaryKey(), email: text() }, () => [index('ix_users_email').on(sql`LOWER(email)`)]);
    expect(diffSchemas(model(liveExpr), model(expr)).upgrade).toEqual([]);
    expect(outline(diffSchemas(model(plain), model(expr)).upgrade)).toEqual(['dropIndex users ix_users_email', 'createIndex users ix_users_email']);
  });

  it('lets keys follow a renamed table and column instead of recreating them', () => {
    const people = table('people', { pid: integer().primaryKey().renamedFrom('id') }, { renamedFrom: 'authors' });
    const before = table('books', { id: integer().primaryKey(), author_id: integer().references('authors.id') });
    const after = table('books', { id: integer().primaryKey(), author_id: integer().references('people.pid') });
    const diff = roundTrip(model(table('authors', { id: integer().primaryKey() }), before), model(people, after));
    expect(outline(diff.upgrade)).toEqual(['renameTable authors', 'alterColumn people']);
  });
});

