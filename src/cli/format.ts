/**
 * Text formats of revisions, as Alembic prints them, so that people coming from Alembic read
 * `history`, `heads` and `current` without surprise.
 */
import type { RevisionInfo, RunResult } from '../api/results.js';

/**
 * The markers after an id. `short` is Alembic's one-line form of `current` and `heads`, where a
 * head that something depends on is an "(effective head)"; history lines call every head "(head)".
 */
function tags(info: RevisionInfo, short = false): string {
  const parts: string[] = [];
  // Alembic shows the labels a revision inherits along its branch too (`(shoppingcart) (head)` on
  // the head of a labelled branch), so `LABEL@head` is readable from the output.
  const labels = info.memberOfBranches ?? info.branchLabels;
  if (labels.length > 0) parts.push(`(${labels.join(', ')})`);
  if (short && info.isEffectiveHead) parts.push('(effective head)');
  else if (info.isHead) parts.push('(head)');
  // Alembic's order: the head markers and (current), then the tree markers.
  if (info.isCurrent) parts.push('(current)');
  if (info.isBranchPoint) parts.push('(branchpoint)');
  if (info.isMergePoint) parts.push('(mergepoint)');
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

/** `1975ea83b712 (head)` */
export function shortLine(info: RevisionInfo): string {
  return `${info.revision}${tags(info, true)}`;
}

/**
 * Alembic's history line: `<base> -> 1975ea83b712 (head), create account table`; a merge's
 * parents as `a, b -> c`; dependencies in parentheses after the parents, `a (d) -> c`.
 */
export function historyLine(info: RevisionInfo): string {
  const down = info.downRevisions.length === 0 ? '<base>' : info.downRevisions.join(', ');
  const dependencies = info.dependsOn.length === 0 ? '' : ` (${info.dependsOn.join(', ')})`;
  return `${down}${dependencies} -> ${info.revision}${tags(info)}, ${info.message}`;
}

/** The multi-line form of `show` and of `-v`. */
export function verboseBlock(info: RevisionInfo): string {
  const lines = [`Rev: ${info.revision}${tags(info)}`];
  if (info.isMergePoint) lines.push(`Merges: ${info.downRevisions.join(', ')}`);
  else lines.push(`Parent: ${info.downRevisions[0] ?? '<base>'}`);
  if (info.isBranchPoint) lines.push(`Branches into: ${info.nextRevisions.join(', ')}`);
  if (info.branchLabels.length > 0) lines.push(`Branch names: ${info.branchLabels.join(', ')}`);
  if (info.dependsOn.length > 0) lines.push(`Also depends on: ${info.dependsOn.join(', ')}`);
  lines.push(`Path: ${info.path}`, '', `    ${info.message}`, '');
  return lines.join('\n');
}

/** The steps of a run, for `--json` (the contract's shape). */
export function runJson(result: RunResult): Record<string, unknown> {
  return {
    steps: result.steps.map((s) => ({ direction: s.direction, revision: s.revision, from: s.from, to: s.to, durationMs: s.durationMs, ...(s.lockRetries === undefined ? {} : { lockRetries: s.lockRetries }) })),
    current: result.current,
  };
}
