/**
 * The pure parts of PostgreSQL's table-level kinds: reading element options back from
 * pg_get_indexdef's text, the expression forms PostgreSQL stores (BETWEEN), the comparison of
 * every attribute with its default spelled out, and the schema module pull writes for them.
 */
import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import { renderSchemaModule } from '../../src/autogen/render-schema.js';
import { postgresExpressionsEqual } from '../../src/dialects/postgres/autogen/equality.js';
import { definitionElements, elementOptionsOf } from '../../src/dialects/postgres/index-def.js';
import { bigint, check, date, defineSchema, element, exclude, foreignKey, index, integer, partition, rawType, table, text, unique } from '../../src/index.js';

describe('element options from pg_get_indexdef', () => {
  it('splits the element list and reads COLLATE, operator class, DESC and NULLS after the bare element', () => {
    const def = 'CREATE INDEX i ON public.t USING btree (name COLLATE "C" text_pattern_ops DESC NULLS LAST, (lower(x)) NULLS FIRST, "position", f(a, \'x,y\'))';
    const parts = definitionElements(def);
    expect(parts).toEqual(['name COLLATE "C" text_pattern_ops DESC NULLS LAST', '(lower(x)) NULLS FIRST', '"position"', "f(a, 'x,y')"]);
    expect(elementOptionsOf(parts[0] as string, 'name')).toEqual({ collation: 'C', opclass: 'text_pattern_ops', order: 'desc', nulls: 'last' });
    expect(elementOptionsOf(parts[1] as string, 'lower(x)')).toEqual({ nulls: 'first' });
    expect(elementOptionsOf(parts[2] as string, 'position')).toEqual({});
    expect(elementOptionsOf(parts[3] as string, "f(a, 'x,y')")).toEqual({});
    expect(elementOptionsOf('body gin_trgm_ops', 'body')).toEqual({ opclass: 'gin_trgm_ops' });
  });
});

describe('PostgreSQL expression forms', () => {
  it('BETWEEN and NOT BETWEEN equal the comparisons PostgreSQL stores; a changed bound does not', () => {
    expect(postgresExpressionsEqual('rating BETWEEN 1 AND 5', '((rating >= 1) AND (rating <= 5))')).toBe(true);
    expect(postgresExpressionsEqual('a > 0 AND r NOT BETWEEN 1 AND 5', '((a > 0) AND ((r < 1) OR (r > 5)))')).toBe(true);
    expect(postgresExpressionsEqual('length(x) BETWEEN 1 AND 5 OR y', '(((length(x) >= 1) AND (length(x) <= 5)) OR y)')).toBe(true);
    expect(postgresExpressionsEqual('rating BETWEEN 1 AND 5', '((rating >= 1) AND (rating <= 10))')).toBe(false);
  });
});

const events = table('events', { id: bigint().notNull(), at: date().notNull(), room: integer(), during: rawType('tstzrange'), body: text() }, (t) => [
  index('ix_body').on(element(t.body, { opclass: 'gin_trgm_ops' })).using('gin'),
  index('ix_at').on(element(t.at, { order: 'desc', nulls: 'last' })).include(t.room).with({ fillfactor: '70' }),
  unique('uq_id', { nullsNotDistinct: true, deferrable: true }).on(t.id, t.at),
  exclude('ex_room', { using: 'gist', where: 'room > 0' }).on([t.room, '='], [t.during, '&&']),
  check('ck_room', 'room > 0', { noInherit: true }),
], { partitionBy: 'RANGE (at)', with: { fillfactor: '80' } });
const events2024 = partition('events_2024', events, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", (t) => [index('ix_2024_room').on(t.room)]);

describe('the diff compares every attribute, with defaults spelled out', () => {
  const model = defineSchema({ events, events2024 }).model;
  const same = (change: (m: typeof model) => typeof model) => diffSchemas(model, change(model)).upgrade;
  const withTable = (name: string, edit: (t: (typeof model.tables)[number]) => (typeof model.tables)[number]) =>
    (m: typeof model) => ({ ...m, tables: m.tables.map((t) => (t.name === name ? edit(t) : t)) });

  it('absent equals the default: btree, asc, NULLS LAST, simple match, byDefault, false flags', () => {
    const plain = defineSchema({ t: table('t', { a: integer().autoIncrement() }, (t) => [index('i').on(t.a), foreignKey('f').on(t.a).references('t', ['a'])]) }).model;
    const spelled = defineSchema({ t: table('t', { a: integer().identity('byDefault') }, (t) => [
      index('i').on(element(t.a, { order: 'asc', nulls: 'last' })).using('btree'),
      foreignKey('f').on(t.a).references('t', ['a'], { match: 'simple', deferrable: false }),
    ]) }).model;
    expect(diffSchemas(plain, spelled).upgrade).toEqual([]);
  });

  it('a changed method, opclass, INCLUDE, storage parameter, deferrable or bound is a change', () => {
    const ix = (name: string, f: (i: (typeof events.spec.indexes)[number]) => object) =>
      withTable('events', (t) => ({ ...t, indexes: t.indexes.map((i) => (i.name === name ? { ...i, ...f(i) } : i)) }));
    expect(same(ix('ix_body', () => ({ using: 'gist' }))).map((o) => o.kind)).toEqual(['dropIndex', 'createIndex']);
    expect(same(ix('ix_body', () => ({ columns: ['body'] }))).map((o) => o.kind)).toEqual(['dropIndex', 'createIndex']);
    expect(same(ix('ix_at', () => ({ include: [] }))).map((o) => o.kind)).toEqual(['dropIndex', 'createIndex']);
    expect(same(ix('ix_at', () => ({ with: { fillfactor: '71' } }))).map((o) => o.kind)).toEqual(['dropIndex', 'createIndex']);
    expect(same(withTable('events', (t) => ({ ...t, constraints: t.constraints.map((c) => ({ ...c, deferrable: false })) }))).length).toBeGreaterThan(0);
    expect(same(withTable('events_2024', (t) => ({ ...t, partitionOf: { parent: 'events', bound: 'DEFAULT' } }))).map((o) => o.kind))
      .toEqual(['detachPartition', 'attachPartition']);
    expect(same(withTable('events', (t) => ({ ...t, options: { ...t.options, with: { fillfactor: '90' } } }))).map((o) => o.kind))
      .toEqual(['setTableOptions']);
  });
});

describe('pull writes every kind with the builders', () => {
  it('renders elements, index options, constraint options, exclusions, table options and partitions', () => {
    const source = renderSchemaModule(defineSchema({ events, events2024 }).model);
    expect(source).toContain("index('ix_body').on(element(t.body, { opclass: 'gin_trgm_ops' })).using('gin')");
    expect(source).toContain("index('ix_at').on(element(t.at, { order: 'desc', nulls: 'last' })).include(t.room).with({ fillfactor: '70' })");
    expect(source).toContain("unique('uq_id', { nullsNotDistinct: true, deferrable: true }).on(t.id, t.at)");
    expect(source).toContain("exclude('ex_room', { using: 'gist', where: 'room > 0' }).on([t.room, '='], [t.during, '&&'])");
    expect(source).toContain("check('ck_room', 'room > 0', { noInherit: true })");
    expect(source).toContain("{ with: { fillfactor: '80' }, partitionBy: 'RANGE (at)' }");
    expect(source).toContain("export const events_2024 = partition('events_2024', events, \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\", (t) => [");
    // The parent comes before its partition, whatever the names' order.
    expect(source.indexOf('export const events =')).toBeLessThan(source.indexOf('export const events_2024'));
  });

  it('a partition of a parent outside the module names its parent and its columns as strings', () => {
    const orphan = partition('p1', { name: 'parent', schema: 'public' }, 'DEFAULT', () => [index('ix_p1').on('a')]);
    const source = renderSchemaModule(defineSchema({ orphan }).model);
    expect(source).toContain("partition('p1', { name: 'parent', schema: 'public' }, 'DEFAULT', (t) => [\n  index('ix_p1').on('a'),\n]);");
  });
});
