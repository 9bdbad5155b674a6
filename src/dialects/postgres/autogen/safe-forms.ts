/**
 * What autogenerate writes for a change to a PostgreSQL table that already exists (has rows, and
 * an application using it): the forms that never hold a lock that blocks writes for longer than
 * a catalog update (see ../safe-ddl.ts for the statements and their locks).
 *
 * - an index created or dropped `CONCURRENTLY` (in `op.noTransaction`);
 * - a FOREIGN KEY or CHECK added `NOT VALID`, then validated by a separate `VALIDATE CONSTRAINT`;
 * - a UNIQUE or PRIMARY KEY built as a concurrent unique index, attached `USING INDEX`;
 * - SET NOT NULL through a validated CHECK, from PostgreSQL 12 (older servers scan anyway).
 *
 * Partitioned tables keep the plain forms: PostgreSQL refuses CONCURRENTLY on them and NOT
 * VALID foreign keys on them.
 */
import type { Operation } from '../../../ops/operations.js';
import type { SchemaModel } from '../../../schema/model.js';
import type { Session } from '../../dialect.js';

/** The safe form of each operation, for one comparison against `live` on the server of `session`. */
export async function postgresSafeForms(session: Session, live: SchemaModel): Promise<(op: Operation) => Operation> {
  const rows = await session.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  const version = Number(rows[0]?.v ?? 0);
  const partitioned = new Set(live.tables.filter((t) => t.options.partitionBy !== undefined).map((t) => `${t.schema ?? ''}.${t.name}`));
  return (op) => {
    const table = 'table' in op && typeof op.table === 'string' ? op.table : undefined;
    // Live tables carry their schema; an operation in the default one carries none: match by name there.
    if (table !== undefined && [...partitioned].some((key) => key.endsWith(`.${table}`))) return op;
    return postgresSafeForm(op, version);
  };
}

/** The safe form of one operation on an existing, non-partitioned table, on a server of `versionNum` (`SHOW server_version_num`). */
export function postgresSafeForm(op: Operation, versionNum: number): Operation {
  switch (op.kind) {
    case 'createIndex':
    case 'dropIndex':
      return { ...op, concurrently: true };
    case 'addConstraint': {
      const c = op.constraint;
      if (c.kind === 'unique' || c.kind === 'primaryKey') return { ...op, concurrently: true };
      if ((c.kind === 'foreignKey' || c.kind === 'check') && c.notValid !== true) return { ...op, constraint: { ...c, notValid: true }, validate: true };
      return op;
    }
    case 'alterColumn':
      return op.changes.nullable === false && versionNum >= 120000 ? { ...op, notNullViaCheck: true } : op;
    default:
      return op;
  }
}
