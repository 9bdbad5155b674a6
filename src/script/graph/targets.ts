/**
 * Parsing upgrade and downgrade targets, Alembic's `_parse_upgrade_target` and
 * `_parse_downgrade_target`: absolute specs, and the relative forms `+N`, `-N`, `REV+N`, `REV-N`,
 * `LABEL@+N`, `LABEL@-N`, `LABEL@REV+N`, relative to the current heads.
 */
import * as fail from './fail.js';
import { DOWN_WITH_DEPS, related, type Node } from './node.js';
import { isNode, type Ident, type Resolver, type Walked } from './resolve.js';

/**
 * Alembic's `_relative_destination`, matched at the start only (Python's `re.match`): optional
 * `LABEL@`, optional symbol of word characters, then a signed count. Python's `\w` is Unicode.
 */
const RELATIVE = /^(?:(.+?)@)?([\p{L}\p{N}_]+)?([+-][0-9]+)/u;

interface Relative {
  readonly label: string | null;
  readonly symbol: string | null;
  readonly relativeText: string;
  readonly relative: number;
}

function matchRelative(target: string): Relative | null {
  const m = RELATIVE.exec(target);
  // Alembic matches only the start (`re.match`), so `+1e309` walks one step and `-1abc` goes
  // down one: a typo would run migrations. A relative form must be the whole target; anything
  // longer is read as an absolute spec (which also lets a label like `v-2` work in `v-2@head`).
  if (!m || m[0].length !== target.length) return null;
  const relativeText = m[3]!;
  return { label: m[1] ?? null, symbol: m[2] ?? null, relativeText, relative: Number(relativeText) };
}

function asTuple(current: Ident): (string | null)[] {
  if (current === null) return [];
  return typeof current === 'string' ? [current] : [...current];
}

function didNotProduce(rel: Relative): Error {
  return fail.relativeOutOfRange(rel.relativeText, `didn't produce ${rel.relativeText.slice(1)} migrations`);
}

/**
 * The part of a target that names revisions whatever the database holds: the target itself when
 * absolute, `REV` of `REV+N`, `LABEL@REV` of `LABEL@REV-N`; null for a step from the current
 * heads (`+1`, `-2`, `LABEL@+1`), which only the version table can resolve.
 */
export function absolutePart(target: string): string | null {
  const rel = matchRelative(target);
  if (rel === null) return target;
  if (rel.symbol === null) return null;
  return rel.label === null ? rel.symbol : `${rel.label}@${rel.symbol}`;
}

/** What a downgrade target names: the revision to go down to (null: base) and its branch label. */
export function parseDowngradeTarget(
  r: Resolver,
  current: Ident,
  target: string | null,
  assertRelativeLength: boolean,
): { label: string | null; revision: Walked } {
  if (target === null) return { label: null, revision: null };
  const rel = matchRelative(target);
  if (rel) {
    if (rel.relative >= 0) {
      // Downgrading to "current + N" makes no sense; REV+N is an absolute point.
      if (rel.symbol === null) throw didNotProduce(rel);
      const rev = r.walk(rel.symbol, rel.relative, rel.label, assertRelativeLength, target);
      if (rev === null) throw fail.relativeOutOfRange(target, 'walks past the end of the graph');
      return { label: rel.label, revision: rev };
    }
    let label = rel.label;
    let symbol = rel.symbol;
    const relativeToCurrent = symbol === null;
    if (symbol === null) {
      const tuple = asTuple(current).filter((c): c is string => c !== null);
      if (label) {
        let onBranch: string[] = r.filterForLineage(tuple, label);
        if (onBranch.length === 0) {
          // Several branches but one current head: the other branch heads are below it.
          onBranch = r.filterForLineage(r.allCurrent(tuple), label).map((n) => n.id);
        }
        if (onBranch.length === 0) throw fail.revisionNotOnBranch(tuple.join(', ') || 'base', label);
        if (onBranch.length > 1) throw fail.multipleHeads(onBranch, target);
        symbol = onBranch[0]!;
      } else {
        if (tuple.length === 0) throw didNotProduce(rel);
        // Alembic goes down from the first row with a warning; which row is first is an accident
        // of storage, so which branch loses revisions would be too: refuse and say how to choose.
        if (tuple.length > 1) throw fail.ambiguousRelativeDowngrade(target, tuple);
        symbol = tuple[0]!;
        // Restrict the walk to the selected branch when several are current.
        label = symbol;
      }
    }
    const start = label === null ? r.getRevision(symbol) : r.getRevision(`${label}@${symbol}`);
    const rev = r.walk(start, rel.relative, null, assertRelativeLength, target);
    if (rev === null) {
      throw relativeToCurrent ? didNotProduce(rel) : fail.relativeOutOfRange(target, 'walks past the base');
    }
    return { label, revision: rev };
  }
  // Absolute: Alembic splits on the last '@' and resolves the symbol on its own.
  const at = target.lastIndexOf('@');
  const label = at > 0 ? target.slice(0, at) : null;
  return { label, revision: r.getRevision(target.slice(at + 1)) };
}

/** The revisions an upgrade target names (several for `heads`). */
export function parseUpgradeTarget(
  r: Resolver,
  current: Ident,
  target: Ident,
  assertRelativeLength: boolean,
): Walked[] {
  const rel = typeof target === 'string' ? matchRelative(target) : null;
  if (rel === null || typeof target !== 'string') return r.getRevisions(target);
  const tuple = asTuple(current);
  if (rel.relative > 0) {
    if (rel.symbol !== null) {
      // Relative to a named revision, not to the current state.
      return [r.walk(r.getRevision(rel.symbol), rel.relative, rel.label, assertRelativeLength, target)];
    }
    let startRevs: (string | Node | null)[] = tuple.length === 0 ? [null] : tuple;
    if (rel.label) {
      const currentRevs = r.getRevisions(tuple).filter(isNode);
      startRevs = r.filterForLineage(currentRevs, rel.label);
      if (startRevs.length === 0) {
        // The branch is not a current head: start from its tip below the current heads.
        const active = r.filterForLineage(related(r.core.nodes, DOWN_WITH_DEPS, currentRevs), rel.label);
        const below = new Set(active.flatMap((n) => n.normDown));
        startRevs = active.filter((n) => !below.has(n.id));
        if (startRevs.length === 0) startRevs = [null];
      }
    }
    if (startRevs.length > 1) {
      throw fail.multipleHeads(startRevs.map((s) => (s === null ? 'base' : typeof s === 'string' ? s : s.id)), target);
    }
    const first = startRevs[0]!;
    const rev = r.walk(first, rel.relative, rel.label, assertRelativeLength, target);
    if (rev === null) throw didNotProduce(rel);
    return [rev];
  }
  // Upgrading to "current - N" makes no sense; REV-N is an absolute point.
  if (rel.symbol === null) throw didNotProduce(rel);
  const start = rel.label === null ? r.getRevision(rel.symbol) : r.getRevision(`${rel.label}@${rel.symbol}`);
  return [r.walk(start, rel.relative, null, assertRelativeLength, target)];
}
