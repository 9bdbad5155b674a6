/**
 * SQLite's part in autogenerate: the bulk schema reader and SQLite's notions of equality.
 * SQLite has no comments and no named enums (capabilities say so, and normalizeDeclared drops
 * them from the declared side); what readSchema cannot model is listed in docs/autogenerate-sqlite.md.
 */
import type { DialectAutogen } from '../../dialect.js';
import { sqliteDefaultsEqual, sqliteExpressionsEqual, sqliteTypesEqual } from './equality.js';
import { normalizeSqliteDeclared } from './normalize.js';
import { readSqliteSchema } from './read-schema.js';
import { sqliteObjectsEqual } from '../objects/index.js';

/** The SQLite {@link DialectAutogen}. */
export const sqliteAutogen: DialectAutogen = Object.freeze({
  readSchema: readSqliteSchema,
  typesEqual: sqliteTypesEqual,
  defaultsEqual: sqliteDefaultsEqual,
  expressionsEqual: sqliteExpressionsEqual,
  normalizeDeclared: normalizeSqliteDeclared,
  objectsEqual: sqliteObjectsEqual,
});

export { readSqliteSchema } from './read-schema.js';
export { canonicalSqliteType, sqliteDefaultsEqual, sqliteExpressionsEqual, sqliteTypesEqual } from './equality.js';
export { normalizeSqliteDeclared } from './normalize.js';
