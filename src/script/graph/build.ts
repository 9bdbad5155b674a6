/**
 * Building the graph from revision headers: validation, edges, dependency normalisation, heads
 * and bases, cycle detection and branch-label propagation, in the order Alembic's
 * `RevisionMap._revision_map` does them. Pure; throws {@link RetortError}s.
 */
import { RetortError } from '../../errors.js';
import type { RevisionHeader } from '../revision.js';
import { addLabels, dedupe, DOWN, related, UP, UP_WITH_DEPS, type Node } from './node.js';

/** The built graph's data, shared by the resolver, the planners and {@link RevisionGraph}. */
export interface Core {
  /** Revisions by id, in input order. */
  readonly nodes: ReadonlyMap<string, Node>;
  /** Revisions by id and by branch label (Alembic's `_revision_map` keys). */
  readonly keys: KeyMap;
  /** Revisions no other revision names as a parent, in input order. */
  readonly heads: readonly Node[];
  /** Heads that are not a dependency of anything either (Alembic's `_real_heads`). */
  readonly realHeads: readonly Node[];
  /** Revisions without parents. */
  readonly bases: readonly Node[];
  /** Bases that have no dependencies either. */
  readonly realBases: readonly Node[];
  /** Ids squash revisions replace (their `replaces`), each with its squash. */
  readonly replaced: ReadonlyMap<string, Replaced>;
}

/** A revision id a squash replaced: the squash, and whether it was the last of the range. */
export interface Replaced {
  readonly squash: RevisionHeader;
  /** The range's last revision: a database holding it is exactly at the squash. */
  readonly last: boolean;
}

/** Lookup by revision id or branch label; `keys()` lists ids (input order), then labels. */
export interface KeyMap {
  get(key: string): Node | undefined;
  keys(): Iterable<string>;
}

/** Characters Alembic refuses in revision ids: they are target syntax (`@`, `+N`, `-N`, `:`). */
const ILLEGAL_ID_CHARS = /[@+:-]/;

/** Builds and validates the graph. */
export function buildCore(headers: readonly RevisionHeader[]): Core {
  const replaced = mapReplaced(headers);
  const nodes = createNodes(replaced.size === 0 ? headers : headers.map((h) => throughSquashes(h, replaced)));
  const keys = mapBranchLabels(nodes);
  resolveDependencies(nodes, keys);
  const { heads, realHeads } = linkChildren(nodes);
  normalizeDependencies(nodes);
  const all = [...nodes.values()];
  const bases = all.filter((n) => n.down.length === 0);
  const realBases = all.filter((n) => n.down.length === 0 && n.header.dependsOn.length === 0);
  detectCycles(nodes, heads, bases, realHeads, realBases);
  propagateBranchLabels(nodes);
  return { nodes, keys, heads, realHeads, bases, realBases, replaced };
}

/**
 * The ids squash revisions replace. A replaced revision whose file is still there would put the
 * range in the graph twice (the old files and the squash): refused, naming both files.
 */
function mapReplaced(headers: readonly RevisionHeader[]): Map<string, Replaced> {
  const replaced = new Map<string, Replaced>();
  for (const squash of headers) {
    const ids = squash.replaces ?? [];
    ids.forEach((id, index) => {
      const other = replaced.get(id);
      if (other !== undefined) {
        throw new RetortError('DuplicateRevision', `Revision ${id} is replaced by two squashes: ${squash.revision} (${squash.path}) and ${other.squash.revision} (${other.squash.path}).`, {
          fields: { revision: id, squash: squash.revision, paths: [squash.path, other.squash.path] },
          hint: 'A revision can be replaced by one squash only: fix the `replaces` of one of the two files.',
        });
      }
      replaced.set(id, { squash, last: index === ids.length - 1 });
    });
  }
  if (replaced.size === 0) return replaced;
  for (const header of headers) {
    const squash = replaced.get(header.revision)?.squash;
    if (squash === undefined) continue;
    throw new RetortError('DuplicateRevision', `Revision ${header.revision} is replaced by the squash ${squash.revision} (${squash.path}) but its file ${header.path} is still present.`, {
      fields: { revision: header.revision, squash: squash.revision, paths: [squash.path, header.path] },
      hint: `Delete ${header.path}: the squash ${squash.revision} does what it did (git keeps the old file).`,
    });
  }
  return replaced;
}

/**
 * A header whose parents or dependencies name replaced revisions, with the squash in their place:
 * the revision after a squashed range keeps its file (and so its recorded checksum) untouched.
 */
function throughSquashes(header: RevisionHeader, replaced: ReadonlyMap<string, Replaced>): RevisionHeader {
  const swap = (ids: readonly string[]) => dedupe(ids.map((id) => replaced.get(id)?.squash.revision ?? id));
  const refers = (ids: readonly string[]) => ids.some((id) => replaced.has(id));
  if (!refers(header.downRevisions) && !refers(header.dependsOn)) return header;
  return Object.freeze({ ...header, downRevisions: swap(header.downRevisions), dependsOn: swap(header.dependsOn) });
}

function createNodes(headers: readonly RevisionHeader[]): Map<string, Node> {
  const nodes = new Map<string, Node>();
  headers.forEach((header, order) => {
    const id = header.revision;
    if (id === '' || ILLEGAL_ID_CHARS.test(id)) {
      throw new RetortError('BadRevisionFile', `Revision id '${id}' is empty or contains one of @ + - :.`, {
        fields: { revision: id, path: header.path },
        hint: 'Revision ids may not contain @, +, - or : (they are target syntax); rename the revision.',
      });
    }
    const previous = nodes.get(id);
    if (previous) {
      throw new RetortError('DuplicateRevision', `Revision ${id} is present more than once: in ${previous.header.path} and in ${header.path}.`, {
        fields: { revision: id, paths: [previous.header.path, header.path] },
        hint: 'Give one of the files a new revision id (and fix the downRevision of its children).',
      });
    }
    if (header.downRevisions.includes(id)) throw selfLoop(header, 'parent');
    if (header.dependsOn.includes(id)) throw selfLoop(header, 'dependency');
    const down = dedupe(header.downRevisions);
    nodes.set(id, {
      id, header, order, down, deps: [], normDeps: [], allDown: down, normDown: down,
      nextrev: [], allNextrev: [], labels: header.branchLabels,
    });
  });
  return nodes;
}

function selfLoop(header: RevisionHeader, kind: 'parent' | 'dependency'): RetortError {
  return new RetortError('CycleDetected', `Revision ${header.revision} names itself as a ${kind}.`, {
    fields: { revisions: [header.revision], paths: [header.path], kind: kind === 'parent' ? 'self-loop' : 'dependency self-loop' },
    hint: `Fix the ${kind === 'parent' ? 'downRevision' : 'dependsOn'} of ${header.path}.`,
  });
}

/** Ids first, then labels, refusing a label that names an id or another label. */
function mapBranchLabels(nodes: Map<string, Node>): KeyMap {
  const labels = new Map<string, Node>();
  for (const node of nodes.values()) {
    for (const label of node.header.branchLabels) {
      const taken = nodes.get(label) ?? labels.get(label);
      if (taken) {
        throw new RetortError(
          'DuplicateBranchLabel',
          `Branch label '${label}' in revision ${node.id} is already used by revision ${taken.id}.`,
          {
            fields: { label, revision: node.id, usedBy: taken.id, paths: [node.header.path, taken.header.path] },
            hint: 'Branch labels must be unique and differ from every revision id; rename one.',
          },
        );
      }
      labels.set(label, node);
    }
  }
  return {
    get: (key) => nodes.get(key) ?? labels.get(key),
    *keys() {
      yield* nodes.keys();
      yield* labels.keys();
    },
  };
}

/** `dependsOn` may name a revision or a branch label; both become revision ids. */
function resolveDependencies(nodes: Map<string, Node>, keys: KeyMap): void {
  for (const node of nodes.values()) {
    if (node.header.dependsOn.length === 0) continue;
    const deps = node.header.dependsOn.map((dep) => {
      const target = keys.get(dep);
      if (!target) throw missingParent(node, dep, 'dependsOn');
      if (target === node) throw selfLoop(node.header, 'dependency');
      return target.id;
    });
    node.deps = dedupe(deps);
    node.allDown = dedupe([...node.down, ...node.deps]);
  }
}

function missingParent(node: Node, missing: string, field: 'downRevision' | 'dependsOn'): RetortError {
  return new RetortError('MissingParent', `Revision ${missing} referenced from ${node.id} (${field}) is not present.`, {
    fields: { revision: node.id, missing, field, path: node.header.path },
    hint: `Restore the file of ${missing}, or fix the ${field} in ${node.header.path}.`,
  });
}

/** Children lists, and the heads: what is left after removing every parent (and dependency). */
function linkChildren(nodes: Map<string, Node>): { heads: Node[]; realHeads: Node[] } {
  for (const node of nodes.values()) {
    for (const downId of node.allDown) {
      const down = nodes.get(downId);
      if (!down) throw missingParent(node, downId, node.down.includes(downId) ? 'downRevision' : 'dependsOn');
      down.allNextrev.push(node.id);
      if (node.down.includes(downId)) down.nextrev.push(node.id);
    }
  }
  const heads: Node[] = [];
  const realHeads: Node[] = [];
  for (const node of nodes.values()) {
    if (node.nextrev.length === 0) heads.push(node);
    if (node.allNextrev.length === 0) realHeads.push(node);
  }
  return { heads, realHeads };
}

/**
 * Drops from each revision's dependencies those that an ancestor already depends on (Alembic's
 * `_normalize_depends_on`), so that a dependency is applied once, below its first dependent.
 */
function normalizeDependencies(nodes: Map<string, Node>): void {
  for (const node of nodes.values()) {
    if (node.deps.length === 0) continue;
    const inherited = new Set<string>();
    for (const ancestor of related(nodes, DOWN, [node])) {
      if (ancestor !== node) for (const dep of ancestor.deps) inherited.add(dep);
    }
    node.normDeps = node.deps.filter((d) => !inherited.has(d));
    node.normDown = dedupe([...node.down, ...node.normDeps]);
  }
}

/**
 * Alembic's `_detect_cycles`: every revision must lie between a head and a base, first along
 * parents only, then along parents and dependencies. What does not is on a cycle.
 */
function detectCycles(
  nodes: Map<string, Node>,
  heads: readonly Node[],
  bases: readonly Node[],
  realHeads: readonly Node[],
  realBases: readonly Node[],
): void {
  if (nodes.size === 0) return;
  // In a DAG every revision lies between a head and a base, so Alembic's (costlier) search for
  // what does not is only needed when a cheap Kahn count finds a cycle.
  const acyclic = (withDeps: boolean): boolean => {
    // Parents not yet visited, indexed by input order (typed array: no per-node allocation).
    const pending = new Int32Array(nodes.size);
    const ready: Node[] = [];
    for (const n of nodes.values()) {
      pending[n.order] = (withDeps ? n.allDown : n.down).length;
      if (pending[n.order] === 0) ready.push(n);
    }
    let done = 0;
    while (ready.length > 0) {
      const n = ready.pop()!;
      done++;
      for (const childId of withDeps ? n.allNextrev : n.nextrev) {
        const child = nodes.get(childId)!;
        if (--pending[child.order]! === 0) ready.push(child);
      }
    }
    return done === nodes.size;
  };
  const check = (tops: readonly Node[], bottoms: readonly Node[], withDeps: boolean): void => {
    let cyclic: string[];
    if (tops.length === 0 || bottoms.length === 0) {
      cyclic = [...nodes.keys()];
    } else {
      const fromTop = related(nodes, withDeps ? (n) => n.allDown : DOWN, tops);
      const fromBottom = related(nodes, withDeps ? UP_WITH_DEPS : UP, bottoms);
      cyclic = [];
      for (const n of nodes.values()) if (!(fromTop.has(n) && fromBottom.has(n))) cyclic.push(n.id);
      cyclic.sort();
    }
    if (cyclic.length === 0) return;
    const kind = withDeps ? 'dependency cycle' : 'cycle';
    throw new RetortError('CycleDetected', `A ${kind} is detected in revisions ${cyclic.slice(0, 5).join(', ')}${cyclic.length > 5 ? ', ...' : ''}.`, {
      fields: { revisions: cyclic, paths: cyclic.map((id) => nodes.get(id)!.header.path), kind },
      hint: `Fix the ${withDeps ? 'dependsOn' : 'downRevision'} of these files so that the revisions form a graph without loops.`,
    });
  };
  if (!acyclic(false)) check(heads, bases, false);
  // Without any dependsOn the second check would repeat the first.
  const hasDeps = realHeads.length !== heads.length || realBases.length !== bases.length || [...nodes.values()].some((n) => n.deps.length > 0);
  if (hasDeps && !acyclic(true)) check(realHeads, realBases, true);
}

/**
 * Alembic's `_add_branches`: a label applies to the labelled revision and its descendants, and,
 * walking down from the last descendant reached, to the revisions of that unbranched line down to
 * a branch point or merge point. The walk down deliberately mirrors Alembic, quirks included,
 * so that `LABEL@...` selects the same revisions.
 */
function propagateBranchLabels(nodes: Map<string, Node>): void {
  for (const labelled of nodes.values()) {
    if (labelled.header.branchLabels.length === 0) continue;
    const labels = [...labelled.labels];
    let parent: Node | undefined;
    for (const node of related(nodes, UP, [labelled])) {
      addLabels(node, labels);
      parent = node; // Alembic walks down from the last descendant reached
    }
    while (parent && parent.allNextrev.length <= 1 && parent.down.length <= 1) {
      addLabels(parent, labels);
      const downId: string | undefined = parent.down[0];
      parent = downId === undefined ? undefined : nodes.get(downId);
    }
  }
}

