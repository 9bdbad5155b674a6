/**
 * What PostgreSQL says about a failed statement besides its message (the dialect's
 * `describeServerError`), printed as psql prints it.
 *
 * The server sends an error as separate fields, and `pg`'s error message is the primary one
 * alone: "could not create unique index" without the DETAIL that names the duplicated key, "column
 * ... is of type integer but expression is of type text" without the HINT to write `USING`, an
 * error raised in a trigger without the CONTEXT naming the function and line, a syntax error
 * without the position. Alembic prints them (psycopg's message holds them); so does retort.
 */
import { OUTSIDE_TRANSACTION_HINT } from '../common/outside-transaction.js';
import type { ServerErrorReport } from '../dialect.js';

/** The fields of `pg`'s DatabaseError that a user reads (pg-protocol names them so). */
interface PgServerError {
  readonly code: string;
  readonly severity?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: string;
  readonly internalQuery?: string;
  readonly where?: string;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly dataType?: string;
  readonly constraint?: string;
}

/** SQLSTATE active_sql_transaction: "CREATE INDEX CONCURRENTLY cannot run inside a transaction block" and the like. */
const ACTIVE_SQL_TRANSACTION = '25001';

/** A SQLSTATE: five digits or capital letters. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

function isServerError(error: unknown): error is PgServerError {
  const e = error as Partial<PgServerError> | null;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && SQLSTATE.test(e.code) && typeof e.severity === 'string';
}

/** The longest part of a statement's line shown around the error position (psql cuts long lines too). */
const LINE_WINDOW = 100;

/**
 * psql's `LINE n: ...` and a caret under the character the server's 1-based `position` (counted
 * in characters of `statement`) points at; none when the position falls outside the statement.
 */
export function positionLines(statement: string, position: number): string[] {
  const chars = Array.from(statement);
  if (!Number.isInteger(position) || position < 1 || position > chars.length + 1) return [];
  const before = chars.slice(0, position - 1);
  const lineNumber = before.filter((c) => c === '\n').length + 1;
  const lineStart = before.lastIndexOf('\n') + 1;
  const end = chars.indexOf('\n', lineStart);
  const line = chars.slice(lineStart, end < 0 ? chars.length : end);
  let column = position - 1 - lineStart;
  let shown = line;
  let prefix = '';
  if (line.length > LINE_WINDOW) {
    const from = Math.max(0, Math.min(column - LINE_WINDOW / 2, line.length - LINE_WINDOW));
    shown = line.slice(from, from + LINE_WINDOW);
    prefix = from > 0 ? '...' : '';
    column -= from;
  }
  const label = `LINE ${lineNumber}: ${prefix}`;
  return [`${label}${shown.join('')}`, `${' '.repeat(label.length + column)}^`];
}

/** See the module comment. */
export function describePostgresError(error: unknown, statement: string | undefined): ServerErrorReport | undefined {
  if (!isServerError(error)) return undefined;
  const lines: string[] = [];
  const position = error.position !== undefined && /^\d+$/.test(error.position) ? Number(error.position) : undefined;
  if (position !== undefined && statement !== undefined) lines.push(...positionLines(statement, position));
  // psql's labels, each followed by two spaces as psql prints them.
  if (error.detail) lines.push(`DETAIL:  ${error.detail}`);
  if (error.hint) lines.push(`HINT:  ${error.hint}`);
  if (error.internalQuery) lines.push(`QUERY:  ${error.internalQuery}`);
  if (error.where) lines.push(`CONTEXT:  ${error.where}`);
  const named = { detail: error.detail, hint: error.hint, context: error.where, position, schema: error.schema, table: error.table, column: error.column, dataType: error.dataType, constraint: error.constraint };
  const fields: Record<string, unknown> = { code: error.code };
  for (const [key, value] of Object.entries(named)) if (value !== undefined && value !== '') fields[key] = value;
  return error.code === ACTIVE_SQL_TRANSACTION ? { lines, fields, hint: OUTSIDE_TRANSACTION_HINT } : { lines, fields };
}
