/**
 * A Drizzle schema module as the config's `schema`: its exported tables (drizzle-orm's pg-core,
 * mysql-core or sqlite-core) and PostgreSQL enums, read through drizzle-orm's public
 * `getTableConfig` into the neutral model, so autogenerate and `check` compare the database with
 * the schema a Drizzle team already keeps. drizzle-orm is an optional peer dependency: it is
 * imported only here, only when a module exports Drizzle tables, from where that module found it.
 */
import { createRequire } from 'node:module';
import { RetortError } from '../../errors.js';
import type { EnumSpec, SchemaModel, TableSpec } from '../model.js';
import { kindsOf, tableSpecOf, type CoreRules, type DrizzleSql, type DrizzleTableConfig } from './convert.js';
import { mysqlType, pgType, sqliteType, type DrizzleTypedColumn } from './types.js';

type Exports = Readonly<Record<string, unknown>>;

/** One of drizzle-orm's SQL cores: its table class, entry point, dialect and type reading. */
interface Core {
  readonly table: string;
  readonly entry: string;
  readonly dialect: string;
  readonly typeOf: (column: DrizzleTypedColumn) => ReturnType<typeof pgType>;
  readonly rules: Pick<CoreRules, 'namedForeignKeys' | 'namedPrimaryKey' | 'uniqueAsIndex'>;
  /** drizzle-kit writes conditions with table-qualified columns, and the server keeps that text (SQLite). */
  readonly qualifiedConditions: boolean;
}

const CORES: readonly Core[] = [
  { table: 'PgTable', entry: 'drizzle-orm/pg-core', dialect: 'PgDialect', typeOf: pgType, rules: { namedForeignKeys: true, namedPrimaryKey: true, uniqueAsIndex: false }, qualifiedConditions: false },
  { table: 'MySqlTable', entry: 'drizzle-orm/mysql-core', dialect: 'MySqlDialect', typeOf: mysqlType, rules: { namedForeignKeys: true, namedPrimaryKey: false, uniqueAsIndex: false }, qualifiedConditions: false },
  { table: 'SQLiteTable', entry: 'drizzle-orm/sqlite-core', dialect: 'SQLiteSyncDialect', typeOf: sqliteType, rules: { namedForeignKeys: false, namedPrimaryKey: false, uniqueAsIndex: true }, qualifiedConditions: true },
];

const isTable = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[Symbol.for('drizzle:IsDrizzleTable')] === true;

interface PgEnum { readonly enumName: string; readonly enumValues: readonly string[]; readonly schema?: string }
const isPgEnum = (value: unknown): value is PgEnum =>
  typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[Symbol.for('drizzle:isPgEnum')] === true;

/** The module's exports, and those of a default export that is a plain object of tables. */
function exported(module: Exports): unknown[] {
  const values = Object.values(module);
  const fallback = module['default'];
  return typeof fallback === 'object' && fallback !== null && !isTable(fallback) ? [...values, ...Object.values(fallback)] : values;
}

/** True when the module exports at least one Drizzle table (and so is read as a Drizzle schema). */
export function isDrizzleModule(module: Exports): boolean {
  return exported(module).some(isTable);
}

/**
 * drizzle-orm's `entry`, from where the schema module resolves it (its own copy), else from
 * retort's. Across copies its classes are told apart by their names, so either serves.
 */
async function importCore(entry: string, schemaPath: string): Promise<Record<string, unknown>> {
  for (const from of [schemaPath, import.meta.url]) {
    const require = createRequire(from);
    try {
      require.resolve(entry);
    } catch {
      continue;
    }
    // Required, not imported: the CLI runs as a script (cli/bin.ts), where `import()` needs an
    // experimental vm option. drizzle-orm ships a CommonJS build of every entry.
    return require(entry) as Record<string, unknown>;
  }
  throw new RetortError('DrizzleNotInstalled', `The schema module ${schemaPath} exports Drizzle tables, but drizzle-orm (${entry}) cannot be found from it.`, {
    fields: { file: schemaPath, package: 'drizzle-orm' },
    hint: 'Install it in the project: `npm install drizzle-orm`.',
  });
}

/**
 * Render `SQL` as the core's dialect does, values inlined; columns unqualified (as drizzle-kit
 * writes index expressions) unless `qualified`.
 */
function renderer(dialect: Record<string, unknown>, qualified: boolean): (sql: DrizzleSql) => string {
  const bind = (name: string) => (dialect[name] as (...args: unknown[]) => unknown).bind(dialect);
  const config = {
    casing: dialect['casing'], escapeName: bind('escapeName'), escapeParam: bind('escapeParam'), escapeString: bind('escapeString'),
    inlineParams: true, ...(qualified ? {} : { invokeSource: 'indexes' }),
  };
  return (sql) => ((sql.getSQL() as { toQuery(c: unknown): { sql: string } }).toQuery(config)).sql;
}

function coreOf(table: unknown, path: string): Core {
  const kinds = kindsOf(table);
  const core = CORES.find((c) => kinds.includes(c.table));
  if (core === undefined) {
    const name = (table as Record<symbol, unknown>)[Symbol.for('drizzle:Name')];
    throw new RetortError('SchemaInvalid', `The Drizzle table '${String(name)}' in ${path} is a ${kinds[0] ?? 'table'}: retort reads drizzle-orm's pg-core, mysql-core and sqlite-core tables.`, {
      fields: { file: path, table: String(name), kind: kinds[0] ?? null },
      hint: 'Declare the table with pgTable, mysqlTable or sqliteTable.',
    });
  }
  return core;
}

/** Enums in the order first met: exported `pgEnum`s, then those only columns name. */
function enumsOf(found: readonly unknown[], tables: readonly TableSpec[]): EnumSpec[] {
  const enums = new Map<string, EnumSpec>();
  const add = (spec: EnumSpec) => {
    const key = `${spec.schema ?? ''}.${spec.name}`;
    if (!enums.has(key)) enums.set(key, Object.freeze(spec));
  };
  for (const value of found) {
    if (isPgEnum(value)) add({ name: value.enumName, ...(value.schema === undefined ? {} : { schema: value.schema }), values: [...value.enumValues] });
  }
  for (const t of tables) {
    for (const c of t.columns) {
      if (c.spec.type.kind === 'enum') add({ name: c.spec.type.name, ...(t.schema === undefined ? {} : { schema: t.schema }), values: c.spec.type.values });
    }
  }
  return [...enums.values()];
}

/**
 * The neutral model of a Drizzle schema module's exports (`path` is the module, for messages and
 * for finding drizzle-orm). Tables of several cores in one module are refused: a schema is for
 * one database.
 * @throws RetortError `DrizzleNotInstalled`, `SchemaInvalid` (a column retort cannot read, named by table and column)
 */
export async function drizzleSchemaModel(module: Exports, path: string): Promise<SchemaModel> {
  const found = exported(module);
  const tables = [...new Set(found.filter(isTable))];
  const cores = [...new Set(tables.map((t) => coreOf(t, path)))];
  if (cores.length > 1) {
    throw new RetortError('SchemaInvalid', `The schema module ${path} mixes Drizzle tables of ${cores.map((c) => c.entry).join(' and ')}: a schema describes one database.`, {
      fields: { file: path, cores: cores.map((c) => c.entry) },
      hint: 'Point each target at a module for its own database.',
    });
  }
  const core = cores[0]!;
  const api = await importCore(core.entry, path);
  const getTableConfig = api['getTableConfig'] as (table: unknown) => DrizzleTableConfig;
  const Dialect = api[core.dialect] as new () => Record<string, unknown>;
  const dialect = new Dialect();
  const render = renderer(dialect, false);
  const rules: CoreRules = { core: core.entry, typeOf: core.typeOf, render, renderCondition: core.qualifiedConditions ? renderer(dialect, true) : render, ...core.rules };
  const specs = tables.map((t) => tableSpecOf(getTableConfig(t), rules));
  const seen = new Set<string>();
  for (const spec of specs) {
    const key = `${spec.schema ?? ''}.${spec.name}`;
    if (seen.has(key)) {
      throw new RetortError('SchemaInvalid', `The schema module ${path} exports two Drizzle tables named '${spec.name}'.`, {
        fields: { file: path, table: spec.name },
        hint: 'Export each table once.',
      });
    }
    seen.add(key);
  }
  return Object.freeze({ tables: Object.freeze(specs), enums: Object.freeze(enumsOf(found, specs)) });
}
