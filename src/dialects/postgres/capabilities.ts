/**
 * What PostgreSQL can do, as the core asks it (the core never tests the dialect's name).
 */
import type { DialectCapabilities } from '../dialect.js';
import { POSTGRES_OBJECT_KINDS } from './objects/kinds.js';

/** PostgreSQL's capabilities: it can do everything the core asks about. */
export const postgresCapabilities: DialectCapabilities = Object.freeze({
  // DDL is transactional: a revision that fails half-way leaves nothing behind.
  transactionalDdl: true,
  schemas: true,
  // Enums are named types (CREATE TYPE ... AS ENUM), created and dropped on their own.
  namedEnums: true,
  alterColumnInPlace: true,
  concurrentIndexes: true,
  partialIndexes: true,
  dropColumnDropsForeignKeys: true,
  comments: true,
  objectKinds: POSTGRES_OBJECT_KINDS,
  rowLevelSecurity: true,
  // Serial columns (a sequence the column owns) are told apart from identities.
  serialColumns: true,
  // A revision's version change and its history row in one statement (a data-changing CTE).
  combinedBookkeeping: 'dml-cte',
});

/**
 * The namespace used when neither the operation nor the run names one. retort always qualifies
 * names rather than trusting the session's `search_path`, which a role or database may change.
 */
export const DEFAULT_PG_SCHEMA = 'public';

/** Transaction statements. Plain BEGIN: PostgreSQL's default READ COMMITTED suits DDL. */
export const postgresTransactionSql = Object.freeze({
  begin: 'BEGIN',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
});
