/**
 * The `autogenerate` key of a target: which tables autogenerate, `check` and `pull` look at, in
 * which namespaces, and a last word on the operations it writes. Name filters become one
 * predicate that the dialects apply to the list of table names before reading any per-table
 * catalog rows, so excluded tables cost nothing.
 */
import type { Operation } from '../ops/operations.js';

/** A table filter: name patterns (`*` matches any run of characters; `schema.table` to name the namespace) or a predicate. */
export type TableFilter = readonly string[] | ((table: string, schema: string | undefined) => boolean);

/** Options of autogenerate, `check` and `pull` for one target. */
export interface AutogenerateConfig {
  /** Only these tables are compared (default: all). */
  include?: TableFilter | undefined;
  /** These tables are never compared (applied after `include`). */
  exclude?: TableFilter | undefined;
  /**
   * Namespaces to read (PostgreSQL schemas, MySQL databases). Default: `dbSchema`, else the
   * connection's default. Tables of a namespace other than `dbSchema` are declared with
   * `table(name, columns, extras, { schema })`.
   */
  schemas?: readonly string[] | undefined;
  /** Rewrite the generated operations of each direction (drop some, reorder, add data steps). */
  rewrite?: ((ops: readonly Operation[], direction: 'upgrade' | 'downgrade') => readonly Operation[]) | undefined;
  /**
   * Compare other migration tools' bookkeeping tables too (`alembic_version`, `migrate_version`,
   * `knex_migrations`, `__drizzle_migrations`, `_prisma_migrations`, `flyway_schema_history`).
   * Default false: they are left out, so a database taken over keeps them without `check` asking
   * to drop them.
   */
  toolTables?: boolean | undefined;
}

/** The resolved form the autogenerate API consumes. */
export interface ResolvedAutogenerate {
  /** True for a table autogenerate should look at (retort's own tables are excluded by the caller). */
  readonly includes: (table: string, schema: string | undefined) => boolean;
  readonly schemas: readonly string[] | undefined;
  readonly rewrite: AutogenerateConfig['rewrite'];
  /** Other tools' bookkeeping tables are compared too. */
  readonly toolTables: boolean;
}

const KEYS: ReadonlySet<string> = new Set(['include', 'exclude', 'schemas', 'rewrite', 'toolTables']);

/** Why `value` is not a valid `autogenerate` setting, or undefined when it is. */
export function autogenerateProblem(value: unknown): string | undefined {
  const allowed = 'an object with `include`, `exclude` (name patterns or a function), `schemas` (names) and `rewrite` (a function)';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return allowed;
  for (const [key, entry] of Object.entries(value)) {
    if (!KEYS.has(key)) return `${allowed}; \`${key}\` is not one of them`;
    if (entry === undefined) continue;
    if ((key === 'include' || key === 'exclude') && !isFilter(entry)) return `${allowed}; \`${key}\` must be an array of name patterns or a function`;
    if (key === 'schemas' && !isNameList(entry)) return `${allowed}; \`schemas\` must be an array of non-empty names`;
    if (key === 'rewrite' && typeof entry !== 'function') return `${allowed}; \`rewrite\` must be a function`;
    if (key === 'toolTables' && typeof entry !== 'boolean') return `${allowed}; \`toolTables\` must be true or false`;
  }
  return undefined;
}

function isNameList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((name) => typeof name === 'string' && name.trim() !== '');
}

function isFilter(value: unknown): value is TableFilter {
  return typeof value === 'function' || isNameList(value);
}

/** Turn the config's filters into one predicate. */
export function resolveAutogenerate(config: AutogenerateConfig | undefined): ResolvedAutogenerate {
  const include = config?.include === undefined ? () => true : predicate(config.include);
  const exclude = config?.exclude === undefined ? () => false : predicate(config.exclude);
  return Object.freeze({
    includes: (table: string, schema: string | undefined) => include(table, schema) && !exclude(table, schema),
    schemas: config?.schemas === undefined ? undefined : Object.freeze([...config.schemas]),
    rewrite: config?.rewrite,
    toolTables: config?.toolTables === true,
  });
}

function predicate(filter: TableFilter): (table: string, schema: string | undefined) => boolean {
  if (typeof filter === 'function') return filter;
  const patterns = filter.map(compilePattern);
  return (table, schema) => patterns.some((matches) => matches(table, schema));
}

/** `orders`, `audit_*`, `reporting.*`: a pattern with a dot also names the namespace. */
function compilePattern(pattern: string): (table: string, schema: string | undefined) => boolean {
  const dot = pattern.indexOf('.');
  const tableRe = globToRegExp(dot === -1 ? pattern : pattern.slice(dot + 1));
  if (dot === -1) return (table) => tableRe.test(table);
  const schemaRe = globToRegExp(pattern.slice(0, dot));
  return (table, schema) => schema !== undefined && schemaRe.test(schema) && tableRe.test(table);
}

function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}
