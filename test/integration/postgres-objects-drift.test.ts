/**
 * Issue 10, drift: a change made to an object behind retort's back (in the database, not in the
 * schema module) makes `check` fail and name the object. One database holds every kind, created
 * from a schema module by autogenerate and upgrade; each row of the table changes one thing with
 * plain SQL, `check` must report it (exit 3 from the command line: the last test), and the row's
 * undo must bring `check` back to OK before the next row.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retort as cli } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

let db: TestDatabase;
let project: TestProject;

const SCHEMA = `import { defineSchema, table, integer, text, sql, index, check, view, materializedView, domain, compositeType, extension, sequence, policy, fn, procedure, trigger } from 'retort-migrate';

export const items = table('items', {
  id: integer().primaryKey(),
  name: text(),
  qty: integer(),
});
export const item_names = view('item_names', sql\`SELECT name FROM items WHERE qty > 0\`, { comment: 'names in stock' });
export const totals = materializedView('totals', sql\`SELECT name, sum(qty) AS total FROM items GROUP BY name\`, {
  indexes: [index('totals_name').on('name')],
});
export const quantity = domain('quantity', 'integer', { default: sql\`0\`, checks: [check('quantity_check', sql\`VALUE >= 0\`)] });
export const pair = compositeType('pair', [{ name: 'a', type: 'integer' }, { name: 'b', type: 'text' }]);
export const citext = extension('citext');
export const ticket_seq = sequence('ticket_seq', { start: 1000, increment: 10 });
export const notes = table('notes', { id: integer().primaryKey(), owner: text().notNull(), body: text() }, { rowLevelSecurity: { enabled: true } });
export const own_notes = policy('own_notes', { table: 'notes', using: sql\`owner = current_user\`, withCheck: sql\`owner = current_user\` });
export const stock = fn('stock', {
  args: [{ name: 'i', type: 'int' }], returns: 'int', language: 'sql', volatility: 'stable',
  body: sql\`SELECT qty FROM items WHERE id = i\`,
});
export const restock = procedure('restock', {
  args: [{ name: 'i', type: 'integer' }], language: 'plpgsql',
  body: sql\`BEGIN UPDATE items SET qty = qty + 1 WHERE id = i; END\`,
});
export const touch = fn('touch', { returns: 'trigger', language: 'plpgsql', body: sql\`BEGIN NEW.name := trim(NEW.name); RETURN NEW; END\` });
export const items_touch = trigger('items_touch', {
  table: 'items', timing: 'before', events: ['update'], level: 'row', function: 'touch', when: sql\`OLD.name IS DISTINCT FROM NEW.name\`,
});
export const items_batch = trigger('items_batch', { table: 'items', timing: 'after', events: ['insert'], function: 'touch', args: ['batch'] });
export default defineSchema({ items, item_names, totals, quantity, pair, citext, ticket_seq, notes, own_notes, stock, restock, touch, items_touch, items_batch });
`;
const STOCK = 'CREATE OR REPLACE FUNCTION stock(i integer) RETURNS integer LANGUAGE sql STABLE AS $$SELECT qty FROM items WHERE id = i$$';
const TOUCH = 'CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION touch()';

beforeAll(async () => {
  db = await createTestDatabase('postgres', 'retort_objdrift');
  project = createTestProject({ url: db.url, schema: './src/schema.ts' });
  mkdirSync(join(project.dir, 'src'));
  writeFileSync(join(project.dir, 'src/schema.ts'), SCHEMA);
  await project.retort.autogenerate({ message: 'objects' });
  await project.retort.upgrade('head');
});

afterAll(async () => {
  project?.cleanup();
  await db?.drop();
});

interface Drift {
  readonly what: string;
  readonly drift: string;
  readonly undo: string;
  /** Text `check` must print about it (in the operations it would write). */
  readonly names: string;
}

const DRIFTS: readonly Drift[] = [
  {
    what: "a view's body",
    drift: 'CREATE OR REPLACE VIEW item_names AS SELECT name FROM items WHERE qty > 1',
    undo: 'CREATE OR REPLACE VIEW item_names AS SELECT name FROM items WHERE qty > 0',
    names: "view('item_names'",
  },
  {
    what: "a view's comment",
    drift: "COMMENT ON VIEW item_names IS 'changed'",
    undo: "COMMENT ON VIEW item_names IS 'names in stock'",
    names: "view('item_names'",
  },
  {
    what: 'a view dropped',
    drift: 'DROP VIEW item_names',
    undo: 'CREATE VIEW item_names AS SELECT name FROM items WHERE qty > 0; COMMENT ON VIEW item_names IS \'names in stock\'',
    names: "op.create(view('item_names'",
  },
  {
    what: 'a view added',
    drift: 'CREATE VIEW extra_names AS SELECT name FROM items',
    undo: 'DROP VIEW extra_names',
    names: "op.drop('view', 'extra_names')",
  },
  {
    what: "a materialized view's query",
    drift: 'DROP MATERIALIZED VIEW totals; CREATE MATERIALIZED VIEW totals AS SELECT name, max(qty) AS total FROM items GROUP BY name; CREATE INDEX totals_name ON totals (name)',
    undo: 'DROP MATERIALIZED VIEW totals; CREATE MATERIALIZED VIEW totals AS SELECT name, sum(qty) AS total FROM items GROUP BY name; CREATE INDEX totals_name ON totals (name)',
    names: "materializedView('totals'",
  },
  {
    what: "a materialized view's index",
    drift: 'DROP INDEX totals_name; CREATE INDEX totals_name ON totals (total)',
    undo: 'DROP INDEX totals_name; CREATE INDEX totals_name ON totals (name)',
    names: "op.createIndex('totals_name', 'totals'",
  },
  {
    what: "a domain's CHECK",
    drift: 'ALTER DOMAIN quantity DROP CONSTRAINT quantity_check; ALTER DOMAIN quantity ADD CONSTRAINT quantity_check CHECK (VALUE >= 1)',
    undo: 'ALTER DOMAIN quantity DROP CONSTRAINT quantity_check; ALTER DOMAIN quantity ADD CONSTRAINT quantity_check CHECK (VALUE >= 0)',
    names: "domain('quantity'",
  },
  {
    what: "a domain's default",
    drift: 'ALTER DOMAIN quantity SET DEFAULT 1',
    undo: 'ALTER DOMAIN quantity SET DEFAULT 0',
    names: "domain('quantity'",
  },
  {
    what: 'a domain dropped',
    drift: 'DROP DOMAIN quantity',
    undo: 'CREATE DOMAIN quantity AS integer DEFAULT 0 CONSTRAINT quantity_check CHECK (VALUE >= 0)',
    names: "op.create(domain('quantity'",
  },
  {
    what: 'a composite type attribute added',
    drift: 'ALTER TYPE pair ADD ATTRIBUTE c date',
    undo: 'ALTER TYPE pair DROP ATTRIBUTE c',
    names: "compositeType('pair'",
  },
  {
    what: "a composite type attribute's type",
    drift: 'ALTER TYPE pair ALTER ATTRIBUTE b TYPE varchar(10)',
    undo: 'ALTER TYPE pair ALTER ATTRIBUTE b TYPE text',
    names: "compositeType('pair'",
  },
  {
    what: 'an extension dropped',
    drift: 'DROP EXTENSION citext',
    undo: 'CREATE EXTENSION citext',
    names: "op.create(extension('citext'",
  },
  {
    what: 'an extension added',
    drift: 'CREATE EXTENSION isn',
    undo: 'DROP EXTENSION isn',
    names: "op.drop('extension', 'isn')",
  },
  {
    what: "a sequence's increment",
    drift: 'ALTER SEQUENCE ticket_seq INCREMENT BY 5',
    undo: 'ALTER SEQUENCE ticket_seq INCREMENT BY 10',
    names: "sequence('ticket_seq'",
  },
  {
    what: "a sequence's type",
    drift: 'ALTER SEQUENCE ticket_seq AS integer',
    undo: 'ALTER SEQUENCE ticket_seq AS bigint MAXVALUE 9223372036854775807',
    names: "sequence('ticket_seq'",
  },
  {
    what: 'a sequence dropped',
    drift: 'DROP SEQUENCE ticket_seq',
    undo: 'CREATE SEQUENCE ticket_seq START WITH 1000 INCREMENT BY 10',
    names: "op.create(sequence('ticket_seq'",
  },
  {
    what: "a policy's USING",
    drift: 'ALTER POLICY own_notes ON notes USING (owner = session_user)',
    undo: 'ALTER POLICY own_notes ON notes USING (owner = current_user)',
    names: "policy('own_notes'",
  },
  {
    what: "a policy's roles",
    drift: 'ALTER POLICY own_notes ON notes TO pg_monitor',
    undo: 'ALTER POLICY own_notes ON notes TO public',
    names: "roles: ['pg_monitor']",
  },
  {
    what: 'a policy dropped',
    drift: 'DROP POLICY own_notes ON notes',
    undo: 'CREATE POLICY own_notes ON notes USING (owner = current_user) WITH CHECK (owner = current_user)',
    names: "op.create(policy('own_notes'",
  },
  {
    what: 'row-level security disabled on a table',
    drift: 'ALTER TABLE notes DISABLE ROW LEVEL SECURITY',
    undo: 'ALTER TABLE notes ENABLE ROW LEVEL SECURITY',
    names: "op.setRowLevelSecurity('notes', { enabled: true",
  },
  {
    what: 'row-level security forced on a table',
    drift: 'ALTER TABLE notes FORCE ROW LEVEL SECURITY',
    undo: 'ALTER TABLE notes NO FORCE ROW LEVEL SECURITY',
    names: "op.setRowLevelSecurity('notes'",
  },
  {
    what: "a function's body",
    drift: STOCK.replace('SELECT qty', 'SELECT qty + 1'),
    undo: STOCK,
    names: "fn('stock'",
  },
  {
    what: "a function's volatility",
    drift: 'ALTER FUNCTION stock(integer) VOLATILE',
    undo: 'ALTER FUNCTION stock(integer) STABLE',
    names: "fn('stock'",
  },
  {
    what: "a function's SET clause and SECURITY DEFINER",
    drift: 'ALTER FUNCTION stock(integer) SECURITY DEFINER SET search_path = public',
    undo: 'ALTER FUNCTION stock(integer) SECURITY INVOKER RESET search_path',
    names: "fn('stock'",
  },
  {
    what: "a function's comment",
    drift: "COMMENT ON FUNCTION stock(integer) IS 'added behind our back'",
    undo: 'COMMENT ON FUNCTION stock(integer) IS NULL',
    names: "fn('stock'",
  },
  {
    what: 'a function dropped',
    drift: 'DROP FUNCTION stock(integer)',
    undo: STOCK,
    names: "op.create(fn('stock'",
  },
  {
    what: 'an overload added',
    drift: "CREATE FUNCTION stock(n text) RETURNS integer LANGUAGE sql AS 'SELECT 0'",
    undo: 'DROP FUNCTION stock(text)',
    names: "op.drop('function', 'stock', { args: 'text' })",
  },
  {
    what: "a procedure's body",
    drift: 'CREATE OR REPLACE PROCEDURE restock(i integer) LANGUAGE plpgsql AS $$BEGIN UPDATE items SET qty = qty + 2 WHERE id = i; END$$',
    undo: 'CREATE OR REPLACE PROCEDURE restock(i integer) LANGUAGE plpgsql AS $$BEGIN UPDATE items SET qty = qty + 1 WHERE id = i; END$$',
    names: "procedure('restock'",
  },
  {
    what: 'a trigger dropped',
    drift: 'DROP TRIGGER items_touch ON items',
    undo: TOUCH,
    names: "op.create(trigger('items_touch'",
  },
  {
    what: "a trigger's WHEN",
    drift: `DROP TRIGGER items_touch ON items; ${TOUCH.replace('OLD.name IS DISTINCT FROM NEW.name', 'OLD.qty <> NEW.qty')}`,
    undo: `DROP TRIGGER items_touch ON items; ${TOUCH}`,
    names: "trigger('items_touch'",
  },
  {
    what: "a trigger's UPDATE OF columns",
    drift: `DROP TRIGGER items_touch ON items; ${TOUCH.replace('BEFORE UPDATE', 'BEFORE UPDATE OF name')}`,
    undo: `DROP TRIGGER items_touch ON items; ${TOUCH}`,
    names: "trigger('items_touch'",
  },
  {
    what: "a trigger's events",
    drift: "DROP TRIGGER items_batch ON items; CREATE TRIGGER items_batch AFTER INSERT OR DELETE ON items EXECUTE FUNCTION touch('batch')",
    undo: "DROP TRIGGER items_batch ON items; CREATE TRIGGER items_batch AFTER INSERT ON items EXECUTE FUNCTION touch('batch')",
    names: "trigger('items_batch'",
  },
  {
    what: 'a trigger disabled',
    drift: 'ALTER TABLE items DISABLE TRIGGER items_touch',
    undo: 'ALTER TABLE items ENABLE TRIGGER items_touch',
    names: "trigger('items_touch'",
  },
  {
    what: "a trigger's arguments",
    drift: "DROP TRIGGER items_batch ON items; CREATE TRIGGER items_batch AFTER INSERT ON items EXECUTE FUNCTION touch('other')",
    undo: "DROP TRIGGER items_batch ON items; CREATE TRIGGER items_batch AFTER INSERT ON items EXECUTE FUNCTION touch('batch')",
    names: "trigger('items_batch'",
  },
];

describe('PostgreSQL objects: check finds what changed behind its back', () => {
  it('starts clean', async () => {
    expect((await project.retort.check()).ok).toBe(true);
  });

  it.each(DRIFTS)('$what', async (d) => {
    await rawQuery(db, d.drift);
    const found = await project.retort.check();
    expect(found.ok).toBe(false);
    expect(found.rendered).toContain(d.names);
    await rawQuery(db, d.undo);
    const clean = await project.retort.check();
    expect(clean.rendered).toBe('');
    expect(clean.ok).toBe(true);
  });

  it('from the command line: exit 3, the object named', async () => {
    await rawQuery(db, 'CREATE OR REPLACE VIEW item_names AS SELECT name FROM items WHERE qty > 5');
    const run = cli(project.dir, ['check']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain("view('item_names'");
  });

  it('from the command line: a policy and row-level security drift exit 3, both named', async () => {
    await rawQuery(db, 'ALTER TABLE notes NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY; ALTER POLICY own_notes ON notes TO pg_monitor');
    const run = cli(project.dir, ['check']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain("op.setRowLevelSecurity('notes'");
    expect(run.stdout).toContain("policy('own_notes'");
  });

  it('from the command line: a function and a trigger changed, exit 3, both named', async () => {
    await rawQuery(db, 'CREATE OR REPLACE VIEW item_names AS SELECT name FROM items WHERE qty > 0');
    await rawQuery(db, `${STOCK.replace('SELECT qty', 'SELECT qty * 2')}; DROP TRIGGER items_touch ON items`);
    const run = cli(project.dir, ['check']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain("fn('stock'");
    expect(run.stdout).toContain("trigger('items_touch'");
  });
});
