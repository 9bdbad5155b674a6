/**
 * Planning `stamp`, Alembic's `ScriptDirectory._stamp_revs`: for each destination, one step that
 * moves the heads on its lineage up or down to it, starts a new branch, or (for base) removes the
 * branches. Applying the steps in order gives the version-table changes.
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

  // The current heads that share a lineage with any destination (all of them for base).
  const filtered: Node[] = [];
  for (const spec of specs) {
    if (!spec) continue;
    for (const n of r.filterForLineage(headRevs, spec, true)) if (!filtered.includes(n)) filtered.push(n);
  }
  // `-N` walks down from every head and may reach one revision twice (two heads over a common
  // ancestor): stamp it once. Alembic inserts it twice and fails on its own assertion.
  const dests = [...new Set(r.getRevisions(specs).filter(isNode))];
  // Destinations on one lineage would leave a revision and its ancestor both in the version
  // table, which no run can produce and every later run misreads: refuse, as upgrade does.
  for (const dest of dests) {
    const below = new Set(related(r.core.nodes, DOWN_WITH_DEPS, [dest]));
    const under = dests.filter((d) => d !== dest && below.has(d));
    if (under.length > 0) throw fail.overlappingTargets(dest.id, under.map((n) => n.id));
  }
  const steps: StampStep[] = [];
  const ids = (nodes: readonly Node[]): string[] => nodes.map((n) => n.id);

  if (dests.length === 0) {
    // Base: each head's branch goes.
    for (const head of filtered) steps.push({ direction: 'down', from: [head.id], to: [], branchMove: true });
  }
  for (const dest of dests) {
    if (filtered.includes(dest)) continue; // already in the version table
    const above = new Set(related(r.core.nodes, UP_WITH_DEPS, [dest]));
    const below = new Set(related(r.core.nodes, DOWN_WITH_DEPS, [dest]));
    if (filtered.some((h) => above.has(h))) {
      // The heads are above the destination: one step down, like an unmerge.
      steps.push({ direction: 'down', from: ids(filtered), to: [dest.id], branchMove: false });
    } else if (filtered.some((h) => below.has(h))) {
      // The heads are below the destination: one step up, like a merge.
      steps.push({ direction: 'up', from: ids(filtered), to: [dest.id], branchMove: false });
    } else {
      // A branch the table does not hold yet.
      steps.push({ direction: 'up', from: [], to: [dest.id], branchMove: true });
    }
  }

  let heads: readonly string[] = [...new Set(current)];
  const changes: VersionChange[] = [];
  for (const step of steps) {
    const outcome = applyStampStep(heads, step);
    heads = outcome.heads;
    changes.push(...outcome.changes);
  }
  return { steps, changes, heads };
}
