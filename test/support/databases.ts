/**
 * Fresh databases for integration tests: one per test file (or per call), dropped afterwards.
 * The servers must be running (see README); a server that does not answer fails the test loudly,
 * it never skips.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import mysql from 'mysql2/promise';

export const PG_ADMIN_URL = process.env.RETORT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_ADMIN_URL = process.env.RETORT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** The dialects every integration suite runs on. */
export const DIALECTS = ['sqlite', 'postgres', 'mysql'] as const;
export type TestDialect = (typeof DIALECTS)[number];

/** A fresh, empty database and the URL to reach it; `drop()` removes it. */
export interface TestDatabase {
  readonly dialect: TestDialect;
  readonly url: string;
  /** A name unique to this database (also the PG/MySQL database name). */
  readonly name: string;
  drop(): Promise<void>;
}

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Create a fresh database of `dialect`. */
export async function createTestDatabase(dialect: TestDialect, prefix = 'retort_t'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  switch (dialect) {
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'retort-sqlite-'));
      return {
        dialect,
        name,
        url: `sqlite:${join(dir, `${name}.db`)}`,
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    }
    case 'postgres': {
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect().catch((e: Error) => {
        throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL}: ${e.message}. Start it (see README).`);
      });
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      return {
        dialect,
        name,
        url: withDatabase(PG_ADMIN_URL, name),
        drop: async () => {
          const c = new pg.Client({ connectionString: PG_ADMIN_URL });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          await c.end();
        },
      };
    }
    case 'mysql': {
      const admin = await mysql.createConnection(MYSQL_ADMIN_URL).catch((e: Error) => {
        throw new Error(`MariaDB/MySQL is not reachable at ${MYSQL_ADMIN_URL}: ${e.message}. Start it (see README).`);
      });
      await admin.query(`CREATE DATABASE \`${name}\``);
      await admin.end();
      return {
        dialect,
        name,
        url: withDatabase(MYSQL_ADMIN_URL, name),
        drop: async () => {
          const c = await mysql.createConnection(MYSQL_ADMIN_URL);
          await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
          await c.end();
        },
      };
    }
  }
}

/** Run a query against a test database directly with the raw driver (for catalog assertions). */
export async function rawQuery<R = Record<string, unknown>>(db: TestDatabase, sqlText: string, params: unknown[] = []): Promise<R[]> {
  switch (db.dialect) {
    case 'sqlite': {
      const { default: Database } = await import('better-sqlite3');
      const file = db.url.slice('sqlite:'.length);
      const conn = new Database(file);
      try {
        const stmt = conn.prepare(sqlText);
        return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as R[];
      } finally {
        conn.close();
      }
    }
    case 'postgres': {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        return (await c.query(sqlText, params)).rows as R[];
      } finally {
        await c.end();
      }
    }
    case 'mysql': {
      const c = await mysql.createConnection(db.url);
      try {
        const [rows] = await c.query(sqlText, params);
        return (Array.isArray(rows) ? rows : []) as R[];
      } finally {
        await c.end();
      }
    }
  }
}
