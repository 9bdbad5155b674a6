/**
 * Table options other than the comment (MySQL's engine, default character set and collation, row
 * format). Both sides come with every option the dialect fills in (the live catalog as read, the
 * declared schema through the dialect's normalizeDeclared), so an absent option means the server's
 * default on both sides alike. Option words are compared case-insensitively, as servers take them.
 *
 * A new default collation converts the columns that follow the table's default (`CONVERT TO`),
 * which also resets the columns that have a collation of their own: those are set again right
 * after, in both directions, so the conversion never takes a chosen collation with it.
 */
import type { AlterColumnOp, TableOptionChanges } from '../ops/operations.js';
import type { NamedColumn, TableOptions, TableSpec } from '../schema/model.js';
import { existingOf } from './diff-columns.js';
import type { Plan } from './plan.js';
import { schemaPart } from './plan.js';

const KEYS = ['engine', 'charset', 'collate', 'rowFormat'] as const;

function word(value: string | undefined): string | undefined {
  return value?.toLowerCase();
}

/** The options that differ from `from` to `to`, as `to` has them (`null`: back to the default). */
function changes(from: TableOptions, to: TableOptions): TableOptionChanges {
  const out: Record<string, string | null> = {};
  for (const key of KEYS) {
    if (word(from[key]) !== word(to[key])) out[key] = to[key] ?? null;
  }
  return out;
}

/**
 * alterColumn operations that set each column's own collation again (after a table conversion),
 * naming the columns through `names` (old name to new: the downgrade runs before renames are undone).
 */
function reassert(table: TableSpec, name: string, names: ReadonlyMap<string, string> = new Map()): AlterColumnOp[] {
  const own = table.columns.filter((c: NamedColumn) => c.spec.collation !== undefined || c.spec.charset !== undefined);
  return own.map((c) => ({
    kind: 'alterColumn', table: name, ...schemaPart(table.schema), column: names.get(c.name) ?? c.name, existing: existingOf(c.spec),
    changes: {
      ...(c.spec.charset === undefined ? {} : { charset: c.spec.charset }),
      ...(c.spec.collation === undefined ? {} : { collation: c.spec.collation }),
    },
  }));
}

/**
 * Record the option changes of a table present on both sides. Call it before the table's column
 * changes: a column that goes back to its table's collation must see the new one.
 */
export function diffTableOptions(from: TableSpec, to: TableSpec, names: ReadonlyMap<string, string>, plan: Plan): void {
  const up = changes(from.options, to.options);
  if (Object.keys(up).length === 0) return;
  const where = { table: to.name, ...schemaPart(to.schema) };
  const converts = 'charset' in up || 'collate' in up;
  // Steps run in this order on upgrade and in the reverse order on downgrade, so each
  // direction's re-assertions come right after its conversion.
  if (converts) for (const op of reassert(from, to.name, names)) plan.add('columns', undefined, op);
  plan.add('columns', { kind: 'alterTableOptions', ...where, options: up }, { kind: 'alterTableOptions', ...where, options: changes(to.options, from.options) });
  if (converts) for (const op of reassert(to, to.name)) plan.add('columns', op, undefined);
}
