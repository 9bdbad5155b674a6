/**
 * PostgreSQL's part in autogenerate: the bulk catalog reader and the equality hooks.
 */
import type { IndexSpec } from '../../../schema/model.js';
import type { SchemaObject } from '../../../schema/objects.js';
import { defaultIndexName, indexColumnNames } from '../index-names.js';
import type { DialectAutogen } from '../../dialect.js';
import { postgresObjectComparer } from '../objects/compare.js';
import { postgresObjectsEqual, postgresObjectsInPlace } from '../objects/index.js';
import { postgresDefaultsEqual, postgresExpressionsEqual, postgresTypeKey, postgresTypesEqual } from './equality.js';
import { normalizePostgresDeclared } from './normalize.js';
import { readPostgresSchema } from './read-schema.js';
import { postgresSafeForms } from './safe-forms.js';
import { postgresSerialSequenceName } from '../serial.js';

/**
 * The name PostgreSQL gives an unnamed primary key (its makeObjectName(table, NULL, 'pkey')):
 * the table name clipped to 58 bytes (at a character boundary), so that with `_pkey` it fits
 * in 63.
 */
export function postgresDefaultPrimaryKeyName(table: string): string {
  const chars = [...table];
  while (Buffer.byteLength(chars.join('')) > 58) chars.pop();
  return `${chars.join('')}_pkey`;
}

/**
 * PostgreSQL's name for a partition's copy of `index`, or of the parent's key it backs (exact
 * for columns and plain function calls): `table_columns_idx`, `table_columns_key`, `table_pkey`.
 */
export function postgresPartitionIndexName(table: string, index: IndexSpec, key?: 'primaryKey' | 'unique'): string {
  const elements = [...index.columns, ...(index.include ?? [])].map((e) => (typeof e === 'string' ? { column: e } : e));
  return defaultIndexName(table, indexColumnNames(elements), undefined, key === 'primaryKey' ? 'pkey' : key === 'unique' ? 'key' : 'idx');
}

/** Autogenerate for PostgreSQL. */
export const postgresAutogen: DialectAutogen = Object.freeze({
  defaultPrimaryKeyName: postgresDefaultPrimaryKeyName,
  serialSequenceName: postgresSerialSequenceName,
  readSchema: readPostgresSchema,
  typesEqual: postgresTypesEqual,
  defaultsEqual: postgresDefaultsEqual,
  expressionsEqual: postgresExpressionsEqual,
  partitionIndexName: postgresPartitionIndexName,
  normalizeDeclared: normalizePostgresDeclared,
  objectsEqual: (live: SchemaObject, declared: SchemaObject) => postgresObjectsEqual(live, declared, { typeKey: postgresTypeKey }),
  objectsInPlace: (from: SchemaObject, to: SchemaObject) => postgresObjectsInPlace(from, to, postgresTypeKey),
  objectComparer: postgresObjectComparer,
  typeKey: postgresTypeKey,
  safeForms: postgresSafeForms,
});

export { readPostgresSchema } from './read-schema.js';
export { canonicalExpression, canonicalType, canonicalDefault } from './equality.js';
