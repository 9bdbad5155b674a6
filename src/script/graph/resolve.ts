/**
 * Resolving revision identifiers, Alembic's `RevisionMap` lookups: `head`, `heads`, `base`, ids,
 * unique prefixes, branch labels, `LABEL@REV`, lineage filters and relative walks.
 */
import type { Core } from './build.js';
import * as fail from './fail.js';
import { DOWN, DOWN_WITH_DEPS, related, UP, UP_WITH_DEPS, type Node } from './node.js';

/** A resolved position: a revision, `'base'` (below every base) or `null` (nothing / walked off). */
export type Walked = Node | 'base' | null;

/** An identifier argument as Alembic takes it: one spec, several, or none (base). */
export type Ident = string | readonly (string | null)[] | null;

/** Shortest prefix Alembic matches against (it only considers keys longer than three characters). */
const PARTIAL_MIN_KEY_LENGTH = 4;

/** Alembic's `int()` test in `get_revisions`: a negative integer such as `-2` (or `label@-2`). */
const NEGATIVE_INT = /^\s*-[0-9](?:_?[0-9])*\s*$/;

/** Lookups over one built graph; caches lineage sets, which never change for a built graph. */
export class Resolver {
  private readonly lineageCache = new Map<string, Set<Node>>();

  constructor(readonly core: Core) {}

  /** `_resolve_revision_number`: the ids a spec names, and its branch label. */
  resolveNumber(spec: string | null): { ids: string[]; label: string | null } {
    let label: string | null = null;
    let id = spec;
    if (spec !== null && spec.includes('@')) {
      const at = spec.indexOf('@');
      label = spec.slice(0, at) || null;
      id = spec.slice(at + 1);
    }
    if (id === 'heads') {
      const heads = label ? this.filterForLineage(this.core.heads, label) : this.core.realHeads;
      return { ids: heads.map((n) => n.id), label };
    }
    if (id === 'head') {
      const head = this.currentHead(label);
      return { ids: head ? [head] : [], label };
    }
    if (id === 'base' || id === null) return { ids: [], label };
    if (id === '') throw fail.badTarget(spec ?? '', 'empty revision identifier');
    return { ids: [id], label };
  }

  /** `get_current_head`: the one head (of a branch), or `MultipleHeads`. */
  currentHead(label: string | null): string | null {
    let heads: readonly Node[] = this.core.heads;
    if (label) heads = this.filterForLineage(heads, label);
    if (heads.length > 1) {
      throw fail.multipleHeads(heads.map((n) => n.id), label ? `${label}@head` : 'head');
    }
    return heads[0]?.id ?? null;
  }

  /** `get_revisions`: every revision a spec (or list of specs) names; `[]` for base. */
  getRevisions(spec: Ident): Walked[] {
    if (spec !== null && typeof spec !== 'string') return spec.flatMap((s) => this.getRevisions(s));
    const { ids, label } = this.resolveNumber(spec);
    if (ids.length === 1 && NEGATIVE_INT.test(ids[0]!)) {
      // LABEL@-N: walk down from the heads (of the branch).
      const steps = Number(ids[0]!.replace(/_/g, ''));
      let heads = this.getRevisions('heads').filter(isNode);
      if (label !== null) heads = heads.filter((h) => h.labels.includes(label));
      return heads.map((h) => this.walk(h, steps, null, true, spec ?? ''));
    }
    return ids.map((id) => this.forIdent(id, label));
  }

  /** `get_revision`: exactly one revision (or null for base); `MultipleHeads` if several. */
  getRevision(spec: string | null): Node | null {
    const { ids, label } = this.resolveNumber(spec);
    if (ids.length > 1) throw fail.multipleHeads(ids, spec ?? 'base');
    return this.forIdent(ids[0] ?? null, label);
  }

  /** `_resolve_branch`: a label, or failing that a revision, that names a branch. */
  resolveBranch(label: string): Node {
    const byKey = this.core.keys.get(label);
    if (byKey) return byKey;
    try {
      return this.forIdent(label, null)!;
    } catch (err) {
      if ((err as { code?: string }).code === 'UnknownRevision') throw fail.unknownRevision(label, 'branch');
      throw err;
    }
  }

  /** `_revision_for_ident`: exact id or label, else a unique prefix; checked against a branch. */
  forIdent(id: string | null, branch: string | null): Node | null {
    const branchRev = branch ? this.resolveBranch(branch) : null;
    let revision: Node | null = null;
    if (id !== null) {
      revision = this.core.keys.get(id) ?? null;
      if (revision === null) {
        let candidates = [...this.core.keys.keys()].filter((k) => k.length >= PARTIAL_MIN_KEY_LENGTH && k.startsWith(id));
        if (branchRev && branch) candidates = this.filterForLineage(candidates, branch);
        if (candidates.length === 0) throw fail.unknownRevision(id, undefined, this.numberedLike(id));
        if (candidates.length > 1) throw fail.ambiguousRevision(id, candidates);
        revision = this.core.keys.get(candidates[0]!)!;
      }
    }
    if (branch && branchRev && revision && !this.sharesLineage(revision, [branchRev])) {
      throw fail.revisionNotOnBranch(revision.id, branch);
    }
    return revision;
  }

  /** Sequential ids (`0001`) that a bare number (`1`, `01`) stands for, as sqlalchemy-migrate users type them. */
  private numberedLike(id: string): string[] {
    if (!/^[0-9]+$/.test(id)) return [];
    const n = id.replace(/^0+(?=.)/, '');
    return [...this.core.nodes.keys()].filter((k) => /^[0-9]+$/.test(k) && k.replace(/^0+(?=.)/, '') === n);
  }

  /** `filter_for_lineage`: the targets that are ancestors or descendants of what `against` names. */
  filterForLineage<T extends Node | string>(targets: Iterable<T>, against: string | null, withDeps = false): T[] {
    const { ids, label } = this.resolveNumber(against);
    const shares = [...(label ? [label] : []), ...ids];
    return [...targets].filter((t) => this.sharesLineage(t, shares, withDeps));
  }

  /** `_shares_lineage`: is `target` above or below one of `against` (or is it one of them)? */
  sharesLineage(target: Node | string, against: readonly (Node | string)[], withDeps = false): boolean {
    if (against.length === 0) return true;
    const node = typeof target === 'string' ? this.forIdent(target, null) : target;
    if (node === null) return false;
    // Symmetric: t is related to a exactly when a is related to t, so cache the lineage of the
    // (few) nodes tested against rather than of every target.
    return against.some((a) => {
      const other = typeof a === 'string' ? this.forIdent(a, null) : a;
      return other !== null && this.lineage(other, withDeps).has(node);
    });
  }

  /** Ancestors and descendants of a node, itself included. */
  lineage(node: Node, withDeps: boolean): Set<Node> {
    const key = `${withDeps ? 'd' : 'v'}:${node.id}`;
    let set = this.lineageCache.get(key);
    if (!set) {
      set = new Set([
        ...related(this.core.nodes, withDeps ? UP_WITH_DEPS : UP, [node]),
        ...related(this.core.nodes, withDeps ? DOWN_WITH_DEPS : DOWN, [node]),
      ]);
      this.lineageCache.set(key, set);
    }
    return set;
  }

  /**
   * `_walk`: `steps` revisions up (positive) or down (negative) from `start`. Returns null when
   * the walk runs off the graph and `noOverwalk`; otherwise stops where it is. `argument` is the
   * user's text, for the error when a walk meets a fork. Bounded by the graph's depth, whatever
   * the step count.
   */
  walk(start: string | Walked, steps: number, label: string | null, noOverwalk: boolean, argument: string): Walked {
    let current: Walked = typeof start === 'string' ? this.getRevision(start) : start;
    const count = Math.abs(steps);
    for (let i = 0; i < count; i++) {
      let children: Walked[];
      if (steps > 0) {
        const up = this.getRevisions(current === null || current === 'base' ? this.core.bases.map((n) => n.id) : current.nextrev);
        children = label ? this.filterForLineage(up.filter(isNode), label) : up;
      } else if (current === 'base') {
        children = [];
      } else {
        children = this.getRevisions(current === null ? this.core.heads.map((n) => n.id) : current.down);
        if (children.length === 0) children = ['base'];
      }
      if (children.length === 0) return noOverwalk ? null : current;
      if (children.length > 1) throw fail.ambiguousWalk(argument, children.map(label_));
      current = children[0]!;
    }
    return current;
  }

  /** `_get_all_current`: the tips of the current revisions and all their ancestors. */
  allCurrent(ids: readonly string[]): Node[] {
    const top = this.getRevisions(ids).filter(isNode);
    const all = new Set([...top, ...related(this.core.nodes, DOWN_WITH_DEPS, top)]);
    // The set is closed under ancestry, so "has a descendant in the set" is "has a child in it".
    return [...all].filter((n) => !n.nextrev.some((c) => all.has(this.core.nodes.get(c)!)));
  }
}

/** True for a revision (not base, not nothing). */
export function isNode(w: Walked): w is Node {
  return w !== null && w !== 'base';
}

function label_(w: Walked): string {
  return w === null ? 'nothing' : w === 'base' ? 'base' : w.id;
}
