/**
 * SQLite rules: there is no concurrent DDL to speak of (one writer at a time), so only what
 * fails or breaks the running application.
 */
import type { LintRule } from './types.js';
import { commonRules } from './common.js';

/** SQLite refuses ADD COLUMN NOT NULL without a default, whatever the table holds. */
export const addColumnNotNull: LintRule = {
  id: 'add-column-not-null',
  severity: 'error',
  summary: 'a NOT NULL column added without a default: SQLite refuses it',
  check: ({ op, newTables }) => op.kind === 'addColumn' && !op.column.spec.nullable && op.column.spec.default === undefined
    && op.column.spec.generated === undefined && !newTables.has(op.table) ? {
      message: `ADD COLUMN ${op.column.name} NOT NULL without a default fails on SQLite ("Cannot add a NOT NULL column with default value NULL"), even on an empty table.`,
      fix: 'Give the column a default (.default(...)), or add it nullable; for NOT NULL without a default use op.batch, which rebuilds the table.',
    } : undefined,
};

/** The rules that apply to SQLite, in report order. */
export const sqliteRules: readonly LintRule[] = Object.freeze([addColumnNotNull, ...commonRules]);
