/**
 * One Drizzle table in the neutral model, from drizzle-orm's public `getTableConfig`: columns,
 * keys, unique constraints, foreign keys, checks and indexes, as drizzle-kit would create them in
 * the database (the names drizzle gives, its SQL rendered by its own dialect). What exists only on
 * the client (`$defaultFn`, `$onUpdate`, relations) has no place in a database and is not read.
 */
import { RetortError } from '../../errors.js';
import type { ColumnSpec, ConstraintSpec, DefaultValue, IndexElement, IndexSpec, NamedColumn, ReferentialAction, TableSpec } from '../model.js';
import { columnSpec } from '../model.js';
import type { DrizzleType, DrizzleTypedColumn } from './types.js';

/** A drizzle-orm entity's kinds, most derived first (`PgTimestamp`, `PgColumn`, `Column`). */
export function kindsOf(value: unknown): string[] {
  const kinds: string[] = [];
  const key = Symbol.for('drizzle:entityKind');
  let cls = value !== null && (typeof value === 'object' || typeof value === 'function') ? Object.getPrototypeOf(value)?.constructor : undefined;
  while (typeof cls === 'function') {
    const kind = (cls as unknown as Record<symbol, unknown>)[key];
    if (typeof kind === 'string' && kinds.at(-1) !== kind) kinds.push(kind);
    cls = Object.getPrototypeOf(cls);
  }
  return kinds;
}

/** Drizzle's `SQL` (and what wraps one), to be rendered by the dialect. */
export type DrizzleSql = { getSQL(): unknown };
const isSql = (value: unknown): value is DrizzleSql => kindsOf(value).includes('SQL');

/** A Drizzle column, as far as retort reads it. */
export interface DrizzleColumn extends DrizzleTypedColumn {
  readonly notNull: boolean;
  readonly primary: boolean;
  readonly default?: unknown;
  readonly isUnique: boolean;
  readonly uniqueName?: string;
  readonly uniqueType?: string;
  readonly autoIncrement?: boolean;
  readonly hasOnUpdateNow?: boolean;
  readonly fsp?: number;
  readonly generated?: { readonly as: unknown; readonly mode?: string; readonly type?: string };
  readonly generatedIdentity?: { readonly type: 'always' | 'byDefault' };
  mapToDriverValue(value: unknown): unknown;
}

interface DrizzleTableRef { readonly [key: symbol]: unknown }
interface IndexColumn { readonly name: string; readonly indexConfig?: { readonly order?: string; readonly nulls?: string; readonly opClass?: string } }

/** What `getTableConfig` returns, for the three cores (fields a core lacks are undefined). */
export interface DrizzleTableConfig {
  readonly name: string;
  readonly schema?: string;
  readonly columns: readonly DrizzleColumn[];
  readonly indexes: readonly { readonly config: { name: string; columns: readonly unknown[]; unique?: boolean; where?: unknown; method?: string; using?: string; with?: Record<string, unknown> } }[];
  readonly foreignKeys: readonly { reference(): { name?: string; columns: readonly { name: string }[]; foreignTable: DrizzleTableRef; foreignColumns: readonly { name: string }[] }; onDelete?: string; onUpdate?: string; getName(): string }[];
  readonly checks: readonly { readonly name: string; readonly value: unknown }[];
  readonly primaryKeys: readonly { readonly columns: readonly { name: string }[]; getName(): string }[];
  readonly uniqueConstraints: readonly { readonly columns: readonly { name: string }[]; readonly nullsNotDistinct?: boolean; getName(): string }[];
  readonly enableRLS?: boolean;
}

/** How one of drizzle-orm's cores differs in what drizzle-kit creates from the same declaration. */
export interface CoreRules {
  /** `pg-core`, `mysql-core`, `sqlite-core`. */
  readonly core: string;
  readonly typeOf: (column: DrizzleTypedColumn) => DrizzleType;
  /** Render `SQL` as the core's dialect writes it, columns unqualified, values inlined. */
  readonly render: (sql: DrizzleSql) => string;
  /**
   * Render a check's or a partial index's condition as drizzle-kit writes it. On SQLite, which
   * keeps the text as written, that is with table-qualified columns (`"posts"."score" >= 0`).
   */
  readonly renderCondition: (sql: DrizzleSql) => string;
  /** drizzle-kit names the foreign keys (PostgreSQL, MySQL); on SQLite it writes them unnamed. */
  readonly namedForeignKeys: boolean;
  /** drizzle-kit names a composite primary key (PostgreSQL); MySQL's is always PRIMARY, SQLite's unnamed. */
  readonly namedPrimaryKey: boolean;
  /** drizzle-kit makes a unique constraint a unique index (SQLite). */
  readonly uniqueAsIndex: boolean;
}

const ACTIONS: ReadonlySet<string> = new Set(['cascade', 'restrict', 'set null', 'set default']);
const action = (value: string | undefined): ReferentialAction | undefined => {
  const lower = value?.toLowerCase();
  return lower !== undefined && ACTIONS.has(lower) ? (lower as ReferentialAction) : undefined;
};

function unsupported(table: string, column: string, what: string, hint: string): RetortError {
  return new RetortError('SchemaInvalid', `Drizzle table '${table}', column '${column}': ${what}.`, { fields: { table, column }, hint });
}

/** A Drizzle `.default(...)`: SQL as rendered, a value as the literal drizzle-kit writes. */
function defaultOf(table: string, column: DrizzleColumn, rules: CoreRules): DefaultValue | undefined {
  const value = column.default;
  if (value === undefined) return undefined;
  if (isSql(value)) return { kind: 'sql', sql: rules.render(value) };
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { kind: 'literal', value };
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? { kind: 'literal', value: Number(value) } : { kind: 'sql', sql: String(value) };
  // Dates, JSON values, arrays: the text the column sends to the driver (an ISO date, JSON, `{a,b}`).
  const mapped = value instanceof Date && column.columnType.endsWith('Date') ? value.toISOString().slice(0, 10) : column.mapToDriverValue(value);
  if (typeof mapped === 'string' || typeof mapped === 'number') return { kind: 'literal', value: mapped };
  throw unsupported(table, column.name, `its default (${typeof value}) has no SQL literal`, 'Write the default as sql`...`, or leave it to the application with $defaultFn.');
}

function columnOf(table: string, column: DrizzleColumn, rules: CoreRules): ColumnSpec {
  let read: DrizzleType;
  try {
    read = rules.typeOf(column);
  } catch (error) {
    throw unsupported(table, column.name, `drizzle-orm gives no SQL type for its ${column.columnType} column (${error instanceof Error ? error.message : String(error)})`,
      'Give the column a type drizzle-kit can create, or declare this table in a retort schema module with rawType(...).');
  }
  if (read.type.kind === 'raw' && read.type.sql.trim() === '') {
    throw unsupported(table, column.name, `its ${column.columnType} column has an empty SQL type`, 'A customType needs dataType() to return the database type.');
  }
  const identity = column.generatedIdentity;
  const generated = column.generated !== undefined && identity === undefined ? column.generated : undefined;
  const expression = generated === undefined ? undefined : typeof generated.as === 'function' ? (generated.as as () => unknown)() : generated.as;
  const def = defaultOf(table, column, rules);
  const overrides: Partial<ColumnSpec> = {
    nullable: !column.notNull && !column.primary,
    primaryKey: column.primary,
    autoIncrement: read.autoIncrement === true || column.autoIncrement === true || identity !== undefined,
    unsigned: read.unsigned === true,
    ...(def === undefined ? {} : { default: def }),
    ...(identity?.type === 'always' ? { identity: 'always' } : {}),
    ...(read.serial === true && identity === undefined ? { serial: Object.freeze({}) } : {}),
    ...(column.hasOnUpdateNow ? { onUpdate: { kind: 'sql', sql: column.fsp === undefined ? 'CURRENT_TIMESTAMP' : `CURRENT_TIMESTAMP(${column.fsp})` } } : {}),
    ...(expression === undefined ? {} : {
      generated: { expression: isSql(expression) ? rules.render(expression) : String(expression), stored: generated?.mode === 'stored' },
    }),
  };
  return columnSpec(Object.freeze(read.type), overrides);
}

function indexElement(element: unknown, rules: CoreRules): IndexElement {
  if (isSql(element)) return { expression: rules.render(element) };
  const { name, indexConfig } = element as IndexColumn;
  const order = indexConfig?.order === 'desc' ? 'desc' : undefined;
  // NULLS LAST is ASC's default, NULLS FIRST DESC's: only the other placement is said.
  const nulls = indexConfig?.nulls === (order === 'desc' ? 'last' : 'first') ? indexConfig.nulls as 'first' | 'last' : undefined;
  const opclass = indexConfig?.opClass;
  if (order === undefined && nulls === undefined && opclass === undefined) return name;
  return { column: name, ...(order === undefined ? {} : { order }), ...(nulls === undefined ? {} : { nulls }), ...(opclass === undefined ? {} : { opclass }) };
}

function indexOf(config: DrizzleTableConfig['indexes'][number]['config'], rules: CoreRules): IndexSpec {
  const method = (config.method ?? config.using)?.toLowerCase();
  const parameters = config.with === undefined ? [] : Object.entries(config.with).filter(([, v]) => v !== undefined);
  return {
    name: config.name,
    columns: config.columns.map((c) => indexElement(c, rules)),
    unique: config.unique === true,
    ...(config.where === undefined || !isSql(config.where) ? {} : { where: rules.renderCondition(config.where) }),
    ...(method === undefined || method === 'btree' ? {} : { using: method }),
    ...(parameters.length === 0 ? {} : { with: Object.fromEntries(parameters.map(([k, v]) => [k, String(v)])) }),
  };
}

const names = (columns: readonly { name: string }[]) => columns.map((c) => c.name);

function constraintsOf(config: DrizzleTableConfig, rules: CoreRules): { constraints: ConstraintSpec[]; uniqueIndexes: IndexSpec[] } {
  const constraints: ConstraintSpec[] = [];
  const uniqueIndexes: IndexSpec[] = [];
  for (const pk of config.primaryKeys) {
    constraints.push({ kind: 'primaryKey', ...(rules.namedPrimaryKey ? { name: pk.getName() } : {}), columns: names(pk.columns) });
  }
  const uniques = [
    ...config.columns.filter((c) => c.isUnique).map((c) => ({ name: c.uniqueName ?? `${config.name}_${c.name}_unique`, columns: [c.name], nullsNotDistinct: c.uniqueType === 'not distinct' })),
    ...config.uniqueConstraints.map((u) => ({ name: u.getName(), columns: names(u.columns), nullsNotDistinct: u.nullsNotDistinct === true })),
  ];
  for (const u of uniques) {
    if (rules.uniqueAsIndex) uniqueIndexes.push({ name: u.name, columns: u.columns, unique: true });
    else constraints.push({ kind: 'unique', name: u.name, columns: u.columns, ...(u.nullsNotDistinct ? { nullsNotDistinct: true } : {}) });
  }
  for (const fk of config.foreignKeys) {
    const ref = fk.reference();
    const refSchema = ref.foreignTable[Symbol.for('drizzle:Schema')] as string | undefined;
    const onDelete = action(fk.onDelete);
    const onUpdate = action(fk.onUpdate);
    constraints.push({
      kind: 'foreignKey',
      ...(rules.namedForeignKeys ? { name: fk.getName() } : {}),
      columns: names(ref.columns),
      refTable: ref.foreignTable[Symbol.for('drizzle:Name')] as string,
      ...(refSchema === undefined ? {} : { refSchema }),
      refColumns: names(ref.foreignColumns),
      ...(onDelete === undefined ? {} : { onDelete }),
      ...(onUpdate === undefined ? {} : { onUpdate }),
    });
  }
  for (const check of config.checks) {
    if (isSql(check.value)) constraints.push({ kind: 'check', name: check.name, condition: rules.renderCondition(check.value) });
  }
  return { constraints, uniqueIndexes };
}

/** The table `config` (from `getTableConfig`) in the neutral model. */
export function tableSpecOf(config: DrizzleTableConfig, rules: CoreRules): TableSpec {
  const columns: NamedColumn[] = config.columns.map((c) => Object.freeze({ name: c.name, spec: columnOf(config.name, c, rules) }));
  const { constraints, uniqueIndexes } = constraintsOf(config, rules);
  return Object.freeze({
    name: config.name,
    ...(config.schema === undefined ? {} : { schema: config.schema }),
    columns: Object.freeze(columns),
    constraints: Object.freeze(constraints),
    indexes: Object.freeze([...uniqueIndexes, ...config.indexes.map((i) => indexOf(i.config, rules))]),
    options: Object.freeze(config.enableRLS ? { rowLevelSecurity: { enabled: true } } : {}),
  });
}
