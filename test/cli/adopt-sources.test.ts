/**
 * `adopt --from TOOL` for each of the six sources, on the real servers, with the tool's own
 * tables made as the tool itself makes them (DDL copied from each tool, cited per constant) and
 * rows as it writes them. For each: `--sql` prints the baseline and the stamp and changes nothing;
 * `adopt` writes the baseline, stamps it, leaves every table of the tool as it was and names them
 * for the user to drop; then `check` exits 0 and autogenerate proposes nothing (no drop of the
 * tool's tables).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** The application the tool managed: two tables and a foreign key. */
const APP: Record<TestDialect, readonly string[]> = {
  sqlite: ['CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email VARCHAR(255) NOT NULL UNIQUE)', 'CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), title TEXT)'],
  postgres: ['CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE)', 'CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), title TEXT)'],
  mysql: ['CREATE TABLE users (id INTEGER AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE)', 'CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, title TEXT, FOREIGN KEY (user_id) REFERENCES users (id))'],
};

interface Source {
  readonly from: string;
  readonly dialect: TestDialect;
  /** The tool's DDL and rows. */
  readonly sql: readonly string[];
  /** Every table the tool keeps, as adopt names them. */
  readonly tables: readonly string[];
  readonly latest: readonly string[];
  readonly failed?: number;
}

const SOURCES: readonly Source[] = [
  {
    // Alembic 1.13 `upgrade --sql` on SQLite, two heads (a branched history).
    from: 'alembic', dialect: 'sqlite', tables: ['alembic_version'], latest: ['1975ea83b712', 'ae1027a6acf'],
    sql: [
      'CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)',
      "INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf')",
      "INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712')",
    ],
  },
  {
    // sqlalchemy-migrate 0.13 `version_control` (migrate/versioning/schema.py: repository_id String(250) primary key, repository_path Text, version Integer) on MariaDB.
    from: 'sqlalchemy-migrate', dialect: 'mysql', tables: ['migrate_version'], latest: ['4'],
    sql: [
      'CREATE TABLE migrate_version (\n\trepository_id VARCHAR(250) NOT NULL, \n\trepository_path TEXT, \n\tversion INTEGER, \n\tPRIMARY KEY (repository_id)\n)',
      "INSERT INTO migrate_version (repository_id, repository_path, version) VALUES ('userdata', '/srv/app/migrations', 4)",
    ],
  },
  {
    // knex 3 migrator on MySQL (its table builder's SQL), with the lock row it inserts.
    from: 'knex', dialect: 'mysql', tables: ['knex_migrations', 'knex_migrations_lock'], latest: ['20240202_posts.js'],
    sql: [
      'create table `knex_migrations` (`id` int unsigned not null auto_increment primary key, `name` varchar(255), `batch` int, `migration_time` timestamp NULL)',
      'create table `knex_migrations_lock` (`index` int unsigned not null auto_increment primary key, `is_locked` int)',
      'insert into `knex_migrations_lock` (`is_locked`) values (0)',
      "insert into `knex_migrations` (`batch`, `migration_time`, `name`) values (1, '2024-01-01 10:00:00', '20240101_init.js')",
      "insert into `knex_migrations` (`batch`, `migration_time`, `name`) values (2, '2024-02-02 10:00:00', '20240202_posts.js')",
    ],
  },
  {
    // drizzle-orm 0.45's SQLite migrator: `id SERIAL PRIMARY KEY` is no rowid alias, so ids stay NULL.
    from: 'drizzle', dialect: 'sqlite', tables: ['__drizzle_migrations'], latest: ['b3f1'],
    sql: [
      'CREATE TABLE IF NOT EXISTS `__drizzle_migrations` (\n\t\t\t\tid SERIAL PRIMARY KEY,\n\t\t\t\thash text NOT NULL,\n\t\t\t\tcreated_at numeric\n\t\t\t)',
      "INSERT INTO `__drizzle_migrations` (\"hash\", \"created_at\") VALUES ('a07c', 1704103200000)",
      "INSERT INTO `__drizzle_migrations` (\"hash\", \"created_at\") VALUES ('b3f1', 1706868000000)",
    ],
  },
  {
    // Prisma's schema engine (postgres connector's create_migrations_table); one migration
    // finished, the next one failed half-way (no finished_at, not rolled back).
    from: 'prisma', dialect: 'postgres', tables: ['_prisma_migrations'], latest: ['20240101000000_init'], failed: 1,
    sql: [
      'CREATE TABLE "_prisma_migrations" (\n    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,\n    "checksum"              VARCHAR(64) NOT NULL,\n    "finished_at"           TIMESTAMPTZ,\n    "migration_name"        VARCHAR(255) NOT NULL,\n    "logs"                  TEXT,\n    "rolled_back_at"        TIMESTAMPTZ,\n    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),\n    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0\n)',
      "INSERT INTO \"_prisma_migrations\" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ('5d3c7b1e-0c55-4a6e-9a3e-1f2b3c4d5e6f', 'c0ffee', '2024-01-01 00:00:01+00', '20240101000000_init', '2024-01-01 00:00:00+00', 1)",
      "INSERT INTO \"_prisma_migrations\" (id, checksum, migration_name, logs, started_at, applied_steps_count) VALUES ('8a1f2e3d-4c5b-6a79-8e0f-a1b2c3d4e5f6', 'beef', '20240202000000_posts', 'db error: relation exists', '2024-02-02 00:00:00+00', 0)",
    ],
  },
  {
    // Flyway 10's PostgreSQL createMetaDataTable.sql: table, primary key, index on success.
    from: 'flyway', dialect: 'postgres', tables: ['flyway_schema_history'], latest: ['2'],
    sql: [
      'CREATE TABLE "public"."flyway_schema_history" (\n    "installed_rank" INT NOT NULL,\n    "version" VARCHAR(50),\n    "description" VARCHAR(200) NOT NULL,\n    "type" VARCHAR(20) NOT NULL,\n    "script" VARCHAR(1000) NOT NULL,\n    "checksum" INTEGER,\n    "installed_by" VARCHAR(100) NOT NULL,\n    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),\n    "execution_time" INTEGER NOT NULL,\n    "success" BOOLEAN NOT NULL\n)',
      'ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank")',
      'CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success")',
      "INSERT INTO \"public\".\"flyway_schema_history\" VALUES (1, '1', 'init', 'SQL', 'V1__init.sql', -1293011374, 'app', '2024-01-01 00:00:00', 12, true), (2, '2', 'posts', 'SQL', 'V2__posts.sql', 838923119, 'app', '2024-02-02 00:00:00', 9, true)",
    ],
  },
];

async function tableExists(db: TestDatabase, name: string): Promise<boolean> {
  const sql = db.dialect === 'sqlite'
    ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name = '${name}'`
    : db.dialect === 'postgres'
      ? `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '${name}'`
      : `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${name}'`;
  return (await rawQuery(db, sql)).length > 0;
}

/** Every row of every table of the tool, to compare before and after. */
async function toolRows(db: TestDatabase, tables: readonly string[]): Promise<unknown[]> {
  return Promise.all(tables.map((t) => rawQuery(db, `SELECT * FROM ${t}`)));
}

describe('adopt from each source', () => {
  for (const s of SOURCES) {
    it(`${s.from} on ${s.dialect}: --sql changes nothing; adopt stamps, keeps ${s.tables.join(' and ')}, names them; check and autogenerate leave them`, async () => {
      const db = await createTestDatabase(s.dialect, 'retort_adopt');
      dbs.push(db);
      for (const statement of [...APP[s.dialect], ...s.sql]) await rawQuery(db, statement);
      const dir = mkdtempSync(join(tmpdir(), 'retort-adopt-'));
      dirs.push(dir);
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(join(dir, 'retort.config.json'), JSON.stringify({ url: db.url, migrations: './migrations', schema: './src/schema.ts' }));
      const before = await toolRows(db, s.tables);

      const preview = retort(dir, ['adopt', '--from', s.from, '--sql']);
      expect(preview.code, preview.stderr).toBe(0);
      expect(preview.stdout).toContain("op.createTable('users'");
      expect(preview.stdout).toMatch(/-- would stamp the database:\n[^]*retort_version/);
      expect(readdirSync(join(dir, 'migrations'))).toEqual([]);
      expect(await tableExists(db, 'retort_version')).toBe(false);

      const run = retort(dir, ['adopt', '--from', s.from]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`, ${s.latest.length === 1 ? `at ${s.latest[0]}` : `at ${s.latest.join(', ')}`}.`);
      expect(run.stdout).toContain(`Once you no longer need to go back to the old tool, drop: ${s.tables.join(', ')}.`);
      if (s.failed !== undefined) expect(run.stdout).toContain(`records ${s.failed} failed or unfinished migration(s)`);
      const files = readdirSync(join(dir, 'migrations'));
      expect(files).toHaveLength(1);
      expect(await rawQuery(db, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: files[0]!.split('_')[0] }]);
      expect(await toolRows(db, s.tables)).toEqual(before);
      for (const table of s.tables) expect(readFileSync(join(dir, 'migrations', files[0]!), 'utf8')).not.toContain(table);

      const check = retort(dir, ['check']);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      const next = retort(dir, ['revision', '--autogenerate', '-m', 'next', '--json']);
      expect(next.code, next.stderr).toBe(0);
      expect(next.json().empty).toBe(true);
      for (const table of s.tables) expect(readFileSync(next.json().path, 'utf8')).not.toContain(table);
    });
  }
});
