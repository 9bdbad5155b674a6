#!/usr/bin/env node
/**
 * A peer of the upgrade benchmark, run as its own process: kysely's Migrator (kysely is already a
 * dependency of retort, so nothing is installed) applying the same CREATE statements, one
 * migration each. Usage: node peer-kysely.mjs <dialect> <url> <creates.json>.
 *
 * Kysely's default, kept here: on PostgreSQL and SQLite the WHOLE run is one transaction (compare
 * it with retort's `transaction: 'all'`); on MySQL each DDL commits on its own anyway.
 */
import { readFileSync } from 'node:fs';
import { Kysely, Migrator, MysqlDialect, PostgresDialect, SqliteDialect, sql } from 'kysely';

const [dialect, url, createsFile] = process.argv.slice(2);
const creates = JSON.parse(readFileSync(createsFile, 'utf8'));

async function kyselyDialect() {
  if (dialect === 'postgres') {
    const { default: pg } = await import('pg');
    return new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) });
  }
  if (dialect === 'mysql') {
    const { createPool } = await import('mysql2');
    return new MysqlDialect({ pool: createPool({ uri: url, connectionLimit: 2 }) });
  }
  const { default: Database } = await import('better-sqlite3');
  return new SqliteDialect({ database: new Database(url.slice('sqlite:'.length)) });
}

const migrations = Object.fromEntries(creates.map((create, i) => [
  `m${String(i).padStart(6, '0')}`,
  { up: (db) => sql.raw(create).execute(db), down: async () => undefined },
]));
const db = new Kysely({ dialect: await kyselyDialect() });
try {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  if (results?.length !== creates.length) throw new Error(`kysely applied ${results?.length} of ${creates.length} migrations`);
} finally {
  await db.destroy();
}
