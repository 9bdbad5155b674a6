/**
 * The diff's working state: every change is recorded as a step (its upgrade operation, the
 * operation that undoes it, and warnings) in one of a fixed sequence of phases. The phases are what
 * make the upgrade runnable (enums before the tables that use them, referenced tables before the
 * foreign keys pointing at them, foreign keys dropped before their tables); the downgrade is every
 * undo in reverse order, which is runnable for the same reason read backwards.
 */
import type { Operation } from '../ops/operations.js';
import { freezeOp } from '../ops/operations.js';
import type { ColumnType, ConstraintSpec, DefaultValue, IndexSpec, SchemaModel, StorageParameters, TableSpec } from '../schema/model.js';
import type { ObjectKind, SchemaObject } from '../schema/objects.js';
import { OBJECT_KINDS } from '../schema/objects.js';
import { neutralDefaultsEqual, neutralExpressionsEqual, neutralIsNarrowing, neutralObjectsEqual, neutralTypesEqual } from './compare.js';
import type { DiffOptions, DiffResult, DiffWarning, DiffWarningCode, PartitionKeyKind, RenameCandidate, RenameDecision } from './types.js';

/**
 * The phases, in upgrade order: what others use comes first (extensions, types, sequences), the
 * objects that use tables are dropped before the tables change and created after (functions and
 * views in dependency order, then triggers and policies), and drops run in the reverse order.
 */
export const PHASES = [
  'createExtensions',
  'createEnums',
  'createTypes',
  'createSequences',
  'dropObjects',
  'renameTables',
  'dropForeignKeys',
  'dropConstraints',
  'renameColumns',
  'createTables',
  'columns',
  'addConstraints',
  'addForeignKeys',
  'ownSequences',
  'createRoutines',
  'createTriggers',
  'createPolicies',
  'dropTables',
  'dropSequences',
  'dropTypes',
  'dropEnums',
  'dropExtensions',
] as const;

/** One phase of {@link PHASES}. */
export type Phase = (typeof PHASES)[number];

/** A warning before it is attached to an operation. */
export interface PendingWarning {
  readonly code: DiffWarningCode;
  readonly message: string;
  readonly table?: string;
  readonly column?: string;
}

interface Step {
  readonly up?: Operation;
  readonly down?: Operation;
  readonly upWarnings: readonly PendingWarning[];
  readonly downWarnings: readonly PendingWarning[];
}

/** The resolved hooks of a diff, with neutral defaults filled in. */
export interface DiffContext {
  typesEqual(a: ColumnType, b: ColumnType): boolean;
  readonly defaultsEqual: (a: DefaultValue | undefined, b: DefaultValue | undefined) => boolean;
  readonly expressionsEqual: (a: string, b: string) => boolean;
  readonly partitionIndexName: (table: string, index: IndexSpec, key?: PartitionKeyKind) => string;
  /**
   * The storage parameters of the index `index` of the parent of `partition`, in the model the
   * diff starts `from` or goes `to`: a partition's copy of that index starts with them.
   */
  readonly parentIndexWith: (partition: TableSpec, side: 'from' | 'to', index: string) => StorageParameters | undefined;
  /** The index `index` of the parent of `partition`, in the model the diff starts `from` or goes `to`. */
  readonly parentIndex: (partition: TableSpec, side: 'from' | 'to', index: string) => IndexSpec | undefined;
  /**
   * The storage parameters of the index of the parent's primary key or unique constraint that
   * `key` (a partition's key declared with `attachedTo`) is the copy of: by the parent key's name,
   * else (a key left to PostgreSQL's name in the module) by kind and columns.
   */
  readonly parentKeyWith: (partition: TableSpec, side: 'from' | 'to', key: KeySpec) => StorageParameters | undefined;
  readonly isNarrowing: (from: ColumnType, to: ColumnType) => boolean;
  readonly namedEnums: boolean;
  readonly comments: boolean;
  readonly dropColumnDropsForeignKeys: boolean;
  readonly objectsEqual: (live: SchemaObject, declared: SchemaObject) => boolean;
  readonly objectsInPlace: (from: SchemaObject, to: SchemaObject) => boolean;
  readonly objectKinds: ReadonlySet<ObjectKind>;
  readonly typeKey: (sqlType: string) => string;
  readonly rowLevelSecurity: boolean;
  /** The name a serial column's sequence gets by default; absent: the dialect has no serial columns (not compared). */
  readonly serialSequenceName?: (table: string, column: string) => string;
  readonly renames: readonly RenameDecision[];
  readonly candidates: RenameCandidate[];
  /**
   * Renames found in this diff, by old table name: the new table name and the column renames
   * (old → new). Foreign keys of other tables that point at a renamed table or column are
   * compared through these, so a rename does not look like a changed key.
   */
  readonly renamedTables: Map<string, { readonly name: string; readonly columns: ReadonlyMap<string, string> }>;
  /** `schema` with the default namespace folded into undefined. */
  schemaKey(schema: string | undefined): string;
}

/** A primary key or unique constraint. */
type KeySpec = Extract<ConstraintSpec, { readonly kind: 'primaryKey' | 'unique' }>;

/** Fill in the neutral hooks; `models` are the two sides of the diff (for lookups across tables). */
export function diffContext(options: DiffOptions, models?: { readonly from: SchemaModel; readonly to: SchemaModel }): DiffContext {
  const typesEqual = options.typesEqual ?? neutralTypesEqual;
  const namedEnums = options.namedEnums ?? true;
  const schemaKey = (schema: string | undefined) => (schema === undefined || schema === options.defaultSchema ? '' : schema);
  const byKey = (model: SchemaModel | undefined) => new Map((model?.tables ?? []).map((t) => [`${schemaKey(t.schema)}.${t.name}`, t]));
  const sides = { from: byKey(models?.from), to: byKey(models?.to) };
  const parentOf = (partition: TableSpec, side: 'from' | 'to') => {
    const of = partition.partitionOf;
    return of === undefined ? undefined : sides[side].get(`${schemaKey(of.parentSchema)}.${of.parent}`);
  };
  return {
    // With named enum types, values are compared on the enum itself (create / add value), so a
    // column only cares which enum it uses.
    typesEqual: (a, b) =>
      namedEnums && a.kind === 'enum' && b.kind === 'enum' ? a.name === b.name : typesEqual(a, b),
    defaultsEqual: options.defaultsEqual ?? neutralDefaultsEqual,
    expressionsEqual: options.expressionsEqual ?? neutralExpressionsEqual,
    partitionIndexName: options.partitionIndexName ?? ((table, index, key) => (key === 'primaryKey' ? `${table}_pkey`
      : [table, ...index.columns.map((e) => (typeof e === 'string' ? e : 'column' in e ? e.column : 'expr')), key === 'unique' ? 'key' : 'idx'].join('_'))),
    isNarrowing: options.isNarrowing ?? neutralIsNarrowing,
    namedEnums,
    comments: options.comments ?? true,
    dropColumnDropsForeignKeys: options.dropColumnDropsForeignKeys ?? false,
    objectsEqual: options.objectsEqual ?? neutralObjectsEqual,
    objectsInPlace: options.objectsInPlace ?? (() => false),
    objectKinds: new Set(options.objectKinds ?? OBJECT_KINDS),
    typeKey: options.typeKey ?? ((t) => t.trim().toLowerCase().replace(/\s+/g, ' ')),
    rowLevelSecurity: options.rowLevelSecurity ?? true,
    ...(options.serialSequenceName === undefined ? {} : { serialSequenceName: options.serialSequenceName }),
    renames: options.renames ?? [],
    candidates: [],
    renamedTables: new Map(),
    schemaKey,
    parentIndexWith: (partition, side, index) => parentOf(partition, side)?.indexes.find((ix) => ix.name === index)?.with,
    parentIndex: (partition, side, index) => parentOf(partition, side)?.indexes.find((ix) => ix.name === index),
    parentKeyWith: (partition, side, key) => {
      const keys = (parentOf(partition, side)?.constraints ?? []).filter((c): c is KeySpec => c.kind === key.kind);
      const found = keys.find((c) => c.name === key.attachedTo) ?? keys.find((c) => c.name === undefined && c.columns.join() === key.columns.join());
      return found?.with;
    },
  };
}

/** Collects steps by phase and assembles the result. */
export class Plan {
  private readonly steps = new Map<Phase, Step[]>(PHASES.map((p) => [p, []]));

  /** Record a change: `up` runs in `phase`, `down` undoes it. */
  add(
    phase: Phase,
    up: Operation | undefined,
    down: Operation | undefined,
    warnings: { up?: readonly PendingWarning[]; down?: readonly PendingWarning[] } = {},
  ): void {
    (this.steps.get(phase) as Step[]).push({
      ...(up === undefined ? {} : { up: freezeOp(up) }),
      ...(down === undefined ? {} : { down: freezeOp(down) }),
      upWarnings: warnings.up ?? [],
      downWarnings: warnings.down ?? [],
    });
  }

  /** Upgrade and downgrade operations with their warnings. */
  result(options: DiffOptions, candidates: readonly RenameCandidate[]): DiffResult {
    const ordered = PHASES.flatMap((p) => this.steps.get(p) as Step[]);
    const warnings: DiffWarning[] = [];
    const upgrade: Operation[] = [];
    const safeUp = safeForms(options.safeForm);
    for (const step of ordered) {
      const up = safeUp(step.up);
      if (up) upgrade.push(up);
      for (const w of step.upWarnings) warnings.push(attach(w, 'upgrade', up));
    }
    const downgrade: Operation[] = [];
    const safeDown = safeForms(options.safeForm);
    for (const step of [...ordered].reverse()) {
      const down = safeDown(step.down);
      if (down) downgrade.push(down);
      for (const w of step.downWarnings) warnings.push(attach(w, 'downgrade', down));
    }
    const rewrite = options.rewrite;
    return Object.freeze({
      upgrade: Object.freeze(rewrite ? [...rewrite(upgrade, 'upgrade')] : upgrade),
      downgrade: Object.freeze(rewrite ? [...rewrite(downgrade, 'downgrade')] : downgrade),
      warnings: Object.freeze(warnings),
      renameCandidates: Object.freeze([...candidates]),
    });
  }
}

/**
 * Applies `safeForm` to the operations of one direction, in order, except on tables an earlier
 * operation of that direction created (empty: the plain form locks nothing anyone waits for).
 */
function safeForms(safeForm: DiffOptions['safeForm']): (op: Operation | undefined) => Operation | undefined {
  const created = new Set<string>();
  return (op) => {
    if (op === undefined || safeForm === undefined) return op;
    if (op.kind === 'createTable') {
      created.add(`${op.schema ?? ''}.${op.table}`);
      return op;
    }
    const table = 'table' in op && typeof op.table === 'string' ? `${'schema' in op ? op.schema ?? '' : ''}.${op.table}` : undefined;
    return table !== undefined && created.has(table) ? op : freezeOp(safeForm(op));
  };
}

function attach(w: PendingWarning, direction: DiffWarning['direction'], operation: Operation | undefined): DiffWarning {
  return Object.freeze({ ...w, direction, ...(operation === undefined ? {} : { operation }) });
}

/** `{ schema }` when defined, for spreading into an operation. */
export function schemaPart(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}
