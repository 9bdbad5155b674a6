/**
 * `adopt --from TOOL`, `baseline` and `graph`, through the built CLI, on real servers: the other
 * tool's table (made as that tool makes it) is read and left untouched, the baseline is written
 * and stamped, and `check` passes right after.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';

const dbs: TestDatabase[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const db of dbs) await db.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function setup(dialect: TestDialect, sql: readonly string[]): Promise<{ db: TestDatabase; dir: string }> {
  const db = await createTestDatabase(dialect, 'retort_adopt');
  dbs.push(db);
  for (const s of sql) await rawQuery(db, s);
  const dir = mkdtempSync(join(tmpdir(), 'retort-adopt-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(join(dir, 'retort.config.json'), JSON.stringify({ url: db.url, migrations: './migrations', schema: './src/schema.ts' }));
  return { db, dir };
}

const APP = (serial: string) => [
  `CREATE TABLE users (id ${serial} PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE)`,
  'CREATE TABLE posts (id INTEGER NOT NULL PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), title TEXT)',
];

// Each tool's table as the tool itself creates it (knex 3, Alembic 1.13 offline SQL, Flyway 10).
const KNEX = (serial: string) => [
  `CREATE TABLE knex_migrations (id ${serial} PRIMARY KEY, name VARCHAR(255), batch INTEGER, migration_time TIMESTAMP NULL)`,
  `CREATE TABLE knex_migrations_lock (${'`index`'.replace(/`/g, serial.includes('AUTO') ? '`' : '"')} ${serial} PRIMARY KEY, is_locked INTEGER)`,
  "INSERT INTO knex_migrations (name, batch) VALUES ('20240101_init.js', 1), ('20240202_posts.js', 2)",
];
const ALEMBIC = [
  'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))',
  "INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf')",
];
const FLYWAY = [
  'CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time INT NOT NULL, success BOOL NOT NULL)',
  "INSERT INTO flyway_schema_history VALUES (1, '1', 'init', 'SQL', 'V1__init.sql', 1, 'me', CURRENT_TIMESTAMP, 5, 1), (2, '2', 'posts', 'SQL', 'V2__posts.sql', 2, 'me', CURRENT_TIMESTAMP, 5, 1)",
];

const CASES = [
  { dialect: 'sqlite', from: 'knex', serial: 'INTEGER', tool: KNEX('INTEGER'), table: 'knex_migrations', latest: ['20240202_posts.js'] },
  { dialect: 'postgres', from: 'alembic', serial: 'SERIAL', tool: ALEMBIC, table: 'alembic_version', latest: ['ae1027a6acf'] },
  { dialect: 'postgres', from: 'knex', serial: 'SERIAL', tool: KNEX('SERIAL'), table: 'knex_migrations', latest: ['20240202_posts.js'] },
  { dialect: 'mysql', from: 'flyway', serial: 'INTEGER AUTO_INCREMENT', tool: FLYWAY, table: 'flyway_schema_history', latest: ['2'] },
  { dialect: 'mysql', from: 'alembic', serial: 'INTEGER AUTO_INCREMENT', tool: ALEMBIC, table: 'alembic_version', latest: ['ae1027a6acf'] },
] as const;

describe('retort adopt --from TOOL', () => {
  for (const c of CASES) {
    it(`${c.from} on ${c.dialect}: baseline written and stamped, ${c.table} untouched, check passes`, async () => {
      const { db, dir } = await setup(c.dialect, [...APP(c.serial), ...c.tool]);
      const before = await rawQuery(db, `SELECT * FROM ${c.table}`);

      const preview = retort(dir, ['adopt', '--from', c.from, '--sql', '--json']);
      expect(preview.code, preview.stderr).toBe(0);
      expect(preview.json().written).toBe(false);
      expect(readdirSync(join(dir, 'migrations'))).toEqual([]);

      const run = retort(dir, ['adopt', '--from', c.from, '--json']);
      expect(run.code, run.stderr).toBe(0);
      const out = run.json();
      expect(out.from).toBe(c.from);
      expect(out.stamped).toEqual([out.revision]);
      expect(out.tool.latest).toEqual(c.latest);
      expect([...out.tables].sort()).toEqual(['posts', 'users']);
      expect(readdirSync(join(dir, 'migrations'))).toEqual([out.file.split('/').pop()]);
      expect(await rawQuery(db, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: out.revision }]);
      expect(await rawQuery(db, `SELECT * FROM ${c.table}`)).toEqual(before);

      const check = retort(dir, ['check']);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      // A second adopt is refused: the database is retort's now.
      expect(retort(dir, ['adopt', '--from', c.from]).code).toBe(2);
    });
  }

  it('a database without the tool\'s table: exit 2, nothing written or stamped', async () => {
    const { db, dir } = await setup('postgres', APP('SERIAL'));
    const run = retort(dir, ['adopt', '--from', 'alembic']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ToolTableMissing');
    expect(run.stderr).toContain('alembic_version');
    expect(readdirSync(join(dir, 'migrations'))).toEqual([]);
    expect(await rawQuery(db, "SELECT 1 FROM information_schema.tables WHERE table_name = 'retort_version'")).toEqual([]);
    expect(retort(dir, ['adopt', '--from', 'liquibase']).code).toBe(2);
  });
});

describe('retort baseline, then a fresh database upgraded from it', () => {
  it('writes, stamps, and its upgrade recreates the schema elsewhere; graph shows it', async () => {
    const { dir } = await setup('mysql', APP('INTEGER AUTO_INCREMENT'));
    const run = retort(dir, ['baseline', '-m', 'first', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().from).toBeNull();
    expect(retort(dir, ['check']).code).toBe(0);

    const fresh = await createTestDatabase('mysql', 'retort_adopt');
    dbs.push(fresh);
    expect(retort(dir, ['upgrade', 'head', '--url', fresh.url]).code).toBe(0);
    const again = retort(dir, ['check', '--url', fresh.url]);
    expect(again.code, `${again.stderr}${again.stdout}`).toBe(0);

    const mermaid = retort(dir, ['graph']);
    expect(mermaid.stdout).toContain('flowchart TD');
    expect(mermaid.stdout).toContain(`${run.json().revision} (head)`);
    expect(retort(dir, ['graph', '--format', 'dot']).stdout).toMatch(/^digraph revisions \{/);
    expect(retort(dir, ['graph', '--format', 'svg']).code).toBe(2);
  });
});
