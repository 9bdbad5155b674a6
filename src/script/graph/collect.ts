/**
 * Which revisions lie between two points, Alembic's `iterate_revisions` with
 * `_collect_upgrade_revisions` and `_collect_downgrade_revisions`, in topological order.
 */
import * as fail from './fail.js';
import { DOWN_WITH_DEPS, related, UP_WITH_DEPS, type Node, type Overlap } from './node.js';
import { isNode, type Ident, type Resolver } from './resolve.js';
import { parseDowngradeTarget, parseUpgradeTarget } from './targets.js';
import { topologicalSort } from './topo.js';

/** Options of {@link iterateRevisions}, with Alembic's meaning and defaults. */
export interface IterateOptions {
  /** Include the lower revision itself (default false). */
  readonly inclusive?: boolean;
  /** Also take revisions not descending from the lower point, such as other branches' (default false). */
  readonly implicitBase?: boolean;
  /** A relative step that runs off the graph is an error rather than a stop (default true). */
  readonly assertRelativeLength?: boolean;
  /** Collect what a downgrade from `upper` to `lower` removes (default false). */
  readonly selectForDowngrade?: boolean;
  /** Which message a RangeNotAncestor error gets. */
  readonly purpose?: 'upgrade' | 'downgrade' | 'range';
}

/** Text of an identifier argument, for messages. */
export function identText(ident: Ident): string {
  if (ident === null) return 'base';
  if (typeof ident === 'string') return ident;
  return ident.length === 0 ? 'base' : ident.map((i) => i ?? 'base').join(',');
}

const throwOverlap = (o: Overlap): never => {
  throw fail.overlappingTargets(o.target.id, o.others.map((n) => n.id));
};

/** Revisions from `upper` down to `lower`, newest first (Alembic's `iterate_revisions`). */
export function iterateRevisions(r: Resolver, upper: Ident, lower: Ident, options: IterateOptions = {}): Node[] {
  const collected = options.selectForDowngrade
    ? collectDowngrade(r, upper, lower, options)
    : collectUpgrade(r, upper, lower, options);
  return topologicalSort(r.core, collected.revisions, collected.heads);
}

/** `_collect_upgrade_revisions`: what `upper` needs that `lower` does not have. */
export function collectUpgrade(
  r: Resolver,
  upper: Ident,
  lower: Ident,
  options: IterateOptions,
): { revisions: Set<Node>; heads: Node[] } {
  const inclusive = options.inclusive ?? false;
  const implicitBase = options.implicitBase ?? false;
  const assertLength = options.assertRelativeLength ?? true;
  const purpose = options.purpose ?? 'range';
  const parsed = parseUpgradeTarget(r, lower, upper, assertLength);
  if (parsed.some((t) => t === null)) throw fail.relativeOutOfRange(identText(upper), 'walks past the end of the graph');
  let targets = parsed.filter(isNode);

  // LABEL@... as the lower point: only the targets on that branch.
  if (typeof lower === 'string' && lower.includes('@')) {
    let branch = lower.slice(0, lower.indexOf('@'));
    const branchRev = r.getRevision(branch);
    if (branchRev !== null && branchRev.id === branch && branchRev.labels.length === 1) {
      // A revision used as a label: take its branch.
      branch = branchRev.labels[0]!;
    }
    targets = targets.filter((t) => t.labels.includes(branch));
  }

  // related() includes the targets themselves.
  const required = related(r.core.nodes, DOWN_WITH_DEPS, targets, throwOverlap);
  let current = r.getRevisions(lower);
  if (!implicitBase && current.some((c) => c !== null && (c === 'base' || !required.has(c)))) {
    throw rangeError(lower, upper, purpose);
  }
  // A relative lower point that get_revisions could not place: parse it as a downgrade target.
  let lowerIdent: Ident = lower;
  if (current.length > 0 && current[0] === null) {
    const { revision } = parseDowngradeTarget(r, upper, typeof lower === 'string' ? lower : null, assertLength);
    if (revision === null) throw fail.relativeOutOfRange(identText(lower), 'walks past the base');
    if (revision === 'base') {
      current = [];
      lowerIdent = null;
    } else {
      current = [revision];
      lowerIdent = revision.id;
    }
  }
  const currentNodes = current.filter(isNode);
  const have = related(r.core.nodes, DOWN_WITH_DEPS, currentNodes, throwOverlap);
  const needs = new Set<Node>();
  for (const n of required) if (!have.has(n)) needs.add(n);
  if (inclusive) for (const n of r.getRevisions(lowerIdent)) if (isNode(n)) needs.add(n);
  if (current.length > 0 && !implicitBase) {
    // Only what descends from the lower point; other branches' ancestors stay out. Alembic
    // follows parents only here, so `history -r a:y` where y depends on a (without descending
    // from it) left out y, the very end the user named: dependents count as descendants.
    const above = related(r.core.nodes, UP_WITH_DEPS, currentNodes, throwOverlap);
    for (const n of needs) if (!above.has(n)) needs.delete(n);
  }
  return { revisions: needs, heads: targets };
}

/** `_collect_downgrade_revisions`: what must go for `upper` (the current heads) to reach `lower`. */
export function collectDowngrade(
  r: Resolver,
  upper: Ident,
  lower: Ident,
  options: IterateOptions,
): { revisions: Set<Node>; heads: Node[] } {
  const lowerText = typeof lower === 'string' ? lower : lower === null ? null : identText(lower);
  const { label, revision } = parseDowngradeTarget(r, upper, lowerText, options.assertRelativeLength ?? true);
  const target = isNode(revision) ? revision : null;
  const purpose = options.purpose ?? 'range';

  let roots: Node[];
  if (target === null) {
    roots = [...r.core.nodes.values()].filter((n) => n.down.length === 0);
  } else if (options.inclusive) {
    roots = [target];
  } else {
    roots = r.getRevisions(target.nextrev).filter(isNode);
  }
  if (label && roots.length > 1) {
    // Only the roots on the named branch.
    const onBranch = new Set(related(r.core.nodes, (n) => n.down, [r.resolveBranch(label)]));
    roots = roots.filter((n) => onBranch.has(n));
    if (roots.length === 0) throw rangeError(lower, upper, purpose);
  }
  const heads = r.getRevisions(upper).filter(isNode);
  const active = related(r.core.nodes, DOWN_WITH_DEPS, heads);
  const revisions = new Set<Node>();
  for (const n of related(r.core.nodes, UP_WITH_DEPS, roots)) if (active.has(n)) revisions.add(n);
  if (options.implicitBase) {
    const kept = related(r.core.nodes, DOWN_WITH_DEPS, roots);
    for (const n of active) if (!kept.has(n)) revisions.add(n);
  }
  if (target !== null && revisions.size === 0 && !heads.includes(target)) throw rangeError(lower, upper, purpose);
  return { revisions, heads };
}

function rangeError(lower: Ident, upper: Ident, purpose: 'upgrade' | 'downgrade' | 'range'): Error {
  return fail.rangeNotAncestor(identText(lower), identText(upper), purpose);
}
