/**
 * Ranges: `history -r START:END` (Alembic's `walk_revisions`) and the `FROM:TO` of offline runs.
 */
import * as fail from './fail.js';
import type { Ident } from './resolve.js';

/** A `START:END` range, either side possibly empty. */
export interface Range {
  readonly start: string;
  readonly end: string;
}

/** Splits `START:END`; exactly one colon is required. */
export function parseRange(text: string): Range {
  const parts = text.trim().split(':');
  if (parts.length !== 2) {
    throw fail.badTarget(text, 'a range is START:END, START: or :END (one colon)');
  }
  return { start: parts[0]!.trim(), end: parts[1]!.trim() };
}

/**
 * The `upper` and `lower` idents of `history` for a range: an empty end is all heads, an empty
 * start is base, and `current` stands for the database's heads (as in Alembic's `history -r
 * current:` and `:current`).
 */
export function historyBounds(range: Range | undefined, current: readonly string[] | undefined): { upper: Ident; lower: Ident } {
  const side = (text: string | undefined, fallback: 'heads' | 'base'): Ident => {
    if (!text) return fallback;
    if (text !== 'current') return text;
    if (current === undefined) throw fail.badTarget(text, "'current' needs the database's current revisions");
    // An empty database is at base; as the upper end that selects nothing.
    if (current.length === 0) return fallback === 'base' ? 'base' : [];
    return [...current];
  };
  return { upper: side(range?.end, 'heads'), lower: side(range?.start, 'base') };
}
