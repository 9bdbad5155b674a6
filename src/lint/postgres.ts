/**
 * PostgreSQL rules (after squawk and strong_migrations): which lock each statement takes, what
 * it blocks while it holds it, and whether it rewrites the table. Operations on a table created
 * earlier in the same revision are left alone: an empty table is locked for no time.
 */
import type { ColumnType } from '../schema/model.js';
import type { LintRule, RuleHit } from './types.js';
import type { Operation } from '../ops/operations.js';
import { commonRules } from './common.js';
import { missingLockTimeout, type LockWaitChange } from './lock-wait.js';

const VOLATILE = /\b(random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|txid_current)\s*\(/i;

/** CREATE/DROP INDEX without CONCURRENTLY on a table that has rows. */
export const indexNotConcurrent: LintRule = {
  id: 'index-not-concurrent',
  severity: 'error',
  summary: 'CREATE or DROP INDEX without CONCURRENTLY blocks writes (create) or all access (drop)',
  check: ({ op, newTables }) => {
    if (op.kind === 'createIndex' && !op.concurrently && !newTables.has(op.table)) {
      return {
        message: `CREATE INDEX ${op.name} takes a SHARE lock on ${op.table}: every INSERT, UPDATE and DELETE waits until the whole index is built (minutes on a large table).`,
        fix: `await op.noTransaction(() => op.createIndex('${op.name}', '${op.table}', [...], { concurrently: true })): reads and writes go on while it builds.`,
      };
    }
    if (op.kind === 'dropIndex' && !op.concurrently) {
      return {
        message: `DROP INDEX ${op.name} takes an ACCESS EXCLUSIVE lock on its table: every read and write waits, and waits behind any long query already holding a lock.`,
        fix: `await op.noTransaction(() => op.dropIndex('${op.name}', { concurrently: true })).`,
      };
    }
    return undefined;
  },
};

/** CONCURRENTLY inside the revision's transaction: PostgreSQL refuses it. */
export const concurrentlyInTransaction: LintRule = {
  id: 'concurrently-in-transaction',
  severity: 'error',
  summary: 'CREATE/DROP INDEX CONCURRENTLY inside a transaction fails',
  check: ({ op, inTransaction }) => {
    if (!inTransaction) return undefined;
    if ((op.kind === 'createIndex' || op.kind === 'dropIndex') && op.concurrently) {
      return {
        message: `${op.kind === 'createIndex' ? 'CREATE' : 'DROP'} INDEX CONCURRENTLY ${op.name} cannot run inside a transaction block: the revision fails with "cannot run inside a transaction block".`,
        fix: `Wrap the call: await op.noTransaction(() => op.${op.kind}(...)).`,
      };
    }
    if (op.kind === 'addConstraint' && op.concurrently && (op.constraint.kind === 'unique' || op.constraint.kind === 'primaryKey')) {
      return {
        message: `${op.constraint.name} with { concurrently: true } builds its index with CREATE UNIQUE INDEX CONCURRENTLY, which cannot run inside a transaction block.`,
        fix: 'Wrap the call: await op.noTransaction(() => op.createUnique(...)).',
      };
    }
    return undefined;
  },
};

/** ADD COLUMN ... NOT NULL without a default. */
export const addColumnNotNull: LintRule = {
  id: 'add-column-not-null',
  severity: 'error',
  summary: 'a NOT NULL column added without a default fails on a table with rows',
  check: ({ op, newTables }) => op.kind === 'addColumn' && !op.column.spec.nullable && op.column.spec.default === undefined
    && !op.column.spec.autoIncrement && op.column.spec.generated === undefined && !newTables.has(op.table) ? {
      message: `ADD COLUMN ${op.column.name} NOT NULL without a default fails as soon as ${op.table} has a row ("contains null values"), and the running application's INSERTs that do not name the column fail once it exists.`,
      fix: `Add the column with a constant default (.default(...), no table rewrite since PostgreSQL 11), or nullable; backfill; then make it NOT NULL in a later revision (see set-not-null).`,
    } : undefined,
};

/** ALTER COLUMN ... SET NOT NULL scans the table under ACCESS EXCLUSIVE. */
export const setNotNull: LintRule = {
  id: 'set-not-null',
  severity: 'error',
  summary: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock',
  check: ({ op, newTables, inTransaction }) => {
    if (op.kind !== 'alterColumn' || op.changes.nullable !== false || newTables.has(op.table)) return undefined;
    if (op.notNullViaCheck && !inTransaction) return undefined;
    if (op.notNullViaCheck) {
      return {
        message: `notNullViaCheck on ${op.table}.${op.column} inside the revision's transaction keeps the ACCESS EXCLUSIVE lock of ADD CHECK through the VALIDATE scan: reads and writes of ${op.table} wait for the whole scan.`,
        fix: `await op.noTransaction(() => op.alterColumn('${op.table}', '${op.column}', { nullable: false, notNullViaCheck: true })): each step commits and releases its lock.`,
      };
    }
    return notNullHit(op.table, op.column);
  },
};

function notNullHit(table: string, column: string): RuleHit {
  return {
    message: `SET NOT NULL on ${table}.${column} takes an ACCESS EXCLUSIVE lock and scans every row to check for NULLs: all reads and writes of ${table} wait for the scan.`,
    fix: `await op.noTransaction(() => op.alterColumn('${table}', '${column}', { nullable: false, notNullViaCheck: true })): a CHECK (${column} IS NOT NULL) NOT VALID, VALIDATE (SHARE UPDATE EXCLUSIVE, writes go on), SET NOT NULL (PostgreSQL 12+ trusts the valid check and skips the scan), then the check dropped.`,
  };
}

/** ADD FOREIGN KEY / CHECK validated at once. */
export const constraintNotValid: LintRule = {
  id: 'constraint-not-valid',
  severity: 'error',
  summary: 'a FOREIGN KEY or CHECK added without NOT VALID is validated under lock',
  check: ({ op, newTables, inTransaction }) => {
    if (op.kind !== 'addConstraint' || newTables.has(op.table)) return undefined;
    const c = op.constraint;
    if (c.kind !== 'foreignKey' && c.kind !== 'check') return undefined;
    if (op.validate && inTransaction) {
      return {
        message: `${c.name} is added NOT VALID and validated in the same transaction: the ADD's lock on ${op.table} is kept through the VALIDATE scan, so nothing is gained.`,
        fix: 'Wrap the call in op.noTransaction(() => ...): the ADD commits at once and VALIDATE CONSTRAINT scans with writes going on.',
      };
    }
    if (c.notValid || op.validate) return undefined;
    const locks = c.kind === 'foreignKey'
      ? `a SHARE ROW EXCLUSIVE lock on ${op.table} and on ${c.refTable}: writes to both wait while every row of ${op.table} is checked`
      : `an ACCESS EXCLUSIVE lock on ${op.table}: reads and writes wait while every row is checked`;
    return {
      message: `ADD ${c.kind === 'foreignKey' ? 'FOREIGN KEY' : 'CHECK'} ${c.name} takes ${locks}.`,
      fix: `await op.noTransaction(() => op.${c.kind === 'foreignKey' ? 'createForeignKey' : 'createCheck'}(..., { notValid: true, validate: true })): ADD ... NOT VALID checks only new rows under a brief lock and commits, then VALIDATE CONSTRAINT scans while reads and writes go on.`,
    };
  },
};

/** ADD UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE. */
export const keyUnderLock: LintRule = {
  id: 'key-under-lock',
  severity: 'error',
  summary: 'UNIQUE or PRIMARY KEY added by building its index under an ACCESS EXCLUSIVE lock',
  check: ({ op, newTables }) => op.kind === 'addConstraint' && (op.constraint.kind === 'unique' || op.constraint.kind === 'primaryKey') && !op.concurrently && !newTables.has(op.table) ? {
    message: `ADD ${op.constraint.kind === 'unique' ? 'UNIQUE' : 'PRIMARY KEY'} ${op.constraint.name} builds its index while holding an ACCESS EXCLUSIVE lock on ${op.table}: all reads and writes wait for the build.`,
    fix: `await op.noTransaction(() => op.${op.constraint.kind === 'unique' ? 'createUnique' : 'createPrimaryKey'}('${op.constraint.name}', '${op.table}', [...], { concurrently: true })): CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX (a brief lock).`,
  } : undefined,
};

/** Whether PostgreSQL changes `from` into `to` without rewriting the table. */
function binaryCoercible(from: ColumnType | undefined, to: ColumnType): boolean {
  if (from === undefined) return false;
  const widerOrSame = (a?: number, b?: number) => b === undefined || (a !== undefined && b >= a);
  if (from.kind === 'varchar' && to.kind === 'varchar') return widerOrSame(from.length, to.length);
  if ((from.kind === 'varchar' || from.kind === 'text') && to.kind === 'text') return true;
  if (from.kind === 'numeric' && to.kind === 'numeric') return from.scale === to.scale && widerOrSame(from.precision, to.precision);
  return false;
}

/** ALTER COLUMN TYPE that rewrites the table. */
export const typeChangeRewrite: LintRule = {
  id: 'type-change-rewrite',
  severity: 'error',
  summary: 'a column type change that rewrites the table and its indexes under ACCESS EXCLUSIVE',
  check: ({ op, newTables }) => {
    if (op.kind !== 'alterColumn' || op.changes.type === undefined || newTables.has(op.table)) return undefined;
    if (binaryCoercible(op.existing?.type, op.changes.type)) return undefined;
    const known = op.existing?.type === undefined ? ' (existingType is not given, so lint assumes the worst)' : '';
    return {
      message: `Changing the type of ${op.table}.${op.column} rewrites ${op.table} and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock: all reads and writes wait${known}. It also breaks running code that expects the old type.`,
      fix: 'Add a new column of the new type, write to both and backfill in batches, switch readers, then drop the old column. Widening varchar, varchar to text and raising numeric precision do not rewrite: give existingType to show it.',
    };
  },
};

function volatileDefault(op: Operation): string | undefined {
  if (op.kind === 'addColumn') {
    const d = op.column.spec.default;
    return d?.kind === 'sql' && VOLATILE.test(d.sql) ? d.sql : undefined;
  }
  return undefined;
}

/** ADD COLUMN with a volatile default rewrites the table. */
export const volatileDefaultRule: LintRule = {
  id: 'volatile-default',
  severity: 'error',
  summary: 'ADD COLUMN with a volatile default (random(), gen_random_uuid(), clock_timestamp()) rewrites the table',
  check: ({ op, newTables }): RuleHit | undefined => {
    const sql = volatileDefault(op);
    if (sql === undefined || op.kind !== 'addColumn' || newTables.has(op.table)) return undefined;
    return {
      message: `ADD COLUMN ${op.column.name} DEFAULT ${sql} evaluates the default once per row: ${op.table} is rewritten under an ACCESS EXCLUSIVE lock (a constant or now() would not be).`,
      fix: 'Add the column without a default (or with a constant one), set the volatile default in a second statement (it applies to new rows only), and backfill existing rows in batches.',
    };
  },
};

const DATA_CHANGE = /^\s*(WITH\b[\s\S]*?\)\s*)?(UPDATE|INSERT|DELETE|MERGE)\b/i;

/** A data change in the transaction that also holds DDL locks on existing tables. */
export const backfillWithDdl: LintRule = {
  id: 'backfill-in-ddl-transaction',
  severity: 'error',
  summary: 'a data backfill in the same transaction as DDL: the DDL\'s locks are held until the backfill ends',
  check: ({ op, inTransaction, ddlInTransaction, newTables }) => {
    if (!inTransaction || ddlInTransaction.size === 0) return undefined;
    const data = (op.kind === 'execute' && DATA_CHANGE.test(op.sql)) || (op.kind === 'bulkInsert' && !newTables.has(op.table));
    if (!data) return undefined;
    const tables = [...ddlInTransaction].join(', ');
    return {
      message: `This data change runs in the revision's transaction with DDL on ${tables}: the DDL's locks (ACCESS EXCLUSIVE for most ALTER TABLE) are held until COMMIT, so every read and write of ${tables} waits for the whole backfill, and the rows it changes stay locked too.`,
      fix: 'Move the backfill to a revision of its own (or wrap it in op.noTransaction and update in batches), so that the DDL commits at once and the backfill holds only row locks.',
    };
  },
};

/** A value of lock_timeout that means no bound: 0 in any unit, or the server default (0 unless the role sets one). */
const PG_NO_BOUND = /^(?:'?\s*0+\s*(?:ms|s|min)?\s*'?|DEFAULT)$/i;

/** `SET [SESSION|LOCAL] lock_timeout = ...`, `RESET lock_timeout|ALL`, `set_config('lock_timeout', ...)`. */
function pgLockWaitChange(statement: string): LockWaitChange | undefined {
  const set = /^SET\s+(SESSION\s+|LOCAL\s+)?lock_timeout\s*(?:=|\bTO\b)\s*(.+)$/i.exec(statement);
  if (set !== null) return { unbounded: PG_NO_BOUND.test(set[2]!.trim()), local: /LOCAL/i.test(set[1] ?? '') };
  if (/^RESET\s+(lock_timeout|ALL)\b/i.test(statement)) return { unbounded: true, local: false };
  const call = /set_config\(\s*'lock_timeout'\s*,\s*'([^']*)'\s*,\s*(true|false)\s*\)/i.exec(statement);
  if (call !== null) return { unbounded: PG_NO_BOUND.test(call[1]!.trim()), local: call[2]!.toLowerCase() === 'true' };
  return undefined;
}

/**
 * `missing-lock-timeout` on PostgreSQL. Not op.noTransaction itself: retort sets lock_timeout
 * for the session, which outlives the commits noTransaction makes; only a `SET LOCAL` reset
 * ends there.
 */
export const pgMissingLockTimeout: LintRule = missingLockTimeout({
  setting: 'lock_timeout', lock: 'ACCESS EXCLUSIVE (or SHARE)', change: pgLockWaitChange, example: "SET lock_timeout = '30s'",
});

/** The rules that apply to PostgreSQL, in report order. */
export const postgresRules: readonly LintRule[] = Object.freeze([
  indexNotConcurrent, concurrentlyInTransaction, addColumnNotNull, setNotNull, constraintNotValid, keyUnderLock,
  typeChangeRewrite, volatileDefaultRule, backfillWithDdl, pgMissingLockTimeout, ...commonRules,
]);
