/**
 * The graph's errors, one constructor per stable code, so that messages, fields and hints stay
 * consistent wherever the graph detects the condition. All are kind `input` (exit code 2).
 */
import { RetortError } from '../../errors.js';

/** Longest list of revisions spelled out in a message; fields always carry all of them. */
const MESSAGE_LIST_LIMIT = 5;

function list(ids: readonly string[]): string {
  const shown = ids.slice(0, MESSAGE_LIST_LIMIT).join(', ');
  return ids.length > MESSAGE_LIST_LIMIT ? `${shown}, ... (${ids.length} in all)` : shown;
}

/** Alembic's MultipleHeads: a single revision was needed, several matched. */
export function multipleHeads(heads: readonly string[], argument: string): RetortError {
  return new RetortError(
    'MultipleHeads',
    `Multiple heads are present for '${shorten(argument)}': ${list(heads)}.`,
    {
      fields: { argument, heads: [...heads] },
      hint: "Name one revision, use 'heads' for all of them, or narrow with LABEL@head; `retort merge heads` joins them.",
    },
  );
}

/** `downgrade -N` while the database holds several heads: which branch goes down is not said. */
export function ambiguousRelativeDowngrade(argument: string, heads: readonly string[]): RetortError {
  const n = argument.slice(1);
  return new RetortError(
    'MultipleHeads',
    `'${shorten(argument)}' is ambiguous: the database holds several heads (${list(heads)}), and each would go down a different branch.`,
    {
      fields: { argument, heads: [...heads] },
      hint: `Name the branch or the revision: \`retort downgrade ${heads[0]}-${n}\`, \`retort downgrade LABEL@-${n}\`, or the revision to go down to.`,
    },
  );
}

/** A partial id (or label) that several revisions start with. */
export function ambiguousRevision(argument: string, candidates: readonly string[]): RetortError {
  return new RetortError(
    'AmbiguousRevision',
    `Multiple revisions start with '${shorten(argument)}': ${list(candidates)}.`,
    { fields: { argument, candidates: [...candidates] }, hint: 'Give more characters of the revision id.' },
  );
}

/**
 * Nothing in the graph answers to `argument`. `suggestions` are ids the user probably meant
 * (`0001` for `1`, as sqlalchemy-migrate users type version numbers).
 */
export function unknownRevision(argument: string, what = 'revision or branch', suggestions: readonly string[] = []): RetortError {
  const tooShort = argument.length < 4;
  const meant = suggestions.length === 0 ? '' : `Did you mean ${suggestions.slice(0, MESSAGE_LIST_LIMIT).map((s) => `'${s}'`).join(' or ')}? `;
  return new RetortError(
    'UnknownRevision',
    `No such ${what} '${shorten(argument)}'${tooShort ? '; partial revision ids need at least four characters' : ''}.`,
    {
      fields: { argument: shorten(argument), ...(suggestions.length === 0 ? {} : { suggestions: [...suggestions] }) },
      hint: `${meant}Run \`retort history\` or \`retort branches\` to see the revisions and labels.`,
    },
  );
}

/** A relative step (`+N`, `-N`, `REV+N`...) that goes past a base or a head. */
export function relativeOutOfRange(argument: string, detail: string): RetortError {
  return new RetortError('RelativeOutOfRange', `Relative revision '${shorten(argument)}' ${detail}.`, {
    fields: { argument: shorten(argument) },
    hint: 'Use a smaller step, or name the revision; `retort history` shows how far you can go.',
  });
}

/** A relative walk that meets a branch point (up) or a merge point (down) and cannot choose. */
export function ambiguousWalk(argument: string, candidates: readonly string[]): RetortError {
  return new RetortError(
    'AmbiguousRevision',
    `Relative revision '${shorten(argument)}' is ambiguous: the walk reaches ${list(candidates)}.`,
    { fields: { argument, candidates: [...candidates] }, hint: 'Narrow the walk with a branch label (LABEL@+N) or name the revision.' },
  );
}

/** `LABEL@REV` where REV is not on the branch. */
export function revisionNotOnBranch(revision: string, branch: string): RetortError {
  return new RetortError('RevisionNotOnBranch', `Revision ${revision} is not a member of branch '${shorten(branch)}'.`, {
    fields: { revision, branch },
    hint: 'Check the label with `retort branches`, or name the revision without a label.',
  });
}

/** Alembic's RangeNotAncestorError: the target is not above (or below) the current heads. */
export function rangeNotAncestor(
  lower: string,
  upper: string,
  direction: 'upgrade' | 'downgrade' | 'range',
): RetortError {
  const message =
    direction === 'range'
      ? `Requested range ${shorten(lower)}:${shorten(upper)} does not refer to ancestor/descendant revisions along the same branch.`
      : `Destination ${shorten(direction === 'upgrade' ? upper : lower)} is not a valid ${direction} target from the current head(s).`;
  const hints = {
    upgrade: 'An upgrade target must descend from the current heads; `retort current` and `retort history` show where you are.',
    downgrade: 'A downgrade target must be an ancestor of the current heads; `retort current` shows where you are.',
    range: 'Give a range whose start is an ancestor of its end.',
  };
  return new RetortError('RangeNotAncestor', message, { fields: { lower, upper }, hint: hints[direction] });
}

/** Several requested targets where one is an ancestor of another. */
export function overlappingTargets(revision: string, others: readonly string[]): RetortError {
  return new RetortError(
    'OverlappingTargets',
    `Requested revision ${revision} overlaps with other requested revisions ${list(others)}.`,
    { fields: { revision, others: [...others] }, hint: 'Request only revisions on different branches.' },
  );
}

/** Target text that cannot be parsed at all. */
export function badTarget(argument: string, reason: string): RetortError {
  return new RetortError('BadTarget', `Cannot read target '${shorten(argument)}': ${reason}.`, {
    fields: { argument: shorten(argument) },
    hint: "Targets are head, heads, base, a revision id or prefix, LABEL@head, +N, -N, REV+N, or START:END for ranges.",
  });
}

/** The version table does not hold what a step expects (a row to update or delete is missing). */
export function versionTableMismatch(message: string, fields: Record<string, unknown>): RetortError {
  return new RetortError('VersionTableMismatch', message, {
    fields,
    hint: 'The version table does not match the revision graph; check `retort current`, then `retort stamp` to repair it.',
  });
}

/** Cut hostile input down before it lands in a message. */
export function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
