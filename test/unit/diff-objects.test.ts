/**
 * The objects beyond tables in the pure diff: creation in dependency order (types, sequences,
 * tables, functions and views by what their SQL names, triggers, policies), drops in reverse,
 * re-creation of dependents when an object cannot change in place, sequences owned after their
 * table exists, the round trip through the renderers (a pulled module declares what was read;
 * a revision's operations render and replay).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import { renderRevisionBody } from '../../src/autogen/render.js';
import { renderSchemaModule } from '../../src/autogen/render-schema.js';
import type { SchemaDefinition } from '../../src/schema/define.js';
import { defineSchema } from '../../src/schema/define.js';
import { integer, sql, text } from '../../src/schema/columns.js';
import { check, index } from '../../src/schema/extras.js';
import { compositeType, domain, extension, fn, materializedView, policy, procedure, sequence, trigger, view } from '../../src/schema/object-builders.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { table } from '../../src/schema/table.js';
import { roundTrip } from './diff-support.js';

const items = table('items', { id: integer().primaryKey(), name: text(), qty: integer() }, { rowLevelSecurity: { enabled: true } });
const touch = fn('touch', { returns: 'trigger', language: 'plpgsql', body: sql`BEGIN NEW.qty = coalesce(NEW.qty, 0); RETURN NEW; END` });
const names = view('item_names', sql`SELECT name FROM items`);
const longNames = view('long_names', sql`SELECT name FROM item_names WHERE length(name) > 10`, { comment: 'long' });
const nameLength = fn('name_length', { args: [{ name: 'n', type: 'text' }], returns: 'integer', language: 'sql', volatility: 'immutable', body: 'SELECT length(n)' });
const counted = view('counted', sql`SELECT name_length(name) AS l FROM long_names`);
const ALL = {
  items,
  trgm: extension('pg_trgm', { version: '1.6' }),
  year: domain('year', 'integer', { checks: [check('year_check', 'VALUE >= 1901')], default: '2000', notNull: true }),
  pair: compositeType('pair', [{ name: 'a', type: 'integer' }, { name: 'b', type: 'text' }], { comment: 'two' }),
  ticket: sequence('ticket_seq', { start: 1000, increment: 5, ownedBy: 'items.qty', maxValue: '9223372036854775807' }),
  counted, longNames, names, nameLength, touch,
  touchItems: trigger('touch_items', { table: 'items', timing: 'before', events: ['insert', 'update'], updateOf: ['qty'], level: 'row', function: 'touch', when: sql`NEW.qty IS NULL` }),
  own: policy('own_rows', { table: 'items', command: 'select', roles: ['app'], using: sql`qty > 0` }),
  totals: materializedView('totals', sql`SELECT sum(qty) AS total FROM items`, { indexes: [index('totals_ix').on('total')] }),
  noop: procedure('noop', { language: 'sql', body: 'SELECT 1' }),
};
const empty: SchemaModel = { tables: [], enums: [] };

const kinds = (ops: readonly { kind: string }[]) => ops.map((op) => {
  if (op.kind === 'createObject' || op.kind === 'dropObject') {
    const o = (op as unknown as { object: { kind: string; name: string } }).object;
    return `${op.kind} ${o.kind} ${o.name}`;
  }
  if (op.kind === 'alterObject') return `alterObject ${(op as unknown as { to: { name: string } }).to.name}`;
  return `${op.kind} ${'table' in op ? String(op.table) : ''}`.trim();
});

describe('objects in the diff', () => {
  it('creates everything in dependency order and drops it in reverse', () => {
    const model = defineSchema(ALL).model;
    const diff = roundTrip(empty, model);
    expect(kinds(diff.upgrade)).toEqual([
      'createObject extension pg_trgm',
      'createObject domain year',
      'createObject compositeType pair',
      'createObject sequence ticket_seq',
      'createTable items',
      'setRowLevelSecurity items',
      'alterObject ticket_seq',
      'createObject view item_names',
      'createObject view long_names',
      'createObject function name_length',
      'createObject view counted',
      'createObject function touch',
      'createObject materializedView totals',
      'createObject procedure noop',
      'createObject trigger touch_items',
      'createObject policy own_rows',
    ]);
    // The sequence is created without its owner, owned once its table exists.
    const created = diff.upgrade.find((op) => op.kind === 'createObject' && op.object.kind === 'sequence');
    expect(created).toMatchObject({ object: { name: 'ticket_seq', start: '1000' } });
    expect(created?.kind === 'createObject' && 'ownedBy' in created.object).toBe(false);
    expect(kinds(diff.downgrade)).toEqual([
      'dropObject policy own_rows',
      'dropObject trigger touch_items',
      'dropObject procedure noop',
      'dropObject materializedView totals',
      'dropObject function touch',
      'dropObject view counted',
      'dropObject function name_length',
      'dropObject view long_names',
      'dropObject view item_names',
      'alterObject ticket_seq',
      'dropTable items',
      'dropObject sequence ticket_seq',
      'dropObject compositeType pair',
      'dropObject domain year',
      'dropObject extension pg_trgm',
    ]);
  });

  it('re-creates the dependents of an object that cannot change in place', () => {
    const before = defineSchema({ items, names, longNames, counted, nameLength }).model;
    const after = defineSchema({ items, names: view('item_names', sql`SELECT name, qty FROM items`), longNames, counted, nameLength }).model;
    const diff = roundTrip(before, after);
    expect(kinds(diff.upgrade)).toEqual([
      'dropObject view counted',
      'dropObject view long_names',
      'dropObject view item_names',
      'createObject view item_names',
      'createObject view long_names',
      'createObject view counted',
    ]);
  });

  it('alters in place when the dialect says the change keeps the object', () => {
    const before = defineSchema({ items, names, longNames }).model;
    const after = defineSchema({ items, names: view('item_names', sql`SELECT name FROM items WHERE qty > 0`), longNames }).model;
    const diff = roundTrip(before, after, { objectsInPlace: () => true });
    expect(kinds(diff.upgrade)).toEqual(['alterObject item_names']);
    expect(kinds(diff.downgrade)).toEqual(['alterObject item_names']);
  });

  it('re-creates a view over a table whose column changes type', () => {
    const before = defineSchema({ items, names }).model;
    const after = defineSchema({ items: table('items', { id: integer().primaryKey(), name: integer(), qty: integer() }, { rowLevelSecurity: { enabled: true } }), names }).model;
    const diff = diffSchemas(before, after);
    expect(kinds(diff.upgrade)).toEqual(['dropObject view item_names', 'alterColumn items', 'createObject view item_names']);
  });

  it('releases an owned sequence before its table goes, and flags the drop', () => {
    const before = defineSchema({ items, ticket: ALL.ticket }).model;
    const diff = roundTrip(before, empty);
    expect(kinds(diff.upgrade)).toEqual(['alterObject ticket_seq', 'dropTable items', 'dropObject sequence ticket_seq']);
    expect(diff.warnings.map((w) => w.code)).toContain('dropObject');
  });

  it('leaves out, with a warning, the kinds a dialect does not model', () => {
    const diff = diffSchemas(empty, defineSchema({ items, names }).model, { objectKinds: [] });
    expect(kinds(diff.upgrade)).toEqual(['createTable items', 'setRowLevelSecurity items']);
    expect(diff.warnings.filter((w) => w.direction === 'upgrade').map((w) => w.code)).toEqual(['objectNotSupported']);
  });

  it('refuses the same object twice', () => {
    expect(() => defineSchema({ a: names, b: view('item_names', 'SELECT 1') })).toThrow(/declared twice/);
  });
});

describe('objects through the renderers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retort-objects-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const src = resolve('src/schema');
  const barrel = join(dir, 'barrel.ts');
  writeFileSync(barrel, ['columns', 'define', 'extras', 'table', 'object-builders'].map((m) => `export * from '${pathToFileURL(join(src, `${m}.ts`)).href}';`).join('\n'));

  it('a pulled module declares every object it was read from', async () => {
    const model = defineSchema(ALL).model;
    const file = join(dir, 'schema.ts');
    writeFileSync(file, renderSchemaModule(model, { importFrom: pathToFileURL(barrel).href }));
    const loaded = (await import(pathToFileURL(file).href)) as { default: SchemaDefinition<never> };
    // Except an extension's version: pull leaves it to each server (compared only when declared).
    const pulled = (model.objects ?? []).map((o) => (o.kind === 'extension' ? { kind: o.kind, name: o.name } : o));
    expect(loaded.default.model.objects).toEqual(expect.arrayContaining(pulled));
    expect(loaded.default.model.objects).toHaveLength(model.objects?.length ?? 0);
    expect(loaded.default.model.tables[0]?.options).toEqual({ rowLevelSecurity: { enabled: true } });
  });

  it('a revision renders op.create / op.alter / op.drop / op.setRowLevelSecurity that replay the same operations', async () => {
    const model = defineSchema(ALL).model;
    const diff = diffSchemas(empty, model);
    const rendered = renderRevisionBody(diff);
    const file = join(dir, 'revision.ts');
    writeFileSync(file, `import { ${rendered.imports.join(', ')} } from '${pathToFileURL(barrel).href}';
export async function upgrade({ op }: { op: any }) {\n${rendered.upgrade}\n}
export async function downgrade({ op }: { op: any }) {\n${rendered.downgrade}\n}`);
    const { buildOp } = await import('../../src/ops/facade.js');
    const replay = async (fnName: 'upgrade' | 'downgrade') => {
      const ops: unknown[] = [];
      const module = (await import(pathToFileURL(file).href)) as Record<string, (ctx: { op: unknown }) => Promise<void>>;
      await module[fnName]!({ op: buildOp(async (op) => void ops.push(op), async () => undefined) });
      return ops;
    };
    expect(await replay('upgrade')).toEqual(diff.upgrade);
    expect(await replay('downgrade')).toEqual(diff.downgrade);
  });
});
