/**
 * Partition indexes with a name or storage parameters of their own (PostgreSQL): an index of a
 * partition declared with `attachedTo`, standing for its parent's index on that partition. The
 * server creates such an index by itself (named after the partition, with the parent's
 * parameters) whenever the parent's index or the partition is created; what the model adds is
 * how it differs. New tables are created the way pg_dump does it: the partition's own index
 * first, the parent's index after (which takes the matching index instead of creating one),
 * then an explicit `ATTACH PARTITION`, which does nothing when it is already attached and fails
 * loudly when the two do not match. On tables that exist, the index is renamed and its
 * parameters set (`ALTER INDEX`), since an attached index cannot be dropped alone.
 *
 * A partition's copy of its parent's primary key or unique constraint renamed since (a key
 * declared with `attachedTo`) is only ever renamed: PostgreSQL creates it with the partition (or
 * with the parent's key), and `ALTER INDEX ... RENAME` renames the constraint with its index.
 * A dropped partition comes back in the downgrade with PostgreSQL's names; its own ones are
 * given back the same way.
 */
import type { Operation } from '../ops/operations.js';
import type { IndexSpec, StorageParameters, TableSpec } from '../schema/model.js';
import { createIndexOp, isAttachedKey } from './normalize.js';
import type { DiffContext, Plan } from './plan.js';
import { schemaPart } from './plan.js';
import { sameIndex, storageChanges } from './same.js';

const key = (name: string, schema: string | undefined) => `${schema ?? ''}.${name}`;

/** The name and storage parameters of a partition's index (or key), as `ALTER INDEX` changes them. */
interface IndexState {
  readonly name: string;
  readonly with?: StorageParameters;
}

/** A partition's index or key declared with `attachedTo`. */
interface Attached {
  /** The parent's index (or key) it stands for. */
  readonly attachedTo: string;
  readonly state: IndexState;
  /**
   * What PostgreSQL gives the partition `table` of the diff's `side` for it: its own name for
   * the copy, and for an index the parameters of the parent's index at that side.
   */
  readonly defaultState: (table: TableSpec, side: Side) => IndexState;
}

/** The model a diff starts from, or the one it goes to. */
type Side = 'from' | 'to';

const withParameters = (name: string, parameters: StorageParameters | undefined): IndexState => ({ name, ...(parameters === undefined ? {} : { with: parameters }) });

/** The keys of partition `t` declared with `attachedTo` (their names are their own). */
function attachedKeys(t: TableSpec, ctx: DiffContext): Attached[] {
  const out: Attached[] = [];
  for (const c of t.constraints) {
    if (!isAttachedKey(c) || (c.kind !== 'primaryKey' && c.kind !== 'unique')) continue;
    // The key's index as PostgreSQL names it: from the key's columns (INCLUDE ones too).
    const shape: IndexSpec = { name: c.name ?? '', columns: c.columns, unique: true, ...(c.include === undefined ? {} : { include: c.include }) };
    // PostgreSQL's copy has PostgreSQL's name and the parent key's index parameters.
    const defaultState = (table: TableSpec, side: Side) =>
      withParameters(ctx.partitionIndexName(table.name, shape, c.kind), ctx.parentKeyWith(table, side, c));
    out.push({ attachedTo: c.attachedTo as string, state: withParameters(c.name ?? defaultState(t, 'to').name, c.with), defaultState });
  }
  return out;
}

/** The indexes and keys of partition `t` with names (or parameters) of their own. */
function attachedOf(t: TableSpec, ctx: DiffContext): Attached[] {
  const indexes = t.indexes.flatMap((ix): Attached[] => (ix.attachedTo === undefined ? [] : [{
    attachedTo: ix.attachedTo, state: withParameters(ix.name, ix.with),
    defaultState: (table, side) => withParameters(ctx.partitionIndexName(table.name, ix), ctx.parentIndexWith(table, side, ix.attachedTo as string)),
  }]));
  return [...indexes, ...attachedKeys(t, ctx)];
}

/**
 * `ALTER INDEX` from one state of a partition's index to another, or nothing when they agree.
 * `copyOf`: `from` is PostgreSQL's copy of that parent's index, under the name PostgreSQL gives
 * it, which it numbers when another relation holds the name: the copy is found by its parent
 * when the statement runs.
 */
function alterOp(table: TableSpec, from: IndexState, to: IndexState, copyOf?: string): Operation | undefined {
  const changes = storageChanges(from.with, to.with);
  if (from.name === to.name && Object.keys(changes).length === 0) return undefined;
  return {
    kind: 'alterIndex', table: table.name, ...schemaPart(table.schema), name: from.name,
    ...(from.name === to.name ? {} : { rename: to.name }), ...(Object.keys(changes).length > 0 ? { with: changes } : {}),
    ...(copyOf === undefined ? {} : { attachedTo: copyOf }),
  };
}

/**
 * The indexes of `created` tables that must wait until every table exists: partitions' attached
 * indexes, the parents' indexes they attach to, and the partitions' own indexes (created last, so
 * that no parent's index can take one of them for its own). Returned so that the caller creates
 * the others with their tables.
 */
export function deferredIndexes(created: readonly TableSpec[]): Set<IndexSpec> {
  const byKey = new Map(created.map((t) => [key(t.name, t.schema), t]));
  const out = new Set<IndexSpec>();
  for (const t of created) {
    if (t.partitionOf === undefined) continue;
    const parent = byKey.get(key(t.partitionOf.parent, t.partitionOf.parentSchema));
    for (const ix of t.indexes) {
      const target = ix.attachedTo === undefined ? undefined : parent?.indexes.find((p) => p.name === ix.attachedTo);
      if (ix.attachedTo === undefined || target !== undefined) out.add(ix);
      if (target !== undefined) out.add(target);
    }
  }
  return out;
}

/**
 * Create the deferred indexes of `created` (see {@link deferredIndexes}). One parent's index at a
 * time, deepest partitions first: the partitions' own indexes for it, then it (PostgreSQL takes
 * a partition's matching unattached index instead of creating one), then the explicit attach.
 * One at a time because PostgreSQL 15 matches indexes without their sort order: with two own
 * indexes waiting, `(a)` could take the one made for `(a DESC)`; the attach would then fail
 * loudly. An attached index of a new partition of an existing parent is the one the server
 * cloned when the partition was created: it is renamed and given its parameters.
 */
export function createPartitionIndexes(created: readonly TableSpec[], deferred: ReadonlySet<IndexSpec>, ctx: DiffContext, plan: Plan): void {
  const byKey = new Map(created.map((t) => [key(t.name, t.schema), t]));
  const parentOf = (t: TableSpec) => (t.partitionOf === undefined ? undefined : byKey.get(key(t.partitionOf.parent, t.partitionOf.parentSchema)));
  const depth = (t: TableSpec): number => {
    const parent = parentOf(t);
    return parent === undefined ? 0 : 1 + depth(parent);
  };
  const ordered = [...created].sort((a, b) => depth(b) - depth(a));
  const done = new Set<IndexSpec>();
  const create = (t: TableSpec, ix: IndexSpec) => {
    if (done.has(ix)) return;
    done.add(ix);
    plan.add('createTables', createIndexOp(t.name, t.schema, ix), undefined);
  };
  for (const parent of ordered) {
    for (const target of parent.indexes) {
      const children = created.flatMap((t) => (parentOf(t) === parent ? t.indexes.filter((ix) => ix.attachedTo === target.name).map((ix) => ({ t, ix })) : []));
      if (children.length === 0) continue;
      for (const { t, ix } of children) create(t, ix);
      create(parent, target);
      for (const { t, ix } of children) {
        plan.add('createTables', {
          kind: 'attachIndex', table: parent.name, ...schemaPart(parent.schema), index: target.name,
          partition: t.name, ...(t.schema === undefined ? {} : { partitionSchema: t.schema }), partitionIndex: ix.name,
        }, undefined);
      }
    }
  }
  for (const t of ordered) {
    for (const ix of t.indexes) if (deferred.has(ix)) create(t, ix);
    if (t.partitionOf === undefined) continue;
    // The copies PostgreSQL made when the partition was created (of an existing parent's
    // indexes and keys), or when the parent's new ones are (addConstraints): renamed after that.
    // The table's drop undoes it.
    const keys = new Set(attachedKeys(t, ctx).map((k) => k.attachedTo));
    for (const a of attachedOf(t, ctx)) {
      // A new parent's indexes took the partition's own ones (above): only its keys are copies.
      if (parentOf(t) !== undefined && !keys.has(a.attachedTo)) continue;
      const op = alterOp(t, a.defaultState(t, 'to'), a.state, a.attachedTo);
      if (op !== undefined) plan.add('addForeignKeys', op, undefined);
    }
  }
}

/**
 * For a partition in `dropped`: the downgrade creates it again, and PostgreSQL gives it its
 * parent's indexes and keys under its own names; these steps (undone after the re-creation,
 * recorded before the drop) give back the names and parameters the partition had.
 */
export function restoreAttached(table: TableSpec, ctx: DiffContext, plan: Plan): void {
  if (table.partitionOf === undefined) return;
  for (const a of attachedOf(table, ctx)) {
    const op = alterOp(table, a.defaultState(table, 'from'), a.state, a.attachedTo);
    if (op !== undefined) plan.add('dropTables', undefined, op);
  }
}

/**
 * Whether the parent's index `name` of partition `from` / `to` is dropped and created again by
 * the diff (a changed definition: diff-constraints.ts compares it with the same `sameIndex`).
 * Its columns are compared as named on each side: a column renamed in the same diff reads as a
 * re-creation here.
 */
function recreated(from: TableSpec, to: TableSpec, name: string, ctx: DiffContext): boolean {
  const before = ctx.parentIndex(from, 'from', name);
  const after = ctx.parentIndex(to, 'to', name);
  return before !== undefined && after !== undefined && !sameIndex(before, after, ctx);
}

/**
 * The attached indexes and keys of a partition present on both sides, matched by the parent's
 * index (or key) they stand for: renamed and re-parametered in place. Runs after the parents'
 * new indexes and keys exist (which gave the partition its default copy) and, undone, before
 * they are dropped.
 */
export function diffAttachedIndexes(from: TableSpec, to: TableSpec, ctx: DiffContext, plan: Plan): void {
  const before = new Map(attachedOf(from, ctx).map((a) => [a.attachedTo, a]));
  const after = new Map(attachedOf(to, ctx).map((a) => [a.attachedTo, a]));
  for (const parentIndex of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(parentIndex);
    const b = after.get(parentIndex);
    const shape = (a ?? b) as Attached;
    if (recreated(from, to, parentIndex, ctx)) {
      // Dropping the parent's index dropped the partition's; creating it again made PostgreSQL's
      // copy, renamed after it (addForeignKeys runs after addConstraints). The downgrade re-creates
      // the old one last (dropConstraints, undone): its copy is renamed after that, by a step
      // whose undo runs later still (dropForeignKeys comes before dropConstraints).
      if (b !== undefined) {
        const up = alterOp(to, shape.defaultState(to, 'to'), b.state, parentIndex);
        if (up !== undefined) plan.add('addForeignKeys', up, undefined);
      }
      if (a !== undefined) {
        const down = alterOp(from, shape.defaultState(from, 'from'), a.state, parentIndex);
        if (down !== undefined) plan.add('dropForeignKeys', undefined, down);
      }
      continue;
    }
    const was = a?.state ?? shape.defaultState(from, 'from');
    const will = b?.state ?? shape.defaultState(to, 'to');
    // An undeclared side is PostgreSQL's copy: made by this revision when the parent's index or key is.
    const up = alterOp(to, was, will, a === undefined ? parentIndex : undefined);
    if (up !== undefined) plan.add('addForeignKeys', up, alterOp(to, will, was, b === undefined ? parentIndex : undefined));
  }
}
