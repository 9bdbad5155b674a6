/**
 * The migration tools retort takes databases over from, and the tables each keeps its state in.
 * Shared by `adopt` (which reads them), by the version-table check (a `versionTable` naming one
 * of them is a mistake, said plainly), and by autogenerate and `check` (which leave them alone).
 */

/** A tool `retort adopt --from NAME` knows. */
export type ToolName = 'alembic' | 'sqlalchemy-migrate' | 'knex' | 'drizzle' | 'prisma' | 'flyway';

/** What retort knows about one tool's bookkeeping. */
export interface ToolInfo {
  readonly name: ToolName;
  /** How people call it in prose. */
  readonly title: string;
  /** Its version (or migrations) table, as the tool names it by default. */
  readonly table: string;
  /** Other tables the tool keeps (locks). */
  readonly extraTables: readonly string[];
  /**
   * The namespace the tool puts its table in when it is not the connection's default
   * (drizzle-kit on PostgreSQL: `drizzle`), by dialect capability `schemas`.
   */
  readonly schemaWhenNamespaced?: string;
  /** How to read where the tool stands from its table (`adopt` reports it). */
  readonly state: ToolStateColumns;
}

/**
 * The columns of a tool's table that say where it stands. Plain column names, quoted by the
 * dialect, so one SELECT serves every dialect.
 */
export interface ToolStateColumns {
  /** The column naming an applied migration (what the tool itself shows as the version). */
  readonly label: string;
  /** The column ordering the rows, newest last. */
  readonly order: string;
  /** Every row is a head (Alembic's table, sqlalchemy-migrate's one row), not a log of runs. */
  readonly rowsAreHeads?: boolean;
  /**
   * A condition (over columns quoted by `q`) true for a row the tool recorded as failed or never
   * finished: the live schema may then be half-way through a migration.
   */
  readonly failed?: (q: (name: string) => string) => string;
}

/** Every tool, in the order of the `--from` help. */
export const TOOLS: readonly ToolInfo[] = Object.freeze([
  { name: 'alembic', title: 'Alembic', table: 'alembic_version', extraTables: [], state: { label: 'version_num', order: 'version_num', rowsAreHeads: true } },
  { name: 'sqlalchemy-migrate', title: 'sqlalchemy-migrate', table: 'migrate_version', extraTables: [], state: { label: 'version', order: 'version', rowsAreHeads: true } },
  { name: 'knex', title: 'Knex', table: 'knex_migrations', extraTables: ['knex_migrations_lock'], state: { label: 'name', order: 'id' } },
  // drizzle-orm's migrator orders by created_at (the journal's time): on SQLite its `id SERIAL
  // PRIMARY KEY` is no rowid alias, so every row's id is NULL.
  { name: 'drizzle', title: 'drizzle-kit', table: '__drizzle_migrations', extraTables: [], schemaWhenNamespaced: 'drizzle', state: { label: 'hash', order: 'created_at' } },
  // Prisma: a row with neither finished_at nor rolled_back_at is a migration that failed half-way.
  { name: 'prisma', title: 'Prisma Migrate', table: '_prisma_migrations', extraTables: [], state: { label: 'migration_name', order: 'started_at', failed: (q) => `${q('finished_at')} IS NULL AND ${q('rolled_back_at')} IS NULL` } },
  // Flyway: `success` is a boolean on PostgreSQL and a TINYINT elsewhere; NOT works on both.
  { name: 'flyway', title: 'Flyway', table: 'flyway_schema_history', extraTables: [], state: { label: 'version', order: 'installed_rank', failed: (q) => `NOT ${q('success')}` } },
] satisfies ToolInfo[]);

/** The tool by `--from` name. */
export function toolNamed(name: string): ToolInfo | undefined {
  return TOOLS.find((t) => t.name === name);
}

/** The tool whose bookkeeping table `table` is, if any (case-insensitive, as MySQL on some systems). */
export function toolOwning(table: string): ToolInfo | undefined {
  const lower = table.toLowerCase();
  return TOOLS.find((t) => t.table === lower || t.extraTables.includes(lower));
}

/** Every bookkeeping table of every tool: autogenerate and `check` leave them out by default. */
export const TOOL_TABLES: ReadonlySet<string> = new Set(TOOLS.flatMap((t) => [t.table, ...t.extraTables]));
