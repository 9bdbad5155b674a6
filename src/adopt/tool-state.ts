/**
 * Where another tool left a database: its version table read (never written), so `adopt` can
 * confirm the tool was there and tell the user which of its migrations the baseline stands for.
 */
import type { Dialect, Session } from '../dialects/dialect.js';
import { RetortError } from '../errors.js';
import { qualifiedName, type VersionTableRef } from '../runtime/version-table.js';
import type { ToolInfo } from './tools.js';

/** What another tool's table says. */
export interface ToolState {
  readonly tool: ToolInfo['name'];
  /** The table read, qualified as the dialect writes it (`"drizzle"."__drizzle_migrations"`). */
  readonly table: string;
  /** Its rows. */
  readonly rows: number;
  /**
   * Where the tool stands: its heads (Alembic, sqlalchemy-migrate), else the newest migration
   * it recorded as applied. Empty when it recorded none.
   */
  readonly latest: readonly string[];
  /** Rows the tool recorded as failed or unfinished (Prisma, Flyway): the schema may be half-way. */
  readonly failed: number;
  /** Every table the tool keeps: what to drop once retort has taken over for good. */
  readonly tables: readonly string[];
}

/** Where the tool's table is looked for: a tool's own namespace first (drizzle-kit's on PostgreSQL), then `dbSchema`. */
function candidates(dialect: Dialect, tool: ToolInfo, dbSchema: string | undefined): VersionTableRef[] {
  const plain: VersionTableRef = { name: tool.table, ...(dbSchema === undefined ? {} : { schema: dbSchema }) };
  return dialect.capabilities.schemas && tool.schemaWhenNamespaced !== undefined
    ? [{ name: tool.table, schema: tool.schemaWhenNamespaced }, plain]
    : [plain];
}

const count = (rows: readonly { n: unknown }[]) => Number(rows[0]?.n ?? 0);

/**
 * Read `tool`'s table on `session`.
 * @throws RetortError `ToolTableMissing` when the table is not there: `--from` names the wrong
 *   tool, or the URL the wrong database.
 */
export async function readToolState(dialect: Dialect, session: Session, tool: ToolInfo, dbSchema: string | undefined): Promise<ToolState> {
  const places = candidates(dialect, tool, dbSchema);
  let found: VersionTableRef | undefined;
  for (const place of places) {
    if ((await dialect.existingTables(session, [place.name], place.schema)).has(place.name)) {
      found = place;
      break;
    }
  }
  if (found === undefined) {
    const where = places.map((p) => (p.schema === undefined ? p.name : `${p.schema}.${p.name}`)).join(' or ');
    throw new RetortError('ToolTableMissing', `There is no ${where} table in this database, so it was not managed by ${tool.title}: nothing was written.`, {
      fields: { tool: tool.name, table: tool.table },
      hint: `Check the URL (and dbSchema) point at the database ${tool.title} managed, or pass the right --from; for a database no tool managed, run \`retort baseline\`.`,
    });
  }
  const table = qualifiedName(dialect, found);
  const q = (name: string) => dialect.quoteIdentifier(name);
  const { label, order, rowsAreHeads, failed } = tool.state;
  const rows = count(await session.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`));
  const failedRows = failed === undefined ? 0 : count(await session.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${failed(q)}`));
  const latestSql = rowsAreHeads
    ? `SELECT ${q(label)} AS label FROM ${table} ORDER BY ${q(order)}`
    : `SELECT ${q(label)} AS label FROM ${table}${failed === undefined ? '' : ` WHERE NOT (${failed(q)})`} ORDER BY ${q(order)} DESC LIMIT 1`;
  const latest = (await session.query<{ label: unknown }>(latestSql)).map((r) => String(r.label));
  const prefix = found.schema === undefined ? '' : `${found.schema}.`;
  return { tool: tool.name, table, rows, latest, failed: failedRows, tables: [tool.table, ...tool.extraTables].map((t) => prefix + t) };
}
