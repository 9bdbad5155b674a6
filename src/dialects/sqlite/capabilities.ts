/**
 * What SQLite can do, as the core asks it. Notably: DDL is transactional (retort issues
 * BEGIN IMMEDIATE / COMMIT itself), there are no schemas, no enum types (an enum is TEXT plus a
 * CHECK) and no comments (column and table comments are dropped silently, as SQLite has nowhere
 * to keep them), and ALTER TABLE cannot change a column, so those changes rebuild the table.
 */
import type { DialectCapabilities } from '../dialect.js';
import { SQLITE_OBJECT_KINDS } from './objects/kinds.js';

/** SQLite's capabilities. */
export const sqliteCapabilities: DialectCapabilities = Object.freeze({
  transactionalDdl: true,
  schemas: false,
  namedEnums: false,
  alterColumnInPlace: false,
  concurrentIndexes: false,
  partialIndexes: true,
  dropColumnDropsForeignKeys: true,
  comments: false,
  objectKinds: SQLITE_OBJECT_KINDS,
});
