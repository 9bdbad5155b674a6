import Database from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';

/** The worker's database, as the application would open it (Kysely over the URL's driver). */
export function openDatabase(url = process.env['TEST_DATABASE_URL']!): Kysely<any> {
  if (url.startsWith('sqlite:')) return new Kysely({ dialect: new SqliteDialect({ database: new Database(url.slice('sqlite:'.length)) }) });
  if (url.startsWith('postgres')) return new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
  return new Kysely({ dialect: new MysqlDialect({ pool: createPool({ uri: url, connectionLimit: 1 }) }) });
}
