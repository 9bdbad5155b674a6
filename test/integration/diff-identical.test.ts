/**
 * The diff skips tables identical to the letter on both sides (src/autogen/identical.ts). That
 * path must change no result. On real schemas, on each dialect (PostgreSQL: Danbooru, Pagila,
 * Chinook; MariaDB: Chinook, Kanboard; SQLite: Chinook), the fixture is loaded, pulled as `pull`
 * writes it, loaded back and compared as `check` compares it: the diff with the path equals the
 * diff without it, both for the pulled module as it is (every table takes the path: what `check`
 * compares in CI) and for an edited copy in which half the tables differ in a column, a default, a
 * NOT NULL, an index less, a key name, an index's uniqueness or a foreign key's ON DELETE (the last
 * two keep the counts: the sets must be compared, not counted).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { dialectDiffOptions, writeSchemaModule } from '../../src/api/autogenerate.js';
import { diffSchemas } from '../../src/autogen/diff.js';
import { identicalTables } from '../../src/autogen/identical.js';
import { parseUrl } from '../../src/config/url.js';
import type { Dialect } from '../../src/dialects/dialect.js';
import { mysqlDialect } from '../../src/dialects/mysql/index.js';
import { postgresDialect } from '../../src/dialects/postgres/index.js';
import { sqliteDialect } from '../../src/dialects/sqlite/index.js';
import { isSchemaDefinition } from '../../src/schema/define.js';
import { columnSpec, type SchemaModel, type TableSpec } from '../../src/schema/model.js';
import { loadScript } from '../../src/script/script-loader.js';
import { createTestDatabase, type TestDatabase, type TestDialect } from '../support/databases.js';
import { FIXTURES, loadDump } from '../support/pg-roundtrip.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

const DIALECTS: Record<TestDialect, Dialect> = { postgres: postgresDialect, mysql: mysqlDialect, sqlite: sqliteDialect };

/** Load `file` into a fresh database of `dialect`, as its README says. */
async function loadFixture(dialect: TestDialect, file: string): Promise<TestDatabase> {
  const db = await createTestDatabase(dialect, 'retort_ident');
  cleanups.push(() => db.drop());
  const path = join(FIXTURES, file);
  if (dialect === 'postgres') await loadDump(db.url, path);
  else if (dialect === 'sqlite') {
    const file = new Database(db.url.slice('sqlite:'.length));
    file.exec(readFileSync(path, 'utf8'));
    file.close();
  } else {
    const conn = await mysql.createConnection({ uri: db.url, multipleStatements: true });
    await conn.query(readFileSync(path, 'utf8'));
    await conn.end();
  }
  return db;
}

/** What `check` compares after `pull`: the live model, and the pulled module loaded back and normalised. */
async function pulled(dialect: Dialect, db: TestDatabase): Promise<{ live: SchemaModel; declared: SchemaModel }> {
  const autogen = dialect.autogen!;
  const connection = await dialect.connect(parseUrl(db.url));
  try {
    return await connection.withSession(async (session) => {
      const live = await autogen.readSchema(session, {});
      const defaults = await autogen.readDefaults?.(session, {});
      const dir = mkdtempSync(join(tmpdir(), 'retort-ident-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const path = join(dir, 'schema.ts');
      writeSchemaModule(path, live, defaults, autogen.defaultPrimaryKeyName);
      const schema = (await loadScript(path)).default;
      if (!isSchemaDefinition(schema)) throw new Error('the pulled module does not export a schema');
      return { live, declared: autogen.normalizeDeclared(schema.model, defaults) };
    });
  } finally {
    await connection.close();
  }
}

/** Every other table edited one way, in turn: a column more, a default, NOT NULL flipped, an index less, the key renamed, an index made (non-)unique, a foreign key's ON DELETE. */
function edited(model: SchemaModel): SchemaModel {
  const edits: ((t: TableSpec) => TableSpec)[] = [
    (t) => ({ ...t, columns: [...t.columns, { name: 'added_here', spec: columnSpec({ kind: 'text' }) }] }),
    (t) => ({ ...t, columns: t.columns.map((c, i) => (i === t.columns.length - 1 ? { ...c, spec: { ...c.spec, default: { kind: 'literal', value: 7 } } } : c)) }),
    (t) => ({ ...t, columns: t.columns.map((c) => (c.spec.primaryKey ? c : { ...c, spec: { ...c.spec, nullable: !c.spec.nullable } })) }),
    (t) => ({ ...t, indexes: t.indexes.slice(1) }),
    (t) => ({ ...t, constraints: t.constraints.map((c) => (c.kind === 'primaryKey' ? { ...c, name: `${t.name}_renamed_pk` } : c)) }),
    // As many indexes and keys as before, one of them changed: the sets must be compared, not counted.
    (t) => ({ ...t, indexes: t.indexes.map((ix, i) => (i === 0 ? { ...ix, unique: ix.unique !== true } : ix)) }),
    (t) => ({
      ...t,
      columns: t.columns.map((c) => (c.spec.references === undefined ? c : { ...c, spec: { ...c.spec, references: { ...c.spec.references, onDelete: c.spec.references.onDelete === 'cascade' ? 'restrict' : 'cascade' } } })),
      constraints: t.constraints.map((c) => (c.kind === 'foreignKey' ? { ...c, onDelete: c.onDelete === 'cascade' ? 'restrict' : 'cascade' } : c)),
    }),
  ];
  // Every other table, each edit in turn: each edit reaches tables of every fixture, and the
  // tables it leaves as they were (no index to change, no foreign key) still take the path.
  return { ...model, tables: model.tables.map((t, i) => (i % 2 === 0 ? (edits[(i / 2) % edits.length] as (t: TableSpec) => TableSpec)(t) : t)) };
}

const FIXTURE_FILES: [TestDialect, string][] = [
  ['postgres', 'danbooru.postgres.sql'],
  ['postgres', 'pagila-schema.postgres.sql'],
  ['postgres', 'chinook.postgresql.sql'],
  ['mysql', 'chinook.mysql.sql'],
  ['mysql', 'kanboard.mysql.sql'],
  ['sqlite', 'chinook.sqlite.sql'],
];

describe('the diff skips identical tables without changing its result', () => {
  for (const [name, file] of FIXTURE_FILES) {
    it(`${name}: ${file}`, async () => {
      const dialect = DIALECTS[name];
      const { live, declared } = await pulled(dialect, await loadFixture(name, file));
      const diff = (to: SchemaModel, fast: boolean) => diffSchemas(live, to, { ...dialectDiffOptions(dialect), fast });
      const byName = new Map(live.tables.map((t) => [t.name, t]));
      const identical = declared.tables.filter((t) => byName.has(t.name) && identicalTables(byName.get(t.name) as TableSpec, t)).length;
      // The path is taken: every table of a pulled module reads back to the letter.
      expect(identical).toBe(declared.tables.length);
      expect(diff(declared, true)).toEqual(diff(declared, false));
      const changed = edited(declared);
      const full = diff(changed, false);
      expect(full.upgrade.length).toBeGreaterThan(0);
      expect(diff(changed, true)).toEqual(full);
    }, 60_000);
  }
});
