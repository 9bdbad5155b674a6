/**
 * Version-table head maintenance, Alembic's `HeadMaintainer` with the decisions of `RevisionStep`
 * and `StampStep`: the table holds one row per head, and each step inserts a row (a new branch),
 * deletes one (a branch gone), merges rows (delete all but one, update that one) or unmerges them
 * (insert, then update), or moves one row (update).
 */
import * as fail from './fail.js';
import { DOWN_WITH_DEPS, related } from './node.js';
import type { Resolver } from './resolve.js';
import type { MigrationStep, StampStep, StepOutcome, VersionChange } from './types.js';

/** The version table's rows as an ordered set, recording each change made to it. */
class HeadRows {
  readonly rows: string[];
  readonly changes: VersionChange[] = [];

  constructor(heads: readonly string[]) {
    this.rows = [...new Set(heads)];
  }

  has(version: string): boolean {
    return this.rows.includes(version);
  }

  insert(version: string): void {
    if (this.has(version)) throw mismatch(`Cannot insert version ${version}: the version table already holds it.`, version, this.rows);
    this.rows.push(version);
    this.changes.push({ kind: 'insert', version });
  }

  delete(version: string): void {
    const i = this.rows.indexOf(version);
    if (i === -1) throw mismatch(`Cannot delete version ${version}: the version table does not hold it.`, version, this.rows);
    this.rows.splice(i, 1);
    this.changes.push({ kind: 'delete', version });
  }

  update(from: string, to: string): void {
    const i = this.rows.indexOf(from);
    if (i === -1) throw mismatch(`Cannot update version ${from} to ${to}: the version table does not hold ${from}.`, from, this.rows);
    if (this.has(to)) throw mismatch(`Cannot update version ${from} to ${to}: the version table already holds ${to}.`, to, this.rows);
    this.rows[i] = to;
    this.changes.push({ kind: 'update', from, to });
  }

  outcome(): StepOutcome {
    return { heads: [...this.rows], changes: [...this.changes] };
  }
}

function mismatch(message: string, version: string, heads: readonly string[]): Error {
  return fail.versionTableMismatch(message, { version, heads: [...heads] });
}

/** Ids of all ancestors (with dependencies) of the given revisions, themselves included. */
function ancestorIds(r: Resolver, revisions: Iterable<string>): Set<string> {
  const nodes = [...revisions].map((id) => r.core.nodes.get(id)).filter((n) => n !== undefined);
  const ids = new Set<string>();
  for (const n of related(r.core.nodes, DOWN_WITH_DEPS, nodes)) ids.add(n.id);
  return ids;
}

/** How the version table changes when `step` runs with `heads` in the table (RevisionStep). */
export function applyRevisionStep(r: Resolver, heads: readonly string[], step: MigrationStep): StepOutcome {
  const node = r.core.nodes.get(step.revision);
  if (!node) throw fail.unknownRevision(step.revision);
  const rows = new HeadRows(heads);
  const id = node.id;
  const downs = node.normDown;
  const up = step.direction === 'up';

  // The down revisions still needed once `id` is gone: those no other head, and no other of
  // them, stands on. (Alembic drops the ones below other heads, or, with no other head, the ones
  // below each other, not both: a merge of a revision and its own ancestor left both as rows.)
  const unmergeTargets = (): string[] => {
    const others = rows.rows.filter((h) => h !== id);
    const below = others.length > 0 ? ancestorIds(r, others) : new Set<string>();
    for (const d of downs) for (const a of ancestorIds(r, [d])) if (a !== d) below.add(a);
    return downs.filter((d) => !below.has(d));
  };

  if (!up && rows.has(id) && (downs.length === 0 || unmergeTargets().length === 0)) {
    // A base, or a revision whose parents are all kept by other heads: the branch goes.
    rows.delete(id);
  } else if (up && (downs.length === 0 || !downs.some((d) => rows.has(d)))) {
    // A base, or none of its parents is a head (they are below other heads): a new branch.
    rows.insert(id);
  } else if (up && downs.length > 1 && downs.filter((d) => rows.has(d)).length > 1) {
    // A merge: the parents' rows become one row.
    const others = rows.rows.filter((h) => !downs.includes(h));
    const below = others.length > 0 ? ancestorIds(r, others) : new Set<string>();
    const from = downs.filter((d) => !below.has(d) && rows.has(d));
    if (from.length === 0) {
      throw mismatch(`Cannot merge into ${id}: its down revisions in the version table are below other heads.`, id, rows.rows);
    }
    for (const d of from.slice(0, -1)) rows.delete(d);
    rows.update(from[from.length - 1]!, id);
  } else if (!up && rows.has(id) && downs.length > 1) {
    // Undoing a merge: the parents come back as rows.
    const to = unmergeTargets();
    for (const d of to.slice(0, -1)) rows.insert(d);
    rows.update(id, to[to.length - 1]!);
  } else {
    let down: string;
    if (downs.length === 1) {
      down = downs[0]!;
    } else {
      const present = downs.filter((d) => rows.has(d));
      if (present.length !== 1) {
        throw mismatch(`Cannot move version ${id}: its down revision in the version table is ambiguous.`, id, rows.rows);
      }
      down = present[0]!;
    }
    if (up) rows.update(down, id);
    else rows.update(id, down);
  }
  return rows.outcome();
}

/** How the version table changes for one stamp step (StampStep). */
export function applyStampStep(heads: readonly string[], step: StampStep): StepOutcome {
  const rows = new HeadRows(heads);
  const up = step.direction === 'up';
  const from = step.from;
  const to = step.to;
  if (from.length === 0) {
    // A new row for a branch the table does not hold (stamp's planner makes these, in either direction).
    for (const t of to) rows.insert(t);
  } else if (!up && step.branchMove) {
    rows.delete(from[0]!);
  } else if (up && (step.branchMove || from.some((f) => !rows.has(f))) && to.some((t) => !rows.has(t))) {
    rows.insert(to[0]!);
  } else if (from.length > 1) {
    for (const f of from.slice(0, -1)) rows.delete(f);
    rows.update(from[from.length - 1]!, to[0]!);
  } else if (to.length > 1) {
    for (const t of to.slice(0, -1)) rows.insert(t);
    rows.update(from[0]!, to[to.length - 1]!);
  } else {
    rows.update(from[0]!, to[0]!);
  }
  return rows.outcome();
}
