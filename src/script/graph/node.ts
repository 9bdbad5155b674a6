/**
 * The graph's internal node and the one traversal everything else is built on. Internal: the
 * public face is {@link Revision} in types.ts.
 */
import type { RevisionHeader } from '../revision.js';

/** A revision with the edges the graph derives (Alembic's Revision attributes). */
export interface Node {
  readonly id: string;
  readonly header: RevisionHeader;
  /** Position in the input (file order); Alembic's ordered-map order, used to break ties. */
  readonly order: number;
  /** `downRevisions`: Alembic's `_versioned_down_revisions`. */
  readonly down: readonly string[];
  /** `dependsOn` resolved to revision ids (labels replaced): `_resolved_dependencies`. */
  deps: readonly string[];
  /** `deps` minus the dependencies of ancestors: `_normalized_resolved_dependencies`. */
  normDeps: readonly string[];
  /** `down` then `deps`, deduplicated: `_all_down_revisions`. */
  allDown: readonly string[];
  /** `down` then `normDeps`, deduplicated: `_normalized_down_revisions`. */
  normDown: readonly string[];
  /** Children through `down` only: `nextrev`. */
  readonly nextrev: string[];
  /** Children through `down` or dependencies: `_all_nextrev`. */
  readonly allNextrev: string[];
  /** Branch labels that apply, own and inherited (Alembic's mutable `branch_labels`). */
  labels: readonly string[];
}

/** Lookup from an id to its node; the graph's map of revisions. */
export type NodeMap = ReadonlyMap<string, Node>;

/** Which edges a traversal follows. */
export type Edges = (node: Node) => readonly string[];

/** Ancestors through parents and (normalised) dependencies. */
export const DOWN_WITH_DEPS: Edges = (n) => n.normDown;
/** Ancestors through parents only. */
export const DOWN: Edges = (n) => n.down;
/** Descendants through children and dependents. */
export const UP_WITH_DEPS: Edges = (n) => n.allNextrev;
/** Descendants through children only. */
export const UP: Edges = (n) => n.nextrev;

/** Reported by {@link related} when a target can reach another target (Alembic's `check`). */
export interface Overlap {
  readonly target: Node;
  readonly others: readonly Node[];
}

/**
 * Every node reachable from `targets` along `edges`, targets included, in Alembic's order
 * (`_iterate_related_revisions`: one depth-first stack shared by all targets, children pushed in
 * edge order, each node yielded once when popped). Iterative, so a 10,000-revision chain cannot
 * blow the stack, and a `seen` set makes cycles terminate.
 *
 * With `onOverlap`, reports a target from which another target is reached, exactly as Alembic's
 * `check=True` does: the nodes popped while walking one target (seen before or not) are compared
 * with the other targets.
 */
export function related(
  nodes: NodeMap,
  edges: Edges,
  targets: Iterable<Node>,
  onOverlap?: (overlap: Overlap) => void,
): Set<Node> {
  // A node enters `seen` exactly when Alembic yields it, so `seen` (insertion-ordered) is the output.
  const seen = new Set<Node>();
  const targetList = onOverlap ? [...targets] : targets;
  const targetSet = onOverlap ? new Set(targetList) : undefined;
  const todo: Node[] = [];
  for (const target of targetList) {
    todo.push(target);
    const perTarget = onOverlap ? new Set<Node>() : undefined;
    while (todo.length > 0) {
      const node = todo.pop()!;
      perTarget?.add(node);
      if (seen.has(node)) continue;
      seen.add(node);
      for (const id of edges(node)) {
        const next = nodes.get(id);
        // build() guarantees every edge resolves; a miss would be a bug, not user input.
        if (next === undefined) throw new Error(`revision graph: broken edge ${node.id} -> ${id}`);
        todo.push(next);
      }
    }
    if (onOverlap && perTarget && targetSet) {
      const others = [...perTarget].filter((n) => n !== target && targetSet.has(n));
      if (others.length > 0) onOverlap({ target, others });
    }
  }
  return seen;
}

/** Adds branch labels to a node (copy on write: most nodes never get one). */
export function addLabels(node: Node, labels: readonly string[]): void {
  const missing = labels.filter((l) => !node.labels.includes(l));
  if (missing.length > 0) node.labels = [...node.labels, ...missing];
}

/** `items` without repeats, first occurrence kept (no copy when there is nothing to drop). */
export function dedupe<T>(items: readonly T[]): readonly T[] {
  return items.length <= 1 ? items : [...new Set(items)];
}
