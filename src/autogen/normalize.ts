/**
 * One view of a table's keys and constraints, whether they were declared on columns
 * (`.primaryKey()`, `.unique()`, `.references()`) or at table level, and whether they came from
 * a schema module or from a catalog. The diff compares these views, never the raw spellings.
 */
import type { CreateIndexOp } from '../ops/operations.js';
import type { ColumnSpec, ConstraintSpec, IndexSpec, NamedColumn, TableSpec } from '../schema/model.js';
import { elementColumn } from '../schema/elements.js';

/** A constraint of a table, with the column that declared it inline (if any). */
export interface TableConstraint {
  readonly spec: ConstraintSpec;
  /** The column whose modifier declared it: adding or dropping that column carries it. */
  readonly origin?: string;
}

/**
 * Whether `c` is a partition's name for its parent's key (`attachedTo`): not a constraint the
 * partition adds, but a rename of the one PostgreSQL gives it (see diff-partition-indexes.ts).
 */
export function isAttachedKey(c: ConstraintSpec): boolean {
  return (c.kind === 'primaryKey' || c.kind === 'unique') && c.attachedTo !== undefined;
}

/**
 * Every constraint of `table`, column-level ones included; the primary key first. A partition's
 * names for its parent's keys are left out: they are renamed in place, never added or dropped.
 */
export function tableConstraints(table: TableSpec): TableConstraint[] {
  const out: TableConstraint[] = [];
  const tablePk = table.constraints.find((c) => c.kind === 'primaryKey' && !isAttachedKey(c));
  const inlinePk = table.columns.filter((c) => c.spec.primaryKey).map((c) => c.name);
  if (tablePk !== undefined) out.push({ spec: tablePk });
  else if (inlinePk.length > 0) {
    out.push({
      spec: { kind: 'primaryKey', columns: inlinePk },
      ...(inlinePk.length === 1 ? { origin: inlinePk[0] as string } : {}),
    });
  }
  for (const c of table.columns) {
    if (c.spec.unique) out.push({ spec: { kind: 'unique', columns: [c.name] }, origin: c.name });
    const ref = c.spec.references;
    if (ref !== undefined) {
      out.push({
        origin: c.name,
        spec: {
          kind: 'foreignKey',
          ...(ref.name === undefined ? {} : { name: ref.name }),
          columns: [c.name],
          refTable: ref.table,
          refColumns: [ref.column],
          ...(ref.onDelete === undefined ? {} : { onDelete: ref.onDelete }),
          ...(ref.onUpdate === undefined ? {} : { onUpdate: ref.onUpdate }),
        },
      });
    }
  }
  for (const c of table.constraints) if (c.kind !== 'primaryKey' && !isAttachedKey(c)) out.push({ spec: c });
  return out;
}

/** A column spec without what only autogenerate reads (the rename hint). */
export function bareColumn(column: NamedColumn): NamedColumn {
  if (column.spec.renamedFrom === undefined) return column;
  const { renamedFrom: _hint, ...spec } = column.spec;
  return Object.freeze({ name: column.name, spec: Object.freeze(spec) as ColumnSpec });
}

/** The tables another table's foreign keys point to (itself excluded). */
export function referencedTables(table: TableSpec): string[] {
  const refs = tableConstraints(table)
    .map((c) => c.spec)
    .filter((c): c is Extract<ConstraintSpec, { kind: 'foreignKey' }> => c.kind === 'foreignKey')
    .map((c) => c.refTable)
    .filter((name) => name !== table.name);
  return [...new Set(refs)];
}

/** The tables `table` is created from: the parent of a partition, the parents it inherits. */
export function parentTables(table: TableSpec): string[] {
  return [...(table.partitionOf === undefined ? [] : [table.partitionOf.parent]), ...(table.options.inherits ?? []).map((p) => p.name)];
}

/** A conventional name for a constraint declared without one (an operation needs a name). */
export function conventionalName(table: string, spec: ConstraintSpec): string {
  switch (spec.kind) {
    case 'primaryKey':
      return `pk_${table}`;
    case 'unique':
      return `uq_${table}_${spec.columns.join('_')}`;
    case 'foreignKey':
      return `fk_${table}_${spec.columns.join('_')}_${spec.refTable}`;
    case 'exclude':
      return `ex_${table}_${spec.elements.map((e) => elementColumn(e.element) ?? 'expr').join('_')}`;
    case 'check': {
      const slug = spec.condition.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 30);
      return `ck_${table}_${slug}`;
    }
  }
}

/** The createIndex operation that makes `index` on `table` (in `schema`). */
export function createIndexOp(table: string, schema: string | undefined, index: IndexSpec): CreateIndexOp {
  return {
    kind: 'createIndex', name: index.name, table, ...(schema === undefined ? {} : { schema }),
    columns: index.columns, unique: index.unique,
    ...(index.where === undefined ? {} : { where: index.where }),
    ...(index.fulltext ? { fulltext: true } : {}),
    ...(index.spatial ? { spatial: true } : {}),
    ...(index.using === undefined ? {} : { using: index.using }),
    ...(index.include === undefined ? {} : { include: index.include }),
    ...(index.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
    ...(index.with === undefined ? {} : { with: index.with }),
  };
}

/** The index a createIndex operation makes (the inverse of {@link createIndexOp}). */
export function indexOf(op: CreateIndexOp): IndexSpec {
  return {
    name: op.name, columns: op.columns, unique: op.unique,
    ...(op.where === undefined ? {} : { where: op.where }),
    ...(op.fulltext ? { fulltext: true } : {}),
    ...(op.spatial ? { spatial: true } : {}),
    ...(op.using === undefined ? {} : { using: op.using }),
    ...(op.include === undefined ? {} : { include: op.include }),
    ...(op.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
    ...(op.with === undefined ? {} : { with: op.with }),
  };
}
