/**
 * The shapes of autogenerate's diff: its options (the per-dialect hooks) and its result.
 * The engine never names a dialect; a dialect passes its notions of equality through
 * {@link DiffOptions}.
 */
import type { Operation } from '../ops/operations.js';
import type { ColumnType, DefaultValue, IndexSpec } from '../schema/model.js';
import type { ObjectKind, SchemaObject } from '../schema/objects.js';

/** The kind of a parent's key a partition index stands for, when it backs one (see {@link DiffOptions.partitionIndexName}). */
export type PartitionKeyKind = 'primaryKey' | 'unique';

/** A user's answer to a rename prompt: column `from` of `table` is now called `to`. */
export interface RenameDecision {
  readonly table: string;
  readonly schema?: string;
  readonly from: string;
  readonly to: string;
}

/** A dropped and an added column of one table with equal types: maybe a rename. */
export interface RenameCandidate {
  readonly table: string;
  readonly schema?: string;
  readonly from: string;
  readonly to: string;
}

/** Stable codes of diff warnings. */
export type DiffWarningCode =
  | 'dropTable'
  | 'dropColumn'
  | 'narrowingType'
  | 'notNullAdded'
  | 'valuesReplaced'
  | 'possibleRename'
  | 'enumValuesChanged'
  | 'enumValueNotRemovable'
  | 'unnamedConstraint'
  | 'unsupportedChange'
  | 'dropObject'
  | 'objectNotSupported';

/** Something a person should read before running the generated revision. */
export interface DiffWarning {
  readonly code: DiffWarningCode;
  readonly message: string;
  readonly table?: string;
  readonly column?: string;
  /** The operation the warning annotates (by identity, in `upgrade` or `downgrade`), if any. */
  readonly operation?: Operation;
  readonly direction: 'upgrade' | 'downgrade';
}

/** Per-dialect hooks and filters of {@link diffSchemas}. Every hook has a neutral default. */
export interface DiffOptions {
  /** True when two column types are the same on this dialect (e.g. `int4` and `integer`). */
  readonly typesEqual?: (a: ColumnType, b: ColumnType) => boolean;
  /** True when two server defaults are the same (after the dialect's normalisation). */
  readonly defaultsEqual?: (a: DefaultValue | undefined, b: DefaultValue | undefined) => boolean;
  /** True when two SQL expressions (index predicates and expressions, checks) are the same. */
  readonly expressionsEqual?: (a: string, b: string) => boolean;
  /** True when changing `from` to `to` may lose data (flagged in the generated file). */
  readonly isNarrowing?: (from: ColumnType, to: ColumnType) => boolean;
  /**
   * false: compare every table in full, even those identical to the letter on both sides (which
   * the diff otherwise skips: identical.ts). For the test that proves the two give the same result.
   */
  readonly fast?: boolean;
  /** Only tables for which this returns true are compared (both sides). */
  readonly include?: (name: string, schema: string | undefined) => boolean;
  /** Last word on the operations, per direction (drop some, reorder, add data migrations). */
  readonly rewrite?: (ops: readonly Operation[], direction: 'upgrade' | 'downgrade') => readonly Operation[];
  /** Renames decided by the user (the CLI's prompt); undecided candidates stay drop + add. */
  readonly renames?: readonly RenameDecision[];
  /** The dialect has named enum types (create, add value); otherwise enums are column types. Default true. */
  readonly namedEnums?: boolean;
  /**
   * Dropping a column takes its foreign keys along on this dialect, so a key declared on an added
   * column may be added with it (a cheap ADD COLUMN on SQLite, no table rebuild). Default false:
   * the key is then a step of its own, after the column's add and before its drop.
   */
  readonly dropColumnDropsForeignKeys?: boolean;
  /** The dialect keeps comments; otherwise comments are not compared. Default true. */
  readonly comments?: boolean;
  /** The configured default namespace: a table in it compares equal to one with no schema. */
  readonly defaultSchema?: string;
  /** True when a live object and a declared one are the same on this dialect. Default: structural. */
  readonly objectsEqual?: (live: SchemaObject, declared: SchemaObject) => boolean;
  /**
   * True when `alterObject(from, to)` and its reverse both change the object in place (CREATE OR
   * REPLACE, ALTER), so what depends on it survives; otherwise the diff drops and re-creates it,
   * and its dependents with it. Default: never in place.
   */
  readonly objectsInPlace?: (from: SchemaObject, to: SchemaObject) => boolean;
  /** The object kinds the dialect models; declared objects of other kinds are left out with a warning. Default: all. */
  readonly objectKinds?: readonly ObjectKind[];
  /** A type's text in one canonical spelling (a function's argument types identify it). Default: lower case. */
  readonly typeKey?: (sqlType: string) => string;
  /**
   * The name the server gives a partition's copy of its parent's index (PostgreSQL:
   * `partition_columns_idx`), or with `key`, of its parent's primary key or unique constraint
   * (`partition_pkey`, `partition_columns_key`), for a partition index or key declared with
   * `attachedTo` that is renamed from or back to it. Default: `table_columns_idx` (`_key`, `table_pkey`).
   */
  readonly partitionIndexName?: (table: string, index: IndexSpec, key?: PartitionKeyKind) => string;
  /** The dialect has row-level security (table option). Default true. */
  readonly rowLevelSecurity?: boolean;
  /**
   * The dialect has serial columns (PostgreSQL): the name it gives a serial column's sequence, so
   * that serial and identity, and the sequences' names and settings, are compared. Absent: a
   * serial column is the dialect's auto-increment, compared as such.
   */
  readonly serialSequenceName?: (table: string, column: string) => string;
  /**
   * The lock-friendly form of an operation on a table that exists before the revision (the
   * dialect's: PostgreSQL CONCURRENTLY and NOT VALID + VALIDATE, MySQL ALGORITHM/LOCK). Never
   * asked about a table created earlier in the same direction: an empty table is locked for no
   * time, so it keeps the plain form. Default: plain forms.
   */
  readonly safeForm?: (op: Operation) => Operation;
}

/** What {@link diffSchemas} found. */
export interface DiffResult {
  /** Operations that turn `from` into `to`, in an order that can run. */
  readonly upgrade: readonly Operation[];
  /** Operations that turn `to` back into `from`. */
  readonly downgrade: readonly Operation[];
  readonly warnings: readonly DiffWarning[];
  /** Possible column renames the CLI may ask about (then pass them back as `renames`). */
  readonly renameCandidates: readonly RenameCandidate[];
}
