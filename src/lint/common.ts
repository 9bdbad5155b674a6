/**
 * Rules for every dialect: changes the running application may not survive (it still reads the
 * old names between the migration and its own deploy), and raw SQL that retort cannot judge.
 */
import type { LintRule } from './types.js';

/** `op.execute`: retort cannot see what the SQL locks or rewrites. */
export const rawExecute: LintRule = {
  id: 'raw-execute',
  severity: 'warning',
  summary: 'raw SQL through op.execute: its locks and cost are unknown to lint',
  check: ({ op }) => op.kind !== 'execute' ? undefined : {
    message: 'op.execute runs SQL retort cannot read: the locks it takes, the rows it touches and whether it rewrites a table are unknown.',
    fix: "Use an op.* method where one exists; otherwise review the SQL and acknowledge it: `await op.execute(...).ack('raw-execute', 'why it is safe')`.",
  },
};

/** `op.dropTable` of a table the app may still use. */
export const dropTable: LintRule = {
  id: 'drop-table',
  severity: 'warning',
  summary: 'a dropped table: application code still deployed may use it, and the data is gone',
  check: ({ op, newTables }) => op.kind !== 'dropTable' || newTables.has(op.table) ? undefined : {
    message: `Dropping table ${op.table} breaks every running instance of the application that still queries it, and its data cannot be restored by the downgrade.`,
    fix: 'Deploy application code that no longer uses the table first, keep a backup, then drop it in a later revision.',
  },
};

/** `op.dropColumn` of a column the app may still use. */
export const dropColumn: LintRule = {
  id: 'drop-column',
  severity: 'warning',
  summary: 'a dropped column: application code still deployed may read or write it',
  check: ({ op, newTables, newColumns }) => op.kind !== 'dropColumn' || newTables.has(op.table) || newColumns?.has(`${op.table}.${op.column}`) ? undefined : {
    message: `Dropping column ${op.table}.${op.column} breaks running application code that selects or inserts it (ORMs often select every column), and its data is gone.`,
    fix: 'Stop using the column in the application (and in ORM models) and deploy that first; drop it in a later revision.',
  },
};

/** `op.renameTable`: old code uses the old name. */
export const renameTable: LintRule = {
  id: 'rename-table',
  severity: 'warning',
  summary: 'a renamed table: the running application still uses the old name',
  check: ({ op }) => op.kind !== 'renameTable' ? undefined : {
    message: `Renaming table ${op.table} to ${op.newName} breaks every running instance of the application between the migration and the deploy of code using the new name.`,
    fix: `Create ${op.newName}, write to both (or use a view named ${op.table} over ${op.newName}), move readers, then drop the old name in a later revision.`,
  },
};

/** `alterColumn(..., { newName })`: old code uses the old name. */
export const renameColumn: LintRule = {
  id: 'rename-column',
  severity: 'warning',
  summary: 'a renamed column: the running application still uses the old name',
  check: ({ op, newTables }) => op.kind !== 'alterColumn' || op.changes.newName === undefined || newTables.has(op.table) ? undefined : {
    message: `Renaming column ${op.table}.${op.column} to ${op.changes.newName} breaks running application code that still reads or writes ${op.column}.`,
    fix: `Add ${op.changes.newName}, write to both and backfill, switch readers, then drop ${op.column} in a later revision.`,
  },
};

/** The rules of this file, in report order. */
export const commonRules: readonly LintRule[] = Object.freeze([rawExecute, dropTable, dropColumn, renameTable, renameColumn]);
