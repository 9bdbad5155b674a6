/**
 * New and dropped tables. New tables are created in dependency order (a table after the tables its
 * foreign keys reference) and dropped in the reverse order. Tables that reference each other in a
 * cycle cannot be created with all their keys: the keys that close the cycle are added afterwards
 * with ALTER TABLE (and dropped first, when the tables go).
 */
import type { CreateTableOp, Operation } from '../ops/operations.js';
import type { ConstraintSpec, IndexSpec, NamedColumn, TableSpec } from '../schema/model.js';
import { createPartitionIndexes, deferredIndexes, restoreAttached } from './diff-partition-indexes.js';
import { bareColumn, conventionalName, createIndexOp, isAttachedKey, parentTables, referencedTables, tableConstraints } from './normalize.js';
import type { DiffContext, Plan } from './plan.js';
import { schemaPart } from './plan.js';

type ForeignKey = Extract<ConstraintSpec, { kind: 'foreignKey' }>;

/**
 * Tables in creation order, and the foreign keys deferred to break cycles, per table. Kahn's
 * algorithm, taking the earliest declared table among those ready, so the order stays the
 * declaration order wherever dependencies allow, in O((tables + keys) log tables).
 */
function creationOrder(tables: readonly TableSpec[]): { order: TableSpec[]; deferred: Map<string, Set<string>> } {
  const position = new Map(tables.map((t, i) => [t.name, i]));
  const waitingOn = new Map<string, Set<string>>();
  const dependents = new Map<string, string[]>();
  for (const t of tables) {
    const refs = new Set([...referencedTables(t), ...parentTables(t)].filter((ref) => position.has(ref) && ref !== t.name));
    waitingOn.set(t.name, refs);
    for (const ref of refs) dependents.set(ref, [...(dependents.get(ref) ?? []), t.name]);
  }
  const ready = new MinHeap();
  for (const t of tables) if ((waitingOn.get(t.name) as Set<string>).size === 0) ready.push(position.get(t.name) as number);
  const order: TableSpec[] = [];
  const done = new Set<string>();
  const deferred = new Map<string, Set<string>>();
  let next = 0;
  while (order.length < tables.length) {
    let index = ready.pop();
    if (index === undefined) {
      // A cycle: the earliest pending table is created first; its keys to pending tables come later.
      while (done.has((tables[next] as TableSpec).name)) next++;
      index = next;
      const name = (tables[index] as TableSpec).name;
      deferred.set(name, new Set(waitingOn.get(name)));
    }
    const table = tables[index] as TableSpec;
    if (done.has(table.name)) continue;
    done.add(table.name);
    order.push(table);
    for (const dependent of dependents.get(table.name) ?? []) {
      const waits = waitingOn.get(dependent) as Set<string>;
      if (waits.delete(table.name) && waits.size === 0 && !done.has(dependent)) ready.push(position.get(dependent) as number);
    }
  }
  return { order, deferred };
}

/** A binary min-heap of declaration positions. */
class MinHeap {
  private readonly items: number[] = [];

  push(value: number): void {
    const a = this.items;
    a.push(value);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if ((a[parent] as number) <= value) break;
      a[i] = a[parent] as number;
      a[parent] = value;
      i = parent;
    }
  }

  pop(): number | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && (a[l] as number) < (a[m] as number)) m = l;
      if (r < a.length && (a[r] as number) < (a[m] as number)) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m] as number, a[i] as number];
      i = m;
    }
    return top;
  }
}

function withoutReference(column: NamedColumn): NamedColumn {
  const { references: _ref, ...spec } = column.spec;
  return { name: column.name, spec: Object.freeze(spec) as NamedColumn['spec'] };
}

/** The createTable operation for `table`, leaving out keys to `skipRefs`, and those keys. */
function splitCreate(table: TableSpec, skipRefs: ReadonlySet<string>): { create: CreateTableOp; later: ForeignKey[] } {
  const later: ForeignKey[] = [];
  const columns = table.columns.map((c) => {
    const ref = c.spec.references;
    if (ref === undefined || !skipRefs.has(ref.table)) return bareColumn(c);
    later.push(tableConstraints({ ...table, columns: [c], constraints: [] })
      .map((tc) => tc.spec).find((s): s is ForeignKey => s.kind === 'foreignKey') as ForeignKey);
    return withoutReference(bareColumn(c));
  });
  // A partition's names for its parent's keys are renames after CREATE TABLE (diff-partition-indexes.ts).
  const constraints = table.constraints.filter((c) => {
    if (isAttachedKey(c)) return false;
    if (c.kind !== 'foreignKey' || !skipRefs.has(c.refTable)) return true;
    later.push(c);
    return false;
  });
  // Row-level security is switched on by its own operation after the table exists.
  const { rowLevelSecurity: _rls, ...options } = table.options;
  const create: CreateTableOp = {
    kind: 'createTable', table: table.name, ...schemaPart(table.schema),
    columns: Object.freeze(columns), constraints: Object.freeze(constraints), options,
    ...(table.partitionOf === undefined ? {} : { partitionOf: table.partitionOf }),
  };
  return { create, later };
}

function indexOps(table: TableSpec, keep: (ix: IndexSpec) => boolean = (ix) => ix.attachedTo === undefined): { create: Operation; drop: Operation }[] {
  return table.indexes.filter(keep).map((ix) => ({
    create: createIndexOp(table.name, table.schema, ix),
    drop: { kind: 'dropIndex', name: ix.name, table: table.name, ...schemaPart(table.schema) },
  }));
}

function keyOps(table: TableSpec, fk: ForeignKey): { add: Operation; drop: Operation } {
  const name = fk.name ?? conventionalName(table.name, fk);
  return {
    add: { kind: 'addConstraint', table: table.name, ...schemaPart(table.schema), constraint: { ...fk, name } },
    drop: { kind: 'dropConstraint', table: table.name, ...schemaPart(table.schema), name, type: 'foreignKey' },
  };
}

/** Record the creation of `tables` (new in the target). */
export function createTables(tables: readonly TableSpec[], plan: Plan, ctx: DiffContext): void {
  const { order, deferred } = creationOrder(tables);
  // Partitions' own indexes and the parents' indexes they attach to come after every table.
  const partitionIndexes = deferredIndexes(tables);
  for (const table of order) {
    const { create, later } = splitCreate(table, deferred.get(table.name) ?? new Set());
    // The downgrade drops the new table, and whatever rows it holds by then.
    plan.add('createTables', create, { kind: 'dropTable', table: table.name, ...schemaPart(table.schema) }, {
      down: [{ code: 'dropTable', table: table.name, message: `drops table '${table.name}' and all its rows` }],
    });
    // DROP TABLE takes its indexes with it; dropping one first fails on MySQL when a foreign key needs it.
    for (const ix of indexOps(table, (i) => !partitionIndexes.has(i) && i.attachedTo === undefined)) plan.add('createTables', ix.create, undefined);
    for (const fk of later) {
      const { add, drop } = keyOps(table, fk);
      plan.add('addForeignKeys', add, drop);
    }
  }
  createPartitionIndexes(order, partitionIndexes, ctx, plan);
}

/** Record the dropping of `tables` (gone from the target), flagged as destructive. */
export function dropTables(tables: readonly TableSpec[], plan: Plan, ctx: DiffContext): void {
  const { order, deferred } = creationOrder(tables);
  for (const table of [...order].reverse()) {
    const { create, later } = splitCreate(table, deferred.get(table.name) ?? new Set());
    for (const fk of later) {
      const { add, drop } = keyOps(table, fk);
      plan.add('dropForeignKeys', drop, add, fk.name === undefined ? { up: [unnamedWarning(table.name)] } : {});
    }
    // The indexes go with the table (see createTables); the undo, run in reverse, re-creates them
    // after it, then gives a partition's copies of its parent's indexes and keys their own names.
    restoreAttached(table, ctx, plan);
    for (const ix of indexOps(table)) plan.add('dropTables', undefined, ix.create);
    plan.add('dropTables', { kind: 'dropTable', table: table.name, ...schemaPart(table.schema) }, create, {
      up: [{ code: 'dropTable', table: table.name, message: `drops table '${table.name}' and all its rows` }],
    });
  }
}

/** The warning for a constraint that must be dropped by a name the catalog did not give. */
export function unnamedWarning(table: string): { code: 'unnamedConstraint'; table: string; message: string } {
  return {
    code: 'unnamedConstraint', table,
    message: `a constraint of '${table}' has no name in the database; the name used here is a guess: check it`,
  };
}
