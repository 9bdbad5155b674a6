/**
 * `diffSchemas(from, to)`: the operations that turn one schema into the other, their reverse for
 * the downgrade, and warnings. Pure: both sides are neutral models (the declared schema, the
 * introspected database, or a model built by replaying operations); dialects speak only through
 * the hooks of {@link DiffOptions}.
 */
import type { SchemaModel, TableSpec } from '../schema/model.js';
import type { ColumnMatch } from './diff-columns.js';
import { diffColumns, matchColumns } from './diff-columns.js';
import { diffConstraints } from './diff-constraints.js';
import { diffEnums } from './diff-enums.js';
import { diffTableOptions } from './diff-options.js';
import { diffPostgresTableOptions } from './diff-partitions.js';
import { diffObjects } from './diff-objects.js';
import { identicalTables } from './identical.js';
import { createTables, dropTables } from './diff-tables.js';
import type { DiffContext } from './plan.js';
import { Plan, diffContext, schemaPart } from './plan.js';
import type { DiffOptions, DiffResult } from './types.js';

export type * from './types.js';

function tableKey(ctx: DiffContext, schema: string | undefined, name: string): string {
  return `${ctx.schemaKey(schema)}.${name}`;
}

/** Pairs of tables on both sides (renamed or not), and the tables only on one side. */
function matchTables(from: readonly TableSpec[], to: readonly TableSpec[], ctx: DiffContext) {
  const before = new Map(from.map((t) => [tableKey(ctx, t.schema, t.name), t]));
  const afterKeys = new Set(to.map((t) => tableKey(ctx, t.schema, t.name)));
  const pairs: [TableSpec, TableSpec][] = [];
  const created: TableSpec[] = [];
  for (const t of to) {
    const key = tableKey(ctx, t.schema, t.name);
    const oldKey = t.renamedFrom === undefined ? undefined : tableKey(ctx, t.schema, t.renamedFrom);
    const old = before.get(key) ?? (oldKey !== undefined && !afterKeys.has(oldKey) ? before.get(oldKey) : undefined);
    if (old === undefined) {
      created.push(t);
      continue;
    }
    pairs.push([old, t]);
    before.delete(tableKey(ctx, old.schema, old.name));
  }
  return { pairs, created, dropped: [...before.values()] };
}

function diffTable(from: TableSpec, to: TableSpec, match: ColumnMatch, ctx: DiffContext, plan: Plan): void {
  if (from.name !== to.name) {
    plan.add('renameTables',
      { kind: 'renameTable', table: from.name, newName: to.name, ...schemaPart(to.schema) },
      { kind: 'renameTable', table: to.name, newName: from.name, ...schemaPart(to.schema) });
  }
  diffTableOptions(from, to, new Map(match.pairs.map(([o, n]) => [o.name, n.name])), plan);
  // A partition's columns are its parent's: neither side lists them.
  if (from.partitionOf === undefined && to.partitionOf === undefined) diffColumns(to, match, ctx, plan, from.name);
  diffConstraints(from, to, match, ctx, plan);
  diffPostgresTableOptions(from, to, ctx, plan);
  const before = from.options.comment ?? null;
  const after = to.options.comment ?? null;
  if (ctx.comments && before !== after) {
    plan.add('columns',
      { kind: 'setTableComment', table: to.name, ...schemaPart(to.schema), comment: after },
      { kind: 'setTableComment', table: to.name, ...schemaPart(to.schema), comment: before });
  }
  const rlsBefore = rowLevelSecurity(from);
  const rlsAfter = rowLevelSecurity(to);
  if (ctx.rowLevelSecurity && JSON.stringify(rlsBefore) !== JSON.stringify(rlsAfter)) {
    plan.add('columns',
      { kind: 'setRowLevelSecurity', table: to.name, ...schemaPart(to.schema), security: rlsAfter },
      { kind: 'setRowLevelSecurity', table: to.name, ...schemaPart(to.schema), security: rlsBefore });
  }
}

/** A table's row-level security with false fields left out (`{}`: off). */
function rowLevelSecurity(table: TableSpec): { enabled?: true; forced?: true } {
  const rls = table.options.rowLevelSecurity;
  return { ...(rls?.enabled ? { enabled: true } : {}), ...(rls?.forced ? { forced: true } : {}) };
}

/**
 * Compare two schemas.
 * @param from - the schema as it is (usually the live database)
 * @param to - the schema as it should be (usually the declared schema module)
 * @param options - per-dialect equality hooks, filters, rename decisions, a final rewrite
 * @returns operations in runnable order for the upgrade and the downgrade, warnings and rename candidates
 */
export function diffSchemas(from: SchemaModel, to: SchemaModel, options: DiffOptions = {}): DiffResult {
  const ctx = diffContext(options, { from, to });
  const plan = new Plan();
  const include = options.include ?? (() => true);
  const keep = (t: TableSpec) => include(t.name, t.schema);
  diffEnums(from, to, ctx, plan);
  const matched = matchTables(from.tables.filter(keep), to.tables.filter(keep), ctx);
  const { created, dropped } = matched;
  // A table identical on both sides has nothing to diff (identical.ts); with `fast: false` (the
  // test that proves this path) every pair takes the full path.
  // (pair[0], not a destructured [old, next]: a short process runs this unoptimised, where array
  // destructuring walks the iterator protocol, ~6 µs a table.)
  const pairs = options.fast === false ? matched.pairs : matched.pairs.filter((pair) => !identicalTables(pair[0], pair[1]));
  // Match every table's columns first: keys of one table may point at renames in another.
  const matches = pairs.map(([old, next]) => {
    const match = matchColumns(old, next, ctx);
    const columns = new Map(match.pairs.filter(([o, n]) => o.name !== n.name).map(([o, n]) => [o.name, n.name]));
    if (old.name !== next.name || columns.size > 0) ctx.renamedTables.set(old.name, { name: next.name, columns });
    return match;
  });
  pairs.forEach(([old, next], i) => diffTable(old, next, matches[i] as ColumnMatch, ctx, plan));
  createTables(created, plan, ctx);
  for (const t of created) {
    const security = rowLevelSecurity(t);
    if (ctx.rowLevelSecurity && Object.keys(security).length > 0) {
      plan.add('columns', { kind: 'setRowLevelSecurity', table: t.name, ...schemaPart(t.schema), security }, undefined);
    }
  }
  // Dropped tables: their downgrade creates them again, then (these steps, undone after) their row-level security.
  for (const t of dropped) {
    const security = rowLevelSecurity(t);
    if (ctx.rowLevelSecurity && Object.keys(security).length > 0) {
      plan.add('dropTables', undefined, { kind: 'setRowLevelSecurity', table: t.name, ...schemaPart(t.schema), security });
    }
  }
  dropTables(dropped, plan, ctx);
  diffObjects(from, to, ctx, plan);
  return plan.result(options, ctx.candidates);
}
