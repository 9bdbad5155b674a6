/**
 * The end of a revision as ONE statement: its version-table change and its history row together,
 * where the dialect can say so in SQL ({@link DialectCapabilities.combinedBookkeeping}). That
 * saves a round trip per revision (several on MySQL, where the two writes otherwise need a
 * transaction of their own: BEGIN, two statements, COMMIT), and a single statement is atomic by
 * itself: the version table never claims a revision whose history row says otherwise.
 *
 * The statement reports how many rows it changed: anything but the expected count means the
 * version table did not hold what this run read under its lock, and the run stops there
 * (`VersionTableMismatch`) exactly as with two statements. Where the dialect writes it as a
 * data-changing CTE (PostgreSQL), the statement checks the count itself and fails when it is
 * wrong ({@link CombinedStatement.checksItself}), so its transaction can never commit a wrong
 * count: it can then be sent in one round trip with the COMMIT that follows it, and an offline
 * script stops there too.
 */
import type { Dialect, DialectCapabilities, ParameterizedStatement } from '../dialects/dialect.js';
import { RetortError } from '../errors.js';
import type { VersionChange } from '../script/graph/index.js';
import { historyInsertParts, literalSink, runningUpdateParts, type HistoryTableRef, type HistoryValueType, type NewHistoryRow, type RunningRowChange, type RunningRowRef, type ValueSink } from './history-table.js';
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
  /**
   * True when the statement fails by itself unless it changed `expectedRows` rows (its error
   * then carries the count: {@link selfCheckedRows}); false when the caller must compare the
   * count the server reports.
   */
  readonly checksItself: boolean;
  /**
   * The same statement with the revision's own values as parameters, where the dialect numbers
   * parameters ({@link Dialect.parameter}): its text is the same for every revision of a run, so
   * a session can keep it prepared (PostgreSQL parses and plans the CTE once per run instead of
   * once per revision). `sql` stays what is shown, printed offline and named in errors.
   */
  readonly parameterized?: ParameterizedStatement;
}

/** The text a self-checking statement's error carries, before the count it found. */
const MISMATCH_MARK = 'retort VersionTableMismatch: the version change and its history row matched';

/** `VersionTableMismatch`: retort's own statement `sql` of `revision` matched `rows` rows instead of `expected`. */
export function versionTableMismatch(revision: string, sql: string, rows: number, expected: number): RetortError {
  return new RetortError('VersionTableMismatch',
    `Revision ${revision}: retort's own bookkeeping statement matched ${rows} row(s) instead of ${expected}: ${sql}. ` +
      'The table no longer holds what this run read under its lock (another run or a person changed it during this run), so the change was not committed.', {
      fields: { revision, statement: sql, rowsMatched: rows },
      hint: '`retort current` and `retort history --applied` show what the database holds now; run the command again once nothing else changes these tables.',
    });
}

/** {@link versionTableMismatch} when `error` is a self-checking statement's failure on its count; `error` otherwise. */
export function selfCheckFailure(error: unknown, revision: string, sql: string, expected: number): unknown {
  const rows = selfCheckedRows(error);
  return rows === undefined ? error : versionTableMismatch(revision, sql, rows, expected);
}

/**
 * The rows a self-checking statement ({@link CombinedStatement.checksItself}) found instead of
 * the expected count, read from the error it failed with; undefined for any other error.
 */
export function selfCheckedRows(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const found = new RegExp(`${MISMATCH_MARK} (\\d+) row`).exec(message);
  return found === null ? undefined : Number(found[1]);
}

/** Names of the CTEs holding the rows each part changed (never a user's table: they are local to the statement). */
const CHANGED = 'retort_version_changed';
const WRITTEN = 'retort_history_written';

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
    const sql = dmlCteSql(dialect, tables, change, success, literalSink(dialect), (v) => dialect.quoteString(v));
    return { sql, expectedRows: 1, checksItself: true, ...parameterizedDmlCte(dialect, tables, change, success) };
  }
  if (how === 'multi-table-update' && change.kind === 'update' && success.kind === 'update') {
    // Both rows are found or the statement changes nothing: 2 rows matched is the only success.
    const version = qualifiedName(dialect, tables.version);
    const column = `${version}.${dialect.quoteIdentifier('version_num')}`;
    const { assignments, where } = runningUpdateParts(dialect, success.row, success.set, `${history}.`);
    return {
      sql: `UPDATE ${version}, ${history} SET ${column} = ${dialect.quoteString(change.to)}, ${assignments} WHERE ${column} = ${dialect.quoteString(change.from)} AND ${where}`,
      expectedRows: 2,
      checksItself: false,
    };
  }
  return undefined;
}

/**
 * The `dml-cte` statement of {@link combinedSuccessSql}: the version change, then the history
 * row, then a check of the count. `value` writes the history row's own values and `revision` the
 * version change's ids (literals, or placeholders for {@link parameterizedDmlCte}).
 */
function dmlCteSql(
  dialect: Dialect,
  tables: { readonly version: VersionTableRef; readonly history: HistoryTableRef },
  change: VersionChange,
  success: HistorySuccess,
  value: ValueSink,
  revision: (id: string) => string,
): string {
  const history = qualifiedName(dialect, tables.history);
  // The history statement reads one row from the CTE, which holds one row only if the version
  // change matched: a version table that no longer holds what was read changes nothing at all.
  // The final SELECT counts the history rows written and, unless the count is 1, fails with it
  // (a text that is no integer: SQL has no RAISE outside procedures; an aggregate is always
  // evaluated, and the count keeps the cast from being folded at plan time), which aborts the
  // transaction before any COMMIT can take it.
  const cte = `WITH ${dialect.quoteIdentifier(CHANGED)} AS (${versionChangeSql(dialect, tables.version, change, revision)} RETURNING 1)`;
  const from = dialect.quoteIdentifier(CHANGED);
  let write: string;
  if (success.kind === 'insert') {
    const { columns, values } = historyInsertParts(dialect, success.row, success.version, value);
    write = `INSERT INTO ${history} (${columns}) SELECT ${values} FROM ${from}`;
  } else {
    const { assignments, where } = runningUpdateParts(dialect, success.row, success.set, '');
    write = `UPDATE ${history} SET ${assignments} FROM ${from} WHERE ${where}`;
  }
  const written = dialect.quoteIdentifier(WRITTEN);
  const mismatch = `CAST(${dialect.quoteString(`${MISMATCH_MARK} `)} || count(*) || ${dialect.quoteString(' row(s) instead of 1')} AS INTEGER)`;
  return `${cte}, ${written} AS (${write} RETURNING 1) SELECT CASE count(*) WHEN 1 THEN 1 ELSE ${mismatch} END AS ${dialect.quoteIdentifier('retort_rows')} FROM ${written}`;
}

/** SQL types of history values given as parameters: a parameter in a SELECT list has none of its own. */
const PARAMETER_TYPES: Record<HistoryValueType, string | undefined> = { text: undefined, integer: 'INTEGER', timestamp: 'TIMESTAMP(3)' };

/**
 * {@link dmlCteSql} with every per-revision value as a parameter, where the dialect numbers them.
 * Only for the `ok` row the transactional regime inserts (every revision of a PostgreSQL run but
 * one that committed part of itself with op.noTransaction, which stays text). A text value goes
 * as an untyped parameter (it becomes the column's type, as a quoted literal does); the others
 * are cast, since a parameter in the SELECT list of an INSERT ... SELECT is given no type by its
 * column. Values are those the literals would spell, so both forms write the same row.
 */
function parameterizedDmlCte(
  dialect: Dialect,
  tables: { readonly version: VersionTableRef; readonly history: HistoryTableRef },
  change: VersionChange,
  success: HistorySuccess,
): { parameterized: ParameterizedStatement } | Record<string, never> {
  const placeholder = dialect.parameter;
  if (placeholder === undefined || success.kind !== 'insert') return {};
  const values: (string | number | null)[] = [];
  const add = (v: string | number | null, type: HistoryValueType | undefined): string => {
    values.push(v);
    const p = placeholder(values.length);
    const cast = type === undefined ? undefined : PARAMETER_TYPES[type];
    return cast === undefined ? p : `CAST(${p} AS ${cast})`;
  };
  const text = dmlCteSql(dialect, tables, change, success, add, (id) => add(id, undefined));
  return { parameterized: { text, values } };
}
