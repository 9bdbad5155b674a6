/**
 * Table-level options of a table present on both sides (PostgreSQL's): UNLOGGED, storage
 * parameters, and partitions (a partition's bound, or a table becoming or ceasing to be a
 * partition). What cannot be altered in place (a parent's `PARTITION BY`, `INHERITS`) is still a
 * difference: it is written as a commented no-op with a warning, so `check` reports it and a
 * person writes the migration (a new table, the rows moved).
 */
import type { Operation } from '../ops/operations.js';
import type { TableSpec } from '../schema/model.js';
import type { DiffContext, Plan } from './plan.js';
import { schemaPart } from './plan.js';
import { storageChanges } from './same.js';

/** Record the option changes of one table. */
export function diffPostgresTableOptions(from: TableSpec, to: TableSpec, ctx: DiffContext, plan: Plan): void {
  const where = { table: to.name, ...schemaPart(to.schema) };
  const unloggedChanged = (from.options.unlogged ?? false) !== (to.options.unlogged ?? false);
  const up = storageChanges(from.options.with, to.options.with);
  if (unloggedChanged || Object.keys(up).length > 0) {
    const down = storageChanges(to.options.with, from.options.with);
    plan.add('columns',
      { kind: 'setTableOptions', ...where, ...(unloggedChanged ? { unlogged: to.options.unlogged ?? false } : {}), ...(Object.keys(up).length > 0 ? { with: up } : {}) },
      { kind: 'setTableOptions', ...where, ...(unloggedChanged ? { unlogged: from.options.unlogged ?? false } : {}), ...(Object.keys(down).length > 0 ? { with: down } : {}) });
  }
  diffPartition(from, to, ctx, plan);
  const inherits = (t: TableSpec) => (t.options.inherits ?? []).map((p) => `${ctx.schemaKey(p.schema)}.${p.name}`).join(',');
  if ((from.options.partitionBy ?? '') !== (to.options.partitionBy ?? '') || inherits(from) !== inherits(to)) {
    const what = inherits(from) !== inherits(to) ? 'INHERITS' : 'PARTITION BY';
    const message = `'${to.name}' changes its ${what} (${what === 'INHERITS' ? `${inherits(from) || 'none'} -> ${inherits(to) || 'none'}` : `${from.options.partitionBy ?? 'none'} -> ${to.options.partitionBy ?? 'none'}`}): ` +
      'retort cannot alter this in place; write the migration by hand (a new table, the rows moved)';
    const note: Operation = { kind: 'execute', sql: `-- ${message.replace(/\n/g, ' ')}` };
    plan.add('columns', note, note, { up: [{ code: 'unsupportedChange', table: to.name, message }] });
  }
}

/** A partition's bound or parent changed, or a table became (or stopped being) a partition. */
function diffPartition(from: TableSpec, to: TableSpec, ctx: DiffContext, plan: Plan): void {
  const a = from.partitionOf;
  const b = to.partitionOf;
  const sameParent = a !== undefined && b !== undefined && a.parent === b.parent && ctx.schemaKey(a.parentSchema) === ctx.schemaKey(b.parentSchema);
  if (sameParent && ctx.expressionsEqual(a.bound, b.bound)) return;
  if (a === undefined && b === undefined) return;
  const partition = { partition: to.name, ...(to.schema === undefined ? {} : { partitionSchema: to.schema }) };
  const detach = (p: NonNullable<typeof a>): Operation => ({ kind: 'detachPartition', table: p.parent, ...schemaPart(p.parentSchema), ...partition });
  const attach = (p: NonNullable<typeof a>): Operation => ({ kind: 'attachPartition', table: p.parent, ...schemaPart(p.parentSchema), ...partition, bound: p.bound });
  if (a !== undefined) plan.add('dropConstraints', detach(a), attach(a));
  if (b !== undefined) plan.add('addConstraints', attach(b), detach(b));
}
