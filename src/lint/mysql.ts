/**
 * MySQL and MariaDB rules (after Atlas and strong_migrations): InnoDB online DDL runs an ALTER
 * INSTANT (metadata only), INPLACE (concurrent DML allowed, LOCK=NONE, maybe a rebuild) or COPY
 * (the table copied row by row while writes are blocked). Lint reports what needs COPY or a
 * rebuild, and the NOT NULL column the running app cannot insert without.
 */
import type { ColumnType } from '../schema/model.js';
import type { EarlierOperation, LintRule } from './types.js';
import { commonRules } from './common.js';
import { missingLockTimeout, type LockWaitChange } from './lock-wait.js';

/** Characters that fit in VARCHAR with a 1-byte length prefix at utf8mb4 (255 bytes / 4). */
const ONE_BYTE_PREFIX = 63;

/** Whether a MODIFY from `from` to `to` is done in place without copying (InnoDB's own rules). */
function inPlaceTypeChange(from: ColumnType | undefined, to: ColumnType): boolean {
  if (from === undefined) return false;
  if (from.kind === 'varchar' && to.kind === 'varchar' && from.length !== undefined && to.length !== undefined) {
    // Widening is INPLACE only while the length prefix keeps its size.
    return to.length >= from.length && (to.length <= ONE_BYTE_PREFIX) === (from.length <= ONE_BYTE_PREFIX);
  }
  if (from.kind === 'enum' && to.kind === 'enum') return appendOnly(from.values, to.values);
  return false;
}

/** New enum values only at the end, and the count within one storage byte: INSTANT. */
function appendOnly(from: readonly string[], to: readonly string[]): boolean {
  return to.length >= from.length && to.length <= 255 && from.every((v, i) => to[i] === v);
}

const COPY = 'ALGORITHM=COPY: MySQL/MariaDB copy the whole table row by row while INSERT, UPDATE and DELETE are blocked (LOCK=SHARED), and replicas replay the copy after it, lagging';

/**
 * Whether an earlier `op.execute` of the revision turned foreign_key_checks off for the session
 * (the last such SET wins): ADD FOREIGN KEY then runs INPLACE, the safe form this rule suggests.
 */
function foreignKeyChecksOff(earlier: readonly EarlierOperation[]): boolean {
  let off = false;
  for (const { op } of earlier) {
    if (op.kind !== 'execute') continue;
    for (const m of op.sql.matchAll(/\bSET\s+(?:SESSION\s+|@@(?:SESSION\.)?)?foreign_key_checks\s*=\s*(\w+)/gi)) off = /^(0|OFF)$/i.test(m[1]!);
  }
  return off;
}

/** ALTERs that cannot be INSTANT or INPLACE. */
export const tableCopy: LintRule = {
  id: 'mysql-table-copy',
  severity: 'error',
  summary: 'an ALTER that MySQL/MariaDB run with ALGORITHM=COPY (writes blocked for the whole copy)',
  check: ({ op, newTables, earlier }) => {
    if (newTables.has('table' in op && typeof op.table === 'string' ? op.table : '')) return undefined;
    // With ALGORITHM=INSTANT or INPLACE named, the server refuses the statement rather than copy.
    if ('algorithm' in op && (op.algorithm === 'instant' || op.algorithm === 'inplace')) return undefined;
    const fix = 'Run it with an online schema change tool (gh-ost, pt-online-schema-change), or add a new column, backfill it in batches and switch the application over.';
    if (op.kind === 'alterColumn') {
      const c = op.changes;
      if (c.type !== undefined && !(c.type.kind === 'enum' && op.existing?.type?.kind === 'enum') && !inPlaceTypeChange(op.existing?.type, c.type)) {
        const known = op.existing?.type === undefined ? ' (existingType is not given, so lint assumes the worst)' : '';
        return { message: `Changing the type of ${op.table}.${op.column} needs ${COPY}${known}.`, fix };
      }
      if (c.charset !== undefined || c.collation !== undefined) {
        return { message: `Changing the character set or collation of ${op.table}.${op.column} needs ${COPY}.`, fix };
      }
    }
    if (op.kind === 'alterTableOptions' && (op.options.charset !== undefined || op.options.collate !== undefined || op.options.engine !== undefined)) {
      return { message: `Changing the engine, character set or collation of ${op.table} converts every row with ${COPY}.`, fix };
    }
    if (op.kind === 'dropConstraint' && op.type === 'primaryKey') {
      return { message: `Dropping the primary key of ${op.table} without adding one in the same ALTER needs ${COPY}.`, fix: 'Drop and add the primary key in one op.batch, which MySQL runs INPLACE, or use an online schema change tool.' };
    }
    if (op.kind === 'addConstraint' && op.constraint.kind === 'foreignKey' && foreignKeyChecksOff(earlier)) return undefined;
    if (op.kind === 'addConstraint' && (op.constraint.kind === 'foreignKey' || op.constraint.kind === 'check')) {
      return {
        message: `ADD ${op.constraint.kind === 'foreignKey' ? 'FOREIGN KEY' : 'CHECK'} ${op.constraint.name} validates every row of ${op.table} with ${COPY}${op.constraint.kind === 'foreignKey' ? ' (INPLACE only with foreign_key_checks=0, which skips the validation)' : ''}.`,
        fix: op.constraint.kind === 'foreignKey'
          ? "After checking the data with a query, add it with foreign_key_checks=0 in the same session (op.execute('SET foreign_key_checks = 0') before it, acknowledged), which MySQL runs INPLACE."
          : fix,
      };
    }
    return undefined;
  },
};

/** ENUM changes other than appending values copy the table. */
export const enumCopy: LintRule = {
  id: 'mysql-enum-copy',
  severity: 'error',
  summary: 'an ENUM change other than appending values at the end copies the table',
  check: ({ op, newTables }) => {
    if (op.kind !== 'alterColumn' || op.changes.type?.kind !== 'enum' || newTables.has(op.table)) return undefined;
    const from = op.existing?.type;
    if (from?.kind === 'enum' && appendOnly(from.values, op.changes.type.values)) return undefined;
    const why = from?.kind === 'enum' ? 'the values are removed, reordered or inserted before the end' : 'existingType is not given, so lint cannot see whether values are only appended';
    return {
      message: `Changing ENUM ${op.table}.${op.column} needs ${COPY}: ${why}.`,
      fix: 'Append new values at the end of the list (INSTANT, metadata only) and give existingType; to remove or reorder values, use an online schema change tool.',
    };
  },
};

/** Rebuilds that keep the table writable but take long and stress replicas. */
export const tableRebuild: LintRule = {
  id: 'mysql-table-rebuild',
  severity: 'warning',
  summary: 'an ALTER that rebuilds the table in place (INPLACE, writes allowed, long, replicas lag)',
  check: ({ op, newTables }) => {
    if (op.kind === 'alterColumn' && op.changes.nullable !== undefined && !newTables.has(op.table)) {
      return {
        message: `Changing the nullability of ${op.table}.${op.column} rebuilds the table (ALGORITHM=INPLACE, LOCK=NONE): writes go on, but the rebuild takes as long as a copy, needs the table's size again on disk, and replicas lag by the same time${op.changes.nullable ? '' : '; it fails on the first NULL (strict mode)'}.`,
        fix: 'Run it at a quiet hour or through an online schema change tool; check for NULLs first.',
      };
    }
    if (op.kind === 'addConstraint' && op.constraint.kind === 'primaryKey' && !newTables.has(op.table)) {
      return { message: `Adding a primary key to ${op.table} rebuilds the clustered index (INPLACE): long, and replicas lag.`, fix: 'Run it at a quiet hour or through an online schema change tool.' };
    }
    return undefined;
  },
};

/** ADD COLUMN NOT NULL without a default: rows get the type's implicit default, the app's INSERTs fail. */
export const addColumnNotNull: LintRule = {
  id: 'add-column-not-null',
  severity: 'warning',
  summary: 'a NOT NULL column added without a default: running code that does not name it cannot insert',
  check: ({ op, newTables }) => op.kind === 'addColumn' && !op.column.spec.nullable && op.column.spec.default === undefined
    && !op.column.spec.autoIncrement && op.column.spec.generated === undefined && !newTables.has(op.table) ? {
      message: `ADD COLUMN ${op.column.name} NOT NULL without a default fills existing rows of ${op.table} with the type's implicit value (0, '', a zero date) silently, and in strict mode every INSERT of the running application that does not name the column fails ("doesn't have a default value").`,
      fix: 'Give the column a default (.default(...), still INSTANT), or add it nullable, deploy code that writes it, backfill, then make it NOT NULL.',
    } : undefined,
};

/** lock_wait_timeout's default, a year: as good as no bound. */
const MYSQL_DEFAULT_WAIT_S = 31_536_000;

/** `SET [SESSION] lock_wait_timeout = N|DEFAULT`, `SET @@[session.]lock_wait_timeout = ...` (GLOBAL leaves this session alone). */
function mysqlLockWaitChange(statement: string): LockWaitChange | undefined {
  const set = /^SET\s+(?:SESSION\s+|@@(?:SESSION\.)?|LOCAL\s+|@@LOCAL\.)?lock_wait_timeout\s*(?::=|=)\s*(\S+)$/i.exec(statement);
  if (set === null) return undefined;
  const value = set[1]!;
  return { unbounded: /^DEFAULT$/i.test(value) || Number(value) >= MYSQL_DEFAULT_WAIT_S, local: false };
}

/** `missing-lock-timeout` on MySQL/MariaDB: an ALTER waiting for its metadata lock blocks every later query of the table. */
export const mysqlMissingLockTimeout: LintRule = missingLockTimeout({
  setting: 'lock_wait_timeout', lock: 'exclusive metadata', change: mysqlLockWaitChange, example: 'SET SESSION lock_wait_timeout = 30',
});

/** The rules that apply to MySQL and MariaDB, in report order. */
export const mysqlRules: readonly LintRule[] = Object.freeze([tableCopy, enumCopy, tableRebuild, addColumnNotNull, mysqlMissingLockTimeout, ...commonRules]);
