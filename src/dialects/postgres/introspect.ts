/**
 * Reading one table from PostgreSQL's catalog into the neutral model, in four queries (table,
 * columns, constraints, indexes) whatever the table's size. The queries and the row mapping are
 * shared with the bulk reader of autogenerate (autogen/read-schema.ts).
 */
import type { NamedColumn, TableSpec } from '../../schema/model.js';
import type { Session } from '../dialect.js';
import { DEFAULT_PG_SCHEMA } from './capabilities.js';
import { readCatalog } from './catalog-read.js';
import { columnOf, constraintOf, indexOf } from './catalog-rows.js';

const TABLE_SQL = `
SELECT c.oid, obj_description(c.oid, 'pg_class') AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`;

/**
 * One table as the catalog has it, or undefined when `schema.table` does not exist. Primary-key
 * columns carry `primaryKey`; every constraint (the key included) is listed by name; identity
 * and SERIAL columns read as `autoIncrement` (SERIAL's `nextval` default is not a default).
 */
export async function readPostgresTable(session: Session, table: string, schema = DEFAULT_PG_SCHEMA): Promise<TableSpec | undefined> {
  const [found] = await session.query<{ oid: number; comment: string | null }>(TABLE_SQL, [schema, table]);
  if (found === undefined) return undefined;
  const rows = await readCatalog(session, [found.oid]);
  const columnRows = rows.columns.get(found.oid) ?? [];
  const constraintRows = rows.constraints.get(found.oid) ?? [];
  const indexRows = rows.indexes.get(found.oid) ?? [];

  const keyColumns = new Set(constraintRows.filter((c) => c.type === 'p').flatMap((c) => c.columns));
  const columns: NamedColumn[] = columnRows.map((row) => ({ name: row.name, spec: columnOf(row, keyColumns.has(row.name)) }));
  return Object.freeze({
    name: table,
    schema,
    columns: Object.freeze(columns),
    constraints: Object.freeze(constraintRows.map((row) => constraintOf(row, schema))),
    indexes: Object.freeze(indexRows.map(indexOf)),
    options: Object.freeze(found.comment === null ? {} : { comment: found.comment }),
  });
}
