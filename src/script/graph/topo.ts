/**
 * Alembic's `_topological_sort`: orders a set of revisions newest first (every revision before
 * its parents and dependencies), walking down one head's line for as long as no other head still
 * needs the candidate. Upgrades run this order reversed; downgrades and `history` run it as is.
 */
import type { Core } from './build.js';
import { DOWN_WITH_DEPS, related, type Node } from './node.js';

/** `revisions`, newest first, starting from the `heads` that are in the set. */
export function topologicalSort(core: Core, revisions: Iterable<Node>, heads: Iterable<Node>): Node[] {
  const todo = new Set(revisions);
  const ancestorsOf = (node: Node): Set<Node> => related(core.nodes, DOWN_WITH_DEPS, [node]);

  // Alembic starts only from the given heads that are in the set, and asserts that the walk down
  // from them reaches everything. A revision reached from above only through a dependency of a
  // revision outside the set (`history -r X:heads` where X's only descendant depends on it) is
  // then never reached. Start from the set's own tips too: where Alembic's walk works they are
  // among the heads already, so its order is unchanged.
  const below = new Set<string>();
  for (const n of todo) for (const d of n.normDown) below.add(d);
  const tips = [...todo].filter((n) => !below.has(n.id));
  // Alembic pre-sorts the heads by map order (the input order of the files).
  const currentHeads = [...new Set([...heads, ...tips])].filter((n) => todo.has(n)).sort((a, b) => a.order - b.order);
  const ancestorsByIdx = currentHeads.map(ancestorsOf);
  const output: Node[] = [];

  let idx = 0;
  while (currentHeads.length > 0) {
    const candidate = currentHeads[idx]!;
    // Another head that still has the candidate below it must be walked first.
    const blockedBy = ancestorsByIdx.findIndex((ancestors, i) => i !== idx && ancestors.has(candidate));
    if (blockedBy !== -1) {
      idx = blockedBy;
      continue;
    }
    if (todo.delete(candidate)) output.push(candidate);
    const toAdd: Node[] = [];
    for (const id of candidate.normDown) {
      const down = core.nodes.get(id)!;
      if (todo.has(down) && !currentHeads.includes(down)) toAdd.push(down);
    }
    if (toAdd.length === 0) {
      currentHeads.splice(idx, 1);
      ancestorsByIdx.splice(idx, 1);
      idx = Math.max(idx - 1, 0);
    } else if (candidate.normDeps.length === 0 && candidate.down.length === 1) {
      // Plain movement down a line: the ancestor set only loses the candidate.
      currentHeads[idx] = toAdd[0]!;
      ancestorsByIdx[idx]!.delete(candidate);
    } else {
      currentHeads[idx] = toAdd[0]!;
      ancestorsByIdx[idx] = ancestorsOf(toAdd[0]!);
      for (const n of toAdd.slice(1)) {
        currentHeads.push(n);
        ancestorsByIdx.push(ancestorsOf(n));
      }
    }
  }
  if (todo.size > 0) {
    // Every revision to sort must lie below one of the heads given; a miss is a planner bug.
    throw new Error(`revision graph: topological sort left ${[...todo].map((n) => n.id).join(', ')}`);
  }
  return output;
}
