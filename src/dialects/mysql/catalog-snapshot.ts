/**
 * MySQL / MariaDB catalog snapshots (see ../snapshot.ts), object by object, straight from
 * `information_schema` (not through retort's reader in autogen/, which they check): two databases
 * built different ways must list the same tables, columns, indexes, keys, checks, views, triggers
 * and routines with the same attributes.
 */
import type { Session } from '../dialect.js';
import type { CatalogSnapshot, CatalogSnapshotReader, SnapshotOptions } from '../snapshot.js';
import { quoteMysqlString } from './quoting.js';

/** One query with `?` parameters, returning rows (a session's, or a test's raw driver). */
export type RowQuery = <R = Record<string, unknown>>(sql: string, params?: readonly unknown[]) => Promise<R[]>;

/** Tables left out of a catalog, with everything on them. */
export interface TableExclusion {
  /** Exact table names. */
  readonly tables?: readonly string[];
  /** Every table whose name starts with this. */
  readonly prefix?: string;
}

function excludedTables(exclude: TableExclusion): string {
  const like = exclude.prefix === undefined ? [] : [`NOT LIKE ${quoteMysqlString(exclude.prefix.replace(/[\\_%]/g, (c) => `\\${c}`) + '%')}`];
  const names = exclude.tables === undefined || exclude.tables.length === 0 ? [] : [`NOT IN (${exclude.tables.map(quoteMysqlString).join(', ')})`];
  return [...like, ...names].join(' AND TABLE_NAME ') || "NOT LIKE ''";
}

/** One object of the catalog: its kind and key (e.g. `column Album.Title`) and its attributes. */
export type CatalogObject = Readonly<Record<string, unknown>>;

/** Every object of one kind, by key. */
export type Catalog = Readonly<Record<string, ReadonlyMap<string, CatalogObject>>>;


function keyed(rows: readonly Record<string, unknown>[], key: (r: Record<string, unknown>) => string): Map<string, CatalogObject> {
  const out = new Map<string, CatalogObject>();
  for (const row of rows) {
    const k = key(row);
    const previous = out.get(k);
    // Rows of one object (index parts, key columns) are gathered into lists.
    if (previous === undefined) out.set(k, row);
    else out.set(k, Object.fromEntries(Object.entries(row).map(([f, v]) => [f, previous[f] === v ? v : [previous[f], v].flat()])));
  }
  return out;
}

/**
 * The catalog of `db` (retort's own tables left out). Options the server reports but that mean
 * the same (NO ACTION and RESTRICT, both InnoDB's default) are folded; the name of the index
 * MySQL creates by itself for a foreign key (after the column when the key had no name, after
 * the constraint when it had one) is replaced by `<fk index>`: see docs/autogenerate-mysql.md.
 */
export async function readMysqlCatalog(query: RowQuery, database: string, exclude: TableExclusion = {}): Promise<Catalog> {
  const q = (sql: string) => query<Record<string, unknown>>(sql, [database]);
  const EXCLUDED = excludedTables(exclude);
  const tables = await q(`SELECT TABLE_NAME AS t, ENGINE AS engine, TABLE_COLLATION AS collation, CREATE_OPTIONS AS options, TABLE_COMMENT AS comment
    FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME ${EXCLUDED}`);
  const columns = await q(`SELECT TABLE_NAME AS t, COLUMN_NAME AS c, ORDINAL_POSITION AS position, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
      COLUMN_DEFAULT AS dflt, EXTRA AS extra, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation,
      GENERATION_EXPRESSION AS generation, COLUMN_COMMENT AS comment
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME ${EXCLUDED} ORDER BY TABLE_NAME, ORDINAL_POSITION`);
  const keys = await q(`SELECT k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS c, k.REFERENCED_TABLE_NAME AS refTable,
      k.REFERENCED_COLUMN_NAME AS refColumn, REPLACE(r.UPDATE_RULE, 'NO ACTION', 'RESTRICT') AS onUpdate,
      REPLACE(r.DELETE_RULE, 'NO ACTION', 'RESTRICT') AS onDelete
    FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
      ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
    WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`);
  const indexRows = await q(`SELECT TABLE_NAME AS t, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS c, SUB_PART AS subPart,
      COLLATION AS ord, INDEX_TYPE AS type
    FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME ${EXCLUDED} ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`);
  const checks = await q(`SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause
    FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME`);
  const views = await q(`SELECT TABLE_NAME AS name, VIEW_DEFINITION AS definition, CHECK_OPTION AS checkOption, SECURITY_TYPE AS securityType
    FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?`);
  const triggers = await q(`SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS t, EVENT_MANIPULATION AS manipulation, ACTION_TIMING AS timing,
      ACTION_ORDER AS ord, ACTION_STATEMENT AS body
    FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?`);
  // A routine's parameters as one text (mode, name, type in order): a changed parameter is a changed routine.
  const routines = await q(`SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type, DTD_IDENTIFIER AS returns, ROUTINE_DEFINITION AS body,
      IS_DETERMINISTIC AS isDeterministic, SQL_DATA_ACCESS AS dataAccess, SECURITY_TYPE AS securityType, ROUTINE_COMMENT AS routineComment,
      (SELECT GROUP_CONCAT(CONCAT_WS(' ', p.PARAMETER_MODE, p.PARAMETER_NAME, p.DTD_IDENTIFIER) ORDER BY p.ORDINAL_POSITION SEPARATOR ', ')
         FROM information_schema.PARAMETERS p WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME = r.ROUTINE_NAME
           AND p.ROUTINE_TYPE = r.ROUTINE_TYPE AND p.ORDINAL_POSITION > 0) AS params
    FROM information_schema.ROUTINES r WHERE ROUTINE_SCHEMA = ?`);

  const fkColumns = new Map<string, string>();
  for (const k of keys) fkColumns.set(`${String(k.t)}\u0000${String(k.name)}`, String(k.c));
  const grouped = keyed(indexRows, (r) => `${String(r.t)}.${String(r.name)}`);
  const keyGroups = keyed(keys, (r) => `${String(r.t)}.${String(r.name)}`);
  const indexes = new Map<string, CatalogObject>();
  for (const [name, ix] of grouped) {
    const columnsOf = (o: CatalogObject) => JSON.stringify([o.c].flat());
    // An index named after a foreign key of its table, or after the first column of one, on exactly its columns.
    const auto = Number(ix.nonUnique) === 1 && [...keyGroups.values()].some((fk) => fk.t === ix.t && columnsOf(fk) === columnsOf(ix) &&
      (fk.name === ix.name || [fk.c].flat()[0] === ix.name));
    indexes.set(auto ? `${String(ix.t)}.<fk index ${columnsOf(ix)}>` : name, { ...ix, ...(auto ? { name: '<fk index>' } : {}) });
  }
  return {
    table: keyed(tables, (r) => String(r.t)),
    column: keyed(columns, (r) => `${String(r.t)}.${String(r.c)}`),
    index: indexes,
    foreignKey: keyGroups,
    check: keyed(checks, (r) => `${String(r.t)}.${String(r.name)}`),
    view: keyed(views, (r) => String(r.name)),
    trigger: keyed(triggers, (r) => String(r.name)),
    routine: keyed(routines, (r) => `${String(r.type)} ${String(r.name)}`),
  };
}

/** The catalog as a neutral snapshot: each object's attributes as one JSON line. */
export async function readMysqlSnapshot(session: Pick<Session, 'query'>, options: SnapshotOptions = {}): Promise<CatalogSnapshot> {
  const databases = options.schemas ?? (await session.query<{ d: string }>('SELECT DATABASE() AS d')).map((r) => r.d);
  const out: Record<string, Map<string, string>> = {};
  for (const database of databases) {
    const catalog = await readMysqlCatalog((sql, params) => session.query(sql, params), database, { tables: options.excludeTables ?? [] });
    for (const [kind, objects] of Object.entries(catalog)) {
      const into = (out[kind] ??= new Map());
      // Several databases: keys qualified, as PostgreSQL's are by schema.
      for (const [key, object] of objects) into.set(databases.length > 1 ? `${database}.${key}` : key, JSON.stringify(object));
    }
  }
  return out;
}

/** The MySQL / MariaDB snapshot reader. */
export const mysqlSnapshotReader: CatalogSnapshotReader = Object.freeze({ read: readMysqlSnapshot });
