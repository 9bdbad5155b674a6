/**
 * Random, valid revision graphs for the graph fuzzers (targets.test.ts, graph-properties.test.ts),
 * with version-table states reachable on them, and helpers to describe and replay them.
 */
import { RevisionGraph, type MigrationStep } from '../../src/script/graph/index.js';
import type { RevisionHeader } from '../../src/script/revision.js';
import type { Random } from './random.js';

/** A graph with its ids, labels, and version-table states reachable by upgrading from base. */
export interface Fixture {
  readonly graph: RevisionGraph;
  readonly ids: readonly string[];
  readonly labels: readonly string[];
  /** Version-table states reachable by upgrading from base: each a valid `current`. */
  readonly states: readonly (readonly string[])[];
}

/** A random, valid revision graph: a few bases, branches, merges, labels and dependencies. */
export function randomGraph(random: Random): Fixture {
  const count = 3 + random.int(30);
  const style = random.int(3);
  const headers: RevisionHeader[] = [];
  const ids: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < count; i++) {
    // Three id styles: Alembic's hex (prefix collisions likely with a short alphabet), sequential,
    // and words; all valid ids.
    const id =
      style === 0 ? random.chars('ab12', 4 + random.int(8))
      : style === 1 ? String(i + 1).padStart(4, '0')
      : `${random.pick(['add', 'drop', 'fix', 'ünï'])}_${i}`;
    if (ids.includes(id)) continue;
    const down: string[] = [];
    if (ids.length > 0 && !random.chance(0.08)) {
      down.push(random.pick(ids.slice(-5)));
      if (random.chance(0.15)) {
        const other = random.pick(ids);
        if (!down.includes(other)) down.push(other);
      }
    }
    const dependsOn = ids.length > 2 && random.chance(0.1) ? [random.pick(ids)] : [];
    const branchLabels = random.chance(0.15) ? [`lbl${labels.length}${random.pick(['', '-x', '_ü'])}`] : [];
    labels.push(...branchLabels);
    ids.push(id);
    headers.push({ revision: id, downRevisions: down, dependsOn, branchLabels, message: id, path: `/m/${id}.ts` });
  }
  let graph: RevisionGraph;
  try {
    graph = RevisionGraph.build(headers);
  } catch {
    // A random choice broke a rule (a label on two lines of one branch, a dependency that is
    // also a parent...): fall back to a plain chain, which always builds.
    const chain = headers.map((h, i) => ({ ...h, downRevisions: i === 0 ? [] : [headers[i - 1]!.revision], dependsOn: [], branchLabels: [] }));
    return { graph: RevisionGraph.build(chain), ids: chain.map((h) => h.revision), labels: [], states: [[]] };
  }
  const states: string[][] = [[]];
  for (let i = 0; i < 4; i++) {
    try {
      states.push(applyAll(graph, [], graph.planUpgrade([], random.pick(ids))));
    } catch {
      // A target with several heads below it, e.g.; the other states suffice.
    }
  }
  return { graph, ids, labels, states };
}

/** The graph as text: `id<parents [deps] {labels}`, in file order. */
export function describeGraph(f: Fixture): string {
  return f.graph.revisions
    .map((r) => `${r.revision}<${r.downRevisions.join(',')}${r.dependsOn.length ? ` [${r.dependsOn.join(',')}]` : ''}${r.branchLabels.length ? ` {${r.branchLabels.join(',')}}` : ''}`)
    .join('; ');
}

export function applyAll(graph: RevisionGraph, current: readonly string[], steps: readonly MigrationStep[]): string[] {
  let heads = [...current];
  for (const step of steps) heads = graph.applyStep(heads, step).heads;
  return heads;
}
