/**
 * The version table: one row per head the database holds, exactly as Alembic keeps
 * `alembic_version`, so a database taken over from Alembic works with `versionTable:
 * 'alembic_version'`. Its DDL goes through the dialect's compiler like any operation; its rows are
 * changed with plain INSERT/UPDATE/DELETE that every dialect accepts.
 */
import type { Dialect, Session } from '../dialects/dialect.js';
import type { CreateTableOp } from '../ops/operations.js';
import { columnSpec } from '../schema/model.js';
import type { VersionChange } from '../script/graph/index.js';
import { toolOwning } from '../adopt/tools.js';
import { RetortError } from '../errors.js';

/** Where the version table lives. */
export interface VersionTableRef {
  readonly name: string;
  readonly schema?: string;
}

/** `"schema"."name"` or `"name"`, quoted by the dialect. */
export function qualifiedName(dialect: Dialect, table: VersionTableRef): string {
  const name = dialect.quoteIdentifier(table.name);
  return table.schema ? `${dialect.quoteIdentifier(table.schema)}.${name}` : name;
}

/** The CREATE TABLE IF NOT EXISTS operation of the version table. */
export function createVersionTableOp(table: VersionTableRef): CreateTableOp {
  return Object.freeze<CreateTableOp>({
    kind: 'createTable',
    table: table.name,
    ...(table.schema ? { schema: table.schema } : {}),
    // VARCHAR(64): Alembic uses 32; 64 leaves room for date-based and hand-chosen ids.
    columns: [{ name: 'version_num', spec: columnSpec({ kind: 'varchar', length: 64 }, { nullable: false }) }],
    constraints: [{ kind: 'primaryKey', name: `${table.name}_pkc`, columns: ['version_num'] }],
    options: {},
    ifNotExists: true,
  });
}

/**
 * The statement that applies one change to the version table's rows; `value` writes each
 * revision id (as a quoted literal by default, or as a parameter's placeholder: bookkeeping.ts).
 */
export function versionChangeSql(dialect: Dialect, table: VersionTableRef, change: VersionChange, value: (revision: string) => string = (v) => dialect.quoteString(v)): string {
  const target = qualifiedName(dialect, table);
  const column = dialect.quoteIdentifier('version_num');
  switch (change.kind) {
    case 'insert':
      return `INSERT INTO ${target} (${column}) VALUES (${value(change.version)})`;
    case 'delete':
      return `DELETE FROM ${target} WHERE ${column} = ${value(change.version)}`;
    case 'update':
      return `UPDATE ${target} SET ${column} = ${value(change.to)} WHERE ${column} = ${value(change.from)}`;
  }
}

/** The statement that empties the version table (`stamp --purge`). */
export function purgeSql(dialect: Dialect, table: VersionTableRef): string {
  return `DELETE FROM ${qualifiedName(dialect, table)}`;
}

/**
 * The heads the database holds, or `[]` when the version table does not exist yet. Read-only:
 * never creates the table (so `retort current` on a fresh database changes nothing). `exists`:
 * the caller already knows whether the table exists (a run), so the catalog lookup is skipped.
 */
export async function readHeads(dialect: Dialect, session: Session, table: VersionTableRef, exists?: boolean): Promise<string[]> {
  const found = exists ?? (await dialect.existingTables(session, [table.name], table.schema)).has(table.name);
  if (!found) return [];
  const column = dialect.quoteIdentifier('version_num');
  try {
    const rows = await session.query<{ version_num: string }>(
      `SELECT ${column} AS version_num FROM ${qualifiedName(dialect, table)} ORDER BY ${column}`,
    );
    return rows.map((row) => row.version_num);
  } catch (error) {
    // Only now read the table's columns: is it another tool's table without version_num?
    const spec = await dialect.readTable(session, table.name, table.schema);
    if (spec !== undefined && !spec.columns.some((c) => c.name.toLowerCase() === 'version_num')) throw foreignVersionTable(table.name, spec.columns.map((c) => c.name));
    throw error;
  }
}

/**
 * `versionTable` names a table that holds no `version_num` column: another tool's table (Knex's
 * `knex_migrations`, say) or one of the application's. Reading or writing it would fail in the
 * database, or worse, succeed on the wrong table.
 */
function foreignVersionTable(name: string, columns: readonly string[]): RetortError {
  const tool = toolOwning(name);
  const whose = tool === undefined ? 'It is not a version table' : `It is ${tool.title}'s table, not a version table`;
  return new RetortError('ForeignVersionTable', `The version table '${name}' has no version_num column (it has ${columns.join(', ')}). ${whose}: retort neither reads nor writes it.`, {
    fields: { versionTable: name, columns: [...columns], ...(tool === undefined ? {} : { tool: tool.name }) },
    hint: tool === undefined || tool.name === 'alembic'
      ? "Set `versionTable` to a table of retort's own (default 'retort_version'), or remove the setting."
      : `Remove \`versionTable\` from the config (retort keeps its own 'retort_version'), then take the database over with \`retort adopt --from ${tool.name}\`.`,
  });
}
