/**
 * Revision ids and branch labels: how new ids are made (random, sequential, date-based, explicit)
 * and which strings are acceptable at all. The same rules serve the header reader (ids read from
 * files) and the `revision` command (ids typed with `--rev-id`), so a file retort writes can
 * always be read back.
 */
import { randomBytes } from 'node:crypto';
import { RetortError } from '../errors.js';

/** Longest id or label: the version table's `version_num` is `VARCHAR(64)`. */
export const MAX_IDENTIFIER_LENGTH = 64;

/** How the `revision` command makes a new id. */
export type RevisionIdStrategy = 'random' | 'sequential' | 'date';

/**
 * Characters no id may hold. `@`, `-`, `+` are Alembic's illegal characters (they would make
 * `LABEL@head`, `REV-1`, `REV+2` ambiguous); `:` separates ranges and `,` lists; quotes keep the
 * ids printable inside the string literals of a generated file without escaping.
 */
const ID_FORBIDDEN = '@-+:,\'"`/\\';

/**
 * Characters no branch label may hold. A label may contain `-` (`LABEL@head` splits at `@`, and a
 * label is never followed by a relative step without `@`), but not `@` or `:`.
 */
const LABEL_FORBIDDEN = '@:,\'"`/\\';

/** Whether `code` is whitespace or a control character (C0, DEL, C1, unicode line/space separators). */
function isSpaceOrControl(code: number): boolean {
  return (
    code <= 0x20 ||
    (code >= 0x7f && code <= 0xa0) ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202f) ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Invisible format characters (bidi controls and isolates, zero-width joiners, soft hyphen: a
 * "Trojan Source" id reads as another) and lone surrogates (UTF-8 cannot hold one: written to a
 * file it reads back as U+FFFD, another id).
 */
const INVISIBLE_OR_BROKEN = /\p{Cf}|\p{Cs}/u;

function identifierProblem(value: string, forbidden: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (value.length > MAX_IDENTIFIER_LENGTH) {
    return `is ${value.length} characters long (at most ${MAX_IDENTIFIER_LENGTH}, the width of the version table)`;
  }
  if (value.includes('..')) return "contains '..'";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isSpaceOrControl(code)) return `contains whitespace or a control character (at position ${i + 1})`;
    if (forbidden.includes(value[i] as string)) return `contains '${value[i]}'`;
  }
  const invisible = INVISIBLE_OR_BROKEN.exec(value);
  if (invisible) return `contains an invisible formatting character or a lone surrogate (at position ${invisible.index + 1})`;
  if (value === 'head' || value === 'heads' || value === 'base') return `is the reserved word '${value}'`;
  return undefined;
}

/**
 * Why `id` cannot be a revision id, or `undefined` when it can. Ids are non-empty, at most 64
 * characters, without whitespace, control characters, `..`, slashes, quotes or `@ - + : ,`.
 */
export function revisionIdProblem(id: string): string | undefined {
  return identifierProblem(id, ID_FORBIDDEN);
}

/** Why `label` cannot be a branch label, or `undefined` when it can (same rules as ids, `-` allowed). */
export function branchLabelProblem(label: string): string | undefined {
  return identifierProblem(label, LABEL_FORBIDDEN);
}

/**
 * Checks an id typed by the user (`--rev-id`).
 * @throws RetortError `BadArgument` when the id is not acceptable.
 */
export function validateRevisionId(id: string): string {
  const problem = revisionIdProblem(id);
  if (problem !== undefined) {
    throw new RetortError('BadArgument', `The revision id '${printable(id)}' ${problem}.`, {
      fields: { revision: printable(id) },
      hint: 'Use letters, digits and underscores, at most 64 characters (e.g. 0001 or add_books).',
    });
  }
  return id;
}

/** Up to 80 characters of `value`, with control characters escaped, for error messages. */
export function printable(value: string): string {
  const cut = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(cut).slice(1, -1);
}

/** A random 12-hex-digit id from the system's secure random source, as Alembic makes them. */
export function randomRevisionId(): string {
  return randomBytes(6).toString('hex');
}

/**
 * The next sequential id: the largest all-digit id among `existing` plus one, zero-padded to four
 * digits or to the width the existing ids already use, whichever is wider (`0001`, `0002`, ...;
 * after `9999` comes `10000`).
 */
export function sequentialRevisionId(existing: Iterable<string>): string {
  let max = 0n;
  let width = 4;
  for (const id of existing) {
    if (!/^\d+$/.test(id)) continue;
    const value = BigInt(id);
    if (value > max) max = value;
    if (id.length > width) width = id.length;
  }
  return (max + 1n).toString().padStart(width, '0');
}

/**
 * A date-based id, `YYYYMMDD_HHMMSS`, in UTC so that team members in different time zones produce
 * ids that sort in the order the revisions were made.
 */
export function dateRevisionId(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`
  );
}

/**
 * A new id for the `revision` command: the explicit one when given (validated), else one made by
 * `strategy`. Never returns an id already in `existing`.
 * @throws RetortError `BadArgument` for an invalid explicit id, `DuplicateRevision` when the id
 *   (explicit or date-based) is already taken.
 */
export function newRevisionId(options: {
  readonly strategy?: RevisionIdStrategy;
  readonly explicit?: string;
  readonly existing?: Iterable<string>;
  readonly now?: Date;
}): string {
  const existing = new Set(options.existing ?? []);
  let id: string;
  if (options.explicit !== undefined) {
    id = validateRevisionId(options.explicit);
  } else if (options.strategy === 'sequential') {
    id = sequentialRevisionId(existing);
  } else if (options.strategy === 'date') {
    id = dateRevisionId(options.now);
  } else {
    // 48 random bits: a collision is astronomically unlikely, but retrying costs nothing.
    do id = randomRevisionId();
    while (existing.has(id));
  }
  if (existing.has(id)) {
    throw new RetortError('DuplicateRevision', `A revision with id '${id}' already exists.`, {
      fields: { revision: id },
      hint:
        options.explicit !== undefined
          ? 'Choose another --rev-id.'
          : 'Wait a second and try again, or give an explicit --rev-id.',
    });
  }
  return id;
}
