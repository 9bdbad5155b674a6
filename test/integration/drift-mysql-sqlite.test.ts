/**
 * Drift on MariaDB and SQLite: one attribute is changed behind retort's back, `retort check`
 * must exit 3 and name it (the one operation that would put it back), and once it is undone
 * `check` is clean again. A table of drifts over what issue 10 added: collations, character
 * sets, ON UPDATE, generated columns, FULLTEXT / prefix / descending indexes, table engine,
 * collation and row format, auto-increment, views, triggers, stored functions and procedures;
 * SQLite's generated columns and collations.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { schemaModule } from '../support/edit-cycle.js';
import { createTestProject } from '../support/project.js';
import type { TestProject } from '../support/project.js';

interface Drift {
  readonly name: string;
  /** Statements that change the database behind retort's back. */
  readonly apply: readonly string[];
  /** Statements that put it back. */
  readonly undo: readonly string[];
  /** The operations `check --json` must report, and only these. */
  readonly expected: readonly Record<string, unknown>[];
}

/** A project on a fresh database whose schema module `module` has been generated and applied. */
async function setUp(dialect: 'mysql' | 'sqlite', module: string): Promise<{ db: TestDatabase; project: TestProject }> {
  const db = await createTestDatabase(dialect, 'retort_drift');
  const project = createTestProject({ url: db.url, schema: './schema.ts' });
  writeFileSync(join(project.dir, 'schema.ts'), module);
  await project.retort.autogenerate({ message: 'schema' });
  await project.retort.upgrade('head');
  return { db, project };
}

async function run(db: TestDatabase, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await rawQuery(db, statement);
}

/** Apply the drift; `check` exits 3 naming it; undo it; `check` is clean. */
async function assertDrift(db: TestDatabase, project: TestProject, drift: Drift): Promise<void> {
  await run(db, drift.apply);
  try {
    const out = retort(project.dir, ['check', '--json']);
    expect(out.code, out.stderr).toBe(3);
    expect(out.json<{ operations: unknown[] }>().operations).toMatchObject(drift.expected);
  } finally {
    await run(db, drift.undo);
  }
  expect((await project.retort.check()).operations).toEqual([]);
}

const imports = ['bigint', 'element', 'fn', 'index', 'integer', 'numeric', 'procedure', 'sql', 'text', 'timestamptz', 'trigger', 'varchar', 'view'];

const MYSQL_SCHEMA = schemaModule(imports, `export const users = table('users', {
  id: bigint().unsigned().primaryKey().autoIncrement(),
  login: varchar(40).notNull(),
  password: varchar(64).notNull().collate('utf8mb4_bin'),
  legacy: varchar(20).charset('latin1'),
  updated: timestamptz().notNull().default(sql\`CURRENT_TIMESTAMP\`).onUpdate(sql\`CURRENT_TIMESTAMP\`),
  price: numeric(10, 2).notNull().default(0),
  total: numeric(12, 2).generatedAlwaysAs(sql\`price * 2\`),
  label: varchar(40).generatedAlwaysAs(sql\`upper(login)\`, { stored: true }),
  bio: text(),
}, (t) => [
  index('ft_bio').on(t.bio).fulltext(),
  index('ix_login_prefix').on(element(t.login, { length: 10 })),
  index('ix_login_desc').on(element(t.login, { order: 'desc' }), t.id),
]);
export const settings = table('settings', { k: varchar(40).primaryKey(), secret: varchar(20).collate('utf8mb4_bin') });
export const cache = table('cache', { k: varchar(40).primaryKey() });
export const tags = table('tags', { id: integer().primaryKey(), label: varchar(40).notNull(), uses: integer().notNull().default(0), touched: integer().notNull().default(0) });
export const usedTags = view('used_tags', sql\`SELECT id, label FROM tags WHERE uses > 0\`);
export const topTags = view('top_tags', sql\`SELECT label FROM used_tags ORDER BY label LIMIT 10\`, { options: { security_invoker: 'true' } });
export const touch = trigger('tags_touch', { table: 'tags', timing: 'before', events: ['update'], body: sql\`SET NEW.touched = OLD.touched + 1\` });
export const net = fn('net', { args: [{ name: 'p', type: 'decimal(10,2)' }], returns: 'decimal(10,2)', language: 'sql', volatility: 'immutable', body: sql\`RETURN p * 2\` });
export const tagReset = procedure('tag_reset', { language: 'sql', dataAccess: 'modifies sql data', body: sql\`BEGIN
  UPDATE tags SET uses = 0;
  UPDATE tags SET touched = 0;
END\` });`,
  ['users', 'settings', 'cache', 'tags', 'usedTags', 'topTags', 'touch', 'net', 'tagReset']);

const MYSQL_DRIFTS: readonly Drift[] = [
  {
    name: 'a _bin column made case-insensitive',
    apply: ['ALTER TABLE users MODIFY password VARCHAR(64) NOT NULL'],
    undo: ['ALTER TABLE users MODIFY password VARCHAR(64) COLLATE utf8mb4_bin NOT NULL'],
    expected: [{ kind: 'alterColumn', table: 'users', column: 'password', changes: { collation: 'utf8mb4_bin' } }],
  },
  {
    name: 'a latin1 column converted to utf8mb4',
    apply: ['ALTER TABLE users MODIFY legacy VARCHAR(20) CHARACTER SET utf8mb4 NULL'],
    undo: ['ALTER TABLE users MODIFY legacy VARCHAR(20) CHARACTER SET latin1 NULL'],
    expected: [{ kind: 'alterColumn', column: 'legacy', changes: { charset: 'latin1' } }],
  },
  {
    name: 'ON UPDATE CURRENT_TIMESTAMP dropped',
    apply: ['ALTER TABLE users MODIFY updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP'],
    undo: ['ALTER TABLE users MODIFY updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'],
    expected: [{ kind: 'alterColumn', column: 'updated', changes: { onUpdate: { kind: 'sql', sql: 'CURRENT_TIMESTAMP' } } }],
  },
  {
    name: 'a generated expression changed',
    apply: ['ALTER TABLE users MODIFY total DECIMAL(12,2) AS (price * 3) VIRTUAL'],
    undo: ['ALTER TABLE users MODIFY total DECIMAL(12,2) AS (price * 2) VIRTUAL'],
    expected: [{ kind: 'alterColumn', column: 'total', changes: { generated: { expression: 'price * 2', stored: false } } }],
  },
  {
    name: 'a STORED generated column made VIRTUAL',
    apply: ['ALTER TABLE users DROP COLUMN label, ADD COLUMN label VARCHAR(40) AS (upper(login)) VIRTUAL AFTER total'],
    undo: ['ALTER TABLE users DROP COLUMN label, ADD COLUMN label VARCHAR(40) AS (upper(login)) STORED AFTER total'],
    expected: [{ kind: 'alterColumn', column: 'label', changes: { generated: { stored: true } } }],
  },
  {
    name: 'AUTO_INCREMENT dropped',
    apply: ['ALTER TABLE users MODIFY id BIGINT UNSIGNED NOT NULL'],
    undo: ['ALTER TABLE users MODIFY id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT'],
    expected: [{ kind: 'alterColumn', column: 'id', changes: { autoIncrement: true } }],
  },
  {
    name: 'a FULLTEXT index made a plain prefix index',
    apply: ['DROP INDEX ft_bio ON users', 'CREATE INDEX ft_bio ON users (bio(20))'],
    undo: ['DROP INDEX ft_bio ON users', 'CREATE FULLTEXT INDEX ft_bio ON users (bio)'],
    expected: [{ kind: 'dropIndex', name: 'ft_bio' }, { kind: 'createIndex', name: 'ft_bio', columns: ['bio'], fulltext: true }],
  },
  {
    name: 'an index prefix lengthened',
    apply: ['DROP INDEX ix_login_prefix ON users', 'CREATE INDEX ix_login_prefix ON users (login(20))'],
    undo: ['DROP INDEX ix_login_prefix ON users', 'CREATE INDEX ix_login_prefix ON users (login(10))'],
    expected: [{ kind: 'dropIndex', name: 'ix_login_prefix' }, { kind: 'createIndex', name: 'ix_login_prefix', columns: [{ column: 'login', length: 10 }] }],
  },
  {
    name: 'a descending index part made ascending',
    apply: ['DROP INDEX ix_login_desc ON users', 'CREATE INDEX ix_login_desc ON users (login, id)'],
    undo: ['DROP INDEX ix_login_desc ON users', 'CREATE INDEX ix_login_desc ON users (login DESC, id)'],
    expected: [{ kind: 'dropIndex', name: 'ix_login_desc' }, { kind: 'createIndex', name: 'ix_login_desc', columns: [{ column: 'login', order: 'desc' }, 'id'] }],
  },
  {
    name: 'the engine changed',
    apply: ['ALTER TABLE cache ENGINE=MyISAM'],
    undo: ['ALTER TABLE cache ENGINE=InnoDB'],
    expected: [{ kind: 'alterTableOptions', table: 'cache', options: { engine: 'InnoDB' } }],
  },
  {
    name: 'the row format set',
    apply: ['ALTER TABLE cache ROW_FORMAT=COMPACT'],
    undo: ['ALTER TABLE cache ROW_FORMAT=DEFAULT'],
    expected: [{ kind: 'alterTableOptions', table: 'cache', options: { rowFormat: null } }],
  },
  {
    name: "the table's default collation changed",
    apply: ['ALTER TABLE cache DEFAULT COLLATE utf8mb4_unicode_ci'],
    undo: ['ALTER TABLE cache DEFAULT COLLATE utf8mb4_general_ci'],
    // The column keeps the collation it had, now its own: putting the table back puts it back too.
    expected: [{ kind: 'alterTableOptions', table: 'cache', options: { collate: 'utf8mb4_general_ci' } }, { kind: 'alterColumn', column: 'k', changes: { collation: null } }],
  },
];

const MY_USED_TAGS = 'CREATE OR REPLACE VIEW used_tags AS SELECT id, label FROM tags WHERE uses > 0';
const TOP_TAGS = 'CREATE OR REPLACE SQL SECURITY INVOKER VIEW top_tags AS SELECT label FROM used_tags ORDER BY label LIMIT 10';
const TOUCH = 'CREATE TRIGGER tags_touch BEFORE UPDATE ON tags FOR EACH ROW SET NEW.touched = OLD.touched + 1';
const mysqlView = (name: string) => ({ kind: 'view', name });
const touch = { kind: 'trigger', name: 'tags_touch', table: 'tags' };

/** Views and triggers (the views are put back as a person would write them: the server's stored text differs). */
const MYSQL_OBJECT_DRIFTS: readonly Drift[] = [
  {
    name: "a view's query changed (replaced in place)",
    apply: ['CREATE OR REPLACE VIEW used_tags AS SELECT id, label FROM tags WHERE uses > 1'],
    undo: [MY_USED_TAGS],
    expected: [{ kind: 'alterObject', to: { ...mysqlView('used_tags'), body: 'SELECT id, label FROM tags WHERE uses > 0' } }],
  },
  {
    name: 'a view given a CHECK OPTION',
    apply: ['CREATE OR REPLACE VIEW used_tags AS SELECT id, label FROM tags WHERE uses > 0 WITH CASCADED CHECK OPTION'],
    undo: [MY_USED_TAGS],
    expected: [{ kind: 'alterObject', from: { options: { check_option: 'cascaded' } }, to: mysqlView('used_tags') }],
  },
  {
    name: 'a view made SQL SECURITY DEFINER',
    apply: [TOP_TAGS.replace(' SQL SECURITY INVOKER', '')],
    undo: [TOP_TAGS],
    expected: [{ kind: 'alterObject', to: { ...mysqlView('top_tags'), options: { security_invoker: 'true' } } }],
  },
  {
    name: 'a view dropped',
    apply: ['DROP VIEW top_tags'],
    undo: [TOP_TAGS],
    expected: [{ kind: 'createObject', object: mysqlView('top_tags') }],
  },
  {
    name: 'a view added',
    apply: ['CREATE VIEW stray AS SELECT 1 AS one'],
    undo: ['DROP VIEW stray'],
    expected: [{ kind: 'dropObject', object: mysqlView('stray') }],
  },
  {
    name: "a trigger's body changed",
    apply: ['DROP TRIGGER tags_touch', TOUCH.replace('+ 1', '+ 2')],
    undo: ['DROP TRIGGER tags_touch', TOUCH],
    expected: [{ kind: 'dropObject', object: touch }, { kind: 'createObject', object: { ...touch, body: 'SET NEW.touched = OLD.touched + 1' } }],
  },
  {
    name: 'a trigger made AFTER INSERT',
    apply: ['DROP TRIGGER tags_touch', 'CREATE TRIGGER tags_touch AFTER INSERT ON tags FOR EACH ROW SET @n = 1'],
    undo: ['DROP TRIGGER tags_touch', TOUCH],
    expected: [{ kind: 'dropObject', object: touch }, { kind: 'createObject', object: { ...touch, timing: 'before', events: ['update'] } }],
  },
  {
    name: 'a trigger dropped',
    apply: ['DROP TRIGGER tags_touch'],
    undo: [TOUCH],
    expected: [{ kind: 'createObject', object: touch }],
  },
];

const NET = 'CREATE OR REPLACE FUNCTION net(p DECIMAL(10,2)) RETURNS DECIMAL(10,2) DETERMINISTIC SQL SECURITY INVOKER RETURN p * 2';
const TAG_RESET = `CREATE PROCEDURE tag_reset() MODIFIES SQL DATA SQL SECURITY INVOKER BEGIN
  UPDATE tags SET uses = 0;
  UPDATE tags SET touched = 0;
END`;
const net = { kind: 'function', name: 'net' };
const tagReset = { kind: 'procedure', name: 'tag_reset' };

/** Stored functions and procedures (the definer is not compared: see src/dialects/mysql/objects/routines.ts). */
const MYSQL_ROUTINE_DRIFTS: readonly Drift[] = [
  {
    name: "a function's body changed",
    apply: [NET.replace('p * 2', 'p * 3')],
    undo: [NET],
    expected: [{ kind: 'alterObject', from: { ...net, body: 'RETURN p * 3' }, to: { ...net, body: 'RETURN p * 2' } }],
  },
  {
    name: "a procedure's SQL SECURITY and data access changed",
    apply: ['ALTER PROCEDURE tag_reset SQL SECURITY DEFINER READS SQL DATA'],
    undo: ['ALTER PROCEDURE tag_reset SQL SECURITY INVOKER MODIFIES SQL DATA'],
    expected: [{ kind: 'alterObject', from: { ...tagReset, securityDefiner: true, dataAccess: 'reads sql data' }, to: { ...tagReset, dataAccess: 'modifies sql data' } }],
  },
  {
    name: 'a procedure dropped',
    apply: ['DROP PROCEDURE tag_reset'],
    undo: [TAG_RESET],
    expected: [{ kind: 'createObject', object: tagReset }],
  },
];

describe('drift on MariaDB: check exits 3 and names it', () => {
  let db: TestDatabase;
  let project: TestProject;
  beforeAll(async () => {
    ({ db, project } = await setUp('mysql', MYSQL_SCHEMA));
  });
  afterAll(async () => {
    project?.cleanup();
    await db?.drop();
  });

  it.each([...MYSQL_DRIFTS, ...MYSQL_OBJECT_DRIFTS, ...MYSQL_ROUTINE_DRIFTS])('$name', async (drift) => assertDrift(db, project, drift));
});

const SQLITE_SCHEMA = schemaModule(imports, `export const notes = table('notes', {
  id: integer().primaryKey(),
  body: text(),
  size: integer().generatedAlwaysAs(sql\`length(body)\`),
  title: varchar(40).collate('NOCASE'),
  words: integer().generatedAlwaysAs(sql\`length(body) + 1\`, { stored: true }),
});
export const tags = table('tags', { id: integer().primaryKey(), label: text().notNull(), uses: integer().notNull().default(0) });
export const tagLog = table('tag_log', { id: integer().primaryKey(), tag: integer(), at: text() });
export const usedTags = view('used_tags', sql\`SELECT id, label FROM tags WHERE uses > 0\`);
export const topTags = view('top_tags', sql\`SELECT label FROM used_tags ORDER BY label LIMIT 10\`);
export const logUse = trigger('log_use', {
  table: 'tags', timing: 'after', events: ['update'], updateOf: ['uses'], when: sql\`new.uses > old.uses\`,
  body: sql\`INSERT INTO tag_log (tag, at) VALUES (new.id, datetime('now'));\`,
});`, ['notes', 'tags', 'tagLog', 'usedTags', 'topTags', 'logUse']);

/** The notes table as `CREATE TABLE` text, with one part replaced (SQLite changes a table by re-creating it). */
function notes(replace: Record<string, string> = {}): string[] {
  let text = `CREATE TABLE notes (
  id INTEGER NOT NULL PRIMARY KEY,
  body TEXT,
  size INTEGER GENERATED ALWAYS AS (length(body)) VIRTUAL,
  title VARCHAR(40) COLLATE NOCASE,
  words INTEGER GENERATED ALWAYS AS (length(body) + 1) STORED
)`;
  for (const [from, to] of Object.entries(replace)) text = text.replace(from, to);
  return ['DROP TABLE notes', text];
}

const LOG_USE = `CREATE TRIGGER "log_use" AFTER UPDATE OF "uses" ON "tags" FOR EACH ROW
WHEN new.uses > old.uses
BEGIN
  INSERT INTO tag_log (tag, at) VALUES (new.id, datetime('now'));
END`;
const USED_TAGS = 'CREATE VIEW used_tags AS SELECT id, label FROM tags WHERE uses > 0';
const view = (name: string) => ({ kind: 'view', name });
const logUse = { kind: 'trigger', name: 'log_use', table: 'tags' };

const SQLITE_DRIFTS: readonly Drift[] = [
  {
    // SQLite has no CREATE OR REPLACE: the view and the view over it are dropped and created again.
    name: "a view's query changed",
    apply: ['DROP VIEW used_tags', 'CREATE VIEW used_tags AS SELECT id, label FROM tags WHERE uses > 1'],
    undo: ['DROP VIEW used_tags', USED_TAGS],
    expected: [
      { kind: 'dropObject', object: view('top_tags') }, { kind: 'dropObject', object: view('used_tags') },
      { kind: 'createObject', object: { ...view('used_tags'), body: 'SELECT id, label FROM tags WHERE uses > 0' } }, { kind: 'createObject', object: view('top_tags') },
    ],
  },
  {
    name: 'a view dropped',
    apply: ['DROP VIEW top_tags'],
    undo: ['CREATE VIEW top_tags AS SELECT label FROM used_tags ORDER BY label LIMIT 10'],
    expected: [{ kind: 'createObject', object: view('top_tags') }],
  },
  {
    name: 'a view added',
    apply: ['CREATE VIEW stray AS SELECT 1 AS one'],
    undo: ['DROP VIEW stray'],
    expected: [{ kind: 'dropObject', object: view('stray') }],
  },
  {
    name: "a trigger's body changed",
    apply: ['DROP TRIGGER log_use', LOG_USE.replace("datetime('now')", "'never'")],
    undo: ['DROP TRIGGER log_use', LOG_USE],
    expected: [{ kind: 'dropObject', object: logUse }, { kind: 'createObject', object: { ...logUse, body: "INSERT INTO tag_log (tag, at) VALUES (new.id, datetime('now'));" } }],
  },
  {
    name: "a trigger's WHEN condition dropped",
    apply: ['DROP TRIGGER log_use', LOG_USE.replace('WHEN new.uses > old.uses\n', '')],
    undo: ['DROP TRIGGER log_use', LOG_USE],
    expected: [{ kind: 'dropObject', object: logUse }, { kind: 'createObject', object: { ...logUse, when: 'new.uses > old.uses' } }],
  },
  {
    name: 'a trigger made BEFORE',
    apply: ['DROP TRIGGER log_use', LOG_USE.replace('AFTER UPDATE', 'BEFORE UPDATE')],
    undo: ['DROP TRIGGER log_use', LOG_USE],
    expected: [{ kind: 'dropObject', object: logUse }, { kind: 'createObject', object: { ...logUse, timing: 'after' } }],
  },
  {
    name: "a trigger's UPDATE OF columns changed",
    apply: ['DROP TRIGGER log_use', LOG_USE.replace('OF "uses"', 'OF "uses", "label"')],
    undo: ['DROP TRIGGER log_use', LOG_USE],
    expected: [{ kind: 'dropObject', object: logUse }, { kind: 'createObject', object: { ...logUse, updateOf: ['uses'] } }],
  },
  {
    name: 'a trigger dropped',
    apply: ['DROP TRIGGER log_use'],
    undo: [LOG_USE],
    expected: [{ kind: 'createObject', object: logUse }],
  },
  {
    name: 'a generated expression changed',
    apply: notes({ 'AS (length(body)) VIRTUAL': 'AS (length(body) * 2) VIRTUAL' }),
    undo: notes(),
    expected: [{ kind: 'alterColumn', table: 'notes', column: 'size', changes: { generated: { expression: 'length(body)', stored: false } } }],
  },
  {
    name: 'a STORED generated column made VIRTUAL',
    apply: notes({ '+ 1) STORED': '+ 1) VIRTUAL' }),
    undo: notes(),
    expected: [{ kind: 'alterColumn', column: 'words', changes: { generated: { stored: true } } }],
  },
  {
    name: 'a generated column made plain',
    apply: notes({ 'INTEGER GENERATED ALWAYS AS (length(body)) VIRTUAL': 'INTEGER' }),
    undo: notes(),
    expected: [{ kind: 'alterColumn', column: 'size', changes: { generated: { expression: 'length(body)' } } }],
  },
  {
    name: 'a collation dropped',
    apply: notes({ ' COLLATE NOCASE': '' }),
    undo: notes(),
    expected: [{ kind: 'alterColumn', column: 'title', changes: { collation: 'NOCASE' } }],
  },
  {
    name: 'a collation changed',
    apply: notes({ 'COLLATE NOCASE': 'COLLATE RTRIM' }),
    undo: notes(),
    expected: [{ kind: 'alterColumn', column: 'title', changes: { collation: 'NOCASE' } }],
  },
];

describe('drift on SQLite: check exits 3 and names it', () => {
  let db: TestDatabase;
  let project: TestProject;
  beforeAll(async () => {
    ({ db, project } = await setUp('sqlite', SQLITE_SCHEMA));
  });
  afterAll(async () => {
    project?.cleanup();
    await db?.drop();
  });

  it.each(SQLITE_DRIFTS)('$name', async (drift) => assertDrift(db, project, drift));
});
