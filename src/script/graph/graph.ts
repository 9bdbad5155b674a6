/**
 * The revision graph: built once from the revision headers, then asked to resolve targets, plan
 * upgrades, downgrades and stamps, list history and maintain the version table's heads. A port of
 * Alembic's `RevisionMap` semantics: where Alembic answers a case, this gives the same revisions,
 * in the same order, with the same resulting heads. Pure: no I/O.
 */
import { RetortError } from '../../errors.js';
import type { RevisionHeader } from '../revision.js';
import { buildCore, type Core } from './build.js';
import { iterateRevisions, type IterateOptions } from './collect.js';
import * as fail from './fail.js';
import { applyRevisionStep, applyStampStep } from './heads.js';
import { historyBounds, parseRange } from './history.js';
import { DOWN_WITH_DEPS, related, type Node } from './node.js';
import { isNode, Resolver, type Ident } from './resolve.js';
import { planStamp } from './stamp.js';
import { topologicalSort } from './topo.js';
import { absolutePart } from './targets.js';
import type { MigrationStep, Revision, StampPlan, StampStep, StepOutcome } from './types.js';

/** Errors about a target's names that hold whatever revisions the database is at. */
const STATE_INDEPENDENT_ERRORS: ReadonlySet<string> = new Set(['UnknownRevision', 'AmbiguousRevision', 'BadTarget']);

/** Longest target text accepted; longer input is refused before any parsing (hostile input). */
export const MAX_TARGET_LENGTH = 512;

/** The revision graph of a migrations directory. */
export class RevisionGraph {
  /** Revisions nothing names as a parent, in file order (Alembic's `heads`). */
  readonly heads: readonly string[];
  /** Revisions without parents, in file order. */
  readonly bases: readonly string[];
  private readonly resolver: Resolver;
  /** Public views of nodes, made on first use: most CLI calls never look at most revisions. */
  private readonly views = new Map<Node, Revision>();
  private ordered: readonly Revision[] | undefined;

  private constructor(private readonly core: Core) {
    this.resolver = new Resolver(core);
    this.heads = core.heads.map((n) => n.id);
    this.bases = core.bases.map((n) => n.id);
  }

  /** Every revision, in topological order: bases first, each after its parents and dependencies. */
  get revisions(): readonly Revision[] {
    this.ordered ??= topologicalSort(this.core, this.core.nodes.values(), this.core.realHeads)
      .reverse()
      .map((n) => this.view(n));
    return this.ordered;
  }

  private view(node: Node): Revision {
    let v = this.views.get(node);
    if (!v) {
      v = toRevision(node);
      this.views.set(node, v);
    }
    return v;
  }

  /**
   * Builds the graph, refusing a broken one: `DuplicateRevision`, `DuplicateBranchLabel`,
   * `MissingParent` (a downRevision or dependsOn no file has), `CycleDetected` (self-loops too),
   * `BadRevisionFile` (an id with `@ + - :`).
   */
  static build(headers: readonly RevisionHeader[]): RevisionGraph {
    return new RevisionGraph(buildCore(headers));
  }

  /** The revision with exactly this id. */
  get(id: string): Revision | undefined {
    const node = this.core.nodes.get(id);
    return node && this.view(node);
  }

  /**
   * The one revision a spec names: a full id, a unique prefix (as in Alembic, only ids of four or
   * more characters are matched by prefix), a branch label,
   * `head`, `LABEL@head`, `LABEL@REV`... Throws `UnknownRevision`, `AmbiguousRevision`,
   * `MultipleHeads`, `RevisionNotOnBranch`, or `BadTarget` for `base` (which is no revision).
   */
  resolve(spec: string): Revision {
    const node = this.resolver.getRevision(checkTarget(spec));
    if (node === null) throw fail.badTarget(spec, 'it names no revision (base)');
    return this.view(node);
  }

  /**
   * Every revision a spec names: several for `heads`, none for `base`. A relative spec that walks
   * off the graph (`-99` on three revisions) is `RelativeOutOfRange`, not nothing: `show -99`
   * printed nothing and `revision --head -99` started a new base.
   */
  resolveAll(spec: string): Revision[] {
    const walked = this.resolver.getRevisions(checkTarget(spec));
    if (walked.includes(null)) throw fail.relativeOutOfRange(spec, 'walks past the base');
    return walked.filter(isNode).map((n) => this.view(n));
  }

  /**
   * Throws when `target` names a revision that no database state can make valid (unknown,
   * ambiguous, or not a target at all), so that such a typo is reported before any connection.
   * Whatever depends on the current heads (`+1`, `-2`, several heads under `head`) is left to
   * the planner, which sees the version table.
   */
  assertTargetNames(target: string): void {
    const absolute = absolutePart(checkTarget(target));
    if (absolute === null || absolute.includes(':')) return;
    try {
      this.resolver.getRevisions(absolute);
    } catch (error) {
      if (error instanceof RetortError && STATE_INDEPENDENT_ERRORS.has(error.code)) throw error;
    }
  }

  /**
   * The steps of `upgrade TARGET` from the `current` heads, in the order to run them. Every
   * target form: head, heads, LABEL@head, id or prefix, +N, LABEL@+N, REV+N, REV-N...
   */
  planUpgrade(current: readonly string[], target: string | readonly string[]): MigrationStep[] {
    if (typeof target !== 'string') {
      // Several targets at once (Alembic accepts a tuple): no relative forms, no ranges.
      for (const t of target) checkTarget(t);
      const revs = iterateRevisions(this.resolver, [...target], [...current], { implicitBase: true, purpose: 'upgrade' });
      return revs.reverse().map((n) => upStep(n));
    }
    refuseRange(checkTarget(target));
    const revs = iterateRevisions(this.resolver, target, [...current], { implicitBase: true, purpose: 'upgrade' });
    return revs.reverse().map((n) => upStep(n));
  }

  /** The steps of `downgrade TARGET` from the `current` heads (base, -N, LABEL@-N, id...). */
  planDowngrade(current: readonly string[], target: string): MigrationStep[] {
    refuseRange(checkTarget(target));
    const revs = iterateRevisions(this.resolver, [...current], target, { selectForDowngrade: true, purpose: 'downgrade' });
    return revs.map((n) => downStep(n));
  }

  /**
   * Offline mode: `upgrade FROM:TO --sql` or `downgrade FROM:TO --sql`. FROM stands for what the
   * database holds (empty or `base`: nothing); an empty TO is `heads` up and `base` down.
   * Returns the heads FROM stands for, and the steps.
   */
  planOffline(direction: 'up' | 'down', range: string): { start: string[]; steps: MigrationStep[] } {
    const { start, end } = parseRange(checkTarget(range));
    const startNode = start === '' || start === 'base' ? null : this.resolver.getRevision(start);
    const startHeads = startNode === null ? [] : [startNode.id];
    const steps =
      direction === 'up'
        ? this.planUpgrade(startHeads, end || 'heads')
        : this.planDowngrade(startHeads, end || 'base');
    return { start: startHeads, steps };
  }

  /**
   * `stamp REV...`: the stamp steps from `current`, the version-table changes and the resulting
   * heads. `heads`, `base` and partial ids are accepted; `--purge` is the caller clearing the
   * table first (pass `current = []`).
   */
  planStamp(current: readonly string[], targets: readonly string[]): StampPlan {
    for (const t of targets) checkTarget(t);
    return planStamp(this.resolver, current, targets);
  }

  /**
   * `history [-r START:END]`, newest first (Alembic's `walk_revisions`); either side may be empty,
   * and the word `current` on either side stands for the database's heads, given as `current`.
   */
  history(range?: string, current?: readonly string[]): Revision[] {
    const parsed = range === undefined ? undefined : parseRange(checkTarget(range));
    const { upper, lower } = historyBounds(parsed, current);
    if (parsed?.start === 'current' && current !== undefined && current.length > 0) {
      // `current:END` is what `upgrade END` would run, and the current revisions: other
      // branches' revisions too (Alembic lists only descendants of the current heads, leaving
      // out revisions the next `upgrade heads` runs). An END already below is no range at all.
      const below = this.targetsBelow(current, parsed.end || 'heads');
      if (below.length > 0) throw fail.rangeNotAncestor('current', parsed.end, 'range');
      return this.iterate(upper, lower, { inclusive: true, implicitBase: true, assertRelativeLength: false, purpose: 'range' });
    }
    return this.iterate(upper, lower, { inclusive: true, assertRelativeLength: false, purpose: 'range' });
  }

  /** Alembic's `iterate_revisions`: revisions from `upper` down to `lower`, newest first. */
  iterate(upper: Ident, lower: Ident, options: IterateOptions = {}): Revision[] {
    for (const ident of [upper, lower]) if (typeof ident === 'string') checkTarget(ident);
    return iterateRevisions(this.resolver, upper, lower, options).map((n) => this.view(n));
  }

  /** How `step` changes the version table holding `heads` (Alembic's HeadMaintainer). */
  applyStep(heads: readonly string[], step: MigrationStep): StepOutcome {
    return applyRevisionStep(this.resolver, heads, step);
  }

  /** How one stamp step changes the version table holding `heads`. */
  applyStampStep(heads: readonly string[], step: StampStep): StepOutcome {
    return applyStampStep(heads, step);
  }

  /**
   * What a database whose version table holds `rows` stands on, as Alembic's `current` shows it:
   * the rows, then the revisions they depend on that no applied revision descends from (the
   * "effective heads": `a` after `upgrade b` where b depends on a), in file order.
   */
  currentRevisions(rows: readonly string[]): Revision[] {
    const held = new Set(rows);
    const others = this.resolver.allCurrent(rows).filter((n) => !held.has(n.id)).sort((x, y) => x.order - y.order);
    return [...rows.flatMap((id) => this.get(id) ?? []), ...others.map((n) => this.view(n))];
  }

  /**
   * The revisions `target` names that lie strictly below what a database holding `rows` has
   * applied: `upgrade` to them does nothing, `downgrade` is what reaches them. Relative and
   * unknown targets give none (the planner reports those).
   */
  targetsBelow(rows: readonly string[], target: string): string[] {
    const absolute = absolutePart(checkTarget(target));
    if (absolute === null || absolute.includes(':') || rows.length === 0) return [];
    let named: Node[];
    try {
      named = this.resolver.getRevisions(absolute).filter(isNode);
    } catch {
      return [];
    }
    const held = new Set(this.resolver.allCurrent(rows).map((n) => n.id));
    const applied = related(this.core.nodes, DOWN_WITH_DEPS, this.resolver.getRevisions([...rows]).filter(isNode));
    return named.filter((n) => applied.has(n) && !held.has(n.id)).map((n) => n.id);
  }

  /**
   * For an id a squash revision replaces (`replaces`): the squash's id, and whether the id was
   * the last of the squashed range (a database holding it is at the squash). Else undefined.
   * Parents and dependencies that name a replaced id are read as the squash when the graph is built.
   */
  squashOf(id: string): { readonly squash: string; readonly last: boolean; readonly replaces: readonly string[] } | undefined {
    const found = this.core.replaced.get(id);
    return found && { squash: found.squash.revision, last: found.last, replaces: found.squash.replaces ?? [] };
  }

  /** The heads that share a lineage with `spec` (Alembic's `filter_for_lineage`). */
  filterForLineage(heads: readonly string[], spec: string): string[] {
    return this.resolver.filterForLineage(heads, checkTarget(spec));
  }
}

/** How `step` changes the version table holding `heads` (Alembic's HeadMaintainer). */
export function applyStep(graph: RevisionGraph, heads: readonly string[], step: MigrationStep): StepOutcome {
  return graph.applyStep(heads, step);
}

function checkTarget(spec: string): string {
  if (typeof spec !== 'string') throw fail.badTarget(String(spec), 'not a string');
  if (spec.length > MAX_TARGET_LENGTH) throw fail.badTarget(spec, `longer than ${MAX_TARGET_LENGTH} characters`);
  return spec;
}

/** Online runs take one target; `FROM:TO` ranges are for offline mode (`planOffline`). */
function refuseRange(target: string): void {
  if (!target.includes(':')) return;
  throw new RetortError('RangeNotAllowed', `A range ('${fail.shorten(target)}') is only allowed in offline mode.`, {
    fields: { target: fail.shorten(target) },
    hint: 'Add --sql to emit the SQL for a FROM:TO range, or give a single target.',
  });
}

function upStep(n: Node): MigrationStep {
  return Object.freeze({ direction: 'up', revision: n.id, from: [...n.down], to: [n.id] });
}

function downStep(n: Node): MigrationStep {
  return Object.freeze({ direction: 'down', revision: n.id, from: [n.id], to: [...n.down] });
}

function toRevision(n: Node): Revision {
  // An explicit literal (no spread, no freeze): this runs for every revision on every CLI call.
  const h = n.header;
  const view: Revision = {
    revision: h.revision,
    downRevisions: h.downRevisions,
    branchLabels: h.branchLabels,
    dependsOn: h.dependsOn,
    message: h.message,
    path: h.path,
    nextRevisions: n.nextrev,
    memberOfBranches: n.labels,
    isHead: n.nextrev.length === 0,
    isEffectiveHead: n.nextrev.length === 0 && n.allNextrev.length > 0,
    isBase: n.down.length === 0,
    isBranchPoint: n.nextrev.length > 1,
    isMergePoint: n.down.length > 1,
  };
  return h.replaces === undefined ? view : { ...view, replaces: h.replaces };
}
