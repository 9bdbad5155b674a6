/**
 * Issue 10, defect 6: `pull`, `revision --autogenerate` and `check` say, on every run, what the
 * database holds that retort does not model (kinds, counts, names; `unmodelled` in `--json`).
 * `check` never prints a bare OK over them: it exits 0 (the schema module cannot declare them, so
 * they cannot differ from it) but names them, and `--strict` makes them exit 3. Views and triggers
 * of SQLite and MySQL / MariaDB (and MySQL routines) are modelled: `pull` writes them.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

let db: TestDatabase | undefined;
let project: TestProject | undefined;
afterEach(async () => {
  project?.cleanup();
  project = undefined;
  await db?.drop();
  db = undefined;
});

/** Per dialect: a table and an object of a kind retort does not model, and how the report names it. */
const CASES: Record<TestDialect, { setup: string[]; line: string; kind: string; name: string }> = {
  postgres: {
    setup: [
      'CREATE TABLE items (id integer PRIMARY KEY, qty integer)',
      'CREATE RULE items_no_delete AS ON DELETE TO items DO INSTEAD NOTHING',
      'CREATE PUBLICATION items_pub FOR TABLE items',
    ],
    line: '  1 rule: public.items.items_no_delete',
    kind: 'rule',
    name: 'items_no_delete',
  },
  mysql: {
    setup: [
      'CREATE TABLE items (id integer PRIMARY KEY, qty integer)',
      'CREATE EVENT items_cleanup ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM items WHERE qty = 0',
    ],
    line: '  1 event: ',
    kind: 'event',
    name: 'items_cleanup',
  },
  sqlite: {
    setup: [
      'CREATE TABLE items (id integer PRIMARY KEY, qty integer)',
      'CREATE VIRTUAL TABLE items_search USING fts5(body)',
    ],
    line: '  1 virtual table: items_search',
    kind: 'virtual table',
    name: 'items_search',
  },
};

describe.each(['postgres', 'mysql', 'sqlite'] as const)('%s: the "not modelled" report', (dialect) => {
  it('pull, check and autogenerate name what they leave out; check --strict exits 3', async () => {
    const c = CASES[dialect];
    db = await createTestDatabase(dialect, 'retort_unmodcli');
    for (const statement of c.setup) await rawQuery(db, statement);
    project = createTestProject({ url: db.url, schema: './src/schema.ts' });
    mkdirSync(join(project.dir, 'src'));
    const run = (args: string[]) => retort(project!.dir, args);

    const pulled = run(['pull']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain('(1 tables).');
    expect(pulled.stdout).toContain('Not modelled by retort, so not written into the schema module:');
    expect(pulled.stdout).toContain(c.line);
    expect(readFileSync(join(project.dir, 'src/schema.ts'), 'utf8')).not.toContain(c.name);
    const pulledJson = JSON.parse(run(['--json', 'pull', '--out', 'src/again.ts']).stdout);
    expect(pulledJson.unmodelled).toContainEqual(expect.objectContaining({ kind: c.kind, name: c.name }));

    const checked = run(['check']);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('OK: the database is at head and matches the schema in everything retort models.');
    expect(checked.stdout).toContain('Not modelled by retort, so not compared:');
    expect(checked.stdout).toContain(c.line);
    const checkedJson = run(['--json', 'check']);
    expect(checkedJson.code).toBe(0);
    expect(checkedJson.json()).toMatchObject({ ok: true, unmodelled: expect.arrayContaining([expect.objectContaining({ kind: c.kind, name: c.name })]) });

    const strict = run(['--json', 'check', '--strict']);
    expect(strict.code).toBe(3);
    expect(strict.json()).toMatchObject({ ok: false, operations: [], notAtHead: false });
    expect(run(['check', '--strict']).stdout).toContain('With --strict, objects retort does not model fail the check.');

    const generated = run(['revision', '--autogenerate', '-m', 'nothing']);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toContain('Not modelled by retort, so neither compared nor written:');
    expect(generated.stdout).toContain(c.line);
  });
});

describe('a database with nothing beyond the model', () => {
  it('check prints the plain OK and an empty list', async () => {
    db = await createTestDatabase('sqlite', 'retort_unmodcli');
    await rawQuery(db, 'CREATE TABLE items (id integer PRIMARY KEY)');
    project = createTestProject({ url: db.url, schema: './src/schema.ts' });
    mkdirSync(join(project.dir, 'src'));
    expect(retort(project.dir, ['pull']).stdout).not.toContain('Not modelled');
    expect(retort(project.dir, ['check']).stdout.trim()).toBe('OK: the database is at head and matches the schema.');
    expect(retort(project.dir, ['--json', 'check', '--strict']).json()).toMatchObject({ ok: true, unmodelled: [] });
  });
});

/**
 * Per dialect: views and triggers (and MySQL's functions and procedures) made behind retort's back
 * are modelled now: `pull` writes them with the builders and `check` on the pulled module exits 0;
 * what the model cannot hold (a SQLite view with a column list, a MySQL event, a MariaDB
 * aggregate function) is still named as not modelled.
 */
const OBJECT_CASES: Partial<Record<TestDialect, { setup: string[]; written: string[]; unmodelled: string[] }>> = {
  sqlite: {
    setup: [
      'CREATE TABLE items (id integer PRIMARY KEY, qty integer, seen text)',
      'CREATE VIEW stocked AS SELECT id, qty FROM items WHERE qty > 0',
      'CREATE VIEW stocked_ids AS SELECT id FROM stocked',
      'CREATE VIEW renamed (a, b) AS SELECT id, qty FROM items',
      "CREATE TRIGGER items_seen AFTER UPDATE OF qty ON items WHEN new.qty = 0 BEGIN UPDATE items SET seen = 'out' WHERE id = new.id; END",
    ],
    written: [
      "export const stocked_view = view('stocked', sql`SELECT id, qty FROM items WHERE qty > 0`);",
      "export const stocked_ids_view = view('stocked_ids', sql`SELECT id FROM stocked`);",
      "export const items_seen_trigger = trigger('items_seen', {\n  table: 'items',\n  timing: 'after',\n  events: ['update'],\n  updateOf: ['qty'],\n  level: 'row',\n  when: sql`new.qty = 0`,\n  body: sql`UPDATE items SET seen = 'out' WHERE id = new.id;`,\n});",
      'defineSchema({ items, stocked_view, stocked_ids_view, items_seen_trigger })',
    ],
    unmodelled: ['  1 view: renamed'],
  },
  mysql: {
    setup: [
      'CREATE TABLE items (id int PRIMARY KEY, qty int, seen varchar(10))',
      'CREATE VIEW stocked AS SELECT id, qty FROM items WHERE qty > 0',
      "CREATE TRIGGER items_seen BEFORE UPDATE ON items FOR EACH ROW SET NEW.seen = 'x'",
      'CREATE EVENT items_cleanup ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM items WHERE qty = 0',
      "CREATE FUNCTION in_stock(q INT) RETURNS VARCHAR(3) DETERMINISTIC NO SQL COMMENT 'yes or no' RETURN IF(q > 0, 'yes', 'no')",
      'CREATE PROCEDURE restock(IN n INT, OUT total BIGINT) BEGIN UPDATE items SET qty = qty + n; SELECT SUM(qty) INTO total FROM items; END',
      // MariaDB's aggregate functions are not modelled.
      'CREATE AGGREGATE FUNCTION qty_sum(x INT) RETURNS INT BEGIN DECLARE s INT DEFAULT 0; DECLARE CONTINUE HANDLER FOR NOT FOUND RETURN s; LOOP FETCH GROUP NEXT ROW; SET s = s + x; END LOOP; END',
    ],
    // The server's text, without the database's name: the module works in a database of another name.
    written: [
      "export const stocked_view = view('stocked', sql`select \\`items\\`.\\`id\\` AS \\`id\\`,\\`items\\`.\\`qty\\` AS \\`qty\\` from \\`items\\` where \\`items\\`.\\`qty\\` > 0`);",
      "export const items_seen_trigger = trigger('items_seen', {\n  table: 'items',\n  timing: 'before',\n  events: ['update'],",
      // Routines, with their characteristics (SQL SECURITY DEFINER is MySQL's default) and the parameters' types as the server reports them.
      "export const in_stock_fn = fn('in_stock', {\n  args: [{ name: 'q', type: 'int(11)' }],\n  returns: 'varchar(3)',\n  language: 'sql',\n  body: sql`RETURN IF(q > 0, 'yes', 'no')`,\n" +
        "  volatility: 'immutable',\n  dataAccess: 'no sql',\n  securityDefiner: true,\n  comment: 'yes or no',\n});",
      "args: [{ name: 'n', type: 'int(11)' }, { name: 'total', type: 'bigint(20)', mode: 'out' }],\n  language: 'sql',\n  body: sql`BEGIN UPDATE items SET qty = qty + n; SELECT SUM(qty) INTO total FROM items; END`,",
    ],
    unmodelled: ['  1 event: ', '  1 function: ', '.qty_sum'],
  },
};

describe.each(Object.keys(OBJECT_CASES) as TestDialect[])('%s: pull writes views, triggers (and MySQL routines)', (dialect) => {
  it('pull writes them with the builders, check exits 0 on the pulled module, the rest is named', async () => {
    const c = OBJECT_CASES[dialect]!;
    db = await createTestDatabase(dialect, 'retort_pullobj');
    for (const statement of c.setup) await rawQuery(db, statement);
    project = createTestProject({ url: db.url, schema: './src/schema.ts' });
    mkdirSync(join(project.dir, 'src'));
    const pulled = retort(project.dir, ['pull']);
    expect(pulled.code, pulled.stderr).toBe(0);
    for (const line of c.unmodelled) expect(pulled.stdout).toContain(line);
    const module = readFileSync(join(project.dir, 'src/schema.ts'), 'utf8');
    for (const line of c.written) expect(module).toContain(line);
    const checked = retort(project.dir, ['--json', 'check']);
    expect(checked.code, checked.stdout).toBe(0);
    expect(checked.json()).toMatchObject({ ok: true, operations: [] });
  });
});
