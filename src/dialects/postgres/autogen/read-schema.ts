/**
 * `readSchema` for PostgreSQL: every table of some schemas in a fixed handful of catalog queries
 * whatever their number (tables, enums, then columns, constraints and indexes: catalog-read.ts),
 * never one query per table. The table list is read first and filtered by `include` in JavaScript; only the oids that pass are sent to
 * the other queries (as one `oid[]` parameter), so excluded tables cost no catalog work.
 *
 * What the model has no place for (views, partitions, functions, rules, grants, ...) is listed
 * with the model, as `unmodelled` (unmodelled.ts), and in docs/autogenerate-postgres.md.
 */
import type { EnumSpec, SchemaModel, TableSpec, UnmodelledObject } from '../../../schema/model.js';
import type { SchemaObject } from '../../../schema/objects.js';
import type { ReadSchemaOptions, Session } from '../../dialect.js';
import { readCatalog, readIndexRows } from '../catalog-read.js';
import { jsonRowsQuery, queryJsonRows, type JsonRowsQuery } from '../json-rows.js';
import { later, onSide } from '../../side.js';
import type { IndexRow } from '../catalog-rows.js';
import { readPostgresObjects } from '../objects/index.js';
import { readPostgresUnmodelled } from './unmodelled.js';
import { TABLE_FIELDS, tableOf } from '../catalog-table.js';
import type { TableRow } from '../catalog-table.js';

/**
 * Ordinary ('r') and partitioned ('p') tables, partitions included (read as their bound and
 * what they add to their parent: catalog-table.ts).
 */
export const TABLES_SQL = `
SELECT ${TABLE_FIELDS}
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')
ORDER BY n.nspname, c.relname`;

/** {@link TABLES_SQL} read as json rows (json-rows.ts). */
export const TABLES_READ: JsonRowsQuery<TableRow> = jsonRowsQuery({
  sql: TABLES_SQL,
  fields: ['oid', 'schema', 'name', 'comment', 'unlogged', 'options', 'rls_enabled', 'rls_forced', 'partition_by', 'bound', 'parents'],
  oidFields: ['oid'],
});

const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
       ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND n.nspname = ANY($1::text[])
ORDER BY n.nspname, t.typname`;

/**
 * The schemas to read and the home one. The home schema is the first of `options.schemas`, else
 * the session's `current_schema()`; its tables and enums have no `schema` in the model (as a
 * declared table without a namespace), the others name theirs.
 */
function schemasOf(options: ReadSchemaOptions, current: string | null): { schemas: string[]; home: string } {
  if (options.schemas !== undefined && options.schemas.length > 0) {
    return { schemas: [...options.schemas], home: options.schemas[0] as string };
  }
  const home = current ?? 'public';
  return { schemas: [home], home };
}

/**
 * The live schema: tables of the schemas that `include` keeps, and the enums of those schemas.
 * JIT is off while reading: the bulk queries' cost estimates pass `jit_above_cost` with a few
 * thousand tables, and compiling them took seconds where running them takes milliseconds. It is
 * a session setting, put back as it was afterwards (a rolled-back transaction reverts it anyway).
 */
export async function readPostgresSchema(session: Session, options: ReadSchemaOptions = {}): Promise<SchemaModel> {
  // `jit` exists from PostgreSQL 11 on: missing_ok reads NULL before, and nothing is set then.
  const [before] = await session.query<{ jit: string | null; schema: string | null; path: string }>(
    "SELECT current_setting('jit', true) AS jit, current_schema() AS schema, current_setting('search_path') AS path, " +
    "CASE WHEN current_setting('jit', true) IS NOT NULL THEN set_config('jit', 'off', false) END AS set");
  const where = schemasOf(options, before?.schema ?? null);
  try {
    // The server prints a view's query with the names it can see unqualified: read it with the
    // search_path a revision runs with (the home schema, then public), so that a pulled query
    // re-created by a revision, and a declared one stored for comparison, read the same.
    await session.query("SELECT set_config('search_path', $1, false)", [homeSearchPath(where.home)]);
    return await readAll(session, where, options.include, options.onRequested ?? (() => undefined));
  } finally {
    await session.query("SELECT set_config('search_path', $1, false)", [before?.path ?? '"$user", public']).catch(() => undefined);
    const jit = before?.jit;
    if (jit !== null && jit !== undefined) {
      await session.query("SELECT set_config('jit', $1, false)", [jit]).catch(() => undefined);
    }
  }
}

/** The search_path of a revision on `home` (as the dialect's scopeToSchema hook sets it). */
export function homeSearchPath(home: string): string {
  return [...new Set([home, 'public'])].map((s) => `"${s.replaceAll('"', '""')}"`).join(', ');
}

/** What the model holds beyond tables and what it has no place for: the reads that need no table. */
interface Beside {
  readonly objects: readonly SchemaObject[];
  readonly unmodelled: readonly UnmodelledObject[];
}

async function readBeside(
  session: Session,
  schemas: readonly string[],
  include: ReadSchemaOptions['include'],
  home: string,
): Promise<Beside> {
  const modelSchema = (schema: string): string | undefined => (schema === home ? undefined : schema);
  const unmodelled = await readPostgresUnmodelled(session, schemas, include, home);
  // An object of a table that `include` leaves out (a policy) is left out with it.
  const objects = (await readPostgresObjects(session, schemas, modelSchema))
    .filter((o) => !('table' in o) || include === undefined || include(o.table, o.schema));
  return { objects, unmodelled };
}

/** The reader's settings on a side session: the main session's search_path (a view's, function's or index's text names what it sees unqualified), and no JIT. */
const SIDE_SETTINGS_SQL = "SELECT set_config('search_path', $1, false), " +
  "CASE WHEN current_setting('jit', true) IS NOT NULL THEN set_config('jit', 'off', false) END";

/** `fn` on a side session with this reader's settings (side.ts's onSide). */
function onReaderSide<T>(session: Session, home: string, fn: (side: Session) => Promise<T>): Promise<T | undefined> {
  return onSide(session, async (side) => {
    await side.query(SIDE_SETTINGS_SQL, [homeSearchPath(home)]);
    return fn(side);
  });
}

/**
 * The whole catalog, on up to three connections at once: the server works on each, and its work
 * was most of a `check` (on GitLab's 1,401 tables, 1.1 s of queries one after the other).
 * - this session: the tables, their columns and constraints, then tableOf;
 * - a side session: the tables' indexes (the longest query), once the tables are known;
 * - another side session: the objects beyond tables and what the model has no place for.
 * Without side sessions, everything is read here, in that order.
 */
async function readAll(
  session: Session,
  where: { schemas: string[]; home: string },
  include: ReadSchemaOptions['include'],
  onRequested: () => void,
): Promise<SchemaModel> {
  const { schemas, home } = where;
  const modelSchema = (schema: string): string | undefined => (schema === home ? undefined : schema);
  // The columns query (this session) and the indexes query (a side session) are the server's
  // longest work: the caller is told once both are on their way (onRequested). Each path calls
  // `sent` once, so the count reaches 0 once.
  let sending = 2;
  const sent = (): void => {
    sending -= 1;
    if (sending === 0) onRequested();
  };
  const besideRead = later(onReaderSide(session, home, (side) => readBeside(side, schemas, include, home)));
  const tablesRead = later(queryJsonRows(session, TABLES_READ, [schemas])
    .then((rows) => rows.filter((t) => include === undefined || include(t.name, modelSchema(t.schema)))));
  let indexesSent = false;
  const indexesRead = later(onReaderSide(session, home, async (side) => {
    const tables = await tablesRead;
    // On its way at once: the side session is idle.
    const rows = tables.length === 0 ? Promise.resolve([]) : readIndexRows(side, tables.map((t) => t.oid));
    indexesSent = true;
    sent();
    return rows;
  }).finally(() => {
    // No side session (the indexes are then read here, last), or a failure: nothing to wait for.
    if (!indexesSent) sent();
  }));
  let specs: TableSpec[];
  let enums: EnumSpec[];
  try {
    ({ specs, enums } = await readTables(session, await tablesRead, schemas, modelSchema, indexesRead, sent));
  } catch (error) {
    // Never leave a side session running queries of its own behind a failure.
    await Promise.allSettled([besideRead, indexesRead]);
    throw error;
  }
  const beside = (await besideRead) ?? await readBeside(session, schemas, include, home);
  return Object.freeze({
    tables: Object.freeze(specs), enums: Object.freeze(enums),
    objects: Object.freeze(beside.objects), unmodelled: Object.freeze(beside.unmodelled),
  });
}

/** The tables `tables` (with their catalog rows) and the enums of `schemas`. */
async function readTables(
  session: Session,
  tables: readonly TableRow[],
  schemas: readonly string[],
  modelSchema: (schema: string) => string | undefined,
  indexRows: Promise<IndexRow[] | undefined>,
  sent: () => void,
): Promise<{ specs: TableSpec[]; enums: EnumSpec[] }> {
  // Three queries, not three per table: the cost grows with the rows, not with round trips. The
  // columns query goes first and at once (this session is idle); the enums wait behind it.
  const catalog = tables.length === 0 ? undefined : later(readCatalog(session, tables.map((t) => t.oid), indexRows));
  sent();
  const enumRows = await session.query<{ schema: string; name: string; values: string[] }>(ENUMS_SQL, [schemas]);
  const enums: EnumSpec[] = enumRows.map((e) => {
    const schema = modelSchema(e.schema);
    return Object.freeze({ name: e.name, ...(schema === undefined ? {} : { schema }), values: Object.freeze(e.values) });
  });
  const rows = await catalog;
  return { specs: rows === undefined ? [] : tables.map((t) => tableOf(t, rows, modelSchema)), enums };
}
