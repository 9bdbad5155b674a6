/**
 * `table(name, columns, extras?, options?)`: one table of a schema module. The result keeps the
 * builders' type parameters (for the Kysely `Database` type) and the neutral {@link TableSpec}.
 */
import { RetortError } from '../errors.js';
import type { AnyColumn, RawSql } from './columns.js';
import { constraintColumns, elementColumn } from './elements.js';
import type { ColumnRef, TableExtra } from './extras.js';
import { IndexDefinition } from './extras.js';
import type { ConstraintSpec, IndexSpec, NamedColumn, RowLevelSecurity, StorageParameters, TableName, TableOptions, TableSpec } from './model.js';

/** The columns of a table, by name. */
export type ColumnMap = Readonly<Record<string, AnyColumn>>;

/** Typed references to a table's columns, handed to the extras callback as `t`. */
export type ColumnRefs<C extends ColumnMap> = { readonly [K in keyof C & string]: ColumnRef<K> };

/** Options of a table. */
export interface TableDefinitionOptions {
  readonly comment?: string;
  /** The namespace (PostgreSQL schema); defaults to the configured `dbSchema`. */
  readonly schema?: string;
  /** The table's previous name: autogenerate writes a rename instead of a drop and a create. */
  readonly renamedFrom?: string;
  /** MySQL table options. */
  readonly engine?: string;
  readonly charset?: string;
  readonly collate?: string;
  /** MySQL `ROW_FORMAT`. */
  readonly rowFormat?: string;
  /** PostgreSQL `UNLOGGED`. */
  readonly unlogged?: boolean;
  /** PostgreSQL storage parameters: `{ fillfactor: '50' }`. */
  readonly with?: StorageParameters;
  /** PostgreSQL: a partitioned table, `'RANGE (created_at)'`, `'LIST (region)'`, `'HASH (id)'`. */
  readonly partitionBy?: string;
  /** PostgreSQL table inheritance: the parent tables (`INHERITS (...)`). */
  readonly inherits?: readonly (TableDefinition | TableName)[];
  /** PostgreSQL row-level security: `{ enabled: true }`, `{ enabled: true, forced: true }`. */
  readonly rowLevelSecurity?: RowLevelSecurity;
}

/** The extras callback: `(t) => [index('ix').on(t.name)]`. */
export type TableExtras<C extends ColumnMap> = (t: ColumnRefs<C>) => readonly TableExtra[];

/**
 * A declared table: its name, its builders (for types) and its neutral spec.
 * @typeParam S - the declared namespace, if any: Kysely then knows the table as `S.name`
 */
export interface TableDefinition<Name extends string = string, C extends ColumnMap = ColumnMap, S extends string | undefined = string | undefined> {
  readonly name: Name;
  readonly columns: C;
  readonly spec: TableSpec;
  /** Phantom: the declared namespace, for the Kysely type; read `spec.schema` at run time. */
  readonly $schema?: S;
}

function invalid(message: string, fields: Record<string, unknown>, hint: string): RetortError {
  return new RetortError('SchemaInvalid', message, { fields, hint });
}

function checkColumns(tableName: string, what: string, names: readonly string[], known: ReadonlySet<string> | undefined): void {
  if (known === undefined) return;
  for (const name of names) {
    if (!known.has(name)) {
      throw invalid(`Table '${tableName}': ${what} names column '${name}', which the table does not have.`,
        { table: tableName, column: name }, 'Use a column declared in the table, through `t.<column>`.');
    }
  }
}

function splitExtras(tableName: string, extras: readonly TableExtra[], known: ReadonlySet<string> | undefined) {
  const indexes: IndexSpec[] = [];
  const constraints: ConstraintSpec[] = [];
  for (const extra of extras) {
    if (extra instanceof IndexDefinition) {
      const cols = extra.spec.columns.map(elementColumn).filter((c): c is string => c !== undefined);
      checkColumns(tableName, `index '${extra.spec.name}'`, [...cols, ...(extra.spec.include ?? [])], known);
      indexes.push(extra.spec);
    } else {
      checkColumns(tableName, `a ${extra.kind} constraint`, constraintColumns(extra), known);
      constraints.push(extra);
    }
  }
  return { indexes, constraints };
}

/**
 * Declare a table.
 * @param name - the table's name in the database
 * @param columns - column builders by name, in table order
 * @param extras - indexes and table-level constraints, given typed column references `t`
 * @param options - comment, schema, previous name, MySQL options
 */
export function table<Name extends string, C extends ColumnMap, const S extends string | undefined = undefined>(
  name: Name,
  columns: C,
  extras?: TableExtras<C>,
  options?: TableDefinitionOptions & { readonly schema?: S },
): TableDefinition<Name, C, S>;
/** Declare a table without extras: `table('books', {...}, { comment: '...' })`. */
export function table<Name extends string, C extends ColumnMap, const S extends string | undefined = undefined>(
  name: Name,
  columns: C,
  options: TableDefinitionOptions & { readonly schema?: S },
): TableDefinition<Name, C, S>;
export function table<Name extends string, C extends ColumnMap>(
  name: Name,
  columns: C,
  extras?: TableExtras<C> | TableDefinitionOptions,
  options: TableDefinitionOptions = {},
): TableDefinition<Name, C> {
  const extrasFn = typeof extras === 'function' ? extras : undefined;
  const opts = typeof extras === 'object' && extras !== null ? extras : options;
  const names = Object.keys(columns);
  if (names.length === 0) {
    throw invalid(`Table '${name}' has no columns.`, { table: name }, 'Declare at least one column.');
  }
  const { indexes, constraints } = extrasFn === undefined ? NO_EXTRAS
    : splitExtras(name, extrasFn(Object.freeze(Object.fromEntries(names.map((n) => [n, n]))) as ColumnRefs<C>), new Set(names));
  const namedColumns: NamedColumn[] = names.map((n) => Object.freeze({ name: n, spec: (columns[n] as AnyColumn).spec }));
  const { schema, renamedFrom } = opts;
  const spec: TableSpec = Object.freeze({
    name,
    ...(schema === undefined ? {} : { schema }),
    columns: Object.freeze(namedColumns),
    constraints: Object.freeze(constraints),
    indexes: Object.freeze(indexes),
    options: tableOptionsOf(opts),
    ...(renamedFrom === undefined ? {} : { renamedFrom }),
  });
  return Object.freeze({ name, columns, spec });
}

/** A table without extras: no index, no table-level constraint. */
const NO_EXTRAS: { readonly indexes: readonly IndexSpec[]; readonly constraints: readonly ConstraintSpec[] } = Object.freeze({ indexes: Object.freeze([]), constraints: Object.freeze([]) });

/** The options of a table that sets none (shared: they are frozen). */
const NO_OPTIONS: TableOptions = Object.freeze({});

function tableOptionsOf(opts: TableDefinitionOptions): TableOptions {
  // Most tables set no option: no object of spreads to build for them.
  if (Object.keys(opts).length === 0) return NO_OPTIONS;
  const { comment, engine, charset, collate, rowFormat, unlogged, with: storage, partitionBy, inherits, rowLevelSecurity: rls } = opts;
  return Object.freeze({
    ...(comment === undefined ? {} : { comment }),
    ...(rls?.enabled || rls?.forced ? { rowLevelSecurity: Object.freeze({ ...(rls.enabled ? { enabled: true } : {}), ...(rls.forced ? { forced: true } : {}) }) } : {}),
    ...(engine === undefined ? {} : { engine }),
    ...(charset === undefined ? {} : { charset }),
    ...(collate === undefined ? {} : { collate }),
    ...(rowFormat === undefined ? {} : { rowFormat }),
    ...(unlogged ? { unlogged: true } : {}),
    ...(storage === undefined ? {} : { with: Object.freeze({ ...storage }) }),
    ...(partitionBy === undefined ? {} : { partitionBy }),
    ...(inherits === undefined ? {} : {
      inherits: Object.freeze(inherits.map((p): TableName => {
        const ref = 'spec' in p ? { name: p.spec.name, schema: p.spec.schema } : p;
        return Object.freeze(ref.schema === undefined ? { name: ref.name } : { name: ref.name, schema: ref.schema });
      })),
    }),
  });
}

/** Options of a partition: its own namespace, storage, sub-partitioning, comment. */
export type PartitionDefinitionOptions = Pick<TableDefinitionOptions, 'schema' | 'comment' | 'with' | 'partitionBy' | 'unlogged'>;

/**
 * A partition of a partitioned table (PostgreSQL): `partition('events_2024', events,
 * sql\`FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\`)`, or `'DEFAULT'` for the default
 * partition. It has its parent's columns, keys, indexes and foreign keys (PostgreSQL creates
 * them on every partition): declare here only what the partition adds of its own (indexes,
 * checks) and, for sub-partitioning, its `partitionBy`.
 */
export function partition<Name extends string, C extends ColumnMap, const S extends string | undefined = undefined>(
  name: Name,
  parent: TableDefinition<string, C> | TableName,
  bound: string | RawSql,
  extras?: TableExtras<C> | (PartitionDefinitionOptions & { readonly schema?: S }),
  options: PartitionDefinitionOptions & { readonly schema?: S } = {},
): TableDefinition<Name, C, S> {
  const extrasFn = typeof extras === 'function' ? extras : undefined;
  const opts = typeof extras === 'object' && extras !== null ? extras : options;
  // A parent outside the module (a schema not pulled) is named, not declared: its columns are unknown here.
  const declared = 'spec' in parent ? parent : undefined;
  const names = declared === undefined ? [] : Object.keys(declared.columns);
  const refs = Object.freeze(Object.fromEntries(names.map((n) => [n, n]))) as ColumnRefs<C>;
  const known = declared === undefined ? undefined : new Set(names);
  const { indexes, constraints } = splitExtras(name, extrasFn ? extrasFn(refs) : [], known);
  const parentName = declared === undefined ? (parent as TableName).name : declared.spec.name;
  const parentSchema = declared === undefined ? (parent as TableName).schema : declared.spec.schema;
  const spec: TableSpec = Object.freeze({
    name,
    ...(opts.schema === undefined ? {} : { schema: opts.schema }),
    columns: Object.freeze([]),
    constraints: Object.freeze(constraints),
    indexes: Object.freeze(indexes),
    options: tableOptionsOf(opts),
    partitionOf: Object.freeze({
      parent: parentName,
      ...(parentSchema === undefined ? {} : { parentSchema }),
      bound: typeof bound === 'string' ? bound : bound.sql,
    }),
  });
  return Object.freeze({ name, columns: (declared?.columns ?? {}) as C, spec });
}
