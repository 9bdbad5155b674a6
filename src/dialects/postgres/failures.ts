/**
 * What PostgreSQL's bare errors leave out, read back from the catalog after a revision's statement
 * failed (the dialect's `explainFailure`).
 *
 * An index "already exists" (42P07) that is INVALID: a `CREATE INDEX CONCURRENTLY` that was
 * killed, cancelled or failed (a duplicate under a unique index, a deadlock) leaves its index in
 * the catalog with `pg_index.indisvalid = false`. Queries never use it, every write still maintains
 * it, and the rerun of the revision fails on its name. The only way on is to drop it (concurrently,
 * so writes go on) and build it again.
 */
import type { FailureExplanation, Session } from '../dialect.js';

/** SQLSTATE duplicate_table: "relation ... already exists". */
const DUPLICATE_TABLE = '42P07';

/** `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name`: the statements the check applies to. */
const CREATE_INDEX = /^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b/i;

interface IndexRow {
  readonly schema: string;
  readonly name: string;
  readonly table: string;
  readonly valid: boolean;
}

/** `"name"` with embedded quotes doubled. */
function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** See the module comment. */
export async function explainPostgresFailure(session: Session, error: unknown, statement: string): Promise<FailureExplanation | undefined> {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== DUPLICATE_TABLE || typeof message !== 'string' || !CREATE_INDEX.test(statement)) return undefined;
  const name = /relation "((?:[^"]|"")+)" already exists/.exec(message)?.[1]?.replace(/""/g, '"');
  if (name === undefined) return undefined;
  // The index the statement ran into: the one of that name first on the search path.
  const [row] = await session.query<IndexRow>(
    `SELECT n.nspname AS schema, c.relname AS name, t.relname AS "table", i.indisvalid AS valid
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class t ON t.oid = i.indrelid
      WHERE c.relname = $1 AND n.nspname = ANY (current_schemas(false))
      ORDER BY array_position(current_schemas(false), n.nspname::text)
      LIMIT 1`,
    [name],
  );
  if (row === undefined || row.valid) return undefined;
  const qualified = `${quoted(row.schema)}.${quoted(row.name)}`;
  return {
    reason:
      `The index ${qualified} on ${quoted(row.table)} exists but is INVALID (pg_index.indisvalid = false): ` +
      'a CREATE INDEX CONCURRENTLY that was killed, cancelled or failed left it behind. Queries do not use it; writes still maintain it.',
    hint: `Drop the leftover with \`DROP INDEX CONCURRENTLY ${qualified};\`, then run the command again: the revision builds the index anew.`,
    fields: { invalidIndex: { schema: row.schema, name: row.name, table: row.table }, dropStatement: `DROP INDEX CONCURRENTLY ${qualified}` },
  };
}
