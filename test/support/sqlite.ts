/**
 * SQLite test helpers: a dialect connection on a test database with the run's session pragmas,
 * and operations compiled and run as the runtime runs them.
 */
import Database from 'better-sqlite3';
import { sqliteDialect } from '../../src/dialects/sqlite/index.js';
import type { Connection, Session } from '../../src/dialects/dialect.js';
import type { Operation } from '../../src/ops/operations.js';
import type { TestDatabase } from './databases.js';

/** Connect to `db` through the SQLite dialect, with the session start statements (foreign keys off). */
export async function connectSqliteTest(db: TestDatabase): Promise<Connection> {
  const connection = await sqliteDialect.connect({ raw: db.url, scheme: 'sqlite', database: db.url.slice('sqlite:'.length), params: {} });
  await connection.withSession(async (s) => {
    for (const statement of sqliteDialect.hooks.sessionStart ?? []) await s.execute(statement);
  });
  return connection;
}

/**
 * Compile and run `ops` in one transaction with the live catalog (so rebuilds work), verify, then
 * commit, as the runtime does; returns the statements. Rolls back and rethrows on failure.
 */
export async function runSqliteOps(connection: Connection, ops: readonly Operation[]): Promise<string[]> {
  return connection.withSession(async (session: Session) => {
    const statements: string[] = [];
    await session.execute(sqliteDialect.beginSql);
    try {
      for (const op of ops) {
        const compiled = await sqliteDialect.compiler.compile(op, { readTable: (t) => sqliteDialect.readTable(session, t) });
        for (const statement of compiled) await session.execute(statement);
        statements.push(...compiled);
      }
      await sqliteDialect.hooks.verify?.(session, { operations: ops.map((o) => o.kind), queried: false });
      await session.execute(sqliteDialect.commitSql);
    } catch (error) {
      await session.execute(sqliteDialect.rollbackSql);
      throw error;
    }
    return statements;
  });
}

/** Rows of `sqlText` on the SQLite file `file`, read on a read-only connection of its own. */
export function sqliteRows<T>(file: string, sqlText: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sqlText).all() as T[];
  } finally {
    db.close();
  }
}
