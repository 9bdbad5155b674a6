/**
 * A partition's copies of its parent's primary key and unique constraints under names of their
 * own (issue 10), on the real PostgreSQL. PostgreSQL names a partition's copy `partition_pkey`
 * / `partition_columns_key`; pg_dump restores a renamed one with `ADD CONSTRAINT own PRIMARY KEY`
 * and `ALTER INDEX parent_pkey ATTACH PARTITION own`. The module declares such a name with
 * `primaryKey('own', { attachedTo: 'parent_pkey' })`: autogenerate from an empty database
 * creates it, `pull` writes it, `check` names a rename behind retort's back, and edit cycles
 * (a key renamed, a partition with own-named keys and indexes dropped, a parent's new key) come
 * back to the very same catalog in the downgrade.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { catalogSnapshot, compareSnapshots, differenceLines } from '../support/pg-catalog-snapshot.js';
import { expectCliDrift, expectDriftNamed, expectEditCycle, type Drift } from '../support/pg-drift.js';

const IMPORTS = "import { defineSchema, table, partition, bigint, date, text, index, unique, primaryKey } from 'retort-migrate';";

const PARENT = `export const orders = table('orders', { id: bigint().notNull(), at: date().notNull(), ref: text().notNull(), kind: text() },
  (t) => [primaryKey().on(t.id, t.at), unique('uq_orders_ref', { with: { fillfactor: '80' } }).on(t.ref, t.at),
    index('ix_orders_kind').on(t.kind).with({ fillfactor: '70' })],
  { partitionBy: 'RANGE (at)' });`;

/** The schema module's declarations by name; edits replace some. */
const TABLES: Readonly<Record<string, string>> = {
  // Created first, it holds the names PostgreSQL would give orders_2024's and orders_2026's
  // primary-key copies: PostgreSQL numbers those (orders_2024_pkey1), and the renames must find them.
  holder: `export const holder = table('holder', { id: bigint().primaryKey(), body: text() },
  (t) => [index('orders_2024_pkey').on(t.body), index('orders_2026_pkey').on(t.id, t.body)]);`,
  orders: PARENT,
  orders_2024: `export const orders_2024 = partition('orders_2024', orders, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", (t) => [
  primaryKey('orders_2024_own_pk', { attachedTo: 'orders_pkey', with: { fillfactor: '60' } }).on(t.id, t.at),
  unique('orders_2024_own_ref', { attachedTo: 'uq_orders_ref' }).on(t.ref, t.at),
]);`,
  orders_2025: `export const orders_2025 = partition('orders_2025', orders, "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')", (t) => [
  index('orders_2025_kind_own').on(t.kind).with({ fillfactor: '50' }).attachedTo('ix_orders_kind'),
  primaryKey('orders_2025_own_pk', { attachedTo: 'orders_pkey' }).on(t.id, t.at),
]);`,
  orders_rest: "export const orders_rest = partition('orders_rest', orders, 'DEFAULT');",
  // So that the module is never empty when an edit drops all of the above.
  notes: "export const notes = table('notes', { id: bigint().primaryKey(), body: text() });",
};

function moduleSource(tables: Readonly<Record<string, string>>): string {
  const names = Object.values(tables).flatMap((src) => [...src.matchAll(/export const (\w+)/g)].map((m) => m[1]));
  return `${IMPORTS}\n\n${Object.values(tables).join('\n')}\n\nexport default defineSchema({ ${names.join(', ')} });\n`;
}

let db: TestDatabase;
let project: TestProject;
const schemaFile = () => join(project.dir, 'src/schema.ts');

async function sql(text: string): Promise<void> {
  await rawQuery(db, text);
}

/** Every constraint and index of the partitions, with the parent's one it is attached to. */
async function partitionKeys(target: TestDatabase): Promise<{ t: string; n: string; k: string; p: string | null }[]> {
  return rawQuery(target, `
    SELECT c.conrelid::regclass::text AS t, c.conname AS n, c.contype::text AS k, pc.conname AS p
    FROM pg_constraint c LEFT JOIN pg_constraint pc ON pc.oid = c.conparentid
    WHERE c.conrelid::regclass::text LIKE 'orders\\_%'
    UNION ALL
    SELECT ix.indrelid::regclass::text, i.relname, 'index', ih.inhparent::regclass::text
    FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid LEFT JOIN pg_inherits ih ON ih.inhrelid = i.oid
    WHERE ix.indrelid::regclass::text LIKE 'orders\\_%' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)
    ORDER BY 1, 2`);
}

beforeAll(async () => {
  db = await createTestDatabase('postgres', 'retort_pgpartkey');
  project = createTestProject({ url: db.url, schema: './src/schema.ts' });
  mkdirSync(join(project.dir, 'src'));
  writeFileSync(schemaFile(), moduleSource(TABLES));
  await project.retort.autogenerate({ message: 'orders' });
  await project.retort.upgrade('head');
});

afterAll(async () => {
  project?.cleanup();
  await db?.drop();
});

describe("PostgreSQL: a partition's keys under names of their own", () => {
  it('autogenerate from an empty database creates them with their names, and check is clean', async () => {
    expect((await project.retort.check()).rendered).toBe('');
    expect(await partitionKeys(db)).toEqual([
      { t: 'orders_2024', n: 'orders_2024_kind_idx', k: 'index', p: 'ix_orders_kind' },
      { t: 'orders_2024', n: 'orders_2024_own_pk', k: 'p', p: 'orders_pkey' },
      { t: 'orders_2024', n: 'orders_2024_own_ref', k: 'u', p: 'uq_orders_ref' },
      { t: 'orders_2025', n: 'orders_2025_kind_own', k: 'index', p: 'ix_orders_kind' },
      { t: 'orders_2025', n: 'orders_2025_own_pk', k: 'p', p: 'orders_pkey' },
      { t: 'orders_2025', n: 'orders_2025_ref_at_key', k: 'u', p: 'uq_orders_ref' },
      { t: 'orders_rest', n: 'orders_rest_kind_idx', k: 'index', p: 'ix_orders_kind' },
      { t: 'orders_rest', n: 'orders_rest_pkey', k: 'p', p: 'orders_pkey' },
      { t: 'orders_rest', n: 'orders_rest_ref_at_key', k: 'u', p: 'uq_orders_ref' },
    ]);
  });

  it('pull writes them, and the pulled module re-creates the same catalog in an empty database', async () => {
    const out = join(project.dir, 'pulled.ts');
    await project.retort.pull({ out });
    const text = readFileSync(out, 'utf8');
    expect(text).toContain("primaryKey('orders_2024_own_pk', { with: { fillfactor: '60' }, attachedTo: 'orders_pkey' }).on(t.id, t.at)");
    // Declared without parameters, it has none (as an attached index), not its parent's fillfactor 80.
    expect(text).toContain("unique('orders_2024_own_ref', { attachedTo: 'uq_orders_ref' }).on(t.ref, t.at)");
    expect(text).toContain("unique('uq_orders_ref', { with: { fillfactor: '80' } }).on(t.ref, t.at)");
    expect(text).toContain("primaryKey('orders_2025_own_pk', { attachedTo: 'orders_pkey' }).on(t.id, t.at)");
    // PostgreSQL's own names are left to it.
    expect(text).not.toContain('orders_rest_pkey');
    expect(text).not.toContain('orders_2025_ref_at_key');
    const copy = await createTestDatabase('postgres', 'retort_pgpartkey_copy');
    const other = createTestProject({ url: copy.url, schema: './pulled.ts' });
    try {
      writeFileSync(join(other.dir, 'pulled.ts'), text);
      await other.retort.autogenerate({ message: 'pulled' });
      await other.retort.upgrade('head');
      expect(await partitionKeys(copy)).toEqual(await partitionKeys(db));
      const [a, b] = [await catalogSnapshot(db.url), await catalogSnapshot(copy.url)];
      expect(differenceLines(compareSnapshots(a, b), a, b)).toEqual([]);
      expect((await other.retort.check()).rendered).toBe('');
    } finally {
      other.cleanup();
      await copy.drop();
    }
  });
});

const DRIFTS: readonly Drift[] = [
  { what: "a partition's own-named primary key renamed", names: ['orders_2024_other_pk', "rename: 'orders_2024_own_pk'", 'alterIndex'],
    change: 'ALTER INDEX orders_2024_own_pk RENAME TO orders_2024_other_pk',
    undo: 'ALTER INDEX orders_2024_other_pk RENAME TO orders_2024_own_pk' },
  { what: "a partition's own-named unique constraint renamed (RENAME CONSTRAINT)", names: ['orders_2024_other_ref', "rename: 'orders_2024_own_ref'"],
    change: 'ALTER TABLE orders_2024 RENAME CONSTRAINT orders_2024_own_ref TO orders_2024_other_ref',
    undo: 'ALTER TABLE orders_2024 RENAME CONSTRAINT orders_2024_other_ref TO orders_2024_own_ref' },
  { what: "a partition's own-named key back to PostgreSQL's name", names: ['orders_2025_pkey', "rename: 'orders_2025_own_pk'"],
    change: 'ALTER INDEX orders_2025_own_pk RENAME TO orders_2025_pkey',
    undo: 'ALTER INDEX orders_2025_pkey RENAME TO orders_2025_own_pk' },
  { what: 'a default-named partition primary key renamed', names: ['orders_rest_custom_pk', "rename: 'orders_rest_pkey'"],
    change: 'ALTER TABLE orders_rest RENAME CONSTRAINT orders_rest_pkey TO orders_rest_custom_pk',
    undo: 'ALTER TABLE orders_rest RENAME CONSTRAINT orders_rest_custom_pk TO orders_rest_pkey' },
  { what: 'a default-named partition unique constraint renamed', names: ['orders_rest_custom_ref', "rename: 'orders_rest_ref_at_key'"],
    change: 'ALTER INDEX orders_rest_ref_at_key RENAME TO orders_rest_custom_ref',
    undo: 'ALTER INDEX orders_rest_custom_ref RENAME TO orders_rest_ref_at_key' },
  { what: "a partition key index's storage parameter set", names: ['orders_rest_pkey', 'fillfactor: null', 'alterIndex'],
    change: 'ALTER INDEX orders_rest_pkey SET (fillfactor = 70)', undo: 'ALTER INDEX orders_rest_pkey RESET (fillfactor)' },
  { what: "a partition unique key's parent's storage parameter reset", names: ['orders_rest_ref_at_key', "fillfactor: '80'"],
    change: 'ALTER INDEX orders_rest_ref_at_key RESET (fillfactor)', undo: 'ALTER INDEX orders_rest_ref_at_key SET (fillfactor = 80)' },
  { what: "an own-named partition key's storage parameter changed", names: ['orders_2024_own_pk', "fillfactor: '60'"],
    change: 'ALTER INDEX orders_2024_own_pk SET (fillfactor = 90)', undo: 'ALTER INDEX orders_2024_own_pk SET (fillfactor = 60)' },
  // PostgreSQL gives a partition's copy its parent's parameters: without them it differs from the module.
  { what: "a partition index's parent's storage parameter reset", names: ['orders_rest_kind_idx', "fillfactor: '70'"],
    change: 'ALTER INDEX orders_rest_kind_idx RESET (fillfactor)', undo: 'ALTER INDEX orders_rest_kind_idx SET (fillfactor = 70)' },
];

describe("PostgreSQL drift of a partition's key names: check fails and names it", () => {
  it.each(DRIFTS)('$what', async (drift) => {
    await expectDriftNamed(project, sql, drift);
  });

  it('the CLI exits 3 and names the renamed key, 0 once undone', async () => {
    await expectCliDrift(project, sql, DRIFTS[0] as Drift, 'orders_2024_other_pk');
  });

  it("the CLI exits 3 and names a partition key index's changed storage parameter, 0 once undone", async () => {
    await expectCliDrift(project, sql, DRIFTS.find((d) => d.what.startsWith("a partition key index's")) as Drift, 'orders_rest_pkey');
  });
});

/** One edit of the module: the declarations it replaces (undefined: removed). */
interface Edit {
  readonly what: string;
  readonly tables: Readonly<Record<string, string | undefined>>;
}

const edit = (key: string, from: string, to: string): Record<string, string> => {
  const source = TABLES[key] as string;
  if (!source.includes(from)) throw new Error(`edit: '${from}' is not in ${key}`);
  return { [key]: source.replace(from, to) };
};

const EDITS: readonly Edit[] = [
  { what: "keys renamed in the module, one given a name, one back to PostgreSQL's", tables: {
    ...edit('orders_2024', "primaryKey('orders_2024_own_pk'", "primaryKey('orders_2024_pk2'"),
    // Its index goes back to PostgreSQL's name and its parent's fillfactor (70), its key to PostgreSQL's name.
    orders_2025: "export const orders_2025 = partition('orders_2025', orders, \"FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')\");",
    orders_rest: `export const orders_rest = partition('orders_rest', orders, 'DEFAULT', (t) => [
  unique('orders_rest_ref_named', { attachedTo: 'uq_orders_ref' }).on(t.ref, t.at),
]);` } },
  { what: "keys' storage parameters changed in the module, one of a default-named key", tables: {
    ...edit('orders_2024', "with: { fillfactor: '60' }", "with: { fillfactor: '65', deduplicate_items: 'off' }"),
    orders_rest: `export const orders_rest = partition('orders_rest', orders, 'DEFAULT', (t) => [
  primaryKey('orders_rest_pkey', { attachedTo: 'orders_pkey', with: { fillfactor: '50' } }).on(t.id, t.at),
]);` } },
  { what: "a parent's index re-created (another definition) while a partition's copy has its own name", tables: {
    ...edit('orders', "index('ix_orders_kind').on(t.kind)", "index('ix_orders_kind').on(t.kind, t.ref)"),
    ...edit('orders_2025', "index('orders_2025_kind_own').on(t.kind)", "index('orders_2025_kind_own').on(t.kind, t.ref)") } },
  { what: 'a partition with own-named keys and indexes dropped', tables: { orders_2025: undefined } },
  { what: 'the parent and all its partitions dropped', tables: { orders: undefined, orders_2024: undefined, orders_2025: undefined, orders_rest: undefined } },
  { what: 'a new partition with own-named keys and index', tables: {
    orders_2026: `export const orders_2026 = partition('orders_2026', orders, "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')", (t) => [
  primaryKey('o26_pk', { attachedTo: 'orders_pkey' }).on(t.id, t.at),
  unique('o26_ref', { attachedTo: 'uq_orders_ref' }).on(t.ref, t.at),
  index('o26_kind').on(t.kind).attachedTo('ix_orders_kind'),
]);` } },
  { what: "a new key of the parent, named on a partition", tables: {
    ...edit('orders', "index('ix_orders_kind').on(t.kind).with({ fillfactor: '70' })]", "index('ix_orders_kind').on(t.kind).with({ fillfactor: '70' }), unique('uq_orders_kind').on(t.kind, t.at)]"),
    ...edit('orders_2024', ']);', "  unique('o24_kind', { attachedTo: 'uq_orders_kind' }).on(t.kind, t.at),\n]);") } },
];

describe("PostgreSQL edit cycles of a partition's key names: upgrade, check, downgrade to the very same catalog", () => {
  it.each(EDITS)('$what', async (e) => {
    const tables = Object.fromEntries(Object.entries({ ...TABLES, ...e.tables }).filter((x): x is [string, string] => x[1] !== undefined));
    await expectEditCycle(project, db.url, schemaFile(), e.what, moduleSource(tables), moduleSource(TABLES));
  });
});
