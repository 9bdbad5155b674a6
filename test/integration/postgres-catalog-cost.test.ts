/**
 * The catalog queries' cost must grow at most linearly with the rest of the database: reading 60
 * tables' columns, and telling a serial column's sequence from a shared one, must not scan every
 * default of the database once per column. Counted in shared buffers touched
 * (EXPLAIN's BUFFERS, exact and load-independent), not in time.
 *
 * Why: the probe for "no other default takes this sequence" once scanned pg_depend's depender index
 * on classid alone, reading every default's dependency for each serial column: quadratic in the
 * number of defaults (0.7 s of `check` on 2,000 plain tables, 1.3 s with serial columns).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS_SQL, INDEXES_SQL, serialSequence } from '../../src/dialects/postgres/catalog-sql.js';
import { indexOf, type IndexRow } from '../../src/dialects/postgres/catalog-rows.js';
import { SEQUENCES_SQL } from '../../src/dialects/postgres/objects/sequences.js';
import { createTestDatabase } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

let database: TestDatabase;
let client: pg.Client;

/** `count` tables t<from>..: a bigserial key, a plain default, and a column without one. */
async function createTables(from: number, count: number): Promise<void> {
  const ddl = Array.from({ length: count }, (_, i) => `CREATE TABLE t${from + i} (id bigserial PRIMARY KEY, amount integer DEFAULT 0, body text);`);
  await client.query(ddl.join('\n'));
}

/** Shared buffers a query touched (planning included), from EXPLAIN (ANALYZE, BUFFERS). */
async function buffersOf(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params);
  const plan = rows[0]['QUERY PLAN'][0] as { Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } };
  return plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks'];
}

const tableOids = async (): Promise<number[]> =>
  (await client.query(`SELECT array_agg(oid) AS oids FROM pg_class WHERE relname ~ '^t[0-9]+$' AND relkind = 'r'`)).rows[0].oids as number[];

beforeAll(async () => {
  database = await createTestDatabase('postgres', 'retort_pgcost');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // A sequence two defaults share is an object of the model, not a serial column's (soleDefault).
  await client.query(`CREATE SEQUENCE shared_seq; CREATE TABLE s1 (id bigint DEFAULT nextval('shared_seq')); CREATE TABLE s2 (id bigint DEFAULT nextval('shared_seq'))`);
}, 30_000);

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('PostgreSQL catalog queries on a growing database', () => {
  it('read the same tables with the same work whatever else the database holds', async () => {
    await createTables(0, 60);
    const oids = await tableOids();
    expect(oids).toHaveLength(60);
    const serialProbe = `SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relkind = 'S' AND ${serialSequence('c.oid')}`;
    const before = { columns: await buffersOf(COLUMNS_SQL, [oids]), serial: await buffersOf(serialProbe) };
    await createTables(1000, 240);
    const after = { columns: await buffersOf(COLUMNS_SQL, [oids]), serial: await buffersOf(serialProbe) };
    // Reading the 60 tables' columns costs a few buffers more per table added elsewhere (the join
    // walks pg_attribute's index: 3.8 a table), not a scan of every default per column (the old
    // probe: 21 a table, 3,018 -> 8,090).
    expect((after.columns - before.columns) / 240).toBeLessThan(8);
    // The serial probe runs once per sequence, so it grows with them (5x), not faster (old: 13x).
    expect(after.serial / before.serial).toBeLessThan(6.5);
  }, 30_000);

  it('still tells a serial column from a sequence two defaults share', async () => {
    const { rows } = await client.query(
      `SELECT c.relname, ${serialSequence('c.oid')} AS serial FROM pg_catalog.pg_class c WHERE c.relname IN ('shared_seq', 't0_id_seq') ORDER BY 1`,
    );
    expect(rows).toEqual([{ relname: 'shared_seq', serial: false }, { relname: 't0_id_seq', serial: true }]);
  });

  it('deparses only the indexes that have an option to read, and reads every option', async () => {
    await client.query(`CREATE TABLE ix (id bigint, name text, code varchar(10), n integer);
      CREATE INDEX ix_plain ON ix (id, n);
      CREATE INDEX ix_desc ON ix (id DESC);
      CREATE INDEX ix_nulls ON ix (n NULLS FIRST);
      CREATE INDEX ix_collate ON ix (name COLLATE "C");
      CREATE INDEX ix_opclass ON ix (name text_pattern_ops);
      CREATE INDEX ix_coerced ON ix (code);
      CREATE INDEX ix_expr ON ix (lower(name));
      CREATE INDEX ix_include ON ix (id) INCLUDE (name)`);
    const { rows } = await client.query<IndexRow>(`${INDEXES_SQL}`, [[(await client.query(`SELECT 'ix'::regclass::oid AS oid`)).rows[0].oid]]);
    const deparsed = Object.fromEntries(rows.map((r) => [r.name, r.definition !== null]));
    // A varchar column's index takes text_ops (default for text, not varchar): deparsed, to be sure.
    expect(deparsed).toEqual({ ix_plain: false, ix_include: false, ix_desc: true, ix_nulls: true, ix_collate: true, ix_opclass: true, ix_coerced: true, ix_expr: true });
    const options = Object.fromEntries(rows.map((r) => [r.name, indexOf(r).columns]));
    expect(options).toEqual({
      ix_plain: ['id', 'n'],
      ix_include: ['id'],
      ix_desc: [{ column: 'id', order: 'desc' }],
      ix_nulls: [{ column: 'n', nulls: 'first' }],
      ix_collate: [{ column: 'name', collation: 'C' }],
      ix_opclass: [{ column: 'name', opclass: 'text_pattern_ops' }],
      ix_coerced: ['code'],
      ix_expr: [{ expression: 'lower(name)' }],
    });
  });

  it('read the sequences with work that grows slowly with identity columns elsewhere', async () => {
    // Identity keys: each table brings a sequence that is its column's (deptype 'i'), not an
    // object of the model. The serial-column probe must run on the other sequences only (it once
    // ran on every relation of the schema: tables, indexes, sequences), and a sequence's owner
    // and comment are looked up for the sequences kept only (they were joined by scanning every
    // ownership of the database): 14.8 buffers a table before, 3.2 after.
    const identities = async (from: number, count: number) =>
      client.query(Array.from({ length: count }, (_, i) => `CREATE TABLE i${from + i} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, b text);`).join('\n'));
    await identities(0, 60);
    const before = await buffersOf(SEQUENCES_SQL, [['public']]);
    await identities(1000, 240);
    const after = await buffersOf(SEQUENCES_SQL, [['public']]);
    expect((after - before) / 240).toBeLessThan(6);
    // Still reads the sequences that are objects of the model: the shared one, not a serial's.
    const { rows } = await client.query(SEQUENCES_SQL, [['public']]);
    expect(rows.map((r) => r.name)).toEqual(['shared_seq']);
  }, 30_000);
});
