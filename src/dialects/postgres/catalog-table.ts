/**
 * One table of the catalog in the neutral model, from its pg_class row and the rows of
 * catalog-read.ts. Shared by `readTable` and `readSchema`, so a table reads the same whichever
 * asked. What a partition or child table has from its parent (columns, keys, indexes, checks)
 * is left to the parent: a partition reads as its bound and what it adds of its own, the names
 * of its copies of the parent's indexes and keys included when they are not PostgreSQL's.
 */
import type { ConstraintSpec, IndexSpec, NamedColumn, TableName, TableOptions, TableSpec } from '../../schema/model.js';
import type { CatalogRows } from './catalog-read.js';
import type { ConstraintRow, IndexRow } from './catalog-rows.js';
import { columnOf, constraintOf, indexOf, storageOf } from './catalog-rows.js';
import { isDefaultIndexName } from './index-names.js';

/**
 * The pg_class columns both readers select for a table `c` (joined with its namespace `n`):
 * comment, persistence, storage parameters, row-level security, partition key, and for a partition its parent and
 * bound; for a child table its INHERITS parents.
 */
export const TABLE_FIELDS = `
  c.oid, n.nspname AS schema, c.relname AS name,
  (SELECT ds.description FROM pg_catalog.pg_description ds
    WHERE ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = 0) AS comment,
  c.relpersistence = 'u' AS unlogged, c.reloptions AS options,
  c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced,
  CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_by,
  CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS bound,
  ARRAY(
    SELECT pn.nspname || '.' || pc.relname FROM pg_catalog.pg_inherits i
    JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
    JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) AS parents`;

/** A row selected with {@link TABLE_FIELDS}. */
export interface TableRow {
  oid: number;
  schema: string;
  name: string;
  comment: string | null;
  unlogged: boolean;
  options: string[] | null;
  /** ENABLE / FORCE ROW LEVEL SECURITY. */
  rls_enabled: boolean;
  rls_forced: boolean;
  partition_by: string | null;
  bound: string | null;
  /** `schema.name` of each parent (schema and table names cannot hold a dot we need to split on but the first). */
  parents: string[] | null;
}

function tableName(qualified: string, modelSchema: (schema: string) => string | undefined): TableName {
  const dot = qualified.indexOf('.');
  const schema = modelSchema(qualified.slice(0, dot));
  const name = qualified.slice(dot + 1);
  return Object.freeze(schema === undefined ? { name } : { name, schema });
}

/** Reloptions in a canonical order, to compare a partition's index with its parent's. */
const optionsKey = (options: readonly string[] | null) => [...(options ?? [])].sort().join(',');

/**
 * Whether a partition's index attached to its parent's has something of its own: a name other
 * than the one PostgreSQL gives it, or other storage parameters than the parent's index. Such an
 * index is in the model with `attachedTo` (pg_dump creates it so, then attaches it); the others
 * follow the parent and are left out, so a pulled module does not repeat them.
 */
function ownAttached(index: IndexRow, table: string, all: readonly IndexRow[]): boolean {
  if (index.parent_index === null) return false;
  if (optionsKey(index.options) !== optionsKey(index.parent_options)) return true;
  const siblings = new Set(all.filter((r) => r !== index).map((r) => r.name));
  return !isDefaultIndexName(index.name, table, index.attnames, siblings);
}

/**
 * A partition's copy of its parent's primary key or unique constraint renamed since (pg_dump's
 * `ADD CONSTRAINT own PRIMARY KEY` + `ALTER INDEX parent_pkey ATTACH PARTITION own`, or an
 * `ALTER INDEX ... RENAME`) or whose index has storage parameters other than its parent's
 * (`ALTER INDEX ... SET`), as `{ kind, name, columns, include?, with?, attachedTo }`; undefined
 * when it has PostgreSQL's name (`partition_pkey`, `partition_columns_key`) and its parent's
 * parameters, and follows its parent unsaid. A declared key states its parameters exactly, as an
 * attached index does (none: none); its other attributes are the parent's.
 */
function attachedKey(c: ConstraintRow, index: IndexRow | undefined, table: string, all: readonly IndexRow[]): ConstraintSpec | undefined {
  if ((c.type !== 'p' && c.type !== 'u') || index === undefined || index.parent_index === null) return undefined;
  const siblings = new Set(all.filter((r) => r !== index).map((r) => r.name));
  const ownOptions = optionsKey(index.options) !== optionsKey(index.parent_options);
  if (!ownOptions && isDefaultIndexName(c.name, table, index.attnames, siblings, c.type === 'p' ? 'pkey' : 'key')) return undefined;
  const { include, with: parameters } = indexOf(index);
  return Object.freeze({
    kind: c.type === 'p' ? 'primaryKey' : 'unique', name: c.name, columns: c.columns,
    ...(include === undefined || include.length === 0 ? {} : { include }),
    ...(parameters === undefined ? {} : { with: parameters }), attachedTo: index.parent_index,
  });
}

/**
 * The table of `row` with its catalog rows.
 * @param modelSchema - how a schema name appears in the model (the home schema as undefined)
 */
export function tableOf(row: TableRow, rows: CatalogRows, modelSchema: (schema: string) => string | undefined): TableSpec {
  const schema = modelSchema(row.schema);
  const parents = (row.parents ?? []).map((p) => tableName(p, modelSchema));
  const partitionParent = row.bound === null ? undefined : parents[0];
  const indexRows = rows.indexes.get(row.oid) ?? [];
  const indexByOid = new Map(indexRows.map((r) => [r.oid, r]));
  const allConstraintRows = rows.constraints.get(row.oid) ?? [];
  const constraintRows = allConstraintRows.filter((c) => !c.inherited);
  const keyColumns = new Set(constraintRows.filter((c) => c.type === 'p').flatMap((c) => c.columns));
  const columns: NamedColumn[] = partitionParent !== undefined ? [] : (rows.columns.get(row.oid) ?? [])
    .filter((c) => c.local)
    .map((c) => ({ name: c.name, spec: columnOf(c, keyColumns.has(c.name), row) }));
  const constraints: ConstraintSpec[] = constraintRows.map((c) => {
    const index = indexByOid.get(c.index_oid);
    // A foreign key names its target's schema when it is not the table's own.
    return constraintOf(c, row.schema, index === undefined ? undefined : indexOf(index));
  });
  // A partition's keys are its parent's (left out) unless renamed since: then their own names.
  for (const c of allConstraintRows) {
    const key = c.inherited ? attachedKey(c, indexByOid.get(c.index_oid), row.name, indexRows) : undefined;
    if (key !== undefined) constraints.push(key);
  }
  const indexes: IndexSpec[] = indexRows.filter((r) => !r.constraint && (!r.inherited || ownAttached(r, row.name, indexRows))).map((r) =>
    (r.inherited && r.parent_index !== null ? Object.freeze({ ...indexOf(r), attachedTo: r.parent_index }) : indexOf(r)));
  const storage = storageOf(row.options);
  const options: TableOptions = Object.freeze({
    ...(row.comment === null ? {} : { comment: row.comment }),
    ...(row.unlogged ? { unlogged: true } : {}),
    ...(row.rls_enabled || row.rls_forced ? {
      rowLevelSecurity: Object.freeze({ ...(row.rls_enabled ? { enabled: true } : {}), ...(row.rls_forced ? { forced: true } : {}) }),
    } : {}),
    ...(storage === undefined ? {} : { with: storage }),
    ...(row.partition_by === null ? {} : { partitionBy: row.partition_by }),
    ...(partitionParent === undefined && parents.length > 0 ? { inherits: Object.freeze(parents) } : {}),
  });
  return Object.freeze({
    name: row.name,
    ...(schema === undefined ? {} : { schema }),
    columns: Object.freeze(columns),
    constraints: Object.freeze(constraints),
    indexes: Object.freeze(indexes),
    options,
    ...(partitionParent === undefined ? {} : {
      partitionOf: Object.freeze({
        parent: partitionParent.name,
        ...(partitionParent.schema === undefined ? {} : { parentSchema: partitionParent.schema }),
        bound: row.bound as string,
      }),
    }),
  });
}
