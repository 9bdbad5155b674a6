/**
 * Drift on PostgreSQL (issue 10, defects 4 and 5): a schema module with every table-level kind
 * retort models (index methods, operator classes, INCLUDE, NULLS NOT DISTINCT, per-element
 * collations and order, storage parameters, DEFERRABLE, MATCH FULL, NOT VALID, NO INHERIT,
 * EXCLUDE, generated columns, identity ALWAYS, column collations, numeric default scale,
 * UNLOGGED, partitions and sub-partitions, INHERITS) is upgraded into a fresh database, `check`
 * is clean; then one attribute at a time is changed behind retort's back and `check` must fail
 * and name it; the change is undone and the next one tried. Then an edit cycle per kind:
 * edit the module, autogenerate, upgrade, check clean, downgrade, the catalog equals the
 * original exactly, upgrade again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { expectCliDrift, expectDriftNamed, expectEditCycle, type Drift } from '../support/pg-drift.js';

const IMPORTS = `import { defineSchema, table, partition, integer, bigint, text, varchar, numeric, date, rawType, index, element,
  unique, check, foreignKey, exclude, sql, extension, serial, bigserial, smallserial } from 'retort-migrate';`;

/** The schema module: `extra` replaces or adds declarations (for the edit cycles). */
export const TABLES = {
  // Extensions are objects of the model (h-pgtypes): declared, created first.
  extensions: `export const pg_trgm = extension('pg_trgm');
export const btree_gist = extension('btree_gist');`,
  rooms: `export const rooms = table('rooms', {
  id: integer().primaryKey().identity('always'),
  name: text().notNull().collate('C'),
  body: text(),
  search: rawType('tsvector').generatedAlwaysAs(sql\`to_tsvector('english'::regconfig, COALESCE(body, ''::text))\`, { stored: true }),
  shout: text().generatedAlwaysAs(sql\`upper(name)\`, { stored: true }),
  rating: integer(),
  price: numeric(10, 2).default('0.00'),
  code: varchar(20),
  label: text().collate('C'),
}, (t) => [
  index('ix_rooms_search').on(t.search).using('gin'),
  index('ix_rooms_name_trgm').on(element(t.body, { opclass: 'gin_trgm_ops' })).using('gin'),
  index('ix_rooms_code_pattern').on(element(t.code, { opclass: 'varchar_pattern_ops' })),
  index('ix_rooms_sorted').on(element(t.name, { order: 'desc', nulls: 'last' }), element(t.code, { collation: 'C' })).include(t.rating),
  index('ix_rooms_code').on(t.code).unique().nullsNotDistinct(),
  index('ix_rooms_rating').on(t.rating).with({ fillfactor: '70' }),
  index('ix_rooms_hash').on(t.code).using('hash'),
  index('ix_rooms_brin').on(t.id).using('brin'),
  check('ck_rooms_rating', 'rating BETWEEN 1 AND 5'),
  check('ck_rooms_price', 'price >= 0', { notValid: true }),
  unique('uq_rooms_name', { deferrable: true, initiallyDeferred: true }).on(t.name),
], { with: { fillfactor: '80' } });`,
  bookings: `export const bookings = table('bookings', {
  id: bigint().primaryKey().autoIncrement(),
  room_id: integer().notNull(),
  during: rawType('tstzrange').notNull(),
}, (t) => [
  foreignKey('fk_bookings_room').on(t.room_id).references('rooms', ['id'], { match: 'full', deferrable: true }),
  exclude('ex_bookings_overlap', { using: 'gist' }).on([t.room_id, '='], [t.during, '&&']),
  check('ck_bookings_nonempty', 'NOT isempty(during)', { noInherit: true }),
]);`,
  cache: `export const cache = table('cache', { k: text().primaryKey(), v: text() }, { unlogged: true });`,
  // Serial columns (issue 10): a sequence each column owns, not an identity.
  tickets: `export const tickets = table('tickets', {
  id: serial().primaryKey(),
  number: bigserial({ sequence: 'ticket_numbers', start: 1000 }),
  title: text(),
});`,
  events: `export const events = table('events', { id: bigint().notNull(), at: date().notNull(), kind: text() },
  (t) => [index('ix_events_at').on(t.at), index('ix_events_at_desc').on(element(t.at, { order: 'desc' })), index('ix_events_kind').on(t.kind)],
  { partitionBy: 'RANGE (at)' });
export const events_2024 = partition('events_2024', events, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", (t) => [
  // PostgreSQL 15 matches a partition's index to a parent's without the sort order: this one must not become ix_events_at's.
  index('events_2024_at_down').on(element(t.at, { order: 'desc' })).attachedTo('ix_events_at_desc'),
  index('events_2024_at_custom').on(t.at).attachedTo('ix_events_at'),
  index('events_2024_kind_idx').on(t.kind).with({ fillfactor: '70' }).attachedTo('ix_events_kind'),
]);
export const events_rest = partition('events_rest', events, 'DEFAULT', { partitionBy: 'LIST (kind)' });
export const events_rest_a = partition('events_rest_a', events_rest, "FOR VALUES IN ('a')");`,
  audit: `export const audit = table('audit', { id: bigint().notNull(), note: text() });
export const audit_2024 = table('audit_2024', { extra: text() }, { inherits: [audit] });`,
};

function moduleSource(tables: Record<string, string>): string {
  const names = Object.values(tables).flatMap((src) => [...src.matchAll(/export const (\w+)/g)].map((m) => m[1]));
  return `${IMPORTS}\n\n${Object.values(tables).join('\n\n')}\n\nconst schema = defineSchema({ ${names.join(', ')} });\nexport default schema;\n`;
}

let db: TestDatabase;
let project: TestProject;

async function sql(text: string): Promise<void> {
  await rawQuery(db, text);
}

beforeAll(async () => {
  db = await createTestDatabase('postgres', 'retort_pgdrift');
  project = createTestProject({ url: db.url, schema: './src/schema.ts' });
  mkdirSync(join(project.dir, 'src'));
  writeFileSync(join(project.dir, 'src/schema.ts'), moduleSource(TABLES));
  await project.retort.autogenerate({ message: 'all kinds' });
  await project.retort.upgrade('head');
});

afterAll(async () => {
  project?.cleanup();
  await db?.drop();
});

describe('PostgreSQL: what the schema module declares is what the database gets', () => {
  it('creates every kind as declared, and check is clean', async () => {
    const check = await project.retort.check();
    expect(check.rendered).toBe('');
    expect(check.ok).toBe(true);
    const defs = await rawQuery<{ d: string }>(db, `SELECT pg_get_indexdef(indexrelid) AS d FROM pg_index
      WHERE indrelid IN ('rooms'::regclass, 'events'::regclass) ORDER BY 1`);
    expect(defs.map((r) => r.d.replace(/^CREATE (UNIQUE )?INDEX (\S+) ON (ONLY )?public\.\w+ /, '$2 ')).sort()).toEqual([
      'ix_events_at USING btree (at)',
      'ix_events_at_desc USING btree (at DESC)',
      'ix_events_kind USING btree (kind)',
      'ix_rooms_brin USING brin (id)',
      'ix_rooms_code USING btree (code) NULLS NOT DISTINCT',
      'ix_rooms_code_pattern USING btree (code varchar_pattern_ops)',
      'ix_rooms_hash USING hash (code)',
      'ix_rooms_name_trgm USING gin (body gin_trgm_ops)',
      'ix_rooms_rating USING btree (rating) WITH (fillfactor=\'70\')',
      'ix_rooms_search USING gin (search)',
      'ix_rooms_sorted USING btree (name DESC NULLS LAST, code COLLATE "C") INCLUDE (rating)',
      'rooms_pkey USING btree (id)',
      'uq_rooms_name USING btree (name)',
    ].sort());
    const cons = await rawQuery<{ n: string; d: string }>(db, `SELECT conname AS n, pg_get_constraintdef(oid) AS d FROM pg_constraint
      WHERE conrelid IN ('rooms'::regclass, 'bookings'::regclass) AND contype <> 'p' ORDER BY 1`);
    expect(Object.fromEntries(cons.map((r) => [r.n, r.d]))).toEqual({
      ck_bookings_nonempty: 'CHECK ((NOT isempty(during))) NO INHERIT',
      ck_rooms_price: 'CHECK ((price >= (0)::numeric)) NOT VALID',
      ck_rooms_rating: 'CHECK (((rating >= 1) AND (rating <= 5)))',
      ex_bookings_overlap: 'EXCLUDE USING gist (room_id WITH =, during WITH &&)',
      fk_bookings_room: 'FOREIGN KEY (room_id) REFERENCES rooms(id) MATCH FULL DEFERRABLE',
      uq_rooms_name: 'UNIQUE (name) DEFERRABLE INITIALLY DEFERRED',
    });
    const tables = await rawQuery<{ t: string; p: string; o: string | null; b: string | null; k: string | null }>(db, `
      SELECT relname AS t, relpersistence AS p, array_to_string(reloptions, ',') AS o,
             pg_get_expr(relpartbound, oid) AS b, CASE WHEN relkind = 'p' THEN pg_get_partkeydef(oid) END AS k
      FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND relname <> 'retort_version'
        AND relname <> 'retort_history' ORDER BY 1`);
    expect(tables).toEqual([
      { t: 'audit', p: 'p', o: null, b: null, k: null },
      { t: 'audit_2024', p: 'p', o: null, b: null, k: null },
      { t: 'bookings', p: 'p', o: null, b: null, k: null },
      { t: 'cache', p: 'u', o: null, b: null, k: null },
      { t: 'events', p: 'p', o: null, b: null, k: 'RANGE (at)' },
      { t: 'events_2024', p: 'p', o: null, b: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", k: null },
      { t: 'events_rest', p: 'p', o: null, b: 'DEFAULT', k: 'LIST (kind)' },
      { t: 'events_rest_a', p: 'p', o: null, b: "FOR VALUES IN ('a')", k: null },
      { t: 'rooms', p: 'p', o: 'fillfactor=80', b: null, k: null },
      { t: 'tickets', p: 'p', o: null, b: null, k: null },
    ]);
    // Serial columns own their sequences (serial's own, and one with its name and start kept).
    const serials = await rawQuery<{ c: string; def: string; seq: string }>(db, `
      SELECT a.attname AS c, pg_get_expr(d.adbin, d.adrelid) AS def,
             concat_ws(' ', s.seqrelid::regclass::text, format_type(s.seqtypid, NULL), s.seqstart) AS seq
      FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      JOIN pg_depend o ON o.refobjid = a.attrelid AND o.refobjsubid = a.attnum AND o.deptype = 'a' AND o.classid = 'pg_class'::regclass
      JOIN pg_sequence s ON s.seqrelid = o.objid
      WHERE a.attrelid = 'tickets'::regclass ORDER BY a.attnum`);
    expect(serials).toEqual([
      { c: 'id', def: "nextval('tickets_id_seq'::regclass)", seq: 'tickets_id_seq integer 1' },
      { c: 'number', def: "nextval('ticket_numbers'::regclass)", seq: 'ticket_numbers bigint 1000' },
    ]);
    const columns = await rawQuery<{ c: string; i: string; g: string; coll: string | null; def: string | null }>(db, `
      SELECT attname AS c, attidentity AS i, attgenerated AS g, collname AS coll, pg_get_expr(adbin, adrelid) AS def
      FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE attrelid = 'rooms'::regclass AND attname IN ('id', 'name', 'shout', 'price') ORDER BY attnum`);
    expect(columns).toEqual([
      { c: 'id', i: 'a', g: '', coll: null, def: null },
      { c: 'name', i: '', g: '', coll: 'C', def: null },
      { c: 'shout', i: '', g: 's', coll: null, def: 'upper(name)' },
      { c: 'price', i: '', g: '', coll: null, def: '0.00' },
    ]);
    // A partition's indexes are attached to the parent's, with the names and parameters declared
    // where the module says so, PostgreSQL's own elsewhere; none is there twice.
    const attached = await rawQuery<{ i: string; p: string | null; o: string | null }>(db, `
      SELECT c.relname AS i, ih.inhparent::regclass::text AS p, array_to_string(c.reloptions, ',') AS o
      FROM pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid LEFT JOIN pg_inherits ih ON ih.inhrelid = c.oid
      WHERE ix.indrelid IN ('events_2024'::regclass, 'events_rest_a'::regclass) ORDER BY 1`);
    expect(attached).toEqual([
      { i: 'events_2024_at_custom', p: 'ix_events_at', o: null },
      { i: 'events_2024_at_down', p: 'ix_events_at_desc', o: null },
      { i: 'events_2024_kind_idx', p: 'ix_events_kind', o: 'fillfactor=70' },
      { i: 'events_rest_a_at_idx', p: 'events_rest_at_idx', o: null },
      { i: 'events_rest_a_at_idx1', p: 'events_rest_at_idx1', o: null },
      { i: 'events_rest_a_kind_idx', p: 'events_rest_kind_idx', o: null },
    ]);
  });

  it('a 13 KB text goes into the GIN full-text and trigram indexed columns', async () => {
    const body = 'lorem ipsum dolor sit amet '.repeat(500);
    expect(body.length).toBeGreaterThan(13_000);
    await sql(`INSERT INTO rooms (name, body, rating) VALUES ('big', '${body}', 3)`);
    const rows = await rawQuery<{ n: number }>(db, "SELECT count(*)::int AS n FROM rooms WHERE search @@ to_tsquery('english', 'lorem')");
    expect(rows[0]?.n).toBe(1);
    await sql("DELETE FROM rooms WHERE name = 'big'");
  });
});

const DRIFTS: readonly Drift[] = [
  { what: 'an index method (GIN re-created as B-tree)', names: ['ix_rooms_search', "using: 'gin'"],
    change: 'DROP INDEX ix_rooms_search; CREATE INDEX ix_rooms_search ON rooms (search)',
    undo: 'DROP INDEX ix_rooms_search; CREATE INDEX ix_rooms_search ON rooms USING gin (search)' },
  { what: 'an operator class', names: ['ix_rooms_code_pattern', 'varchar_pattern_ops'],
    change: 'DROP INDEX ix_rooms_code_pattern; CREATE INDEX ix_rooms_code_pattern ON rooms (code)',
    undo: 'DROP INDEX ix_rooms_code_pattern; CREATE INDEX ix_rooms_code_pattern ON rooms (code varchar_pattern_ops)' },
  { what: 'INCLUDE columns', names: ['ix_rooms_sorted', "include: ['rating']"],
    change: 'DROP INDEX ix_rooms_sorted; CREATE INDEX ix_rooms_sorted ON rooms (name DESC NULLS LAST, code COLLATE "C")',
    undo: 'DROP INDEX ix_rooms_sorted; CREATE INDEX ix_rooms_sorted ON rooms (name DESC NULLS LAST, code COLLATE "C") INCLUDE (rating)' },
  { what: 'a per-element collation', names: ['ix_rooms_sorted', "collation: 'C'"],
    change: 'DROP INDEX ix_rooms_sorted; CREATE INDEX ix_rooms_sorted ON rooms (name DESC NULLS LAST, code) INCLUDE (rating)',
    undo: 'DROP INDEX ix_rooms_sorted; CREATE INDEX ix_rooms_sorted ON rooms (name DESC NULLS LAST, code COLLATE "C") INCLUDE (rating)' },
  { what: 'a sort order and NULLS placement', names: ['ix_rooms_sorted', "order: 'desc'", "nulls: 'last'"],
    change: 'DROP INDEX ix_rooms_sorted; CREATE INDEX ix_rooms_sorted ON rooms (name, code COLLATE "C") INCLUDE (rating)',
    undo: 'DROP INDEX ix_rooms_sorted; CREATE INDEX ix_rooms_sorted ON rooms (name DESC NULLS LAST, code COLLATE "C") INCLUDE (rating)' },
  { what: 'NULLS NOT DISTINCT', names: ['ix_rooms_code', 'nullsNotDistinct: true'],
    change: 'DROP INDEX ix_rooms_code; CREATE UNIQUE INDEX ix_rooms_code ON rooms (code)',
    undo: 'DROP INDEX ix_rooms_code; CREATE UNIQUE INDEX ix_rooms_code ON rooms (code) NULLS NOT DISTINCT' },
  { what: 'an index storage parameter', names: ['ix_rooms_rating', "fillfactor: '70'"],
    change: 'ALTER INDEX ix_rooms_rating SET (fillfactor = 50)', undo: 'ALTER INDEX ix_rooms_rating SET (fillfactor = 70)' },
  { what: 'a column collation', names: ["'rooms', 'label'", "collation: 'C'"],
    change: 'ALTER TABLE rooms ALTER COLUMN label TYPE text COLLATE "POSIX"', undo: 'ALTER TABLE rooms ALTER COLUMN label TYPE text COLLATE "C"' },
  { what: 'a CHECK body under the same name (defect 4)', names: ['ck_rooms_rating', 'rating BETWEEN 1 AND 5'],
    change: 'ALTER TABLE rooms DROP CONSTRAINT ck_rooms_rating, ADD CONSTRAINT ck_rooms_rating CHECK (rating BETWEEN 1 AND 10)',
    undo: 'ALTER TABLE rooms DROP CONSTRAINT ck_rooms_rating, ADD CONSTRAINT ck_rooms_rating CHECK (rating BETWEEN 1 AND 5)' },
  { what: 'DEFERRABLE on a foreign key', names: ['fk_bookings_room', 'deferrable: true'],
    change: 'ALTER TABLE bookings ALTER CONSTRAINT fk_bookings_room NOT DEFERRABLE',
    undo: 'ALTER TABLE bookings ALTER CONSTRAINT fk_bookings_room DEFERRABLE' },
  { what: 'INITIALLY DEFERRED on a unique constraint', names: ['uq_rooms_name', 'initiallyDeferred: true'],
    change: 'ALTER TABLE rooms DROP CONSTRAINT uq_rooms_name, ADD CONSTRAINT uq_rooms_name UNIQUE (name) DEFERRABLE',
    undo: 'ALTER TABLE rooms DROP CONSTRAINT uq_rooms_name, ADD CONSTRAINT uq_rooms_name UNIQUE (name) DEFERRABLE INITIALLY DEFERRED' },
  { what: 'MATCH FULL', names: ['fk_bookings_room', "match: 'full'"],
    change: 'ALTER TABLE bookings DROP CONSTRAINT fk_bookings_room, ADD CONSTRAINT fk_bookings_room FOREIGN KEY (room_id) REFERENCES rooms (id) DEFERRABLE',
    undo: 'ALTER TABLE bookings DROP CONSTRAINT fk_bookings_room, ADD CONSTRAINT fk_bookings_room FOREIGN KEY (room_id) REFERENCES rooms (id) MATCH FULL DEFERRABLE' },
  { what: 'NOT VALID (the constraint was validated)', names: ['ck_rooms_price', 'notValid: true'],
    change: 'ALTER TABLE rooms VALIDATE CONSTRAINT ck_rooms_price',
    undo: 'ALTER TABLE rooms DROP CONSTRAINT ck_rooms_price, ADD CONSTRAINT ck_rooms_price CHECK (price >= 0) NOT VALID' },
  { what: 'NO INHERIT', names: ['ck_bookings_nonempty', 'noInherit: true'],
    change: 'ALTER TABLE bookings DROP CONSTRAINT ck_bookings_nonempty, ADD CONSTRAINT ck_bookings_nonempty CHECK (NOT isempty(during))',
    undo: 'ALTER TABLE bookings DROP CONSTRAINT ck_bookings_nonempty, ADD CONSTRAINT ck_bookings_nonempty CHECK (NOT isempty(during)) NO INHERIT' },
  { what: 'an exclusion operator', names: ['ex_bookings_overlap', "'&&'"],
    change: 'ALTER TABLE bookings DROP CONSTRAINT ex_bookings_overlap, ADD CONSTRAINT ex_bookings_overlap EXCLUDE USING gist (room_id WITH =, during WITH =)',
    undo: 'ALTER TABLE bookings DROP CONSTRAINT ex_bookings_overlap, ADD CONSTRAINT ex_bookings_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&)' },
  { what: 'a generation expression', names: ["'rooms', 'shout'", 'upper(name)'],
    change: 'ALTER TABLE rooms DROP COLUMN shout, ADD COLUMN shout text GENERATED ALWAYS AS (lower(name)) STORED',
    undo: 'ALTER TABLE rooms DROP COLUMN shout, ADD COLUMN shout text GENERATED ALWAYS AS (upper(name)) STORED' },
  { what: 'a generated column made plain', names: ["'rooms', 'shout'", 'generated'],
    change: 'ALTER TABLE rooms ALTER COLUMN shout DROP EXPRESSION',
    undo: 'ALTER TABLE rooms DROP COLUMN shout, ADD COLUMN shout text GENERATED ALWAYS AS (upper(name)) STORED' },
  { what: 'the identity kind', names: ["'rooms', 'id'", "identity: 'always'"],
    change: 'ALTER TABLE rooms ALTER COLUMN id SET GENERATED BY DEFAULT', undo: 'ALTER TABLE rooms ALTER COLUMN id SET GENERATED ALWAYS' },
  { what: 'identity in the code, serial in the database', names: ["'bookings', 'id'", 'serial: null'], absent: ['Sequence', 'sequence('],
    change: "ALTER TABLE bookings ALTER COLUMN id DROP IDENTITY; CREATE SEQUENCE bookings_id_seq OWNED BY bookings.id; ALTER TABLE bookings ALTER COLUMN id SET DEFAULT nextval('bookings_id_seq')",
    undo: 'ALTER TABLE bookings ALTER COLUMN id DROP DEFAULT; DROP SEQUENCE bookings_id_seq; ALTER TABLE bookings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY' },
  { what: 'serial in the code, identity in the database', names: ["'tickets', 'id'", 'serial: {}'], absent: ['Sequence', 'sequence('],
    change: 'ALTER TABLE tickets ALTER COLUMN id DROP DEFAULT; DROP SEQUENCE tickets_id_seq; ALTER TABLE tickets ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY',
    undo: "ALTER TABLE tickets ALTER COLUMN id DROP IDENTITY; CREATE SEQUENCE tickets_id_seq AS integer OWNED BY tickets.id; ALTER TABLE tickets ALTER COLUMN id SET DEFAULT nextval('tickets_id_seq')" },
  { what: "a serial column's sequence restarted elsewhere", names: ["'tickets', 'number'", "start: '1000'"],
    change: 'ALTER SEQUENCE ticket_numbers START WITH 5', undo: 'ALTER SEQUENCE ticket_numbers START WITH 1000' },
  { what: "a serial column's sequence renamed", names: ["'tickets', 'number'", "sequence: 'ticket_numbers'"],
    change: 'ALTER SEQUENCE ticket_numbers RENAME TO tickets_no', undo: 'ALTER SEQUENCE tickets_no RENAME TO ticket_numbers' },
  { what: 'a numeric default scale (0.00 became 0)', names: ["'rooms', 'price'", "default: '0.00'"],
    change: 'ALTER TABLE rooms ALTER COLUMN price SET DEFAULT 0', undo: "ALTER TABLE rooms ALTER COLUMN price SET DEFAULT '0.00'" },
  { what: 'UNLOGGED', names: ['cache', 'unlogged: true'], change: 'ALTER TABLE cache SET LOGGED', undo: 'ALTER TABLE cache SET UNLOGGED' },
  { what: 'a table storage parameter', names: ['rooms', "fillfactor: '80'"],
    change: 'ALTER TABLE rooms SET (fillfactor = 60)', undo: 'ALTER TABLE rooms SET (fillfactor = 80)' },
  { what: 'a partition bound', names: ['events_2024', "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"],
    change: "ALTER TABLE events DETACH PARTITION events_2024; ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')",
    undo: "ALTER TABLE events DETACH PARTITION events_2024; ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" },
  { what: 'a sub-partition detached', names: ['events_rest_a', 'attachPartition'],
    change: 'ALTER TABLE events_rest DETACH PARTITION events_rest_a',
    undo: "ALTER TABLE events_rest ATTACH PARTITION events_rest_a FOR VALUES IN ('a')" },
  { what: 'a partition index renamed', names: ['events_2024_at_custom', 'alterIndex'],
    change: 'ALTER INDEX events_2024_at_custom RENAME TO events_2024_at_other',
    undo: 'ALTER INDEX events_2024_at_other RENAME TO events_2024_at_custom' },
  { what: "a partition index's own storage parameter", names: ['events_2024_kind_idx', "fillfactor: '70'"],
    change: 'ALTER INDEX events_2024_kind_idx SET (fillfactor = 90)', undo: 'ALTER INDEX events_2024_kind_idx SET (fillfactor = 70)' },
  { what: 'a default-named partition index renamed', names: ['events_rest_a_at_renamed', 'events_rest_a_at_idx'],
    change: 'ALTER INDEX events_rest_a_at_idx RENAME TO events_rest_a_at_renamed',
    undo: 'ALTER INDEX events_rest_a_at_renamed RENAME TO events_rest_a_at_idx' },
  { what: 'INHERITS', names: ['audit_2024', 'INHERITS'],
    change: 'ALTER TABLE audit_2024 NO INHERIT audit',
    // INHERIT again would keep the columns the child took over as its own: re-create it as it was.
    undo: 'DROP TABLE audit_2024; CREATE TABLE audit_2024 (extra text) INHERITS (audit)' },
];

describe('PostgreSQL drift: check fails and names what changed behind its back', () => {
  it.each(DRIFTS)('$what', async (drift) => {
    await expectDriftNamed(project, sql, drift);
  });

  it('the CLI exits 3 on a drift and names it, 0 once undone', async () => {
    await expectCliDrift(project, sql, DRIFTS[0] as Drift, "using: 'gin'");
  });
});

/** One edit of the schema module: the table entries it replaces or adds. */
interface Edit {
  readonly what: string;
  readonly tables: Readonly<Record<string, string>>;
}

const edit = (key: keyof typeof TABLES, from: string, to: string): Record<string, string> => {
  if (!TABLES[key].includes(from)) throw new Error(`edit: '${from}' is not in ${key}`);
  return { [key]: TABLES[key].replace(from, to) };
};

const EDITS: readonly Edit[] = [
  { what: 'an index method and a new INCLUDE / NULLS NOT DISTINCT index',
    tables: edit('rooms', "index('ix_rooms_search').on(t.search).using('gin'),",
      "index('ix_rooms_search').on(t.search).using('gist'),\n  index('ix_rooms_new').on(t.rating, t.code).unique().nullsNotDistinct().include(t.label),") },
  { what: 'operator class, element order and collation', tables: edit('rooms',
    "index('ix_rooms_code_pattern').on(element(t.code, { opclass: 'varchar_pattern_ops' })),",
    "index('ix_rooms_code_pattern').on(element(t.code, { order: 'desc', nulls: 'first', collation: 'POSIX' })),") },
  { what: 'a CHECK widened under the same name', tables: edit('rooms', "'rating BETWEEN 1 AND 5'", "'rating BETWEEN 1 AND 10'") },
  { what: 'DEFERRABLE and MATCH of a foreign key', tables: edit('bookings', "{ match: 'full', deferrable: true }", '{ initiallyDeferred: true }') },
  { what: 'an exclusion constraint added', tables: edit('bookings', "check('ck_bookings_nonempty'",
    "exclude('ex_bookings_room', { using: 'gist', where: 'room_id > 0' }).on([t.during, '&&']),\n  check('ck_bookings_nonempty'") },
  { what: 'a generation expression', tables: edit('rooms', 'sql`upper(name)`', 'sql`lower(name)`') },
  { what: 'the identity kind', tables: edit('rooms', "integer().primaryKey().identity('always')", 'integer().primaryKey().autoIncrement()') },
  { what: 'a column collation', tables: edit('rooms', "label: text().collate('C')", "label: text().collate('POSIX')") },
  { what: 'serial and identity both ways, a serial sequence renamed and changed, a serial column added', tables: {
    ...edit('bookings', 'bigint().primaryKey().autoIncrement()', 'bigserial().primaryKey()'),
    tickets: TABLES.tickets.replace('serial().primaryKey()', 'integer().primaryKey().autoIncrement()')
      .replace("bigserial({ sequence: 'ticket_numbers', start: 1000 })", "bigserial({ start: 2000, cache: 5 })")
      .replace('title: text(),', "title: text(),\n  seq_no: smallserial({ sequence: 'ticket_seq_no', increment: 2 }),") } },
  { what: 'a numeric default scale', tables: edit('rooms', "default('0.00')", "default('1.50')") },
  { what: 'UNLOGGED and storage parameters', tables: {
    ...edit('cache', '{ unlogged: true }', "{ with: { fillfactor: '60' } }"),
    ...edit('rooms', "{ with: { fillfactor: '80' } }", "{ with: { fillfactor: '90', autovacuum_enabled: 'false' } }") } },
  { what: 'partitions: a bound changed, a partition and a sub-partitioned one added', tables: {
    events: `${TABLES.events.replace("TO ('2025-01-01')", "TO ('2024-07-01')")}
export const events_2024b = partition('events_2024b', events, "FOR VALUES FROM ('2024-07-01') TO ('2025-01-01')", { partitionBy: 'HASH (id)' });
export const events_2024b_0 = partition('events_2024b_0', events_2024b, 'FOR VALUES WITH (modulus 1, remainder 0)', (t) => [index('ix_b0_kind').on(t.kind)]);` } },
  { what: "partition indexes: one renamed with a new fillfactor, one given a name, one back to PostgreSQL's", tables: {
    events: TABLES.events
      .replace("index('events_2024_kind_idx').on(t.kind).with({ fillfactor: '70' })", "index('events_2024_kind_custom').on(t.kind).with({ fillfactor: '50' })")
      .replace("index('events_2024_at_custom').on(t.at).attachedTo('ix_events_at'),", '')
      .replace(`"FOR VALUES IN ('a')");`, `"FOR VALUES IN ('a')", (t) => [index('events_rest_a_kind_custom').on(t.kind).attachedTo('events_rest_kind_idx')]);`) } },
  { what: 'a new partitioned table with partitions, and a new inheriting table', tables: {
    audit: `${TABLES.audit}\nexport const audit_2025 = table('audit_2025', { other: integer() }, { inherits: [audit] });\n` +
      "export const metrics = table('metrics', { id: bigint().notNull(), region: text().notNull() }, (t) => [unique('uq_metrics').on(t.id, t.region)], { partitionBy: 'LIST (region)' });\n" +
      "export const metrics_eu = partition('metrics_eu', metrics, \"FOR VALUES IN ('eu')\");" } },
];

describe('PostgreSQL edit cycles: autogenerate, upgrade, check, downgrade to the very same catalog, upgrade again', () => {
  const schemaFile = () => join(project.dir, 'src/schema.ts');

  it.each(EDITS)('$what', async (e) => {
    await expectEditCycle(project, db.url, schemaFile(), e.what, moduleSource({ ...TABLES, ...e.tables }), moduleSource(TABLES));
  });
});

export { moduleSource };
