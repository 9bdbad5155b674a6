/**
 * The check every command reading the version table makes: the heads it holds must be revisions
 * the files have. Its own module so that `current` does not load the run path.
 */
import { RetortError } from '../errors.js';
import type { RevisionGraph } from '../script/graph/index.js';

/** A database stamped with a revision no file has cannot be planned from: say so clearly. */
export function assertKnownHeads(graph: RevisionGraph, heads: readonly string[]): void {
  const unknown = heads.filter((head) => graph.get(head) === undefined);
  if (unknown.length > 0) {
    throw new RetortError('UnknownRevision', `The database is at revision ${unknown.join(', ')}, which no revision file has.`, {
      fields: { revisions: unknown },
      hint: 'Restore the missing revision file (e.g. check out the branch that has it), or, if it is gone for good, `retort stamp --purge <rev>` to the revision the schema matches.',
    });
  }
}
