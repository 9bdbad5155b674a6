/**
 * What MySQL and MariaDB can do, as the core asks it.
 */
import type { DialectCapabilities } from '../dialect.js';
import { MYSQL_OBJECT_KINDS } from './objects/kinds.js';

/**
 * MySQL/MariaDB capabilities.
 *
 * `transactionalDdl` is false: every DDL statement (CREATE, ALTER, DROP, RENAME) commits the open
 * transaction implicitly before and after it runs, so a failed migration cannot be rolled back.
 * The runtime therefore records progress statement by statement and refuses further runs until
 * a half-applied revision is resolved.
 */
export const mysqlCapabilities: DialectCapabilities = Object.freeze({
  transactionalDdl: false,
  // A MySQL "schema" is a database: it is chosen by the URL, or by qualifying `db`.`table`.
  schemas: false,
  // ENUM('a','b') is written inline in each column; there is no CREATE TYPE.
  namedEnums: false,
  // MODIFY COLUMN changes type and nullability in place (it needs the column's whole definition).
  alterColumnInPlace: true,
  // InnoDB builds indexes online by default; there is no CONCURRENTLY keyword.
  concurrentIndexes: false,
  partialIndexes: false,
  dropColumnDropsForeignKeys: false,
  comments: true,
  objectKinds: MYSQL_OBJECT_KINDS,
  // A revision's version UPDATE and its history row's `ok` in one autocommitted statement: one
  // round trip where BEGIN, two UPDATEs and COMMIT took four (and InnoDB changes both or neither).
  combinedBookkeeping: 'multi-table-update',
});
