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
import { mysqlRoutineTypeKey } from '../objects/routines.js';
import type { SchemaObject } from '../../../schema/objects.js';
import type { SchemaModel } from '../../../schema/model.js';
import type { Operation } from '../../../ops/operations.js';
import type { Session } from '../../dialect.js';
import { mysqlSafeForm } from '../online-ddl.js';
import { parseServerVersion } from '../server.js';

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
  // A routine's identity is its name and argument types in one spelling (`int(11)` is `int`).
  typeKey: mysqlRoutineTypeKey,
  // ALGORITHM / LOCK by the live server's version (online-ddl.ts).
  safeForms: async (session: Session, live: SchemaModel) => {
    const server = parseServerVersion(session.serverVersion ?? (await session.query<{ v: string }>('SELECT VERSION() AS v'))[0]?.v ?? '');
    return (op: Operation) => mysqlSafeForm(op, server, live);
  },
});
