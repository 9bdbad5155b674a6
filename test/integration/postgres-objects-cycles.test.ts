/**
 * Issue 10, edit cycles of the objects beyond tables on the real PostgreSQL: for each kind, the
 * schema module declares it (v1), autogenerate writes the revision, upgrade, `check` passes; the
 * module is edited (v2), autogenerate, upgrade, `check` passes; downgrade one step, and the
 * catalog (read with the server's own deparsers) equals v1's exactly; upgrade again works and
 * `check` passes. Everything runs in-process through the library on one database.
 */
import { writeFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { catalogSnapshot } from '../support/pg-catalog-snapshot.js';
import { createTestProject, type TestProject } from '../support/project.js';

let db: TestDatabase;
let project: TestProject;

beforeAll(async () => {
  db = await createTestDatabase('postgres', 'retort_objcyc');
  project = createTestProject({ url: db.url, schema: './src/schema.ts' });
  mkdirSync(join(project.dir, 'src'));
});

afterAll(async () => {
  project?.cleanup();
  await db?.drop();
});

const BUILDERS = 'defineSchema, table, integer, bigint, text, varchar, rawType, sql, index, check, view, materializedView, fn, procedure, trigger, sequence, extension, domain, compositeType, policy';

/** The tables every version declares. */
const TABLES = `
export const items = table('items', {
  id: integer().primaryKey(),
  name: text(),
  qty: integer(),
});`;

function writeModule(objects: readonly string[], tables = TABLES): void {
  const names = objects.map((_, i) => `o${i}`);
  const tableNames = [...tables.matchAll(/export const (\w+) = table\(/g)].map((m) => m[1] as string);
  writeFileSync(join(project.dir, 'src/schema.ts'), `import { ${BUILDERS} } from 'retort-migrate';
${tables}
${objects.map((o, i) => `export const o${i} = ${o};`).join('\n')}
export default defineSchema({ ${[...tableNames, ...names].join(', ')} });
`);
}

/** Autogenerate, upgrade, check; returns the generated file's text. */
async function generateAndUpgrade(message: string): Promise<string> {
  const generated = await project.retort.autogenerate({ message });
  expect(generated.empty, `${message}: a change was expected`).toBe(false);
  await project.retort.upgrade('head');
  const checked = await project.retort.check();
  expect(checked.rendered, `${message}: check after upgrade`).toBe('');
  expect(checked.ok).toBe(true);
  return readFileSync(generated.path, 'utf8');
}

interface Cycle {
  readonly kind: string;
  readonly v1: readonly string[];
  readonly v2: readonly string[];
  /** Text the v2 revision must contain (proof of in-place changes where the engine allows). */
  readonly expect?: readonly string[];
  /** Text the v2 revision must not contain. */
  readonly absent?: readonly string[];
  /** The tables of v1 (and v2), when not the plain ones. */
  readonly tables1?: string;
  /** The tables of v2, when they change too. */
  readonly tables2?: string;
}

const CYCLES: readonly Cycle[] = [
  {
    kind: 'view body (same columns: CREATE OR REPLACE)',
    v1: ["view('item_names', sql`SELECT name FROM items`)"],
    v2: ["view('item_names', sql`SELECT name FROM items WHERE qty > 0`, { comment: 'in stock' })"],
    expect: ['op.alter('],
  },
  {
    kind: 'view columns, with a dependent view (drop and create both)',
    v1: ["view('item_names', sql`SELECT name FROM items`)", "view('long_names', sql`SELECT name FROM item_names WHERE length(name) > 10`)"],
    v2: ["view('item_names', sql`SELECT name, qty FROM items`)", "view('long_names', sql`SELECT name FROM item_names WHERE length(name) > 10`)"],
    expect: ["op.drop('view', 'long_names')", "op.drop('view', 'item_names')"],
  },
  {
    kind: 'materialized view and its indexes',
    v1: ["materializedView('totals', sql`SELECT name, sum(qty) AS total FROM items GROUP BY name`, { indexes: [index('totals_name').on('name').unique()] })"],
    v2: ["materializedView('totals', sql`SELECT name, sum(qty) AS total FROM items GROUP BY name`, { indexes: [index('totals_total').on('total')] })"],
    expect: ["op.dropIndex('totals_name'", "op.createIndex('totals_total'"],
  },
  {
    kind: 'domain: default, NOT NULL, CHECK and comment altered in place',
    v1: ["domain('quantity', 'integer', { checks: [check('quantity_check', sql`VALUE >= 0`)] })"],
    v2: ["domain('quantity', 'integer', { default: sql`0`, notNull: true, checks: [check('quantity_check', sql`VALUE >= 1`)], comment: 'a count' })"],
    expect: ['op.alter(', "domain('quantity', 'integer', { checks"],
  },
  {
    kind: 'a domain and a column typed with it (the domain first, the column dropped before it)',
    v1: [],
    v2: ["domain('grade', 'varchar(2)', { checks: [check('grade_check', sql`VALUE IN ('A', 'B', 'C')`)] })"],
    tables2: TABLES.replace('qty: integer(),', "qty: integer(),\n  grade: rawType('grade'),"),
    expect: ["op.create(domain('grade'", "op.addColumn('items', 'grade'"],
  },
  {
    kind: 'composite type: attribute dropped, retyped and added (ALTER TYPE in place)',
    v1: ["compositeType('pair', [{ name: 'a', type: 'integer' }, { name: 'b', type: 'text' }, { name: 'c', type: 'text' }])"],
    v2: ["compositeType('pair', [{ name: 'a', type: 'integer' }, { name: 'b', type: 'varchar(20)' }, { name: 'd', type: 'date' }], { comment: 'two' })"],
    expect: ['op.alter('],
  },
  {
    kind: 'composite type reordered (dropped and created)',
    v1: ["compositeType('pair', [{ name: 'a', type: 'integer' }, { name: 'b', type: 'text' }])"],
    v2: ["compositeType('pair', [{ name: 'b', type: 'text' }, { name: 'a', type: 'integer' }])"],
    expect: ["op.drop('compositeType', 'pair')", "op.create(compositeType('pair'"],
  },
  {
    kind: 'extension created (dropped by the downgrade)',
    v1: [],
    v2: ["extension('citext', { version: '1.5' })", "domain('email', 'citext')"],
    expect: ["op.create(extension('citext', { version: '1.5' }))", "op.create(domain('email', 'citext'"],
  },
  {
    kind: 'sequence: settings altered in place',
    v1: ["sequence('ticket_seq')"],
    v2: ["sequence('ticket_seq', { type: 'integer', start: 1000, increment: 10, cache: 5, cycle: true, comment: 'tickets' })"],
    expect: ['op.alter('],
  },
  {
    kind: 'a standalone sequence shared by two tables\' defaults (created before them, dropped after)',
    v1: [],
    v2: ["sequence('shared_id_seq', { start: 100 })"],
    tables2: `${TABLES.replace('id: integer().primaryKey(),', "id: integer().primaryKey(),\n  serial_no: bigint().notNull().default(sql`nextval('shared_id_seq'::regclass)`),")}
export const others = table('others', { id: bigint().primaryKey().default(sql\`nextval('shared_id_seq'::regclass)\`) });`,
    expect: ["op.create(sequence('shared_id_seq', { start: 100 }))", "op.createTable('others'"],
  },
  {
    kind: 'policy: roles, USING and WITH CHECK altered in place',
    v1: ["policy('own_items', { table: 'items', using: sql`name = current_user`, withCheck: sql`qty >= 0` })"],
    v2: ["policy('own_items', { table: 'items', roles: ['pg_monitor'], using: sql`name = session_user`, withCheck: sql`qty >= 1`, comment: 'mine' })"],
    tables1: TABLES.replace('});', '}, { rowLevelSecurity: { enabled: true } });'),
    expect: ['op.alter('],
  },
  {
    kind: 'row-level security enabled and forced with a restrictive policy (created after the table, dropped before)',
    v1: [],
    v2: ["policy('stocked', { table: 'items', command: 'select', permissive: false, using: sql`qty > 0` })"],
    tables2: TABLES.replace('});', '}, { rowLevelSecurity: { enabled: true, forced: true } });'),
    expect: ["op.setRowLevelSecurity('items', { enabled: true, forced: true })", "op.create(policy('stocked'"],
  },
  {
    kind: "policy's command changed (dropped and created)",
    v1: ["policy('stocked', { table: 'items', command: 'select', using: sql`qty > 0` })"],
    v2: ["policy('stocked', { table: 'items', command: 'update', using: sql`qty > 0` })"],
    tables1: TABLES.replace('});', '}, { rowLevelSecurity: { enabled: true } });'),
    expect: ["op.drop('policy', 'stocked'"],
  },
  {
    kind: 'function body and volatility (CREATE OR REPLACE)',
    v1: ["fn('stock', { args: [{ name: 'i', type: 'int' }], returns: 'int', language: 'sql', body: sql`SELECT qty FROM items WHERE id = i` })"],
    v2: ["fn('stock', { args: [{ name: 'i', type: 'int' }], returns: 'int', language: 'sql', volatility: 'stable', body: sql`SELECT qty + 1 FROM items WHERE id = i`, comment: 'one more' })"],
    expect: ['await op.alter(\n    fn(\'stock\''],
  },
  {
    kind: 'function with a typmod and a VARIADIC argument, body changed (same identity: CREATE OR REPLACE)',
    v1: ["fn('pad', { args: [{ name: 's', type: 'varchar(20)' }, { name: 'ns', type: 'int[]', mode: 'variadic' }], returns: 'text', language: 'sql', body: sql`SELECT s || array_length(ns, 1)` })"],
    v2: ["fn('pad', { args: [{ name: 's', type: 'varchar(20)' }, { name: 'ns', type: 'int[]', mode: 'variadic' }], returns: 'text', language: 'sql', body: sql`SELECT s || '-' || array_length(ns, 1)` })"],
    expect: ["await op.alter(\n    fn('pad'"],
  },
  {
    kind: 'a view re-created under a function whose body reads it (the function and its trigger stay)',
    v1: ["view('stocked', sql`SELECT id FROM items WHERE qty > 0`)",
      "fn('check_stock', { returns: 'trigger', language: 'plpgsql', body: sql`BEGIN PERFORM 1 FROM stocked; RETURN NEW; END` })",
      "trigger('items_stock', { table: 'items', timing: 'before', events: ['insert'], level: 'row', function: 'check_stock' })"],
    v2: ["view('stocked', sql`SELECT id, qty FROM items WHERE qty > 0`)",
      "fn('check_stock', { returns: 'trigger', language: 'plpgsql', body: sql`BEGIN PERFORM 1 FROM stocked; RETURN NEW; END` })",
      "trigger('items_stock', { table: 'items', timing: 'before', events: ['insert'], level: 'row', function: 'check_stock' })"],
    expect: ["op.drop('view', 'stocked')"],
    absent: ["op.drop('function'", "op.drop('trigger'"],
  },
  {
    kind: 'function result type changed, with a view over it (drop and create both)',
    v1: ["fn('twice', { args: [{ name: 'x', type: 'integer' }], returns: 'integer', language: 'sql', volatility: 'immutable', body: sql`SELECT x * 2` })",
      "view('doubled', sql`SELECT id, twice(qty) AS q FROM items`)"],
    v2: ["fn('twice', { args: [{ name: 'x', type: 'integer' }], returns: 'bigint', language: 'sql', volatility: 'immutable', body: sql`SELECT x::bigint * 2` })",
      "view('doubled', sql`SELECT id, twice(qty) AS q FROM items`)"],
    expect: ["op.drop('view', 'doubled')", "op.drop('function', 'twice', { args: 'integer' })"],
  },
  {
    kind: 'an overload added, a procedure changed',
    v1: ["fn('label', { args: [{ name: 'x', type: 'integer' }], returns: 'text', language: 'sql', body: sql`SELECT x::text` })",
      "procedure('restock', { args: [{ name: 'i', type: 'integer' }], language: 'plpgsql', body: sql`BEGIN UPDATE items SET qty = qty + 1 WHERE id = i; END` })"],
    v2: ["fn('label', { args: [{ name: 'x', type: 'integer' }], returns: 'text', language: 'sql', body: sql`SELECT x::text` })",
      "fn('label', { args: [{ name: 'x', type: 'text' }, { name: 'suffix', type: 'text', default: sql`'!'` }], returns: 'text', language: 'sql', body: sql`SELECT x || suffix` })",
      "procedure('restock', { args: [{ name: 'i', type: 'integer' }], language: 'plpgsql', securityDefiner: true, body: sql`BEGIN UPDATE items SET qty = qty + 2 WHERE id = i; END` })"],
    expect: ["op.create(fn('label'", "await op.alter(\n    procedure('restock'"],
  },
  {
    kind: 'trigger events, WHEN and UPDATE OF changed (drop and create)',
    v1: ["fn('touch', { returns: 'trigger', language: 'plpgsql', body: sql`BEGIN NEW.name := trim(NEW.name); RETURN NEW; END` })",
      "trigger('items_touch', { table: 'items', timing: 'before', events: ['update'], level: 'row', function: 'touch', when: sql`OLD.name IS DISTINCT FROM NEW.name` })"],
    v2: ["fn('touch', { returns: 'trigger', language: 'plpgsql', body: sql`BEGIN NEW.name := trim(NEW.name); RETURN NEW; END` })",
      "trigger('items_touch', { table: 'items', timing: 'before', events: ['insert', 'update'], updateOf: ['name'], level: 'row', function: 'touch', when: sql`NEW.name IS NOT NULL`, comment: 'trims' })"],
    expect: ["op.drop('trigger', 'items_touch', { table: 'items' })", "op.create(trigger('items_touch'"],
  },
  {
    kind: 'constraint trigger and REFERENCING statement trigger',
    v1: ["fn('log_it', { returns: 'trigger', language: 'plpgsql', body: sql`BEGIN RETURN NULL; END` })",
      "trigger('items_check', { table: 'items', timing: 'after', events: ['insert'], level: 'row', function: 'log_it', args: ['a'], constraint: { deferrable: false, initiallyDeferred: false } })"],
    v2: ["fn('log_it', { returns: 'trigger', language: 'plpgsql', body: sql`BEGIN RETURN NULL; END` })",
      "trigger('items_check', { table: 'items', timing: 'after', events: ['insert'], level: 'row', function: 'log_it', args: ['a', 'b'], constraint: { deferrable: true, initiallyDeferred: true } })",
      "trigger('items_batch', { table: 'items', timing: 'after', events: ['update'], function: 'log_it', oldTable: 'old_rows', newTable: 'new_rows' })"],
    expect: ["op.create(trigger('items_batch'"],
  },
  {
    kind: 'a function an index calls (created before the tables)',
    v1: [],
    v2: ["fn('norm', { args: [{ type: 'text' }], returns: 'text', language: 'sql', volatility: 'immutable', body: sql`SELECT lower(trim($1))` })"],
    tables2: TABLES.replace('});', "}, () => [index('items_norm').on(sql`norm(name)`)]);"),
    expect: ["op.create(fn('norm'", "op.createIndex('items_norm'"],
  },
];

describe('PostgreSQL objects: edit, autogenerate, upgrade, check, downgrade, upgrade again', () => {
  it.each(CYCLES)('$kind', async (cycle) => {
    writeModule(cycle.v1, cycle.tables1);
    await generateAndUpgrade(`${cycle.kind} v1`);
    const before = await catalogSnapshot(db.url);
    writeModule(cycle.v2, cycle.tables2 ?? cycle.tables1);
    const text = await generateAndUpgrade(`${cycle.kind} v2`);
    for (const fragment of cycle.expect ?? []) expect(text).toContain(fragment);
    for (const fragment of cycle.absent ?? []) expect(text).not.toContain(fragment);
    expect(await catalogSnapshot(db.url)).not.toEqual(before);
    await project.retort.downgrade('-1');
    expect(await catalogSnapshot(db.url)).toEqual(before);
    await project.retort.upgrade('head');
    expect((await project.retort.check()).ok).toBe(true);
    expect(readdirSync(join(project.dir, 'migrations')).length).toBeGreaterThan(1);
  });
});
