/**
 * InnoDB online DDL: the `ALGORITHM` / `LOCK` an ALTER asks for, and which ones autogenerate
 * asks for on a table that exists. Named explicitly, the server refuses the statement at once
 * when it cannot run it that way (error 1845/1846), where without them it would silently fall
 * back to ALGORITHM=COPY and block writes for the whole copy.
 *
 * The table below only names a change when every supported server of that family runs it so
 * (MariaDB 10.11 checked against the server; MySQL 8 from its online-DDL tables), and names
 * nothing otherwise: no clause is better than one the server refuses.
 *
 * | change (existing table)                         | MySQL 8                    | MariaDB 10.11 |
 * |-------------------------------------------------|----------------------------|---------------|
 * | ADD COLUMN, nullable or constant default, last   | INSTANT (8.0.12+)          | INSTANT       |
 * | DROP COLUMN not in an index or key               | INSTANT (8.0.29+), INPLACE | INSTANT       |
 * | ADD [UNIQUE] INDEX (not FULLTEXT/SPATIAL)         | INPLACE, LOCK=NONE         | same          |
 * | DROP INDEX / UNIQUE, DROP FOREIGN KEY             | INPLACE, LOCK=NONE         | same          |
 * | SET / DROP DEFAULT                               | INSTANT                    | INSTANT       |
 * | RENAME COLUMN alone                              | INSTANT (8.0.28+), INPLACE | INSTANT       |
 * | NULL <-> NOT NULL (MODIFY, rebuild)               | INPLACE, LOCK=NONE         | same          |
 * | VARCHAR widened within its length-prefix size    | INPLACE, LOCK=NONE         | same          |
 * | ENUM values appended at the end                  | INSTANT                    | INSTANT       |
 * | ADD FOREIGN KEY / CHECK, type changes, the rest  | nothing (COPY: see lint)   | nothing       |
 *
 * INSTANT goes without a LOCK clause: MySQL allows only LOCK=DEFAULT with it.
 */
import type { AlterColumnOp, OnlineDdl, Operation } from '../../ops/operations.js';
import type { ColumnType, SchemaModel, TableSpec } from '../../schema/model.js';
import { atLeast, type ServerInfo } from './server.js';

/** `ALGORITHM=INSTANT`, `ALGORITHM=INPLACE, LOCK=NONE`, ...: the tail an ALTER TABLE gets, or undefined. */
export function onlineClause(op: Operation): string | undefined {
  const o = op as OnlineDdl;
  if (o.algorithm === undefined && o.lock === undefined) return undefined;
  const parts: string[] = [];
  if (o.algorithm !== undefined) parts.push(`ALGORITHM=${o.algorithm.toUpperCase()}`);
  if (o.lock !== undefined && o.algorithm !== 'instant') parts.push(`LOCK=${o.lock.toUpperCase()}`);
  return parts.join(', ');
}

const INSTANT: OnlineDdl = Object.freeze({ algorithm: 'instant' });
const INPLACE: OnlineDdl = Object.freeze({ algorithm: 'inplace', lock: 'none' });

/** Characters of a utf8mb4 VARCHAR that still fit a 1-byte length prefix (255 bytes / 4). */
const ONE_BYTE_PREFIX = 63;

/** INSTANT on this server when it is at least the given MySQL version (MariaDB 10.11 has them all). */
function instantFrom(server: ServerInfo, mysql: readonly [number, number, number]): OnlineDdl {
  return server.flavour === 'mariadb' || atLeast(server, ...mysql) ? INSTANT : INPLACE;
}

/** Columns of `table` that some index or key uses. */
function indexedColumns(table: TableSpec | undefined): Set<string> {
  const out = new Set<string>();
  for (const ix of table?.indexes ?? []) for (const e of ix.columns) if (typeof e === 'string') out.add(e); else if ('column' in e && typeof e.column === 'string') out.add(e.column);
  for (const c of table?.constraints ?? []) if ('columns' in c) for (const name of c.columns) out.add(name);
  for (const c of table?.columns ?? []) if (c.spec.primaryKey || c.spec.unique || c.spec.references) out.add(c.name);
  return out;
}

function alterColumnForm(op: AlterColumnOp, server: ServerInfo): OnlineDdl | undefined {
  const { type, nullable, newName, default: def, ...others } = op.changes;
  if (Object.keys(others).length > 0) return undefined;
  const from = op.existing?.type;
  if (type !== undefined) {
    if (nullable !== undefined || newName !== undefined || def !== undefined || from === undefined) return undefined;
    return typeForm(from, type);
  }
  const kinds = [nullable, newName, def].filter((v) => v !== undefined).length;
  if (kinds !== 1) return undefined;
  if (nullable !== undefined) return INPLACE;
  if (newName !== undefined) return server.flavour === 'mariadb' ? INSTANT : atLeast(server, 8, 0, 28) ? INSTANT : INPLACE;
  return INSTANT;
}

function typeForm(from: ColumnType, to: ColumnType): OnlineDdl | undefined {
  if (from.kind === 'varchar' && to.kind === 'varchar' && from.length !== undefined && to.length !== undefined &&
    to.length >= from.length && (to.length <= ONE_BYTE_PREFIX) === (from.length <= ONE_BYTE_PREFIX)) return INPLACE;
  if (from.kind === 'enum' && to.kind === 'enum' && to.values.length >= from.values.length && to.values.length <= 255 &&
    from.values.every((v, i) => to.values[i] === v)) return INSTANT;
  return undefined;
}

/**
 * The online form of `op` on an existing table of `live`, as the table above says; `op`
 * unchanged when the change has none (or the script already chose one).
 */
export function mysqlSafeForm(op: Operation, server: ServerInfo, live: SchemaModel): Operation {
  if ((op as OnlineDdl).algorithm !== undefined) return op;
  const table = 'table' in op && typeof op.table === 'string' ? live.tables.find((t) => t.name === op.table) : undefined;
  const fulltext = table?.indexes.some((ix) => ix.fulltext === true) === true;
  const form = ((): OnlineDdl | undefined => {
    switch (op.kind) {
      case 'addColumn': {
        const s = op.column.spec;
        const plain = !s.autoIncrement && !s.primaryKey && !s.unique && s.references === undefined && s.generated === undefined &&
          s.default?.kind !== 'sql' && (s.nullable || s.default !== undefined);
        // A table with a FULLTEXT index cannot take INSTANT columns, and INPLACE needs LOCK=SHARED there.
        return plain && !fulltext ? instantFrom(server, [8, 0, 12]) : undefined;
      }
      case 'dropColumn':
        return fulltext ? undefined : indexedColumns(table).has(op.column) ? INPLACE : instantFrom(server, [8, 0, 29]);
      case 'createIndex':
        return op.fulltext || op.spatial || op.columns.some((e) => typeof e !== 'string' && 'expression' in e) ? undefined : INPLACE;
      case 'dropIndex':
        return op.table === undefined ? undefined : INPLACE;
      case 'addConstraint':
        return op.constraint.kind === 'unique' ? INPLACE : undefined;
      case 'dropConstraint':
        return op.type === 'unique' || op.type === 'foreignKey' ? INPLACE : undefined;
      case 'alterColumn':
        return alterColumnForm(op, server);
      default:
        return undefined;
    }
  })();
  return form === undefined ? op : { ...op, ...form } as Operation;
}
