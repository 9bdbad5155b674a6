/**
 * The end of a revision as ONE statement: its version-table change and its history row together,
 * where the dialect can say so in SQL ({@link DialectCapabilities.combinedBookkeeping}). That
 * saves a round trip per revision (several on MySQL, where the two writes otherwise need a
 * transaction of their own: BEGIN, two statements, COMMIT), and a single statement is atomic by
 * itself: the version table never claims a revision whose history row says otherwise.
 *
 * The statement reports how many rows it changed: anything but the expected count means the
 * version table did not hold what this run read under its lock, and the run stops there
 * (`VersionTableMismatch`) exactly as with two statements.
 */
import type { Dialect, DialectCapabilities } from '../dialects/dialect.js';
import type { VersionChange } from '../script/graph/index.js';
import { historyInsertParts, runningUpdateParts, type HistoryTableRef, type NewHistoryRow, type RunningRowChange, type RunningRowRef } from './history-table.js';
import { qualifiedName, versionChangeSql, type VersionTableRef } from './version-table.js';

/** The history row that records a revision's success, as parts a combined statement can use. */
export type HistorySuccess =
  /** The transactional regime: the `ok` row is inserted. */
  | { readonly kind: 'insert'; readonly row: NewHistoryRow; readonly version: string }
  /** The revision's `running` row becomes `ok`. */
  | { readonly kind: 'update'; readonly row: RunningRowRef; readonly set: RunningRowChange };

/** One statement and the rows it changes when the version table holds what the run read. */
export interface CombinedStatement {
  readonly sql: string;
  readonly expectedRows: number;
}

/** Name of the CTE holding the version-table change's row (never a user's table: it is local to the statement). */
const CHANGED = 'retort_version_changed';

/**
 * The version change `change` and the history row `success` as one statement, or undefined where
 * the dialect cannot combine these two (then they run as two statements, as before).
 */
export function combinedSuccessSql(
  dialect: Dialect,
  tables: { readonly version: VersionTableRef; readonly history: HistoryTableRef },
  change: VersionChange,
  success: HistorySuccess,
): CombinedStatement | undefined {
  const how: DialectCapabilities['combinedBookkeeping'] = dialect.capabilities.combinedBookkeeping;
  const history = qualifiedName(dialect, tables.history);
  if (how === 'dml-cte') {
    // The history statement reads one row from the CTE, which holds one row only if the version
    // change matched: a version table that no longer holds what was read changes nothing at all.
    const cte = `WITH ${dialect.quoteIdentifier(CHANGED)} AS (${versionChangeSql(dialect, tables.version, change)} RETURNING 1)`;
    const from = dialect.quoteIdentifier(CHANGED);
    if (success.kind === 'insert') {
      const { columns, values } = historyInsertParts(dialect, success.row, success.version);
      return { sql: `${cte} INSERT INTO ${history} (${columns}) SELECT ${values} FROM ${from}`, expectedRows: 1 };
    }
    const { assignments, where } = runningUpdateParts(dialect, success.row, success.set, '');
    return { sql: `${cte} UPDATE ${history} SET ${assignments} FROM ${from} WHERE ${where}`, expectedRows: 1 };
  }
  if (how === 'multi-table-update' && change.kind === 'update' && success.kind === 'update') {
    // Both rows are found or the statement changes nothing: 2 rows matched is the only success.
    const version = qualifiedName(dialect, tables.version);
    const column = `${version}.${dialect.quoteIdentifier('version_num')}`;
    const { assignments, where } = runningUpdateParts(dialect, success.row, success.set, `${history}.`);
    return {
      sql: `UPDATE ${version}, ${history} SET ${column} = ${dialect.quoteString(change.to)}, ${assignments} WHERE ${column} = ${dialect.quoteString(change.from)} AND ${where}`,
      expectedRows: 2,
    };
  }
  return undefined;
}
