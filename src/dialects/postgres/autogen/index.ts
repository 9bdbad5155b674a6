/**
 * PostgreSQL's part in autogenerate: the bulk catalog reader and the equality hooks.
 */
import type { DialectAutogen } from '../../dialect.js';
import { postgresDefaultsEqual, postgresExpressionsEqual, postgresTypesEqual } from './equality.js';
import { normalizePostgresDeclared } from './normalize.js';
import { readPostgresSchema } from './read-schema.js';

/** Autogenerate for PostgreSQL. */
export const postgresAutogen: DialectAutogen = Object.freeze({
  readSchema: readPostgresSchema,
  typesEqual: postgresTypesEqual,
  defaultsEqual: postgresDefaultsEqual,
  expressionsEqual: postgresExpressionsEqual,
  normalizeDeclared: normalizePostgresDeclared,
});

export { readPostgresSchema } from './read-schema.js';
export { canonicalExpression, canonicalType, canonicalDefault } from './equality.js';
