/**
 * The SQLite dialect: better-sqlite3 through Kysely, retort's SQLite compiler with the table
 * rebuild, introspection from the pragmas and `sqlite_master`.
 *
 * Runs take SQLite's write lock at once (`BEGIN IMMEDIATE`), so two runs on one file serialise
 * instead of failing half-way with SQLITE_BUSY on their first write.
 */
import type { Dialect, Session } from '../dialect.js';
import { sqliteCapabilities } from './capabilities.js';
import { SqliteCompiler } from './compiler.js';
import { connectSqlite } from './connection.js';
import { sqliteHooks } from './hooks.js';
import { reserveSqliteHistoryIds } from './history-ids.js';
import { readSqliteTable, sqliteExistingTables } from './introspect.js';
import { sqliteAutogen } from './autogen/index.js';
import { sqliteSnapshotReader } from './catalog-snapshot.js';
import { sqliteDatabaseCopies, sqliteScratchDatabases } from './scratch.js';
import { sqliteRules } from '../../lint/sqlite.js';
import { describeSqliteError } from './errors.js';

/** A new SQLite dialect object (each with its own compiler instance). */
export function createSqliteDialect(): Dialect {
  const compiler = new SqliteCompiler();
  return Object.freeze({
    name: 'sqlite',
    capabilities: sqliteCapabilities,
    lintRules: sqliteRules,
    compiler,
    hooks: sqliteHooks,
    quoteIdentifier: (name: string) => compiler.quoteIdentifier(name),
    quoteString: (value: string) => compiler.quoteString(value),
    beginSql: 'BEGIN IMMEDIATE',
    commitSql: 'COMMIT',
    rollbackSql: 'ROLLBACK',
    lastInsertIdSql: 'SELECT last_insert_rowid() AS id',
    describeServerError: describeSqliteError,
    reserveHistoryIds: reserveSqliteHistoryIds,
    connect: connectSqlite,
    // SQLite has one namespace per file ('main'); the schema argument is ignored.
    readTable: (session: Session, table: string) => readSqliteTable(session, table),
    existingTables: (session: Session, tables: readonly string[]) => sqliteExistingTables(session, tables),
    autogen: sqliteAutogen,
    catalogSnapshot: sqliteSnapshotReader,
    scratch: sqliteScratchDatabases,
    copies: sqliteDatabaseCopies,
  });
}

/** The SQLite dialect. */
export const sqliteDialect: Dialect = createSqliteDialect();

export { SqliteCompiler } from './compiler.js';
export { sqliteCapabilities } from './capabilities.js';
export { sqliteHooks, verifyForeignKeys } from './hooks.js';
export { readSqliteTable } from './introspect.js';
export { sqlitePath } from './connection.js';
export { REBUILD_PREFIX } from './batch.js';
export { sqliteAutogen, readSqliteSchema } from './autogen/index.js';
