/**
 * A MySQL / MariaDB catalog snapshot, object by object, straight from `information_schema` (not
 * through retort's reader), for round-trip tests: two databases built different ways must list
 * the same tables, columns, indexes, keys, checks, views, triggers and routines with the same
 * attributes. {@link catalogDifferences} names every attribute that differs.
 */
import type { TestDatabase } from './databases.js';
import { rawQuery } from './databases.js';

/** One object of the catalog: its kind and key (e.g. `column Album.Title`) and its attributes. */
export type CatalogObject = Readonly<Record<string, unknown>>;

/** Every object of one kind, by key. */
export type Catalog = Readonly<Record<string, ReadonlyMap<string, CatalogObject>>>;

const EXCLUDED = "NOT LIKE 'retort\\_%'";

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
export async function mysqlCatalog(db: TestDatabase): Promise<Catalog> {
  const q = (sql: string) => rawQuery<Record<string, unknown>>(db, sql, [db.name]);
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
  const routines = await q(`SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type, DTD_IDENTIFIER AS returns, ROUTINE_DEFINITION AS body,
      IS_DETERMINISTIC AS isDeterministic, SQL_DATA_ACCESS AS dataAccess, SECURITY_TYPE AS securityType, ROUTINE_COMMENT AS routineComment
    FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?`);

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

/** `kind key: field` of every object or attribute that differs, with both values. */
export function catalogDifferences(a: Catalog, b: Catalog): string[] {
  const out: string[] = [];
  for (const kind of Object.keys(a)) {
    const left = a[kind] as ReadonlyMap<string, CatalogObject>;
    const right = (b[kind] ?? new Map()) as ReadonlyMap<string, CatalogObject>;
    for (const [key, x] of left) {
      const y = right.get(key);
      if (y === undefined) {
        out.push(`${kind} ${key}: only in the first`);
        continue;
      }
      for (const field of Object.keys(x)) {
        if (JSON.stringify(x[field]) !== JSON.stringify(y[field])) out.push(`${kind} ${key}: ${field} ${JSON.stringify(x[field])} vs ${JSON.stringify(y[field])}`);
      }
    }
    for (const key of right.keys()) if (!left.has(key)) out.push(`${kind} ${key}: only in the second`);
  }
  return out;
}

/** How many objects of each kind a catalog holds. */
export function catalogCounts(c: Catalog): Record<string, number> {
  return Object.fromEntries(Object.entries(c).map(([kind, objects]) => [kind, objects.size]));
}
