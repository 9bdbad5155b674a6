/**
 * MySQL / MariaDB's part in autogenerate: the bulk catalog reader and the equality hooks.
 * See docs/autogenerate-mysql.md for what does and does not round-trip.
 */
import type { DialectAutogen } from '../../dialect.js';
import { mysqlDefaultsEqual, mysqlExpressionsEqual, mysqlTypesEqual } from './equality.js';
import { normalizeMysqlDeclared } from './normalize.js';
import { readMysqlDefaults, readMysqlSchema } from './read-schema.js';
import { mysqlObjectComparer } from '../objects/compare.js';
import { mysqlObjectsEqual, mysqlObjectsInPlace } from '../objects/index.js';
import type { SchemaObject } from '../../../schema/objects.js';

export { canonicalMysqlType, normalizeMysqlExpression } from './equality.js';

/** Autogenerate support for MySQL 8 and MariaDB 10.11+. */
export const mysqlAutogen: DialectAutogen = Object.freeze({
  readSchema: readMysqlSchema,
  typesEqual: mysqlTypesEqual,
  defaultsEqual: mysqlDefaultsEqual,
  expressionsEqual: mysqlExpressionsEqual,
  normalizeDeclared: normalizeMysqlDeclared,
  readDefaults: readMysqlDefaults,
  objectsEqual: (live: SchemaObject, declared: SchemaObject) => mysqlObjectsEqual(live, declared),
  objectsInPlace: mysqlObjectsInPlace,
  objectComparer: mysqlObjectComparer,
});
