import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import { integer, sql, text, timestamp, varchar } from '../../src/schema/columns.js';
import { index } from '../../src/schema/extras.js';
import { columnSpec } from '../../src/schema/model.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { table } from '../../src/schema/table.js';
import { model, outline, roundTrip } from './diff-support.js';

const base = table('books', { id: integer().primaryKey(), title: text().notNull(), note: varchar(64) });

describe('diffSchemas: columns', () => {
  it('adds a column and drops it in the downgrade', () => {
    const next = table('books', { id: integer().primaryKey(), title: text().notNull(), note: varchar(64), isbn: varchar(13) });
    const diff = roundTrip(model(base), model(next));
    expect(diff.upgrade).toEqual([{ kind: 'addColumn', table: 'books', column: { name: 'isbn', spec: varchar(13).spec } }]);
    expect(diff.downgrade).toEqual([{ kind: 'dropColumn', table: 'books', column: 'isbn' }]);
    // The downgrade loses what was written into the column: flagged on its drop (issue 10, defect 8).
    expect(diff.warnings.map((w) => [w.code, w.direction, w.operation === diff.downgrade[0]])).toEqual([['dropColumn', 'downgrade', true]]);
  });

  it('warns when it adds a NOT NULL column without a default', () => {
    const next = table('books', { id: integer().primaryKey(), title: text().notNull(), note: varchar(64), pages: integer().notNull() });
    const diff = roundTrip(model(base), model(next));
    expect(diff.warnings.filter((w) => w.direction === 'upgrade').map((w) => [w.code, w.column, w.operation === diff.upgrade[0]])).toEqual([['notNullAdded', 'pages', true]]);
    const withDefault = table('books', { id: integer().primaryKey(), title: text().notNull(), note: varchar(64), pages: integer().notNull().default(0) });
    expect(diffSchemas(model(base), model(withDefault)).warnings.filter((w) => w.direction === 'upgrade')).toEqual([]);
  });

  it('drops a column with a warning and adds it back, whole, in the downgrade', () => {
    const next = table('books', { id: integer().primaryKey(), title: text().notNull() });
    const diff = roundTrip(model(base), model(next));
    expect(diff.upgrade).toEqual([{ kind: 'dropColumn', table: 'books', column: 'note' }]);
    expect(diff.downgrade).toEqual([{ kind: 'addColumn', table: 'books', column: { name: 'note', spec: varchar(64).spec } }]);
    expect(diff.warnings.map((w) => w.code)).toEqual(['dropColumn']);
  });

  it('alters type, nullability, default and comment, with the existing definition and the reverse', () => {
    const next = table('books', {
      id: integer().primaryKey(), title: text().notNull(),
      note: varchar(32).notNull().default(sql`'none'`).comment('short'),
    });
    const diff = roundTrip(model(base), model(next));
    expect(diff.upgrade).toEqual([{
      kind: 'alterColumn', table: 'books', column: 'note',
      changes: { type: { kind: 'varchar', length: 32 }, nullable: false, default: { kind: 'sql', sql: "'none'" }, comment: 'short' },
      existing: { type: { kind: 'varchar', length: 64 }, unsigned: false, nullable: true },
    }]);
    expect(diff.downgrade).toEqual([{
      kind: 'alterColumn', table: 'books', column: 'note',
      changes: { type: { kind: 'varchar', length: 64 }, nullable: true, default: null, comment: null },
      existing: { type: { kind: 'varchar', length: 32 }, unsigned: false, nullable: false, default: { kind: 'sql', sql: "'none'" }, comment: 'short' },
    }]);
    expect(diff.warnings.map((w) => w.code)).toEqual(['narrowingType', 'notNullAdded']);
  });

  it('does not flag a widening type change', () => {
    const next = table('books', { id: integer().primaryKey(), title: text().notNull(), note: text() });
    const diff = roundTrip(model(base), model(next));
    expect(outline(diff.upgrade)).toEqual(['alterColumn books']);
    // Its downgrade narrows the column back: that one is flagged.
    expect(diff.warnings.map((w) => [w.code, w.direction])).toEqual([['narrowingType', 'downgrade']]);
  });

  it('detects auto-increment being added', () => {
    const next = table('books', { id: integer().primaryKey().autoIncrement(), title: text().notNull(), note: varchar(64) });
    const diff = roundTrip(model(base), model(next));
    expect(diff.upgrade).toMatchObject([{ kind: 'alterColumn', column: 'id', changes: { autoIncrement: true } }]);
  });

  it('asks the dialect whether types and defaults are equal', () => {
    const live: SchemaModel = {
      enums: [],
      tables: [{ ...base.spec, columns: [
        { name: 'id', spec: columnSpec({ kind: 'raw', sql: 'int4' }, { primaryKey: true, nullable: false }) },
        { name: 'title', spec: columnSpec({ kind: 'text' }, { nullable: false }) },
        { name: 'note', spec: columnSpec({ kind: 'varchar', length: 64 }, { default: { kind: 'sql', sql: "'x'::character varying" } }) },
      ] }],
    };
    const declared = table('books', { id: integer().primaryKey(), title: text().notNull(), note: varchar(64).default('x') });
    expect(outline(diffSchemas(live, model(declared)).upgrade)).toEqual(['alterColumn books', 'alterColumn books']);
    const diff = diffSchemas(live, model(declared), {
      typesEqual: (a, b) => JSON.stringify(a).replace('{"kind":"raw","sql":"int4"}', '{"kind":"integer"}') === JSON.stringify(b).replace('{"kind":"raw","sql":"int4"}', '{"kind":"integer"}'),
      defaultsEqual: (a, b) => (a?.kind === 'sql' ? a.sql.replace('::character varying', '') : `'${String(a?.kind === 'literal' ? a.value : '')}'`) ===
        (b?.kind === 'sql' ? b.sql.replace('::character varying', '') : `'${String(b?.kind === 'literal' ? b.value : '')}'`),
    });
    expect(diff.upgrade).toEqual([]);
  });

  it('takes a literal default and the SQL spelling it as equal', () => {
    const live = table('t', { n: integer().default(sql`0`), s: text().default(sql` 'a' `), b: integer().default(null) });
    const declared = table('t', { n: integer().default(0), s: text().default('a'), b: integer() });
    expect(diffSchemas(model(live), model(declared)).upgrade).toEqual([]);
  });
});

describe('diffSchemas: column renames', () => {
  const renamed = table('books', { id: integer().primaryKey(), title: text().notNull(), remark: varchar(64).renamedFrom('note') });

  it('renames a column declared with renamedFrom, and renames it back in the downgrade', () => {
    const diff = roundTrip(model(base), model(renamed));
    expect(diff.upgrade).toEqual([{
      kind: 'alterColumn', table: 'books', column: 'note', changes: { newName: 'remark' },
      existing: { type: { kind: 'varchar', length: 64 }, unsigned: false, nullable: true },
    }]);
    expect(diff.downgrade).toMatchObject([{ kind: 'alterColumn', column: 'remark', changes: { newName: 'note' } }]);
    expect(diff.renameCandidates).toEqual([]);
    expect(diffSchemas(model(renamed), model(renamed)).upgrade).toEqual([]);
  });

  it('renames and alters in one go, the alteration addressing the new name', () => {
    const next = table('books', { id: integer().primaryKey(), title: text().notNull(), remark: text().renamedFrom('note') });
    const diff = roundTrip(model(base), model(next));
    expect(diff.upgrade).toMatchObject([
      { kind: 'alterColumn', column: 'note', changes: { newName: 'remark' } },
      { kind: 'alterColumn', column: 'remark', changes: { type: { kind: 'text' } } },
    ]);
  });

  it('without a hint, reports a candidate and writes drop + add with a loud warning', () => {
    const next = table('books', { id: integer().primaryKey(), title: text().notNull(), remark: varchar(64) });
    const diff = roundTrip(model(base), model(next));
    expect(outline(diff.upgrade)).toEqual(['addColumn books', 'dropColumn books']);
    expect(diff.renameCandidates).toEqual([{ table: 'books', from: 'note', to: 'remark' }]);
    expect(diff.warnings.map((w) => [w.code, w.column])).toEqual([
      ['possibleRename', 'remark'], ['possibleRename', 'note'], ['dropColumn', 'note'], ['dropColumn', 'remark'],
    ]);
    expect(diff.warnings[0]?.message).toContain("may be a rename of/to 'note'");
  });

  it('follows a rename decision from the prompt', () => {
    const next = table('books', { id: integer().primaryKey(), title: text().notNull(), remark: varchar(64) });
    const diff = diffSchemas(model(base), model(next), { renames: [{ table: 'books', from: 'note', to: 'remark' }] });
    expect(diff.upgrade).toMatchObject([{ kind: 'alterColumn', column: 'note', changes: { newName: 'remark' } }]);
    expect(diff.warnings).toEqual([]);
  });

  it('offers no candidate between columns of different types', () => {
    const next = table('books', { id: integer().primaryKey(), title: text().notNull(), published: timestamp() });
    expect(diffSchemas(model(base), model(next)).renameCandidates).toEqual([]);
  });

  it('keeps indexes on a renamed column without recreating them', () => {
    const before = table('books', { id: integer().primaryKey(), note: varchar(64) }, (t) => [index('ix_books_note').on(t.note)]);
    const after = table('books', { id: integer().primaryKey(), remark: varchar(64).renamedFrom('note') },
      (t) => [index('ix_books_note').on(t.remark)]);
    const diff = roundTrip(model(before), model(after));
    expect(outline(diff.upgrade)).toEqual(['alterColumn books']);
  });
});

