/**
 * Planning `stamp`, after Alembic's `ScriptDirectory._stamp_revs`: for each destination, one step
 * that moves the heads on its lineage up or down to it, starts a new branch, or (for base)
 * removes the branches. Applying the steps in order gives the version-table changes.
 *
 * Where this differs from Alembic, on purpose:
 * - Each destination moves only the heads on its own lineage. Alembic moves every head on the
 *   lineage of any destination, so `stamp b c` from `{a, c}` (b above a, c unrelated) dropped
 *   c's row and the next `upgrade heads` ran c again.
 * - A destination whose lineage heads an earlier destination already moved becomes a new row:
 *   `stamp a b` from the merge `{c}` gives `{a, b}` (Alembic fails on its own bookkeeping).
 * - Destinations on one lineage are refused (`OverlappingTargets`), and a relative destination
 *   that walks past base (`LABEL@-6` on a shorter branch) is `RelativeOutOfRange`, not "base".
 */
import * as fail from './fail.js';
import { applyStampStep } from './heads.js';
import { DOWN_WITH_DEPS, related, UP_WITH_DEPS, type Node } from './node.js';
import { isNode, type Resolver } from './resolve.js';
import type { StampPlan, StampStep, VersionChange } from './types.js';

/** The stamp steps from `current` to `destinations` (empty means base), and their effect. */
export function planStamp(r: Resolver, current: readonly string[], destinations: readonly string[]): StampPlan {
  const headRevs = r.getRevisions(current).filter(isNode);
  const specs = destinations.length === 0 ? ['base'] : destinations;
  const walked = r.getRevisions(specs);
  const walkedOff = walked.findIndex((w) => w === null);
  if (walkedOff !== -1) throw fail.relativeOutOfRange(specs.join(' '), 'walks past the base');
  // `-N` walks down from every head and may reach one revision twice (two heads over a common
  // ancestor): stamp it once. Alembic inserts it twice and fails on its own assertion.
  const dests = [...new Set(walked.filter(isNode))];
  // Destinations on one lineage would leave a revision and its ancestor both in the version
  // table, which no run can produce and every later run misreads: refuse, as upgrade does.
  for (const dest of dests) {
    const below = related(r.core.nodes, DOWN_WITH_DEPS, [dest]);
    const under = dests.filter((d) => d !== dest && below.has(d));
    if (under.length > 0) throw fail.overlappingTargets(dest.id, under.map((n) => n.id));
  }

  let heads: readonly string[] = [...new Set(current)];
  const steps: StampStep[] = [];
  const changes: VersionChange[] = [];
  const take = (step: StampStep): void => {
    const outcome = applyStampStep(heads, step);
    steps.push(step);
    heads = outcome.heads;
    changes.push(...outcome.changes);
  };
  /** The rows still in the table that share a lineage with `spec` (dependencies count). */
  const onLineage = (spec: string): Node[] => {
    const rows = new Set(heads);
    return r.filterForLineage(headRevs.filter((n) => rows.has(n.id)), spec, true);
  };

  if (dests.length === 0) {
    // Base (or LABEL@base): each head on the spec's lineage goes with its branch.
    for (const spec of specs) for (const head of onLineage(spec)) take({ direction: 'down', from: [head.id], to: [], branchMove: true });
  }
  for (const dest of dests) {
    if (heads.includes(dest.id)) continue; // already in the version table
    const from = onLineage(dest.id);
    const above = related(r.core.nodes, UP_WITH_DEPS, [dest]);
    if (from.length === 0) {
      // A branch the table does not hold (any more): a new row.
      take({ direction: headRevs.some((h) => above.has(h)) ? 'down' : 'up', from: [], to: [dest.id], branchMove: true });
    } else {
      // The heads above the destination go down to it (like an unmerge), those below go up (like a merge).
      take({ direction: from.some((h) => above.has(h)) ? 'down' : 'up', from: from.map((n) => n.id), to: [dest.id], branchMove: false });
    }
  }
  return { steps, changes, heads };
}
