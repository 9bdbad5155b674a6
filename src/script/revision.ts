/**
 * A revision as the graph sees it: its header, read from the file without executing it.
 */

/** The header of one revision file. */
export interface RevisionHeader {
  /** The revision id (12 hex characters by default, or `0001`, or whatever `--rev-id` gave). */
  readonly revision: string;
  /** Parents: empty for a base, several for a merge. */
  readonly downRevisions: readonly string[];
  readonly branchLabels: readonly string[];
  /** Cross-branch dependencies: revisions that must be applied first, without being parents. */
  readonly dependsOn: readonly string[];
  /** The first line of the leading comment. */
  readonly message: string;
  /** Absolute path of the file. */
  readonly path: string;
  /**
   * A squash revision (`retort squash`): the ids of the linear range it replaces, oldest first.
   * A database whose version table holds the last of them is at this revision; one holding any
   * other is inside the range and is refused. Absent on ordinary revisions.
   */
  readonly replaces?: readonly string[];
}
