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

/** The label of the unit's block and the session variable naming the statement running (for an error's index). */
const LABEL = 'retort_unit';
const AT = '@retort_unit_at';

/**
 * True when the server runs this file's anonymous compound statement: MariaDB, outside
 * `sql_mode=ORACLE` (where a block is written the PL/SQL way).
 */
export function hasCompoundUnit(server: ServerInfo, oracleMode: boolean): boolean {
  return server.flavour === 'mariadb' && !oracleMode;
}

/**
 * The compound statement of `statements`. Its one result row says how it ended: `at` -1 and the
 * last INSERT's id when it committed; else the index of the statement whose row count was off
 * and that count (everything rolled back). An error in any statement is caught by the handler,
 * which rolls back and raises it again unchanged; `@retort_unit_at` then names the statement.
 */
export function unitSql(statements: readonly UnitStatement[]): string {
  const body = statements.map((statement, i) => {
    const check = statement.expectedRows === undefined ? ''
      : ` SET n = ROW_COUNT(); IF n <> ${statement.expectedRows} THEN SET bad = ${i}; LEAVE ${LABEL}; END IF;`;
    return `SET ${AT} = ${i}; ${statement.sql};${check}`;
  });
  // The outermost block of an anonymous compound statement takes no label: the checks leave an
  // inner one, and what follows it commits or rolls back.
  return 'BEGIN NOT ATOMIC DECLARE n BIGINT; DECLARE bad INT DEFAULT -1; DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; ' +
    `START TRANSACTION; ${LABEL}: BEGIN ${body.join(' ')} END ${LABEL}; ` +
    'IF bad >= 0 THEN ROLLBACK; ELSE COMMIT; END IF; SELECT bad AS at, n AS matched, LAST_INSERT_ID() AS id; END';
}

/** The statement that reads which statement of a unit raised its error (on the same session, after it). */
export const UNIT_AT_SQL = `SELECT ${AT} AS at`;

/** The outcome in the result of {@link unitSql}: the driver's rows, one result set then an OK packet. */
export function unitOutcome(result: unknown): UnitOutcome {
  const row = firstRow(result);
  const at = Number(row?.at);
  if (row === undefined || !Number.isInteger(at)) throw new Error(`retort's bookkeeping unit returned no outcome row: ${JSON.stringify(result)}`);
  if (at >= 0) return { committed: false, index: at, rows: Number(row.matched) };
  const id = row.id === null || row.id === undefined ? undefined : Number(row.id);
  return { committed: true, insertId: id !== undefined && Number.isSafeInteger(id) && id > 0 ? id : undefined };
}

/** The first row of the first result set (`[[row], ok]` from a multi-result reply, or `[row]`). */
function firstRow(result: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(result)) return undefined;
  const first = result[0] as unknown;
  if (Array.isArray(first)) return first[0] as Record<string, unknown> | undefined;
  return first as Record<string, unknown> | undefined;
}
