/**
 * The catalog rows of some tables, in three queries whatever their number (columns, constraints,
 * indexes), plus one for the column names of foreign-key targets outside that set, if any. Shared
 * by `readTable` (one oid) and `readSchema` (all the oids of the schemas that pass `include`).
 */
import type { Session } from '../dialect.js';
import type { ColumnRow, ConstraintRow, IndexRow } from './catalog-rows.js';
import { ATTNAMES_SQL, COLUMNS_SQL, CONSTRAINTS_SQL, INDEXES_SQL } from './catalog-sql.js';
import { jsonRowsQuery, queryJsonRows, type JsonRowsQuery } from './json-rows.js';

/** The rows of each table, by the table's oid, in the queries' order. */
export interface CatalogRows {
  readonly columns: ReadonlyMap<number, ColumnRow[]>;
  readonly constraints: ReadonlyMap<number, ConstraintRow[]>;
  readonly indexes: ReadonlyMap<number, IndexRow[]>;
}

/** Rows grouped by their table's oid, keeping the query's order within each group. */
function byTable<R extends { relid: number }>(rows: readonly R[]): Map<number, R[]> {
  const out = new Map<number, R[]>();
  for (const row of rows) {
    const list = out.get(row.relid);
    if (list === undefined) out.set(row.relid, [row]);
    else list.push(row);
  }
  return out;
}

/** Column names by table oid and attnum. */
type Names = Map<number, Map<number, string>>;

function addNames(names: Names, rows: readonly { relid: number; num: number; name: string }[]): void {
  for (const row of rows) {
    let table = names.get(row.relid);
    if (table === undefined) names.set(row.relid, (table = new Map()));
    table.set(row.num, row.name);
  }
}

/**
 * `oids` as the text of an `oid[]` parameter. The driver would quote and escape each element of
 * a JavaScript array in turn (6,000 elements for the three queries of 2,000 tables); oids are
 * plain numbers and need neither.
 */
function oidArray(oids: readonly number[]): string {
  return `{${oids.join(',')}}`;
}

/** The column rows' query (json-rows.ts): its fields in the select list's order. */
export const COLUMNS_READ: JsonRowsQuery<ColumnRow> = jsonRowsQuery({
  sql: COLUMNS_SQL,
  fields: ['relid', 'num', 'name', 'typname', 'typtype', 'typmod', 'formatted', 'enum_values', 'not_null', 'identity',
    'default_sql', 'serial', 'generated_sql', 'collation', 'local', 'comment'],
  oidFields: ['relid'],
});

/** The constraint rows' query (`columns` and `ref_columns` are filled in after it). */
export const CONSTRAINTS_READ: JsonRowsQuery<ConstraintRow> = jsonRowsQuery({
  sql: CONSTRAINTS_SQL,
  fields: ['relid', 'name', 'type', 'keys', 'ref_relid', 'ref_keys', 'ref_table', 'ref_schema', 'on_delete', 'on_update',
    'match', 'deferrable', 'deferred', 'validated', 'no_inherit', 'index_oid', 'inherited', 'operators', 'check_sql'],
  oidFields: ['relid', 'ref_relid', 'index_oid'],
});

/** The index rows' query. */
export const INDEXES_READ: JsonRowsQuery<IndexRow> = jsonRowsQuery({
  sql: INDEXES_SQL,
  fields: ['relid', 'oid', 'name', 'unique', 'predicate', 'definition', 'method', 'nulls_not_distinct', 'options',
    'inherited', 'parent_index', 'parent_options', 'attnames', 'constraint', 'elements', 'key_count'],
  oidFields: ['relid', 'oid'],
});

/** The index rows of the tables `oids` (the longest of the three queries: a side session may run it). */
export function readIndexRows(session: Session, oids: readonly number[]): Promise<IndexRow[]> {
  return rowsOf(session, INDEXES_READ, oids);
}

/**
 * Up to this many tables, their rows come as one json value per query (json-rows.ts); beyond,
 * as plain rows. Why a limit: the server writes JSON at about twice its cost for plain rows, and
 * cannot send any of it before the last row (plain rows stream while the client parses). Below
 * it the client is what a read waits on and JSON saves its CPU (2,000 tables: 117-150 -> 60-100
 * ms in a cold process, the queries' wall time the same); at 20,000 tables the columns query
 * took 1.2 s as JSON against 0.7 s as streamed rows.
 */
const JSON_ROWS_MAX_TABLES = 3000;

/** The rows of `query` (its $1 an oid[] of tables) for the tables `oids`, as the driver parses them. */
function rowsOf<R>(session: Session, query: JsonRowsQuery<R>, oids: readonly number[]): Promise<R[]> {
  return oids.length <= JSON_ROWS_MAX_TABLES ? queryJsonRows(session, query, [oidArray(oids)]) : session.query<R>(query.sql, [oidArray(oids)]);
}

/**
 * The catalog rows of the tables `oids`.
 * @param indexRows - their index rows, read elsewhere at the same time (readIndexRows on a side
 *   session); undefined, or resolving undefined: read here, after the others
 */
export async function readCatalog(session: Session, oids: readonly number[], indexRows?: Promise<IndexRow[] | undefined>): Promise<CatalogRows> {
  const columnRows = await rowsOf(session, COLUMNS_READ, oids);
  const constraintRows = await rowsOf(session, CONSTRAINTS_READ, oids);
  const indexes = (await indexRows) ?? await readIndexRows(session, oids);
  const names: Names = new Map();
  addNames(names, columnRows);
  const missing = [...new Set(constraintRows.filter((c) => c.type === 'f' && !names.has(c.ref_relid)).map((c) => c.ref_relid))];
  if (missing.length > 0) addNames(names, await session.query(ATTNAMES_SQL, [missing]));
  const named = (relid: number, keys: readonly number[] | null) =>
    (keys ?? []).map((k) => names.get(relid)?.get(k) ?? '');
  for (const row of constraintRows) {
    row.columns = named(row.relid, row.keys);
    row.ref_columns = row.type === 'f' ? named(row.ref_relid, row.ref_keys) : [];
  }
  return { columns: byTable(columnRows), constraints: byTable(constraintRows), indexes: byTable(indexes) };
}
