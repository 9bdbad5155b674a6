/**
 * The MySQL / MariaDB dialect (`mysql://` and `mariadb://` URLs): MySQL 8 and MariaDB 10.11+.
 *
 * The database named in the URL is the namespace; a configured `dbSchema` names another
 * database on the same server, and tables are then written `` `db`.`table` ``.
 */
import type { Dialect } from '../dialect.js';
import { mysqlAutogen } from './autogen/index.js';
import { mysqlCapabilities } from './capabilities.js';
import { MysqlCompiler } from './compiler.js';
import { mysqlScriptStatement } from './script.js';
import { mysqlExistingTables, readMysqlTable } from './introspect.js';
import { BACKSLASH_ESCAPES_SQL, quoteMysqlIdentifier, quoteMysqlString } from './quoting.js';
import { mysqlSnapshotReader } from './catalog-snapshot.js';
import { serverScratchDatabases } from '../scratch.js';
import { serverDatabaseCopies } from '../copies.js';
import { copyMysqlDatabase } from './copy.js';
import { mysqlRules } from '../../lint/mysql.js';
import { mysqlLimits } from './limits.js';
import { describeMysqlError } from './errors.js';
import { STRICT_SQL } from './strict-mode.js';

export { MysqlCompiler } from './compiler.js';
export { mysqlCapabilities } from './capabilities.js';
export { parseServerVersion } from './server.js';
export type { ServerInfo } from './server.js';

/**
 * The driver (mysql2) is loaded by the first connection, not with the dialect: commands that open
 * no database (`lint`, `--sql`) do not load it.
 */
const connectMysql: Dialect['connect'] = async (url, options) => (await import('./connection.js')).connectMysql(url, options);

/** The MySQL / MariaDB dialect. */
export const mysqlDialect: Dialect = Object.freeze({
  name: 'mysql',
  capabilities: mysqlCapabilities,
  lintRules: mysqlRules,
  compiler: new MysqlCompiler(),
  // The server of whoever applies a --sql script is unknown: its literals must read the same
  // whether or not that server's sql_mode has NO_BACKSLASH_ESCAPES, and a value that does not fit
  // must fail there as in a run (strict-mode.ts).
  hooks: Object.freeze({ scriptStart: Object.freeze([BACKSLASH_ESCAPES_SQL, STRICT_SQL]) }),
  quoteIdentifier: quoteMysqlIdentifier,
  quoteString: quoteMysqlString,
  // A `--sql` script runs in the mysql client: BEGIN ... END bodies need DELIMITER there (script.ts).
  scriptStatement: mysqlScriptStatement,
  // DDL commits implicitly on MySQL (see capabilities.ts): these transactions only bind the
  // data statements and the version-table update that run between DDL statements.
  beginSql: 'BEGIN',
  commitSql: 'COMMIT',
  rollbackSql: 'ROLLBACK',
  connect: connectMysql,
  readTable: readMysqlTable,
  existingTables: mysqlExistingTables,
  autogen: mysqlAutogen,
  // USER() is user@host as the server saw the client connect (CURRENT_USER() would be the matched account, e.g. root@%).
  // 1213 ER_LOCK_DEADLOCK: also what a Galera certification conflict is reported as.
  isWriteConflict: (error: unknown) => (error as { errno?: unknown } | null)?.errno === 1213,
  describeServerError: describeMysqlError,
  historySql: Object.freeze({ nowUtc: 'UTC_TIMESTAMP(3)', user: "SUBSTRING_INDEX(USER(), '@', 1)", host: "SUBSTRING_INDEX(USER(), '@', -1)" }),
  lastInsertIdSql: 'SELECT LAST_INSERT_ID() AS id',
  catalogSnapshot: mysqlSnapshotReader,
  statementLimits: mysqlLimits,
  scratch: serverScratchDatabases({ connect: connectMysql, quoteIdentifier: quoteMysqlIdentifier }),
  copies: serverDatabaseCopies({
    connect: connectMysql,
    quoteIdentifier: quoteMysqlIdentifier,
    existsSql: 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    copy: copyMysqlDatabase,
  }),
});
