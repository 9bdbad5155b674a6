/**
 * Public shapes of the revision graph: a revision with its place in the graph, a migration step,
 * and the version-table changes a step makes. Plain data, so the runtime, the CLI's `--json`
 * output and tests can use them without the graph.
 */
import type { RevisionHeader } from '../revision.js';

/** A revision as placed in the graph. */
export interface Revision extends RevisionHeader {
  /** Children through `downRevisions` (not through `dependsOn`), in file order. */
  readonly nextRevisions: readonly string[];
  /**
   * Every branch label that applies to this revision: its own, those of the labelled revision it
   * descends from, and (as in Alembic) those of the labelled revision above it on the same
   * unbranched line.
   */
  readonly memberOfBranches: readonly string[];
  /** No revision names this one in its `downRevisions`. */
  readonly isHead: boolean;
  /**
   * A head that another revision depends on (`dependsOn`): Alembic's "effective head". Upgrading
   * to its dependents leaves no row for it in the version table, yet the database holds it.
   */
  readonly isEffectiveHead: boolean;
  /** No `downRevisions`. */
  readonly isBase: boolean;
  /** Two or more revisions name this one in their `downRevisions`. */
  readonly isBranchPoint: boolean;
  /** Two or more `downRevisions`. */
  readonly isMergePoint: boolean;
}

/** One revision script to run, up or down. */
export interface MigrationStep {
  readonly direction: 'up' | 'down';
  readonly revision: string;
  /** Upgrade: the revision's `downRevisions`; downgrade: `[revision]`. Dependencies excluded. */
  readonly from: readonly string[];
  /** Upgrade: `[revision]`; downgrade: the revision's `downRevisions`. Dependencies excluded. */
  readonly to: readonly string[];
}

/**
 * One change to the version table (one row per head), as Alembic's HeadMaintainer makes it.
 * The runtime turns each into one INSERT, DELETE or UPDATE, in order.
 */
export type VersionChange =
  | { readonly kind: 'insert'; readonly version: string }
  | { readonly kind: 'delete'; readonly version: string }
  | { readonly kind: 'update'; readonly from: string; readonly to: string };

/** The heads after a step and the version-table changes that lead there. */
export interface StepOutcome {
  readonly heads: string[];
  readonly changes: VersionChange[];
}

/**
 * One move of `stamp`, Alembic's StampStep: the version table goes from `from` to `to` without
 * running any script. `branchMove` is true when a whole branch appears or disappears.
 */
export interface StampStep {
  readonly direction: 'up' | 'down';
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly branchMove: boolean;
}

/** What `stamp` does: its steps, the version-table changes, and the heads afterwards. */
export interface StampPlan {
  readonly steps: readonly StampStep[];
  readonly changes: readonly VersionChange[];
  readonly heads: readonly string[];
}
