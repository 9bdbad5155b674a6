/**
 * The history table (`retort_history` by default): an append-only log of every step a database
 * went through (upgrade, downgrade, stamp, accept, resolve), with the sha256 of the revision file
 * that ran. Like the version table, its DDL goes through the dialect's compiler (neutral column
 * types, one spelling per dialect) and its rows are written with plain SQL every dialect accepts.
 *
 * Rows are appended; the only rows ever updated are the run's own `running` rows (on databases
 * without transactional DDL), which move to `ok` or `failed` when the revision ends. A `running`
 * row whose run died stays `running`: the next run refuses over it until `retort resolve`.
 */
import { readFile } from 'node:fs/promises';
import type { Dialect, Session } from '../dialects/dialect.js';
import type { CreateTableOp } from '../ops/operations.js';
import { columnSpec, type ColumnType } from '../schema/model.js';
import { clientIdentity } from '../util/client.js';
import { redactUrlsIn } from '../util/redact.js';
import { fileSha256 } from '../script/checksums.js';
import { qualifiedName, type VersionTableRef } from './version-table.js';

/** Where the history table lives (same shape as the version table's reference). */
export type HistoryTableRef = VersionTableRef;

/** The status of a history row. */
export type HistoryStatus = 'running' | 'ok' | 'failed' | 'resolved-applied' | 'resolved-rolled-back' | 'accepted';

/** What a history row records about one step. */
export type HistoryDirection = 'up' | 'down' | 'stamp';

/** One row of the history table, as `history --applied` shows it. */
export interface HistoryRow {
  readonly id: number;
  readonly revision: string;
  readonly direction: HistoryDirection;
  readonly checksum: string | null;
  /** ISO-8601 UTC (`2026-01-31T12:00:00.000Z`); null only where the server gave none. */
  readonly startedAt: string | null;
  /** Null for rows written by an offline (`--sql`) script, which cannot time itself. */
  readonly durationMs: number | null;
  readonly dbUser: string | null;
  readonly dbHost: string | null;
  readonly retortVersion: string | null;
  readonly status: HistoryStatus;
  /** Statements of the revision that took effect (committed, where DDL is not transactional). */
  readonly statements: number;
  readonly error: string | null;
}

/** The values of a new row; the SQL text of each is decided by {@link insertHistorySql}. */
export interface NewHistoryRow {
  /** The row's id where the run hands ids out itself (Dialect.reserveHistoryIds); else the database's. */
  readonly id?: number;
  readonly revision: string;
  readonly direction: HistoryDirection;
  readonly checksum: string | null;
  /** The start time; undefined offline, where the server's clock is used when the script runs. */
  readonly startedAt?: Date;
  readonly durationMs: number | null;
  readonly status: HistoryStatus;
  readonly statements: number;
  readonly error: string | null;
}

const t = (type: ColumnType, nullable = true) => columnSpec(type, { nullable });

/** The CREATE TABLE IF NOT EXISTS operation of the history table. */
export function createHistoryTableOp(table: HistoryTableRef): CreateTableOp {
  return Object.freeze<CreateTableOp>({
    kind: 'createTable',
    table: table.name,
    ...(table.schema ? { schema: table.schema } : {}),
    columns: [
      { name: 'id', spec: columnSpec({ kind: 'integer' }, { nullable: false, primaryKey: true, autoIncrement: true }) },
      // 255: a stamp of several heads names them all in one row.
      { name: 'revision', spec: t({ kind: 'varchar', length: 255 }, false) },
      { name: 'direction', spec: t({ kind: 'varchar', length: 8 }, false) },
      { name: 'checksum', spec: t({ kind: 'varchar', length: 64 }) },
      // UTC without zone: DATETIME on MySQL stores what it is given (TIMESTAMP would convert by
      // the session's zone and, on old servers, auto-update on every UPDATE of the row).
      { name: 'started_at', spec: t({ kind: 'timestamp', precision: 3 }) },
      { name: 'duration_ms', spec: t({ kind: 'integer' }) },
      { name: 'db_user', spec: t({ kind: 'varchar', length: 255 }) },
      { name: 'db_host', spec: t({ kind: 'varchar', length: 255 }) },
      { name: 'retort_version', spec: t({ kind: 'varchar', length: 32 }) },
      { name: 'status', spec: t({ kind: 'varchar', length: 32 }, false) },
      { name: 'statements', spec: t({ kind: 'integer' }, false) },
      { name: 'error', spec: t({ kind: 'text' }) },
    ],
    constraints: [],
    options: {},
    ifNotExists: true,
  });
}

/**
 * sha256 (hex) of a revision file's bytes: one `stat` for a file whose hash is known for its
 * identity (checksums.ts: the graph's scan hands over the header cache's), else a read. Read
 * synchronously: for the small files revisions are, that is about ten times faster than through
 * the thread pool (200 files: ~5 ms against ~45 ms).
 */
export async function fileChecksum(path: string): Promise<string> {
  return fileSha256(path);
}

let cachedVersion: string | undefined;

/** retort's own version, from its package.json. */
export async function retortVersion(): Promise<string> {
  if (cachedVersion === undefined) {
    const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8').catch(() => '{}');
    cachedVersion = String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown');
  }
  return cachedVersion;
}

/** `2026-01-31 12:00:00.000`: a UTC literal every dialect's timestamp column accepts. */
function utcLiteral(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** An SQL literal, or NULL. */
function literal(dialect: Dialect, value: string | number | null): string {
  if (value === null) return 'NULL';
  return typeof value === 'number' ? String(Math.round(value)) : dialect.quoteString(value);
}

/** The SQL type a value of a history row is given where it goes as a parameter (see {@link ValueSink}). */
export type HistoryValueType = 'text' | 'integer' | 'timestamp';

/**
 * How the values of a row go into a statement: as SQL literals (the default, and always offline),
 * or as parameters of a prepared statement (bookkeeping.ts), in which case the sink returns the
 * placeholder. One builder serves both, so the two forms of a statement say the same thing.
 */
export type ValueSink = (value: string | number | null, type: HistoryValueType) => string;

/** The sink that writes each value as an SQL literal. */
export function literalSink(dialect: Dialect): ValueSink {
  return (value) => literal(dialect, value);
}

const COLUMNS = ['revision', 'direction', 'checksum', 'started_at', 'duration_ms', 'db_user', 'db_host', 'retort_version', 'status', 'statements', 'error'];

/**
 * The INSERT of one row. Who and when are SQL expressions the server evaluates where the dialect
 * has them ({@link Dialect.historySql}), so an offline script applied by a DBA records the DBA's
 * session, not the machine that printed the script.
 */
export function insertHistorySql(dialect: Dialect, table: HistoryTableRef, row: NewHistoryRow, version: string): string {
  const { columns, values } = historyInsertParts(dialect, row, version);
  return `INSERT INTO ${qualifiedName(dialect, table)} (${columns}) VALUES (${values})`;
}

/**
 * The INSERTs of `rows`, in order: one statement per run of consecutive rows that name the same
 * columns (rows with an id of the run's reserved block, or rows that take the database's), so
 * the ids come out in the order of `rows`, as with one INSERT each. The values every row shares
 * (who, retort's version) and the column lists are rendered once.
 */
export function insertHistoryRowsSql(dialect: Dialect, table: HistoryTableRef, rows: readonly NewHistoryRow[], version: string): string[] {
  const shared = sharedValues(dialect, version);
  const target = qualifiedName(dialect, table);
  const statements: string[] = [];
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    const withId = rows[start]!.id !== undefined;
    if (i < rows.length && (rows[i]!.id !== undefined) === withId) continue;
    const values = rows.slice(start, i).map((row) => `(${rowValues(dialect, row, shared)})`);
    statements.push(`INSERT INTO ${target} (${columnList(dialect, withId)}) VALUES ${values.join(', ')}`);
    start = i;
  }
  return statements;
}

/**
 * The column list and the VALUES list of {@link insertHistorySql}, for a statement that inserts
 * them otherwise; `value` writes each of the row's own values (literals by default).
 */
export function historyInsertParts(dialect: Dialect, row: NewHistoryRow, version: string, value: ValueSink = literalSink(dialect)): { columns: string; values: string } {
  return { columns: columnList(dialect, row.id !== undefined), values: rowValues(dialect, row, sharedValues(dialect, version), value) };
}

/** The values of a row that are the same for every row a run writes. */
interface SharedValues {
  readonly user: string;
  readonly host: string;
  readonly version: string;
}

/**
 * Who and retort's version. Who is an SQL expression the server evaluates where the dialect has
 * one ({@link Dialect.historySql}), so an offline script applied by a DBA records the DBA's session.
 */
function sharedValues(dialect: Dialect, version: string): SharedValues {
  const expr = dialect.historySql;
  return {
    user: expr?.user ?? literal(dialect, clientIdentity().user),
    // Over a Unix socket the server cannot tell the client's host: then this machine's name.
    host: expr ? `COALESCE(${expr.host}, ${literal(dialect, clientIdentity().host)})` : literal(dialect, clientIdentity().host),
    version: literal(dialect, version),
  };
}

/** The VALUES list of `row`, in the order of {@link columnList}, each of its own values written by `value`. */
function rowValues(dialect: Dialect, row: NewHistoryRow, shared: SharedValues, value: ValueSink = literalSink(dialect)): string {
  const started = row.startedAt ? value(utcLiteral(row.startedAt), 'timestamp') : (dialect.historySql?.nowUtc ?? value(utcLiteral(new Date()), 'timestamp'));
  const values = `${value(row.revision, 'text')}, ${value(row.direction, 'text')}, ${value(row.checksum, 'text')}, ${started}, ` +
    `${value(rounded(row.durationMs), 'integer')}, ${shared.user}, ${shared.host}, ${shared.version}, ${value(row.status, 'text')}, ` +
    `${value(rounded(row.statements), 'integer')}, ${value(row.error === null ? null : cleanError(row.error), 'text')}`;
  return row.id === undefined ? values : `${value(row.id, 'integer')}, ${values}`;
}

/** A count or a duration as the table stores it (a whole number), as {@link literal} writes it. */
function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

/** The quoted column list of the history table's INSERTs (the id first when the run gives it). */
function columnList(dialect: Dialect, withId: boolean): string {
  const columns = COLUMNS.map((c) => dialect.quoteIdentifier(c)).join(', ');
  return withId ? `${dialect.quoteIdentifier('id')}, ${columns}` : columns;
}

/** What {@link updateRunningSql} sets. */
export interface RunningRowChange {
  readonly status?: HistoryStatus;
  readonly statements: number;
  readonly durationMs?: number | null;
  readonly error?: string | null;
}

/** Which running row {@link updateRunningSql} addresses: by id online, by revision offline. */
export type RunningRowRef = { readonly id: number } | { readonly revision: string };

/**
 * The UPDATE of the run's own `running` row: by its id online (`row.id`), so a run never touches
 * another run's row (a dead run's `running` row stays as it was left, and another node's live
 * one on a cluster is not this run's to change). An offline script cannot know the id the
 * DBA's server will assign, so there the row is addressed by revision and status: a script is
 * applied by one person, and a database with a `running` row of the revision refuses to run it.
 */
export function updateRunningSql(dialect: Dialect, table: HistoryTableRef, row: RunningRowRef, set: RunningRowChange): string {
  const { assignments, where } = runningUpdateParts(dialect, row, set, '');
  return `UPDATE ${qualifiedName(dialect, table)} SET ${assignments} WHERE ${where}`;
}

/**
 * The SET list and the WHERE condition of {@link updateRunningSql}, each column prefixed with
 * `prefix` (a table name and a dot, for an UPDATE of two tables at once).
 */
export function runningUpdateParts(dialect: Dialect, row: RunningRowRef, set: RunningRowChange, prefix: string): { assignments: string; where: string } {
  const q = (c: string) => `${prefix}${dialect.quoteIdentifier(c)}`;
  const parts = [
    ...(set.status === undefined ? [] : [`${q('status')} = ${literal(dialect, set.status)}`]),
    `${q('statements')} = ${set.statements}`,
    ...(set.durationMs === undefined ? [] : [`${q('duration_ms')} = ${literal(dialect, set.durationMs)}`]),
    ...(set.error === undefined ? [] : [`${q('error')} = ${literal(dialect, set.error === null ? null : cleanError(set.error))}`]),
  ];
  const where = 'id' in row ? `${q('id')} = ${row.id}` : `${q('revision')} = ${literal(dialect, row.revision)} AND ${q('status')} = 'running'`;
  return { assignments: parts.join(', '), where };
}

/** Error text for the table: passwords removed, bounded (a TEXT column, but a log row, not a dump). */
function cleanError(text: string): string {
  const clean = redactUrlsIn(text);
  return clean.length > 4000 ? `${clean.slice(0, 4000)}...` : clean;
}

/**
 * Every row, oldest first; `[]` when the table does not exist. Read-only. `exists`: the caller
 * has just created the table (a run), so the catalog lookup is skipped.
 */
export async function readHistory(dialect: Dialect, session: Session, table: HistoryTableRef, exists = false): Promise<HistoryRow[]> {
  if (!exists && !(await dialect.existingTables(session, [table.name], table.schema)).has(table.name)) return [];
  const q = (c: string) => dialect.quoteIdentifier(c);
  const rows = await session.query<Record<string, unknown>>(
    `SELECT ${['id', ...COLUMNS].map(q).join(', ')} FROM ${qualifiedName(dialect, table)} ORDER BY ${q('id')}`,
  );
  return rows.map(toRow);
}

function toRow(raw: Record<string, unknown>): HistoryRow {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(raw.id),
    revision: String(raw.revision),
    direction: String(raw.direction) as HistoryDirection,
    checksum: text(raw.checksum),
    startedAt: isoTime(raw.started_at),
    durationMs: num(raw.duration_ms),
    dbUser: text(raw.db_user),
    dbHost: text(raw.db_host),
    retortVersion: text(raw.retort_version),
    status: String(raw.status) as HistoryStatus,
    statements: Number(raw.statements ?? 0),
    error: text(raw.error),
  };
}

/**
 * The stored UTC time as ISO-8601. The drivers parse a zone-less timestamp as local time, so a
 * Date's local fields are the stored text; SQLite returns the text itself.
 */
function isoTime(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}T${pad(value.getHours())}:${pad(value.getMinutes())}:${pad(value.getSeconds())}.${pad(value.getMilliseconds(), 3)}Z`;
  }
  const text = String(value).trim().replace(' ', 'T');
  return /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
}
