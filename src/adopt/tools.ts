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
}

/** Every tool, in the order of the `--from` help. */
export const TOOLS: readonly ToolInfo[] = Object.freeze([
  { name: 'alembic', title: 'Alembic', table: 'alembic_version', extraTables: [] },
  { name: 'sqlalchemy-migrate', title: 'sqlalchemy-migrate', table: 'migrate_version', extraTables: [] },
  { name: 'knex', title: 'Knex', table: 'knex_migrations', extraTables: ['knex_migrations_lock'] },
  { name: 'drizzle', title: 'drizzle-kit', table: '__drizzle_migrations', extraTables: [], schemaWhenNamespaced: 'drizzle' },
  { name: 'prisma', title: 'Prisma Migrate', table: '_prisma_migrations', extraTables: [] },
  { name: 'flyway', title: 'Flyway', table: 'flyway_schema_history', extraTables: [] },
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
