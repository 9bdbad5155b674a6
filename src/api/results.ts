/**
 * The result objects the library returns and the CLI prints (as text, or as-is with `--json`).
 */
import type { StepResult } from '../runtime/steps.js';

/** The result of `upgrade`, `downgrade` and `stamp`. */
export interface RunResult {
  /** The target (database) this ran on; 'default' for a single-database config. */
  readonly target: string;
  /** The steps taken, in order. */
  readonly steps: readonly StepResult[];
  /** The heads the database holds afterwards (for `--sql`: the heads the script leads to). */
  readonly current: readonly string[];
  /** Offline (`--sql`) mode: the SQL script. */
  readonly sql?: string;
  /** Offline mode: the statements alone, without comments. */
  readonly statements?: readonly string[];
  /** Online stamp: the version table did not exist and was created (`stamp base` on a fresh database). */
  readonly versionTableCreated?: string;
  /** Something the user should know about a run that did what it was asked (`upgrade OLDER`: use downgrade). */
  readonly note?: string;
  /** What the run did that may leave the schema unlike the version table says (a revision whose script ran nothing). */
  readonly warnings?: readonly string[];
}

/** One revision as `history`, `heads`, `branches` and `show` describe it. */
export interface RevisionInfo {
  readonly revision: string;
  readonly downRevisions: readonly string[];
  readonly message: string;
  readonly branchLabels: readonly string[];
  /**
   * The branch labels that apply, own and inherited along the branch (Alembic's `branch_labels`
   * after `RevisionMap` propagates them): what the text lines show, as Alembic's do.
   */
  readonly memberOfBranches?: readonly string[];
  readonly dependsOn: readonly string[];
  readonly isHead: boolean;
  /** A head only through `dependsOn` (Alembic's "effective head"): upgrading to its dependents leaves it no row of its own. */
  readonly isEffectiveHead: boolean;
  readonly isBase: boolean;
  readonly isBranchPoint: boolean;
  readonly isMergePoint: boolean;
  readonly nextRevisions: readonly string[];
  readonly path: string;
  /** True when the database holds this revision as a head (`history -i`, `current`). */
  readonly isCurrent?: boolean;
}

/** The result of `current`. */
export interface CurrentResult {
  readonly target: string;
  readonly current: readonly string[];
  /**
   * Revisions the rows depend on that nothing applied descends from (Alembic's "effective
   * heads"): `a` when the table holds `b` and b depends on a.
   */
  readonly effectiveHeads: readonly string[];
  /** The rows, then the effective heads, described (unknown rows are reported as an error instead). */
  readonly revisions: readonly RevisionInfo[];
}

/** The result of `revision` and `merge`. */
export interface RevisionFileResult {
  readonly revision: string;
  readonly path: string;
  readonly downRevisions: readonly string[];
  readonly message: string;
}
