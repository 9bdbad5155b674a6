/**
 * retort's bookkeeping unit (Session.executeUnit) on MariaDB: ONE anonymous compound statement
 * (`BEGIN NOT ATOMIC ... END`, MariaDB 10.1+) that opens a transaction, runs the statements,
 * checks each one's row count, and commits; or rolls back on an error or on a count that is off.
 * One round trip and one commit (one redo-log flush) where BEGIN, each statement and COMMIT took
 * one round trip each, or where autocommitted statements took one commit each.
 *
 * Why not a multi-statement request: that needs CLIENT_MULTI_STATEMENTS on the run's connection,
 * and then a script's raw SQL could carry more statements than the runtime counts and names in
 * its errors. A compound statement is one statement to the protocol; the connection keeps
 * refusing `a; b`. MySQL has no anonymous compound statement: there the unit is unavailable and
 * the run sends BEGIN, the statements and COMMIT one by one, as before.
 */
import type { UnitOutcome, UnitStatement } from '../dialect.js';
import type { ServerInfo } from './server.js';

/** The session variables naming the statement running (for an error's index) and the count a check found. */
const AT = '@retort_unit_at';
const ROWS = '@retort_unit_rows';

/**
 * The message of the error a unit raises when a statement matched other rows than it must. Only
 * the unit's own check raises it (the unit holds retort's statements only), and
 * {@link unitSignal} turns it back into an outcome.
 */
const COUNT_MESSAGE = 'retort unit: row count';

/** ER_SIGNAL_EXCEPTION: an error raised by SIGNAL. */
const SIGNAL_ERRNO = 1644;

/**
 * True when the server runs this file's anonymous compound statement: MariaDB, outside
 * `sql_mode=ORACLE` (where a block is written the PL/SQL way).
 */
export function hasCompoundUnit(server: ServerInfo, oracleMode: boolean): boolean {
  return server.flavour === 'mariadb' && !oracleMode;
}

/**
 * The compound statement of `statements`. It commits and returns one row, the last INSERT's id.
 * Any error (a refused statement, or the check of a statement whose row count is off, which
 * signals {@link COUNT_MESSAGE}) goes through the one handler: it rolls everything back and
 * raises the error again unchanged; `@retort_unit_at` then names the statement, and
 * `@retort_unit_rows` holds the count a check found.
 *
 * Kept short because the server parses the whole block for every revision (no cache for
 * anonymous blocks): per statement a SET of the index and, when a count is expected, a SET and
 * an IF; no result set but the id. It was a `bad` flag, a labelled block left by each check and a
 * final IF choosing COMMIT or ROLLBACK, about twice the instructions and the text.
 */
export function unitSql(statements: readonly UnitStatement[]): string {
  const body = statements.map((statement, i) => {
    const check = statement.expectedRows === undefined ? ''
      : ` SET ${ROWS} = ROW_COUNT(); IF ${ROWS} <> ${statement.expectedRows} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${COUNT_MESSAGE}'; END IF;`;
    return `SET ${AT} = ${i}; ${statement.sql};${check}`;
  });
  return 'BEGIN NOT ATOMIC DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; START TRANSACTION; ' +
    `${body.join(' ')} COMMIT; SELECT LAST_INSERT_ID() AS id; END`;
}

/** The statement that reads, after a unit's error (on the same session), which statement raised it and the count its check found. */
export const UNIT_AT_SQL = `SELECT ${AT} AS at, ${ROWS} AS \`rows\``;

/** True when `error` is the unit's own row-count check (it rolled everything back). */
export function unitSignal(error: unknown): boolean {
  const e = (error ?? {}) as { errno?: unknown; sqlMessage?: unknown; message?: unknown };
  return e.errno === SIGNAL_ERRNO && (e.sqlMessage ?? e.message) === COUNT_MESSAGE;
}

/** The outcome in the result of {@link unitSql} (one result set then an OK packet): committed, with the last INSERT's id. */
export function unitOutcome(result: unknown): UnitOutcome {
  const row = firstRow(result);
  if (row === undefined || !('id' in row)) throw new Error(`retort's bookkeeping unit returned no outcome row: ${JSON.stringify(result)}`);
  const id = row.id === null || row.id === undefined ? undefined : Number(row.id);
  return { committed: true, insertId: id !== undefined && Number.isSafeInteger(id) && id > 0 ? id : undefined };
}

/** The outcome of a unit whose check failed, from the row of {@link UNIT_AT_SQL}. */
export function countOutcome(row: Record<string, unknown> | undefined): UnitOutcome {
  const index = Number(row?.at);
  const rows = Number(row?.rows);
  if (!Number.isInteger(index) || index < 0 || !Number.isInteger(rows)) throw new Error(`retort's bookkeeping unit failed its count check but left no index: ${JSON.stringify(row)}`);
  return { committed: false, index, rows };
}

/** The first row of the first result set (`[[row], ok]` from a multi-result reply, or `[row]`). */
function firstRow(result: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(result)) return undefined;
  const first = result[0] as unknown;
  if (Array.isArray(first)) return first[0] as Record<string, unknown> | undefined;
  return first as Record<string, unknown> | undefined;
}
