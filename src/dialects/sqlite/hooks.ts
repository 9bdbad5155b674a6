/**
 * SQLite's run hooks: foreign-key enforcement is switched off for the whole run and the
 * references are verified before each COMMIT instead.
 *
 * Why: the table rebuild (batch.ts) drops the old table and renames the copy into its place. With
 * enforcement on, DROP TABLE would cascade or fail on rows of other tables that point at it.
 * `PRAGMA foreign_keys` is a no-op inside a transaction, so it is set in `sessionStart`, outside
 * any, and `PRAGMA foreign_key_check` in `verify` makes sure no migration leaves a dangling
 * reference behind.
 */
import { RetortError } from '../../errors.js';
import type { RevisionActivity, RunHooks, Session } from '../dialect.js';
import type { OperationKind } from '../../ops/operations.js';

interface Violation { table: string; rowid: number | null; parent: string; fkid: number }

/**
 * Operations that cannot leave a reference dangling: they create things (empty tables, indexes,
 * nullable columns) or touch nothing but metadata. Anything else (drops, rebuilds, raw SQL, data
 * changes, the script's own queries) is verified.
 */
const CANNOT_ORPHAN: ReadonlySet<OperationKind> = new Set<OperationKind>(['createTable', 'createIndex', 'dropIndex', 'createEnum', 'dropEnum', 'addEnumValue', 'setTableComment']);

/**
 * Throw MigrationFailed when any row references a missing parent. `PRAGMA foreign_key_check`
 * visits every table of the database, which costs about 0.2 ms per revision on a 2,000-table
 * schema: it is skipped after a revision whose operations could not have orphaned a row.
 */
export async function verifyForeignKeys(session: Session, activity?: RevisionActivity): Promise<void> {
  if (activity && !activity.queried && activity.operations.every((kind) => CANNOT_ORPHAN.has(kind))) return;
  const violations = await session.query<Violation>('PRAGMA foreign_key_check');
  const first = violations[0];
  if (first === undefined) return;
  const where = first.rowid === null ? `a row of "${first.table}"` : `row ${first.rowid} of "${first.table}"`;
  throw new RetortError(
    'MigrationFailed',
    `Foreign key check failed: ${where} references a missing row of "${first.parent}" (${violations.length} violation${violations.length === 1 ? '' : 's'} in all).`,
    {
      fields: {
        violations: violations.slice(0, 20).map((v) => ({ table: v.table, rowid: v.rowid, parent: v.parent })),
        table: first.table,
        rowid: first.rowid,
        parent: first.parent,
      },
      hint: 'Fix or delete the referencing rows (PRAGMA foreign_key_check lists them) in the migration, then run it again.',
    },
  );
}

/** The hooks of the SQLite dialect. */
export const sqliteHooks: RunHooks = Object.freeze({
  sessionStart: Object.freeze(['PRAGMA foreign_keys=OFF']),
  // better-sqlite3 opens connections with enforcement ON (SQLITE_DEFAULT_FOREIGN_KEYS=1), so
  // ON is the setting to restore.
  sessionEnd: Object.freeze(['PRAGMA foreign_keys=ON']),
  verify: verifyForeignKeys,
});
