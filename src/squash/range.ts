/**
 * What `retort squash FROM:TO` may replace, read from the graph alone: a linear range (each
 * revision the only child of the one before, no merge, no branch inside), the dependencies and
 * labels the squash takes over, and the revisions after it (which will stand on the squash).
 */
import { RetortError } from '../errors.js';
import { parseRange, type Revision, type RevisionGraph } from '../script/graph/index.js';

/** A range that can be squashed. */
export interface SquashRange {
  /** The revisions, oldest first (FROM first, TO last). */
  readonly revisions: readonly Revision[];
  /** FROM's parents: the squash's `downRevision` (none when FROM is a base). */
  readonly parents: readonly string[];
  /** Dependencies of the range's revisions on revisions outside it, as written (ids or labels). */
  readonly dependsOn: readonly string[];
  /** Branch labels of the range's revisions: the squash carries them. */
  readonly branchLabels: readonly string[];
  /**
   * Revisions outside the range whose header names a revision of it (as parent or dependency):
   * their files stay as they are (their checksums too); the graph reads those names as the squash.
   */
  readonly referrers: readonly Revision[];
}

function cannot(message: string, fields: Record<string, unknown>, hint: string): RetortError {
  return new RetortError('CannotSquash', message, { fields, hint });
}

/**
 * The linear range `FROM:TO` names, or `CannotSquash` saying which revision breaks it: a merge
 * (two parents), a branch point inside the range (a second child that would lose its parent), or
 * a FROM that is not below TO on one line.
 */
export function linearRange(graph: RevisionGraph, range: string): SquashRange {
  const { start, end } = parseRange(range);
  if (!range.includes(':') || start === '' || end === '') {
    throw new RetortError('BadArgument', `squash needs a range FROM:TO with both ends, got '${range}'.`, {
      fields: { range },
      hint: 'Name the first and the last revision to replace, e.g. `retort squash 0001:0050 -m "initial schema"`.',
    });
  }
  const from = graph.resolve(start);
  const to = graph.resolve(end);
  const revisions: Revision[] = [];
  for (let at: Revision | undefined = to; ; ) {
    if (at.isMergePoint) {
      throw cannot(`Revision ${at.revision} is a merge (of ${at.downRevisions.join(', ')}): squash replaces a linear range only.`,
        { revision: at.revision, downRevisions: [...at.downRevisions] }, 'Squash the ranges below and above the merge separately.');
    }
    if (at !== to && at.nextRevisions.length > 1) {
      throw cannot(`Revision ${at.revision} is a branch point (children ${at.nextRevisions.join(', ')}): squash replaces a linear range only.`,
        { revision: at.revision, nextRevisions: [...at.nextRevisions] }, `Squash up to ${at.revision} at most, or merge the branches first.`);
    }
    revisions.unshift(at);
    if (at === from) break;
    const parent: string | undefined = at.downRevisions[0];
    if (parent === undefined) {
      throw cannot(`Revision ${from.revision} is not below ${to.revision} on one line: walking down from ${to.revision} reached the base ${at.revision}.`,
        { from: from.revision, to: to.revision }, '`retort history` shows the order; FROM is the oldest revision to replace.');
    }
    at = graph.get(parent)!;
  }
  if (revisions.length < 2) {
    throw cannot(`The range ${range} holds one revision: there is nothing to squash.`, { range }, 'Name a range of two revisions or more.');
  }
  const ids = new Set(revisions.map((r) => r.revision));
  const labels = new Set(revisions.flatMap((r) => r.branchLabels));
  const outside = (dep: string) => !ids.has(dep) && !labels.has(dep) && !ids.has(graph.get(dep)?.revision ?? '');
  const referrers = graph.revisions.filter((r) => !ids.has(r.revision) && [...r.downRevisions, ...r.dependsOn].some((d) => ids.has(d)));
  return {
    revisions,
    parents: [...from.downRevisions],
    dependsOn: [...new Set(revisions.flatMap((r) => r.dependsOn).filter(outside))],
    branchLabels: [...labels],
    referrers,
  };
}

/** SQL that changes rows rather than the schema: its effect is not in the catalog a squash reads. */
const DATA_STATEMENT = /^\s*(?:\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*(insert|update|delete|merge|upsert|replace|copy|call|do|select|with|truncate|load|set)\b/i;

/** Whether an `op.execute` statement changes data (so a squash rendered from the catalog would lose it). */
export function isDataStatement(sql: string): boolean {
  return DATA_STATEMENT.test(sql);
}
