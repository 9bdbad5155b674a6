/**
 * The whole schema from `information_schema` in a fixed number of bulk queries, whatever the number
 * of tables: TABLES (the list, then filtered), COLUMNS, STATISTICS, TABLE_CONSTRAINTS, and only for
 * the tables it names, REFERENTIAL_CONSTRAINTS, KEY_COLUMN_USAGE and CHECK_CONSTRAINTS. The rows
 * are grouped by table and mapped by {@link mapMysqlTable}, as the one-table reader does.
 */
import type { SchemaModel, TableSpec, UnmodelledObject } from '../../../schema/model.js';
import type { SchemaObject } from '../../../schema/objects.js';
import { later, onSide } from '../../side.js';
import type { ReadSchemaOptions, ServerDefaults, Session } from '../../dialect.js';
import { canonicalCollation, charsetOfCollation, readCharsetCollations } from '../charsets.js';
import { parseServerVersion } from '../server.js';
import type { ServerInfo } from '../server.js';
import { COLUMN_ROW_SQL, mapMysqlTable, tableLeftovers } from '../table-rows.js';
import { readMysqlUnmodelled } from './unmodelled.js';
import { readMysqlObjects } from '../objects/index.js';
import type { CheckRow, ColumnRow, ForeignKeyRow, IndexRow, TableRow } from '../table-rows.js';

/** Where a catalog row belongs: its database (`s`) and table (`t`). */
interface Owned { s: string; t: string }
interface ListedTable extends Owned, TableRow {}
interface ReferenceRow extends Owned { name: string; onUpdate: string; onDelete: string }
type KeyColumnRow = Owned & Omit<ForeignKeyRow, 'onUpdate' | 'onDelete'>;

const key = (s: string, t: string) => `${s}\u0000${t}`;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * A WHERE clause on a catalog table's schema and table-name columns. When some tables are left
 * out, the kept names are listed: the server then opens only those tables' definitions (an
 * excluded table costs nothing), and rows of a same-named table in another listed database are
 * dropped when grouping.
 */
interface Filter { readonly sql: string; readonly params: readonly string[] }

function filterOn(schemaColumn: string, tableColumn: string, schemas: readonly string[], names: readonly string[] | undefined): Filter {
  const bySchema = `${schemaColumn} IN (${marks(schemas.length)})`;
  if (names === undefined) return { sql: bySchema, params: schemas };
  return { sql: `${bySchema} AND ${tableColumn} IN (${marks(names.length)})`, params: [...schemas, ...names] };
}

/** CHECK_CONSTRAINTS of the listed tables: MariaDB has TABLE_NAME there; MySQL needs TABLE_CONSTRAINTS. */
function checkSql(server: ServerInfo, names: readonly string[], schemas: readonly string[]): Filter {
  if (server.flavour === 'mariadb') {
    const f = filterOn('CONSTRAINT_SCHEMA', 'TABLE_NAME', schemas, names);
    return {
      sql: `SELECT CONSTRAINT_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause
              FROM information_schema.CHECK_CONSTRAINTS WHERE ${f.sql} ORDER BY s, t, name`,
      params: f.params,
    };
  }
  const f = filterOn('tc.TABLE_SCHEMA', 'tc.TABLE_NAME', schemas, names);
  return {
    sql: `SELECT tc.TABLE_SCHEMA AS s, tc.TABLE_NAME AS t, cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause
            FROM information_schema.CHECK_CONSTRAINTS cc
            JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA
             AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
           WHERE ${f.sql} ORDER BY s, t, name`,
    params: f.params,
  };
}

/** Rows grouped by table, order kept. */
function byTable<R extends Owned>(rows: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const row of rows) {
    const k = key(row.s, row.t);
    const list = out.get(k);
    if (list === undefined) out.set(k, [row]);
    else list.push(row);
  }
  return out;
}

/** Foreign keys of the tables `names` (those TABLE_CONSTRAINTS says have some): their rules, then their columns. */
async function readForeignKeys(session: Session, schemas: readonly string[], names: readonly string[]): Promise<Map<string, ForeignKeyRow[]>> {
  const rf = filterOn('CONSTRAINT_SCHEMA', 'TABLE_NAME', schemas, names);
  const refs = await session.query<ReferenceRow>(
    `SELECT CONSTRAINT_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS name, UPDATE_RULE AS onUpdate, DELETE_RULE AS onDelete
       FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE ${rf.sql}`,
    rf.params,
  );
  const out = new Map<string, ForeignKeyRow[]>();
  if (refs.length === 0) return out;
  const rules = new Map(refs.map((r) => [`${key(r.s, r.t)}\u0000${r.name}`, r]));
  const kf = filterOn('TABLE_SCHEMA', 'TABLE_NAME', schemas, names);
  const columns = await session.query<KeyColumnRow>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS name, COLUMN_NAME AS col, REFERENCED_TABLE_SCHEMA AS refSchema,
            REFERENCED_TABLE_NAME AS refTable, REFERENCED_COLUMN_NAME AS refCol
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE ${kf.sql} AND REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY s, t, name, ORDINAL_POSITION`,
    kf.params,
  );
  for (const row of columns) {
    const rule = rules.get(`${key(row.s, row.t)}\u0000${row.name}`);
    if (rule === undefined) continue;
    const k = key(row.s, row.t);
    const list = out.get(k) ?? [];
    list.push({ name: row.name, col: row.col, refSchema: row.refSchema, refTable: row.refTable, refCol: row.refCol, onUpdate: rule.onUpdate, onDelete: rule.onDelete });
    out.set(k, list);
  }
  return out;
}

/** The databases a read covers, the one whose tables carry no `schema`, and the server. */
interface Namespaces {
  readonly server: ServerInfo;
  readonly schemas: readonly string[];
  readonly home: string | undefined;
  readonly engine: string;
}

async function namespaces(session: Session, options: ReadSchemaOptions): Promise<Namespaces> {
  const [env] = await session.query<{ db: string | null; version: string; engine: string }>(
    'SELECT DATABASE() AS db, VERSION() AS version, @@default_storage_engine AS engine',
  );
  const current = env?.db ?? '';
  const schemas = options.schemas !== undefined && options.schemas.length > 0 ? [...options.schemas] : [current];
  return {
    server: parseServerVersion(session.serverVersion ?? env?.version ?? ''),
    schemas,
    home: schemas.length === 1 ? schemas[0] : current,
    engine: env?.engine ?? 'InnoDB',
  };
}

/**
 * What the server gives a table that names no engine, character set or collation: its default
 * engine and its database's defaults (see {@link ServerDefaults}).
 */
export async function readMysqlDefaults(session: Session, options: ReadSchemaOptions): Promise<ServerDefaults> {
  const { schemas, home, engine } = await namespaces(session, options);
  const rows = await session.query<{ s: string; collation: string }>(
    `SELECT SCHEMA_NAME AS s, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${marks(schemas.length)})`,
    schemas,
  );
  const byDatabase = new Map(rows.map((r) => [r.s, canonicalCollation(r.collation)]));
  const charsetCollations = await readCharsetCollations(session);
  return Object.freeze({
    tableOptions: (schema: string | undefined) => {
      const collation = byDatabase.get(schema ?? home ?? '');
      return collation === undefined ? { engine } : { engine, charset: charsetOfCollation(collation), collate: collation };
    },
    charsetCollations,
  });
}

/**
 * Reads every base table of the databases `options.schemas` (default: the connection's database).
 * Tables of the default namespace (the only database read, or else the connection's database)
 * carry no `schema`; tables of another database carry its name. `options.include` is applied to
 * the table list before any other catalog query. Every table reports its engine, character set
 * and collation (`pull` leaves out those equal to the server's defaults); a column its character
 * set and collation only where they differ from its table's. Views, triggers and routines are read into
 * `objects` (../objects/); events, sequences and the routines the model cannot hold are listed as `unmodelled` (unmodelled.ts), and so are the parts of tables the
 * model has no place for (see tableLeftovers).
 */
export async function readMysqlSchema(session: Session, options: ReadSchemaOptions): Promise<SchemaModel> {
  // Its queries go one after another; the caller's own work may start at once, as it always did.
  options.onRequested?.();
  const { server, schemas, home: defaultSchema } = await namespaces(session, options);
  const include = options.include ?? (() => true);
  // `include` sees the schema as the model will (undefined for the default namespace), as the diff does.
  const modelSchema = (s: string) => (s === defaultSchema ? undefined : s);
  // On side sessions while this one reads the tables (../side.ts): the objects beyond tables and
  // what the model has no place for; then the indexes, once the tables are known. Each pass over
  // information_schema re-opens every table's definition: on 2,000 tables the columns, indexes and
  // constraints passes were 70-120 ms each, one after the other.
  const besideRead = later(onSide(session, (side) => readBeside(side, schemas, include, defaultSchema, modelSchema)));
  const tablesRead = later(readTableList(session, schemas, include, defaultSchema, modelSchema));
  // MySQL 8.0.13+ has functional indexes (EXPRESSION); MariaDB has no such column.
  const expression = server.flavour === 'mysql' ? 'EXPRESSION' : 'NULL AS EXPRESSION';
  const indexesRead = later(onSide(session, async (side) => {
    const { kept, names } = await tablesRead;
    return kept.length === 0 ? [] : readIndexRows(side, schemas, names, expression);
  }));
  // Read here, after the tables, when there was no side session for them.
  const beside = async () => (await besideRead) ?? readBeside(session, schemas, include, defaultSchema, modelSchema);
  const indexes = async ({ names }: { names: string[] | undefined }) => (await indexesRead) ?? readIndexRows(session, schemas, names, expression);
  try {
    return await readTables(session, server, schemas, modelSchema, await tablesRead, beside, indexes);
  } catch (error) {
    // Never leave a side session running queries of its own behind a failure.
    await Promise.allSettled([besideRead, indexesRead]);
    throw error;
  }
}

/** The objects beyond tables, and what the model has no place for. */
async function readBeside(
  session: Session, schemas: readonly string[], include: NonNullable<ReadSchemaOptions['include']>, defaultSchema: string | undefined,
  modelSchema: (s: string) => string | undefined,
): Promise<{ unmodelled: UnmodelledObject[]; objects: readonly SchemaObject[] }> {
  const unmodelled = await readMysqlUnmodelled(session, schemas, include, defaultSchema);
  const objects = Object.freeze(await readMysqlObjects(session, schemas, include, modelSchema));
  return { unmodelled, objects };
}

/** The base tables of `schemas` that pass `include`, in the model's order, and the names to filter other queries on (undefined: all of them). */
async function readTableList(
  session: Session, schemas: readonly string[], include: NonNullable<ReadSchemaOptions['include']>, defaultSchema: string | undefined,
  modelSchema: (s: string) => string | undefined,
): Promise<{ kept: ListedTable[]; names: string[] | undefined }> {
  const listed = await session.query<ListedTable>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, ENGINE AS engine, TABLE_COLLATION AS collation, TABLE_COMMENT AS comment,
            CREATE_OPTIONS AS createOptions
       FROM information_schema.TABLES
      WHERE TABLE_SCHEMA IN (${marks(schemas.length)}) AND TABLE_TYPE = 'BASE TABLE'
      ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    schemas,
  );
  // Sorted here, not by the server's collation, so the order is the same on every server:
  // the default namespace first.
  const order = (row: Owned) => `${row.s === defaultSchema ? '' : row.s}\u0000${row.t}`;
  const kept = listed.filter((row) => include(row.t, modelSchema(row.s))).sort((a, b) => (order(a) < order(b) ? -1 : 1));
  // Every table kept: filter by database only; otherwise list the kept names (see Filter).
  return { kept, names: kept.length === listed.length ? undefined : [...new Set(kept.map((r) => r.t))] };
}

/** The index rows of the tables (`names`, or all) of `schemas`, by table. */
async function readIndexRows(session: Session, schemas: readonly string[], names: string[] | undefined, expression: string): Promise<(Owned & IndexRow)[]> {
  const cf = filterOn('TABLE_SCHEMA', 'TABLE_NAME', schemas, names);
  return session.query<Owned & IndexRow>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, INDEX_TYPE, SUB_PART, COLLATION, ${expression}
       FROM information_schema.STATISTICS WHERE ${cf.sql} ORDER BY s, t, INDEX_NAME, SEQ_IN_INDEX`,
    cf.params,
  );
}

/** The tables with their columns, indexes and constraints; the objects beside them. */
async function readTables(
  session: Session, server: ServerInfo, schemas: readonly string[], modelSchema: (s: string) => string | undefined,
  { kept, names }: { kept: ListedTable[]; names: string[] | undefined },
  readBesideRows: () => Promise<{ unmodelled: UnmodelledObject[]; objects: readonly SchemaObject[] }>,
  readIndexes: (tables: { names: string[] | undefined }) => Promise<(Owned & IndexRow)[]>,
): Promise<SchemaModel> {
  if (kept.length === 0) {
    const { objects, unmodelled } = await readBesideRows();
    return Object.freeze({ tables: [], enums: [], objects, unmodelled: Object.freeze(unmodelled) });
  }
  const cf = filterOn('TABLE_SCHEMA', 'TABLE_NAME', schemas, names);
  const columns = byTable(await session.query<Owned & ColumnRow>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, ${COLUMN_ROW_SQL}
       FROM information_schema.COLUMNS WHERE ${cf.sql} ORDER BY s, t, ORDINAL_POSITION`,
    cf.params,
  ));
  const indexes = byTable(await readIndexes({ names }));
  // One pass over TABLE_CONSTRAINTS says which tables have foreign keys or checks; the queries for
  // those then name only these tables (each full pass re-opens every table's definition).
  const tf = filterOn('TABLE_SCHEMA', 'TABLE_NAME', schemas, names);
  const constrained = await session.query<Owned & { type: string }>(
    `SELECT DISTINCT TABLE_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_TYPE AS type FROM information_schema.TABLE_CONSTRAINTS
      WHERE ${tf.sql} AND CONSTRAINT_TYPE IN ('FOREIGN KEY', 'CHECK')`,
    tf.params,
  );
  const tablesWith = (type: string) => [...new Set(constrained.filter((r) => r.type === type).map((r) => r.t))];
  const withKeys = tablesWith('FOREIGN KEY');
  const withChecks = tablesWith('CHECK');
  const foreignKeys = withKeys.length === 0 ? new Map<string, ForeignKeyRow[]>() : await readForeignKeys(session, schemas, withKeys);
  const cq = checkSql(server, withChecks, schemas);
  const checks = withChecks.length === 0 ? new Map<string, CheckRow[]>() : byTable(await session.query<Owned & CheckRow>(cq.sql, cq.params));
  const charsets = await readCharsetCollations(session);
  const { objects, unmodelled: besideUnmodelled } = await readBesideRows();
  const unmodelled = [...besideUnmodelled];

  const tables: TableSpec[] = kept.map((row) => {
    const k = key(row.s, row.t);
    const rows = {
      name: row.t,
      ...(modelSchema(row.s) === undefined ? {} : { schema: row.s }),
      db: row.s,
      server,
      info: row,
      columns: columns.get(k) ?? [],
      indexes: indexes.get(k) ?? [],
      foreignKeys: foreignKeys.get(k) ?? [],
      checks: checks.get(k) ?? [],
      charsets,
    };
    unmodelled.push(...tableLeftovers(rows));
    return mapMysqlTable(rows);
  });
  return Object.freeze({ tables: Object.freeze(tables), enums: Object.freeze([]), objects, unmodelled: Object.freeze(unmodelled) });
}
