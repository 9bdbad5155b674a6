/**
 * Keys, constraints and indexes of a table present on both sides. Named constraints are matched
 * by name; a constraint without a name on either side (a declared `.unique()`, or SQLite's
 * anonymous ones) is matched by content. Matched constraints are compared by content (same.ts),
 * check bodies included: each dialect's `expressionsEqual` undoes what its server does to an
 * expression it stores (PostgreSQL's casts and parentheses, MariaDB's backquotes, ...).
 */
import type { Operation } from '../ops/operations.js';
import type { ConstraintSpec, IndexSpec, TableSpec } from '../schema/model.js';
import { renameConstraintColumns, renameElement } from '../schema/elements.js';
import { sameContent, sameIndex } from './same.js';
import type { ColumnMatch } from './diff-columns.js';
import { unnamedWarning } from './diff-tables.js';
import type { TableConstraint } from './normalize.js';
import { conventionalName, createIndexOp, tableConstraints } from './normalize.js';
import { diffAttachedIndexes } from './diff-partition-indexes.js';
import type { DiffContext, Phase, Plan } from './plan.js';
import { schemaPart } from './plan.js';

/** `spec` with its columns (and referenced table and columns) under the target's names. */
function renamed(spec: ConstraintSpec, names: ReadonlyMap<string, string>, ctx: DiffContext): ConstraintSpec {
  if (spec.kind !== 'foreignKey') return renameConstraintColumns(spec, (c) => names.get(c) ?? c);
  const columns = spec.columns.map((c) => names.get(c) ?? c);
  const target = ctx.renamedTables.get(spec.refTable);
  if (target === undefined) return { ...spec, columns };
  return { ...spec, columns, refTable: target.name, refColumns: spec.refColumns.map((c) => target.columns.get(c) ?? c) };
}

function phaseOf(spec: ConstraintSpec, adding: boolean): Phase {
  if (spec.kind === 'foreignKey') return adding ? 'addForeignKeys' : 'dropForeignKeys';
  return adding ? 'addConstraints' : 'dropConstraints';
}

/** Pairs of matched constraints, and the unmatched ones on each side. */
function matchConstraints<O extends TableConstraint>(old: O[], next: TableConstraint[], ctx: DiffContext) {
  const pairs: [O, TableConstraint][] = [];
  const left = [...old];
  const unmatched: TableConstraint[] = [];
  const take = (pred: (o: O) => boolean): O | undefined => {
    const i = left.findIndex(pred);
    return i < 0 ? undefined : left.splice(i, 1)[0];
  };
  // Names first, so that content matching cannot steal a constraint that has its named twin.
  const rest: TableConstraint[] = [];
  for (const n of next) {
    const o = n.spec.name === undefined ? undefined : take((c) => c.spec.kind === n.spec.kind && c.spec.name === n.spec.name);
    if (o) pairs.push([o, n]);
    else rest.push(n);
  }
  for (const n of rest) {
    const o = n.spec.kind === 'primaryKey'
      ? take((c) => c.spec.kind === 'primaryKey')
      : take((c) => (c.spec.name === undefined || n.spec.name === undefined) && sameContent(c.spec, n.spec, ctx));
    if (o) pairs.push([o, n]);
    else unmatched.push(n);
  }
  return { pairs, added: unmatched, dropped: left };
}

/** Record the constraint and index changes of one table. */
export function diffConstraints(from: TableSpec, to: TableSpec, match: ColumnMatch, ctx: DiffContext, plan: Plan): void {
  const names = new Map(match.pairs.map(([o, n]) => [o.name, n.name]));
  const addedColumns = new Set(match.added.map((c) => c.name));
  const droppedColumns = new Set(match.dropped.map((c) => c.name));
  const old = tableConstraints(from).map((c) => ({ ...c, spec: renamed(c.spec, names, ctx), original: c.spec }));
  const next = tableConstraints(to);
  const { pairs, added, dropped } = matchConstraints(old, next, ctx);
  const where = { table: to.name, ...schemaPart(to.schema) };
  const ops = (spec: ConstraintSpec, fromName: boolean): { add: Operation; drop: Operation; guessed: boolean } => {
    const name = spec.name ?? conventionalName(to.name, spec);
    return {
      add: { kind: 'addConstraint', ...where, constraint: { ...spec, name } },
      drop: { kind: 'dropConstraint', ...where, name, type: spec.kind },
      guessed: fromName && spec.name === undefined,
    };
  };
  // What a column declares inline may travel with its addColumn / dropColumn only where dropping
  // the column takes it along: a unique everywhere; a foreign key where the dialect says so. On
  // MySQL, which refuses to drop a column (or an index) a key needs, the key is a step of its own,
  // added after the column and dropped before it in both directions (issue 10, defect 1). Checks
  // and indexes are always steps of their own, in phases that run before drops and after adds.
  const carried = (c: TableConstraint, columns: ReadonlySet<string>) =>
    (c.spec.kind === 'unique' || (c.spec.kind === 'foreignKey' && ctx.dropColumnDropsForeignKeys)) &&
    c.origin !== undefined && columns.has(c.origin);
  const drop = (spec: ConstraintSpec) => {
    const o = ops(spec, true);
    plan.add(phaseOf(spec, false), o.drop, o.add, o.guessed ? { up: [unnamedWarning(to.name)] } : {});
  };
  const add = (spec: ConstraintSpec) => {
    const o = ops(spec, false);
    plan.add(phaseOf(spec, true), o.add, o.drop);
  };
  // Drops are undone after the columns get their old names back: undo with the original spelling.
  for (const c of dropped) if (!carried(c, droppedColumns)) drop(c.original);
  for (const c of added) if (!carried(c, addedColumns)) add(c.spec);
  for (const [o, n] of pairs) {
    // Every constraint is compared by content, checks too: a CHECK whose body changed under the
    // same name is a change (each dialect's expressionsEqual equates what its server stores).
    if (sameContent(o.spec, n.spec, ctx)) continue;
    drop(o.original);
    add(n.spec);
  }
  diffIndexes(from, to, names, ctx, plan);
}

function diffIndexes(from: TableSpec, to: TableSpec, names: ReadonlyMap<string, string>, ctx: DiffContext, plan: Plan): void {
  const where = { table: to.name, ...schemaPart(to.schema) };
  const create = (ix: IndexSpec): Operation => createIndexOp(to.name, to.schema, ix);
  const dropOp = (ix: IndexSpec): Operation => ({ kind: 'dropIndex', name: ix.name, ...where });
  // A partition's attached indexes are renamed in place, never dropped alone (see diff-partition-indexes.ts).
  diffAttachedIndexes(from, to, ctx, plan);
  const own = (t: TableSpec) => t.indexes.filter((ix) => ix.attachedTo === undefined);
  const oldByName = new Map(own(from).map((ix) => [ix.name, ix]));
  const newNames = new Set(own(to).map((ix) => ix.name));
  for (const ix of own(from)) {
    if (!newNames.has(ix.name)) plan.add('dropConstraints', dropOp(ix), create(ix));
  }
  for (const ix of own(to)) {
    const old = oldByName.get(ix.name);
    if (old === undefined) {
      plan.add('addConstraints', create(ix), dropOp(ix));
      continue;
    }
    const rename = (c: string) => names.get(c) ?? c;
    const oldRenamed = { ...old, columns: old.columns.map((e) => renameElement(e, rename)), ...(old.include === undefined ? {} : { include: old.include.map(rename) }) };
    if (sameIndex(oldRenamed, ix, ctx)) continue;
    plan.add('dropConstraints', dropOp(old), create(old));
    plan.add('addConstraints', create(ix), dropOp(ix));
  }
}
