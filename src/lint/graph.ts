/**
 * Graph hygiene: several heads (a plain `upgrade head` refuses), and a new revision whose parent
 * is below the revision lint starts from (added out of order: written on an old branch, merged
 * after newer revisions, so environments apply the revisions in different orders).
 */
import type { RevisionGraph, Revision } from '../script/graph/index.js';
import type { LintFinding } from './types.js';

/** `multiple-heads`: one finding per head when there are several. */
export function headFindings(graph: RevisionGraph): LintFinding[] {
  if (graph.heads.length < 2) return [];
  return graph.heads.map((id) => {
    const head = graph.get(id)!;
    return {
      rule: 'multiple-heads', severity: 'error' as const, direction: 'upgrade' as const, revision: id, file: head.path, line: 1, operation: 'downRevision',
      message: `The revision graph has ${graph.heads.length} heads (${graph.heads.join(', ')}); ${id} is one of them: \`retort upgrade head\` refuses until they are merged, and environments may apply the branches in different orders.`,
      fix: `retort merge heads -m "merge heads" (or point ${id}'s downRevision at the other head if it was meant to follow it).`,
    };
  });
}

/**
 * `out-of-order`: revisions in `linted` (those after `since`) whose parent is neither `since` nor
 * one of them: each was written on top of an older revision than the one the branch is at.
 */
export function orderFindings(linted: readonly Revision[], since: string): LintFinding[] {
  const inRange = new Set(linted.map((r) => r.revision));
  const findings: LintFinding[] = [];
  for (const revision of linted) {
    for (const parent of revision.downRevisions) {
      if (parent === since || inRange.has(parent)) continue;
      findings.push({
        rule: 'out-of-order', severity: 'warning', direction: 'upgrade', revision: revision.revision, file: revision.path, line: 1, operation: 'downRevision',
        message: `Revision ${revision.revision} follows ${parent}, which is older than ${since}: it was added out of order, so databases already past ${since} and new ones apply the revisions in different orders.`,
        fix: `Set its downRevision to the current head (${since} or the newest revision after it), after checking that its operations still make sense there.`,
      });
    }
  }
  return findings;
}
