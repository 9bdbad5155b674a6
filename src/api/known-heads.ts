/**
 * The check every command reading the version table makes: the heads it holds must be revisions
 * the files have. Its own module so that `current` does not load the run path.
 *
 * A squash revision (`retort squash`) names the revisions it replaced. A row holding the last of
 * them stands for the squash (its upgrade builds the same catalog); a row holding any other is a
 * database inside the squashed range, which the squash cannot continue from: refused, saying what
 * to do.
 */
import { RetortError } from '../errors.js';
import type { RevisionGraph } from '../script/graph/index.js';

/** A database stamped with a revision no file has cannot be planned from: say so clearly. */
export function assertKnownHeads(graph: RevisionGraph, heads: readonly string[]): void {
  const unknown = heads.filter((head) => graph.get(head) === undefined && graph.squashOf(head) === undefined);
  if (unknown.length > 0) {
    throw new RetortError('UnknownRevision', `The database is at revision ${unknown.join(', ')}, which no revision file has.`, {
      fields: { revisions: unknown },
      hint: 'Restore the missing revision file (e.g. check out the branch that has it), or, if it is gone for good, `retort stamp --purge <rev>` to the revision the schema matches.',
    });
  }
  for (const head of heads) {
    const squashed = graph.squashOf(head);
    if (squashed !== undefined && !squashed.last) throw insideSquashedRange(head, squashed);
  }
}

function insideSquashedRange(head: string, squashed: NonNullable<ReturnType<RevisionGraph['squashOf']>>): RetortError {
  const first = squashed.replaces[0]!;
  const last = squashed.replaces[squashed.replaces.length - 1]!;
  return new RetortError('InsideSquashedRange', `The database is at revision ${head}, inside the range ${first}..${last} that revision ${squashed.squash} squashed: the squash cannot continue from the middle of its range. Nothing was run.`, {
    fields: { revision: head, squash: squashed.squash, replaces: [...squashed.replaces], upgradeTo: last },
    hint: `Upgrade this database to ${last} with the revision files from before the squash (check out the commit before it and run \`retort upgrade ${last}\`), then come back: a database at ${last} is at ${squashed.squash}.`,
  });
}

/**
 * The heads as the graph knows them: a row holding the last revision of a squashed range reads
 * as the squash. `moved` lists those rows, for a run to rewrite in the version table.
 * @throws RetortError `UnknownRevision`, `InsideSquashedRange` (as {@link assertKnownHeads}).
 */
export function knownHeads(graph: RevisionGraph, heads: readonly string[]): { heads: string[]; moved: { from: string; to: string }[] } {
  assertKnownHeads(graph, heads);
  const moved: { from: string; to: string }[] = [];
  const mapped = heads.map((head) => {
    const squashed = graph.get(head) === undefined ? graph.squashOf(head) : undefined;
    if (squashed === undefined) return head;
    moved.push({ from: head, to: squashed.squash });
    return squashed.squash;
  });
  return { heads: [...new Set(mapped)], moved };
}

/**
 * The rows as the graph reads them, without refusing anything: the last revision of a squashed
 * range becomes the squash, every other row stays as it is (`check` reports those as not at head).
 */
export function squashedHeadsOf(graph: RevisionGraph, heads: readonly string[]): string[] {
  return [...new Set(heads.map((head) => {
    const squashed = graph.get(head) === undefined ? graph.squashOf(head) : undefined;
    return squashed?.last === true ? squashed.squash : head;
  }))];
}
