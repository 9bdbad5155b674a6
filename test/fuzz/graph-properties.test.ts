/**
 * Property-based tests of the revision graph's plans, on random graphs with branches, merges,
 * labels and dependencies, from random reachable version-table states, towards random targets:
 *
 * - upgrade: nothing already applied runs, nothing runs twice, every revision runs after its
 *   parents and dependencies, the version table afterwards stands for exactly what ran, and each
 *   destination is a head or an effective head of it;
 * - downgrade: only applied revisions go, each before the revisions it stands on, and the
 *   destination is then a head or an effective head;
 * - stamp: every destination is a row of the table afterwards, no row stands on another, and the
 *   rows on other lineages are untouched;
 * - history: `current:` lists what `upgrade heads` runs plus the current revisions, and a range
 *   `a:y` with a below y contains both ends.
 *
 * Each was broken once in a way Alembic shares (see the README's "Where retort differs from
 * Alembic"); a failure prints the seed, the case and the graph.
 */
import { describe, expect, it } from 'vitest';
import { isRetortError } from '../../src/errors.js';
import type { MigrationStep, RevisionGraph } from '../../src/script/graph/index.js';
import { describeGraph, randomGraph, type Fixture } from './graphs.js';
import { Random, SEED } from './random.js';

/** The revisions a version table holding `rows` stands for: the rows and all they stand on. */
function appliedBy(graph: RevisionGraph, rows: readonly string[]): Set<string> {
  const out = new Set<string>();
  const todo = [...rows];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    todo.push(...standsOn(graph, id));
  }
  return out;
}

/** The parents and dependencies of a revision, as ids. */
function standsOn(graph: RevisionGraph, id: string): string[] {
  const r = graph.get(id)!;
  return [...r.downRevisions, ...r.dependsOn.map((d) => graph.resolve(d).revision)];
}

/** Runs `fn`; input errors (exit 2) are refusals and fine, anything else fails the case. */
function attempt<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (isRetortError(error) && error.kind === 'input') return undefined;
    throw new Error(`${what}: ${String((error as Error)?.stack ?? error)}`);
  }
}

/** Replays `steps` from `rows`, checking each against what has run so far; returns the rows after. */
function replay(f: Fixture, rows: readonly string[], steps: readonly MigrationStep[], what: string): string[] {
  const applied = appliedBy(f.graph, rows);
  let heads = [...rows];
  for (const step of steps) {
    const needs = standsOn(f.graph, step.revision);
    if (step.direction === 'up') {
      expect(applied.has(step.revision), `${what}: ${step.revision} runs again`).toBe(false);
      for (const n of needs) expect(applied.has(n), `${what}: ${step.revision} runs before ${n}`).toBe(true);
      applied.add(step.revision);
    } else {
      expect(applied.has(step.revision), `${what}: ${step.revision} reverted but not applied`).toBe(true);
      for (const other of applied) {
        expect(standsOn(f.graph, other).includes(step.revision), `${what}: ${step.revision} reverted under ${other}`).toBe(false);
      }
      applied.delete(step.revision);
    }
    heads = f.graph.applyStep(heads, step).heads;
  }
  expect([...appliedBy(f.graph, heads)].sort(), `${what}: the version table [${heads.join(', ')}] says otherwise`).toEqual([...applied].sort());
  expectNoOverlap(f.graph, heads, what);
  return heads;
}

/** No row of the table is an ancestor of another: each row is a head of what is applied. */
function expectNoOverlap(graph: RevisionGraph, rows: readonly string[], what: string): void {
  for (const row of rows) {
    const below = appliedBy(graph, [row]);
    for (const other of rows) if (other !== row) expect(below.has(other), `${what}: rows ${row} and ${other} overlap`).toBe(false);
  }
}

/** The heads and effective heads of a table, as `current` lists them. */
function currentOf(graph: RevisionGraph, rows: readonly string[]): string[] {
  return graph.currentRevisions(rows).map((r) => r.revision);
}

/** A random state: one the fixture reached by upgrading, or one reached by stamping. */
function state(random: Random, f: Fixture): string[] {
  const base = [...random.pick(f.states)];
  if (random.chance(0.3)) return attempt('stamp state', () => [...f.graph.planStamp([], [random.pick(f.ids)]).heads]) ?? base;
  return base;
}

function target(random: Random, f: Fixture): string {
  const forms = [
    () => random.pick(f.ids), () => 'heads', () => 'head', () => 'base', () => `+${1 + random.int(3)}`, () => `-${1 + random.int(3)}`,
    () => (f.labels.length > 0 ? `${random.pick(f.labels)}@head` : 'heads'), () => (f.labels.length > 0 ? `${random.pick(f.labels)}@-1` : '-1'),
  ];
  return random.pick(forms)();
}

describe(`revision graph properties (seed ${SEED})`, () => {
  const random = new Random(SEED ^ 0x13);
  const fixtures = Array.from({ length: 150 }, () => randomGraph(random));
  const counts = { upgrade: 0, downgrade: 0, stamp: 0, history: 0 };

  const each = (fn: (f: Fixture) => void) => {
    for (const f of fixtures) {
      try {
        fn(f);
      } catch (error) {
        (error as Error).message += `\ngraph: ${describeGraph(f)}`;
        throw error;
      }
    }
  };

  it('upgrade: parents and dependencies first, nothing twice, the table stands for what ran, destinations at the top', () => {
    each((f) => {
      for (let i = 0; i < 12; i++) {
        const rows = state(random, f);
        const spec = target(random, f);
        const what = `upgrade ${spec} from [${rows.join(', ')}]`;
        const steps = attempt(what, () => f.graph.planUpgrade(rows, spec));
        if (steps === undefined) continue;
        counts.upgrade++;
        const before = appliedBy(f.graph, rows);
        const after = replay(f, rows, steps, what);
        const named = attempt(what, () => f.graph.resolveAll(spec)) ?? [];
        for (const dest of named) {
          if (before.has(dest.revision)) continue; // already applied: upgrade does not go down
          expect(currentOf(f.graph, after), `${what}: ${dest.revision} is not a head afterwards`).toContain(dest.revision);
        }
      }
    });
    expect(counts.upgrade).toBeGreaterThan(500);
  });

  it('downgrade: applied revisions only, each before what it stands on; the destination is then a head', () => {
    each((f) => {
      for (let i = 0; i < 12; i++) {
        const rows = state(random, f);
        const spec = random.chance(0.5) ? random.pick(f.ids) : target(random, f);
        const what = `downgrade ${spec} from [${rows.join(', ')}]`;
        const steps = attempt(what, () => f.graph.planDowngrade(rows, spec));
        if (steps === undefined) continue;
        counts.downgrade++;
        const after = replay(f, rows, steps, what);
        if (f.ids.includes(spec)) expect(currentOf(f.graph, after), `${what}: not at ${spec} afterwards`).toContain(spec);
      }
    });
    expect(counts.downgrade).toBeGreaterThan(300);
  });

  it('stamp: every destination is a row afterwards; rows never overlap; other lineages untouched', () => {
    each((f) => {
      for (let i = 0; i < 12; i++) {
        const rows = state(random, f);
        const dests = Array.from({ length: 1 + random.int(2) }, () => random.pick(f.ids));
        const what = `stamp ${dests.join(' ')} from [${rows.join(', ')}]`;
        const plan = attempt(what, () => f.graph.planStamp(rows, dests));
        if (plan === undefined) continue;
        counts.stamp++;
        for (const dest of dests) expect(plan.heads, `${what}: ${dest} is not in the table`).toContain(dest);
        expectNoOverlap(f.graph, plan.heads, what);
        const related = (a: string, b: string) => appliedBy(f.graph, [a]).has(b) || appliedBy(f.graph, [b]).has(a);
        for (const row of rows) {
          if (!dests.some((d) => related(d, row))) expect(plan.heads, `${what}: unrelated row ${row} lost`).toContain(row);
        }
        // The changes the runtime executes lead to the same rows.
        let replayed = [...rows];
        for (const change of plan.changes) {
          if (change.kind === 'insert') replayed.push(change.version);
          else if (change.kind === 'delete') replayed = replayed.filter((r) => r !== change.version);
          else replayed = replayed.map((r) => (r === change.from ? change.to : r));
        }
        expect([...replayed].sort(), what).toEqual([...plan.heads].sort());
      }
    });
    expect(counts.stamp).toBeGreaterThan(500);
  });

  it('history: current: lists what upgrade heads runs plus the current revisions; a:y contains both ends', () => {
    each((f) => {
      for (let i = 0; i < 6; i++) {
        const rows = state(random, f);
        const what = `history -r current: from [${rows.join(', ')}]`;
        const listed = attempt(what, () => f.graph.history('current:', rows));
        const steps = attempt(what, () => f.graph.planUpgrade(rows, 'heads'));
        if (listed !== undefined && steps !== undefined && rows.length > 0) {
          counts.history++;
          expect(listed.map((r) => r.revision).sort(), what).toEqual([...new Set([...steps.map((s) => s.revision), ...rows])].sort());
        }
        const [a, y] = [random.pick(f.ids), random.pick(f.ids)];
        if (a !== y && appliedBy(f.graph, [y]).has(a)) {
          const range = f.graph.history(`${a}:${y}`).map((r) => r.revision);
          expect(range, `history -r ${a}:${y}`).toContain(y);
          expect(range, `history -r ${a}:${y}`).toContain(a);
          counts.history++;
        }
      }
    });
    expect(counts.history).toBeGreaterThan(150);
  });
});
