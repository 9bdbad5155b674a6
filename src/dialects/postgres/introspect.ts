/**
 * Reading one table from PostgreSQL's catalog into the neutral model, in four queries (table,
 * columns, constraints, indexes) whatever the table's size. The queries and the row mapping are
 * shared with the bulk reader of autogenerate (autogen/read-schema.ts).
 */
import type { TableSpec } from '../../schema/model.js';
import type { Session } from '../dialect.js';
import { DEFAULT_PG_SCHEMA } from './capabilities.js';
import { readCatalog } from './catalog-read.js';
import { TABLE_FIELDS, tableOf } from './catalog-table.js';
import type { TableRow } from './catalog-table.js';

const TABLE_SQL = `
SELECT ${TABLE_FIELDS}
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`;

/** The tables of `tables` that exist in `schema` (default `public`, as {@link readPostgresTable}). */
export async function postgresExistingTables(session: Session, tables: readonly string[], schema = DEFAULT_PG_SCHEMA): Promise<Set<string>> {
  const rows = await session.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p')`,
    [schema, [...tables]],
  );
  return new Set(rows.map((row) => row.name));
}

/**
 * One table as the catalog has it, or undefined when `schema.table` does not exist. Primary-key
 * columns carry `primaryKey`; every constraint (the key included) is listed by name; identity
 * and SERIAL columns read as `autoIncrement` (SERIAL's `nextval` default is not a default).
 */
export async function readPostgresTable(session: Session, table: string, schema = DEFAULT_PG_SCHEMA): Promise<TableSpec | undefined> {
  const [found] = await session.query<TableRow>(TABLE_SQL, [schema, table]);
  if (found === undefined) return undefined;
  const rows = await readCatalog(session, [found.oid]);
  // readTable's model names every schema (the compiler qualifies names itself).
  return tableOf(found, rows, (s) => s);
}
