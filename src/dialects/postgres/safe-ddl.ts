/**
 * PostgreSQL's lock-friendly spellings of three changes to a table that already has rows (the
 * forms squawk and strong_migrations recommend), compiled from options of the ordinary
 * operations so that scripts, autogenerate and offline SQL share them:
 *
 * - UNIQUE / PRIMARY KEY `concurrently`: `CREATE UNIQUE INDEX CONCURRENTLY` (SHARE UPDATE
 *   EXCLUSIVE: reads and writes go on during the build), then `ADD CONSTRAINT ... USING INDEX`,
 *   which only attaches the index under a brief ACCESS EXCLUSIVE lock.
 * - FOREIGN KEY / CHECK `validate`: `ADD ... NOT VALID` (a brief lock, existing rows unchecked),
 *   then `VALIDATE CONSTRAINT`, which scans under SHARE UPDATE EXCLUSIVE (writes go on) and, for
 *   a foreign key, only a ROW SHARE lock on the referenced table.
 * - `notNullViaCheck`: `ADD CHECK (c IS NOT NULL) NOT VALID`, `VALIDATE`, `SET NOT NULL` (12+:
 *   the valid check proves there are no NULLs, so no scan under ACCESS EXCLUSIVE), drop the check.
 *
 * Each list only helps when its statements commit one by one (`op.noTransaction`): inside one
 * transaction the first statement's lock is kept through the later scans.
 */
import type { AddConstraintOp, CreateIndexOp } from '../../ops/operations.js';
import type { ConstraintSpec } from '../../schema/model.js';

/** What the compiler lends these builders. */
export interface SafeDdlWriter {
  quoteIdentifier(name: string): string;
  /** `ALTER TABLE <qualified table> <clause>`. */
  alterTable(clause: string): string;
  /** The statements of a CREATE INDEX operation. */
  createIndex(op: CreateIndexOp): string[];
  /** `CONSTRAINT "n" ...` as ADD takes it. */
  constraint(spec: ConstraintSpec): string;
}

/** The name of the temporary check `notNullViaCheck` adds and drops: `<table>_<column>_not_null`, cut to 63 bytes. */
export function notNullCheckName(table: string, column: string): string {
  return `${table}_${column}_not_null`.slice(0, 63);
}

/**
 * The statements of an ADD CONSTRAINT with `concurrently` or `validate`, else undefined (the
 * plain form applies).
 */
export function safeAddConstraint(op: AddConstraintOp, w: SafeDdlWriter): string[] | undefined {
  const c = op.constraint;
  if (op.concurrently === true && (c.kind === 'unique' || c.kind === 'primaryKey')) {
    const index = w.createIndex({
      kind: 'createIndex', name: c.name, table: op.table, ...(op.schema === undefined ? {} : { schema: op.schema }),
      columns: c.columns, unique: true, concurrently: true,
      ...(c.include === undefined ? {} : { include: c.include }),
      ...(c.with === undefined ? {} : { with: c.with }),
      ...(c.kind === 'unique' && c.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
    });
    const deferred = c.initiallyDeferred === true;
    const timing = c.deferrable === true || deferred ? ` DEFERRABLE${deferred ? ' INITIALLY DEFERRED' : ''}` : '';
    const name = w.quoteIdentifier(c.name);
    // USING INDEX renames the index to the constraint's name: both are the same name here.
    return [...index, w.alterTable(`ADD CONSTRAINT ${name} ${c.kind === 'unique' ? 'UNIQUE' : 'PRIMARY KEY'} USING INDEX ${name}${timing}`)];
  }
  if (op.validate === true && (c.kind === 'foreignKey' || c.kind === 'check')) {
    return [w.alterTable(`ADD ${w.constraint({ ...c, notValid: true })}`), w.alterTable(`VALIDATE CONSTRAINT ${w.quoteIdentifier(c.name)}`)];
  }
  return undefined;
}

/** `SET NOT NULL` through a validated check: four statements, each with a brief lock or none that blocks writes. */
export function notNullViaCheck(table: string, column: string, w: SafeDdlWriter): string[] {
  const check = w.quoteIdentifier(notNullCheckName(table, column));
  const col = w.quoteIdentifier(column);
  return [
    w.alterTable(`ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID`),
    w.alterTable(`VALIDATE CONSTRAINT ${check}`),
    w.alterTable(`ALTER COLUMN ${col} SET NOT NULL`),
    w.alterTable(`DROP CONSTRAINT ${check}`),
  ];
}
