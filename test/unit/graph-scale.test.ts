/**
 * The graph at scale: every CLI call builds it, so build + heads + history on 10,000 revisions
 * must stay in milliseconds, and no traversal may recurse per revision (no stack overflow).
 */
import { describe, expect, it } from 'vitest';
import { RevisionGraph } from '../../src/script/graph/index.js';
import type { RevisionHeader } from '../../src/script/revision.js';

const N = 10_000;

function chain(n: number, labelAt = -1): RevisionHeader[] {
  const out: RevisionHeader[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      revision: `r${String(i).padStart(5, '0')}`,
      downRevisions: i === 0 ? [] : [`r${String(i - 1).padStart(5, '0')}`],
      dependsOn: [],
      branchLabels: i === labelAt ? ['main'] : [],
      message: `revision ${i}`,
      path: `/migrations/r${i}.ts`,
    });
  }
  return out;
}

/** Best of several runs, so that a busy machine does not make the figure meaningless. */
function bestOf(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('a 10,000-revision chain', () => {
  const headers = chain(N);
  const first = headers[0]!.revision;
  const last = headers[N - 1]!.revision;

  it('builds, finds its head and lists its history in milliseconds', () => {
    let count = 0;
    const ms = bestOf(7, () => {
      const g = RevisionGraph.build(headers);
      count = g.heads.length + g.history().length;
    });
    expect(count).toBe(1 + N);
    // Speed is measured in `npm run bench`; this bound only catches a hang or an O(n^2) walk
    // (5-15 ms measured; quadratic work on 10,000 revisions takes tens of seconds).
    expect(ms).toBeLessThan(3_000);
  });

  it('plans a full upgrade and a full downgrade without recursion', () => {
    const g = RevisionGraph.build(headers);
    const up = g.planUpgrade([], 'head');
    expect(up).toHaveLength(N);
    expect(up[0]!.revision).toBe(first);
    expect(up[N - 1]!.revision).toBe(last);
    const down = g.planDowngrade([last], 'base');
    expect(down).toHaveLength(N);
    expect(down[0]!.revision).toBe(last);
  });

  it('walks relative steps across the whole chain', () => {
    const g = RevisionGraph.build(headers);
    expect(g.planDowngrade([last], `-${N - 1}`)).toHaveLength(N - 1);
    expect(g.planUpgrade([first], `+${N - 1}`)).toHaveLength(N - 1);
    expect(() => g.planUpgrade([first], `+${N}`)).toThrow(/didn't produce/);
  });

  it('maintains the single version row through every step', () => {
    const g = RevisionGraph.build(headers);
    let heads: string[] = [];
    let statements = 0;
    for (const step of g.planUpgrade([], 'head')) {
      const outcome = g.applyStep(heads, step);
      heads = outcome.heads;
      statements += outcome.changes.length;
    }
    expect(heads).toEqual([last]);
    expect(statements).toBe(N);
  });

  it('resolves a label given at the base over the whole chain', () => {
    const g = RevisionGraph.build(chain(N, 0));
    expect(g.resolve('main@head').revision).toBe(last);
    expect(g.get(last)?.memberOfBranches).toEqual(['main']);
  });

  it('reports a cycle through the whole chain without recursion', () => {
    const cyclic = chain(N);
    cyclic[0] = { ...cyclic[0]!, downRevisions: [last] };
    expect(() => RevisionGraph.build(cyclic)).toThrow(expect.objectContaining({ code: 'CycleDetected' }));
  });
});

describe('a wide graph', () => {
  it('orders 2,000 branches off one base', () => {
    const headers: RevisionHeader[] = [{ revision: 'base0', downRevisions: [], dependsOn: [], branchLabels: [], message: '', path: '/b.ts' }];
    for (let i = 0; i < 2000; i++) {
      headers.push({ revision: `w${i}`, downRevisions: ['base0'], dependsOn: [], branchLabels: [], message: '', path: `/w${i}.ts` });
    }
    const g = RevisionGraph.build(headers);
    expect(g.heads).toHaveLength(2000);
    const steps = g.planUpgrade([], 'heads');
    expect(steps[0]!.revision).toBe('base0');
    expect(steps).toHaveLength(2001);
  });
});
