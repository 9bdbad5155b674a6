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
}

/** One revision as `history`, `heads`, `branches` and `show` describe it. */
export interface RevisionInfo {
  readonly revision: string;
  readonly downRevisions: readonly string[];
  readonly message: string;
  readonly branchLabels: readonly string[];
  readonly dependsOn: readonly string[];
  readonly isHead: boolean;
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
  /** The same revisions, described (unknown ones are reported as an error instead). */
  readonly revisions: readonly RevisionInfo[];
}

/** The result of `revision` and `merge`. */
export interface RevisionFileResult {
  readonly revision: string;
  readonly path: string;
  readonly downRevisions: readonly string[];
  readonly message: string;
}
