/**
 * Catalog rows read as ONE json value per query instead of one protocol row each.
 *
 * Why: a `check` of 2,000 tables reads about 16,000 catalog rows of up to 17 fields. The pg
 * driver parses each field of each row in JavaScript (a string decode, then a type parser), and
 * in a short-lived process that code never gets optimised: parsing the columns, constraints and
 * indexes of 2,000 tables cost 117-150 ms of client CPU, the largest single part of the check
 * after garbage collection. Wrapped in `json_agg`, the same rows arrive as one field that the
 * driver hands to `JSON.parse` (native code): 60-100 ms for the same rows, for a few ms more of
 * server time, and the server works while the client does other things (the client is what a
 * check waits on).
 *
 * Order: the wrapped query's ORDER BY still decides the order. The aggregate reads its sorted
 * subquery as it comes; `json_agg` has no combine function, so the server never splits the
 * aggregation over parallel workers, which is what could otherwise reorder the rows.
 *
 * Types: JSON keeps what the driver's own parsers give for booleans, int2/int4, text, arrays and
 * NULL. An `oid` is not one of the types PostgreSQL writes as a JSON number: it arrives as a
 * string, and the caller names those fields so they become numbers again, as the driver makes
 * them. (No field read this way is an int8, a bytea or a timestamp, which differ too.)
 */
import type { Session } from '../dialect.js';

/** `sql` wrapped so that its rows come back as one json array (`[]` for none). */
export function jsonAggSql(sql: string): string {
  return `SELECT COALESCE(pg_catalog.json_agg(q), '[]'::json) AS rows FROM (${sql}) AS q`;
}

/**
 * The rows of `sql` as {@link Session.query} would return them, read through {@link jsonAggSql}.
 * @param oidFields - the fields of type oid: made numbers (NULL stays null), as the driver parses them
 */
export async function queryJsonRows<R>(session: Session, sql: string, params: readonly unknown[], oidFields: readonly (keyof R & string)[]): Promise<R[]> {
  const [result] = await session.query<{ rows: Record<string, unknown>[] }>(jsonAggSql(sql), params);
  const rows = result?.rows ?? [];
  if (oidFields.length > 0) {
    for (const row of rows) {
      for (const field of oidFields) if (row[field] !== null) row[field] = Number(row[field]);
    }
  }
  return rows as R[];
}
