/**
 * Issue 10, defect 6: what the model has no place for is listed by `readSchema` (and so by `pull`,
 * autogenerate and `check`), never left out in silence. One database holds one object of every
 * kind of PostgreSQL catalog object that nothing models; each must be in the list, with its
 * schema, name and table, and none of PostgreSQL's own or an extension's objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPg, type PgFixture } from '../support/pg-autogen.js';

let pg: PgFixture;

beforeAll(async () => {
  pg = await openPg('retort_unmod');
  await pg.exec(`
    CREATE EXTENSION pg_trgm;
    CREATE SCHEMA other;
    CREATE TABLE items (id integer PRIMARY KEY, name text, qty integer);
    CREATE TABLE other.hidden (id integer);
    CREATE TABLE log (id integer, at date) PARTITION BY RANGE (at);
    CREATE TABLE log_2024 PARTITION OF log FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE TABLE parent_t (id integer);
    CREATE TABLE child_t (extra text) INHERITS (parent_t);
    CREATE RULE items_no_delete AS ON DELETE TO items DO INSTEAD NOTHING;
    CREATE PUBLICATION items_pub FOR TABLE items;
    CREATE FUNCTION ddl_log() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
    CREATE EVENT TRIGGER on_ddl ON ddl_command_end EXECUTE FUNCTION ddl_log();
    CREATE ROLE retort_unmod_reader_${process.pid};
    GRANT SELECT ON items TO retort_unmod_reader_${process.pid};
    GRANT UPDATE (qty) ON items TO retort_unmod_reader_${process.pid};
    CREATE FOREIGN DATA WRAPPER dummy_fdw;
    CREATE SERVER dummy_server FOREIGN DATA WRAPPER dummy_fdw;
    CREATE FOREIGN TABLE remote_items (id integer) SERVER dummy_server;
    CREATE USER MAPPING FOR CURRENT_USER SERVER dummy_server;
    CREATE FUNCTION add_int(state integer, v integer) RETURNS integer LANGUAGE sql AS 'SELECT state + v';
    CREATE AGGREGATE total(integer) (SFUNC = add_int, STYPE = integer);
    CREATE TYPE pair AS (a integer, b integer);
    CREATE FUNCTION pair_text(pair) RETURNS text LANGUAGE sql AS 'SELECT ($1).a::text';
    CREATE CAST (pair AS text) WITH FUNCTION pair_text(pair);
    CREATE FUNCTION pair_eq(pair, pair) RETURNS boolean LANGUAGE sql AS 'SELECT $1 = $2';
    CREATE OPERATOR === (LEFTARG = pair, RIGHTARG = pair, FUNCTION = pair_eq);
    CREATE TYPE span AS RANGE (subtype = integer);
    CREATE COLLATION german (provider = icu, locale = 'de');
    CREATE TEXT SEARCH CONFIGURATION my_search (COPY = english);
    CREATE STATISTICS items_stats (dependencies) ON id, qty FROM items;
    CREATE POLICY items_policy ON items USING (qty > 0);
    ALTER TABLE items ENABLE ROW LEVEL SECURITY;
    CREATE VIEW item_names AS SELECT name FROM items;
    CREATE MATERIALIZED VIEW item_totals AS SELECT sum(qty) AS total FROM items;
    CREATE INDEX item_totals_ix ON item_totals (total);
    CREATE SEQUENCE ticket_seq;
    CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
    CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
    CREATE PROCEDURE noop() LANGUAGE sql AS 'SELECT 1';
    CREATE FUNCTION std_add(a integer, b integer) RETURNS integer LANGUAGE sql RETURN a + b;
  `);
});

afterAll(async () => {
  // Database-wide objects first (the event trigger and the role outlive nothing but this test).
  await pg?.exec(`DROP EVENT TRIGGER IF EXISTS on_ddl; DROP OWNED BY retort_unmod_reader_${process.pid};`).catch(() => undefined);
  await pg?.close();
  const { rawQuery } = await import('../support/databases.js');
  const { PG_ADMIN_URL } = await import('../support/databases.js');
  await rawQuery({ dialect: 'postgres', url: PG_ADMIN_URL, name: 'admin', drop: async () => undefined },
    `DROP ROLE IF EXISTS retort_unmod_reader_${process.pid}`);
});

describe('PostgreSQL: what the model has no place for is listed', () => {
  it('every kind, with schema, name and table; no extension members, nothing of other schemas', async () => {
    const model = await pg.read();
    const listed = (model.unmodelled ?? []).map((o) => `${o.kind}: ${[o.schema, o.table, o.name].filter(Boolean).join('.')}`);
    expect(listed).toEqual(expect.arrayContaining([
      'rule: public.items.items_no_delete',
      'publication: items_pub',
      'event trigger: on_ddl',
      'grant: public.items',
      'grant: public.items.qty',
      'foreign table: public.remote_items',
      'foreign-data wrapper: dummy_fdw',
      'foreign server: dummy_server',
      'aggregate: public.total(integer)',
      'cast: pair AS text',
      'operator: public.===(pair, pair)',
      'range type: public.span',
      'collation: public.german',
      'text search configuration: public.my_search',
      'statistics object: public.items.items_stats',
      // A SQL-standard body (kept parsed by the server) is not modelled; string bodies are.
      'function: public.std_add(a integer, b integer)',
    ]));
    expect(listed.filter((l) => l.startsWith('user mapping'))).toHaveLength(1);
    // pg_trgm's functions, operators and types are the extension's; plpgsql is in every database.
    expect(listed.filter((l) => l.includes('similarity') || l.includes('gtrgm') || l.includes('plpgsql'))).toEqual([]);
    expect(listed.filter((l) => l.includes('hidden'))).toEqual([]);
    // Partitions and inheritance children of the schemas read are tables of the model now.
    expect(listed.filter((l) => l.startsWith('partition') || l.startsWith('inheritance'))).toEqual([]);
    expect(model.tables.find((t) => t.name === 'log_2024')?.partitionOf).toEqual({ parent: 'log', bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" });
    expect(model.tables.find((t) => t.name === 'child_t')?.options.inherits).toEqual([{ name: 'parent_t' }]);
    // What the model holds is not listed: views and materialized views (with their indexes) are objects.
    expect(listed.filter((l) => l.includes('item_names') || l.includes('item_totals'))).toEqual([]);
    expect(model.objects?.map((o) => `${o.kind} ${o.name}`)).toEqual(expect.arrayContaining(['view item_names', 'materializedView item_totals']));
    // Modelled kinds (h-pgtypes): domains are objects, no longer listed.
    expect(model.objects?.map((o) => `${o.kind} ${o.name}`)).toEqual(expect.arrayContaining(['domain positive', 'compositeType pair', 'extension pg_trgm', 'sequence ticket_seq', 'policy items_policy']));
    expect(listed.filter((l) => /^(domain|composite type|extension|sequence|policy|row-level security):/.test(l))).toEqual([]);
    expect(model.tables.find((t) => t.name === 'items')?.options.rowLevelSecurity).toEqual({ enabled: true });
    // Functions, procedures and triggers are objects too (objects/functions.ts, triggers.ts).
    expect(listed.filter((l) => /^(trigger|procedure): |add_int|pair_eq/.test(l))).toEqual([]);
    expect(model.objects?.map((o) => `${o.kind} ${o.name}`)).toEqual(expect.arrayContaining(['trigger items_touch', 'procedure noop', 'function add_int']));
  });

  it('objects of a table that `include` leaves out are left out with it', async () => {
    const model = await pg.read({ include: (t) => t !== 'items' });
    const tables = (model.unmodelled ?? []).map((o) => o.table);
    expect(tables).not.toContain('items');
    // An object of no table stays.
    expect((model.unmodelled ?? []).some((o) => o.kind === 'publication' && o.name === 'items_pub')).toBe(true);
  });

  it('another schema is read when asked for, with its objects named by their schema', async () => {
    await pg.exec('CREATE RULE hidden_rule AS ON DELETE TO other.hidden DO INSTEAD NOTHING');
    const model = await pg.read({ schemas: ['public', 'other'] });
    expect(model.unmodelled).toContainEqual({ kind: 'rule', schema: 'other', name: 'hidden_rule', table: 'hidden' });
  });
});
