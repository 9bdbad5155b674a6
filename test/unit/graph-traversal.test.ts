/**
 * Alembic's tests/test_version_traversal.py, ported: upgrade and downgrade plans from given
 * current heads (same steps, same order) and the version-table heads after applying each step
 * with the HeadMaintainer port (same resulting heads). Revisions are listed in the order
 * Alembic's staging environment generates them, which is the graph's tie-break order.
 */
import { describe, expect, it } from 'vitest';
import { RevisionGraph, type MigrationStep } from '../../src/script/graph/index.js';
import type { RevisionHeader } from '../../src/script/revision.js';

function rev(
  revision: string,
  down: string | readonly string[] | null = null,
  extra: { deps?: string | string[]; labels?: string | string[] } = {},
): RevisionHeader {
  const list = (v: string | readonly string[] | null | undefined): string[] =>
    v === null || v === undefined ? [] : typeof v === 'string' ? [v] : [...v];
  return {
    revision, downRevisions: list(down), dependsOn: list(extra.deps), branchLabels: list(extra.labels),
    message: revision, path: `/migrations/${revision}.ts`,
  };
}

type Source = string | readonly string[] | null;
const heads = (source: Source): string[] => (source === null ? [] : typeof source === 'string' ? [source] : [...source]);
const names = (steps: readonly MigrationStep[]): string[] => steps.map((s) => `${s.direction === 'up' ? '+' : '-'}${s.revision}`);
const up = (...ids: string[]): string[] => ids.map((id) => `+${id}`);
const down = (...ids: string[]): string[] => ids.map((id) => `-${id}`);

/** Applies the steps with the HeadMaintainer port, starting from `source`. */
function run(graph: RevisionGraph, source: Source, steps: readonly MigrationStep[]): string[] {
  let current = heads(source);
  for (const step of steps) current = graph.applyStep(current, step).heads;
  return [...current].sort();
}

/** `_assert_upgrade(destination, source, expected, expected_heads)`. */
function assertUpgrade(g: RevisionGraph, destination: string | string[], source: Source, expected: string[], expectedHeads: string[]): void {
  const steps = g.planUpgrade(heads(source), destination);
  expect(names(steps)).toEqual(expected);
  expect(run(g, source, steps)).toEqual([...expectedHeads].sort());
}

/** `_assert_downgrade(destination, source, expected, expected_heads)`. */
function assertDowngrade(g: RevisionGraph, destination: string, source: Source, expected: string[], expectedHeads: string[]): void {
  const steps = g.planDowngrade(heads(source), destination);
  expect(names(steps)).toEqual(expected);
  expect(run(g, source, steps)).toEqual([...expectedHeads].sort());
}

function failure(fn: () => unknown): { code?: string; message?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message?: string };
  }
  return {};
}

describe('RevisionPathTest', () => {
  const [a, b, c, d, e] = ['e6239818bb3a', '548bbb905360', 'b7ea43dc85e4', '1bbe33445780', '3975fb1a0125'] as const;
  const g = RevisionGraph.build([rev(a), rev(b, a), rev(c, b), rev(d, c), rev(e, d)]);

  it('downgrades to base with no version, and to revisions already current', () => {
    assertDowngrade(g, 'base', [], [], []);
    assertDowngrade(g, a, [a], [], [a]);
    assertDowngrade(g, e, [e], [], [e]);
  });

  it('upgrades along a path', () => {
    assertUpgrade(g, e, c, up(d, e), [e]);
    assertUpgrade(g, c, null, up(a, b, c), [c]);
  });

  it('upgrades by relative steps', () => {
    assertUpgrade(g, '+2', a, up(b, c), [c]);
    assertUpgrade(g, '+1', a, up(b), [b]);
    assertUpgrade(g, '+3', b, up(c, d, e), [e]);
    assertUpgrade(g, `${b}+2`, a, up(b, c, d), [d]);
    assertUpgrade(g, `${d}-2`, a, up(b), [b]);
  });

  it('refuses relative upgrades that go nowhere', () => {
    expect(failure(() => g.planUpgrade([b], '-2'))).toMatchObject({ code: 'RelativeOutOfRange', message: expect.stringContaining("Relative revision '-2' didn't produce 2 migrations") });
    expect(failure(() => g.planUpgrade([b], '+5'))).toMatchObject({ code: 'RelativeOutOfRange', message: expect.stringContaining("Relative revision '+5' didn't produce 5 migrations") });
  });

  it('downgrades along a path and by relative steps', () => {
    assertDowngrade(g, c, e, down(e, d), [c]);
    assertDowngrade(g, 'base', c, down(c, b, a), []);
    assertDowngrade(g, '-1', c, down(c), [b]);
    assertDowngrade(g, '-3', e, down(e, d, c), [b]);
    assertDowngrade(g, `${a}+2`, d, down(d), [c]);
    assertDowngrade(g, `${c}-2`, d, down(d, c, b), [a]);
  });

  it('refuses relative downgrades that go nowhere', () => {
    expect(failure(() => g.planDowngrade([b], '-5'))).toMatchObject({ code: 'RelativeOutOfRange', message: expect.stringContaining("'-5' didn't produce 5 migrations") });
    expect(failure(() => g.planDowngrade([b], '+2'))).toMatchObject({ code: 'RelativeOutOfRange', message: expect.stringContaining("'+2' didn't produce 2 migrations") });
  });

  it('refuses downgrade targets that are not below the current heads (partial ids)', () => {
    expect(failure(() => g.planDowngrade([], b.slice(0, 3)))).toMatchObject({
      code: 'RangeNotAncestor', message: `Destination ${b.slice(0, 3)} is not a valid downgrade target from the current head(s).`,
    });
    expect(failure(() => g.planDowngrade([b], c.slice(0, 4)))).toMatchObject({ code: 'RangeNotAncestor' });
  });

  it('stamps to base by deleting the branch', () => {
    const plan = g.planStamp([d], ['base']);
    expect(plan.steps).toEqual([{ direction: 'down', from: [d], to: [], branchMove: true }]);
    expect(plan.changes).toEqual([{ kind: 'delete', version: d }]);
    expect(plan.heads).toEqual([]);
  });
});

describe('BranchedPathTest', () => {
  const g = RevisionGraph.build([
    rev('a'), rev('b', 'a'), rev('c1', 'b', { labels: 'c1branch' }), rev('d1', 'c1'), rev('c2', 'b', { labels: 'c2branch' }), rev('d2', 'c2'),
  ]);

  it('stamps down across branches to the branch point', () => {
    const plan = g.planStamp(['d1', 'c2'], ['b']);
    expect(plan.steps).toEqual([{ direction: 'down', from: ['d1', 'c2'], to: ['b'], branchMove: false }]);
    // DELETE d1, UPDATE c2 to b
    expect(plan.changes).toEqual([{ kind: 'delete', version: 'd1' }, { kind: 'update', from: 'c2', to: 'b' }]);
  });

  it('stamps to a labelled base and a labelled head with several heads', () => {
    const toBase = g.planStamp(['d1', 'c2'], ['c1branch@base']);
    expect(toBase.changes).toEqual([{ kind: 'delete', version: 'd1' }]);
    expect(toBase.heads).toEqual(['c2']);
    const toHead = g.planStamp(['d1', 'c2'], ['c2branch@head']);
    // the c1branch remains unchanged
    expect(toHead.changes).toEqual([{ kind: 'update', from: 'c2', to: 'd2' }]);
    expect([...toHead.heads].sort()).toEqual(['d1', 'd2']);
  });

  it('upgrades one branch and several', () => {
    assertUpgrade(g, 'd1', 'b', up('c1', 'd1'), ['d1']);
    assertUpgrade(g, ['d1', 'd2'], 'a', up('b', 'c2', 'd2', 'c1', 'd1'), ['d1', 'd2']);
    assertDowngrade(g, 'a', ['d1', 'd2'], down('d1', 'c1', 'd2', 'c2', 'b'), ['a']);
  });

  it('moves relative to a labelled head or base', () => {
    assertUpgrade(g, 'c2branch@head-1', 'b', up('c2'), ['c2']);
    assertDowngrade(g, 'base+2', ['d2', 'd1'], down('d1', 'c1', 'd2', 'c2'), ['b']);
    assertDowngrade(g, 'c2branch@base+2', ['d2', 'd1'], down('d2', 'c2'), ['d1']);
    assertDowngrade(g, 'c2', ['d2', 'd1'], down('d2'), ['d1', 'c2']);
    assertDowngrade(g, 'c2branch@base+3', ['d2', 'd1'], down('d2'), ['d1', 'c2']);
  });

  it('refuses -1 from several heads (Alembic goes down from the first row, with a warning); a label or a revision chooses', () => {
    for (const current of [['d2', 'd1'], ['c2', 'd1'], ['d1', 'd2']]) {
      expect(failure(() => g.planDowngrade(current, '-1'))).toMatchObject({
        code: 'MultipleHeads',
        message: expect.stringContaining("'-1' is ambiguous: the database holds several heads"),
        hint: expect.stringContaining(`retort downgrade ${current[0]}-1`),
      });
    }
    assertDowngrade(g, 'c1branch@-1', ['d1', 'd2'], down('d1'), ['c1', 'd2']);
    assertDowngrade(g, 'd1-1', ['d1', 'd2'], down('d1'), ['d2', 'c1']);
  });

  it('downgrades relative to a revision, whatever the order of the heads', () => {
    assertDowngrade(g, 'd2-1', ['d2', 'c1'], down('d2'), ['c1', 'c2']);
    assertDowngrade(g, 'd2-1', ['c1', 'd2'], down('d2'), ['c1', 'c2']);
  });

  it('downgrades one branch named by label, by a revision on it, or by its head', () => {
    assertDowngrade(g, 'c1branch@b', ['c1', 'd2'], down('c1'), ['d2']);
    assertDowngrade(g, 'c2branch@b', ['c1', 'd2'], down('d2', 'c2'), ['c1']);
    assertDowngrade(g, 'c2@b', ['d1', 'd2'], down('d2', 'c2'), ['d1']);
    assertDowngrade(g, 'd1@b', ['d1', 'd2'], down('d1', 'c1'), ['d2']);
    assertDowngrade(g, 'c1branch@head-1', ['d1', 'd2'], down('d1'), ['c1', 'd2']);
  });

  it('upgrades a labelled branch by one', () => {
    assertUpgrade(g, 'c2branch@+1', ['c1'], up('c2'), ['c1', 'c2']);
    assertUpgrade(g, 'c2branch@+1', ['c1', 'c2'], up('d2'), ['c1', 'd2']);
  });

  it('refuses +1 from several current heads', () => {
    expect(failure(() => g.planUpgrade(['c1', 'c2'], '+1')).code).toBe('MultipleHeads');
  });

  it('upgrades from base and downgrades to it', () => {
    assertUpgrade(g, 'base+1', [], up('a'), ['a']);
    assertUpgrade(g, '+1', [], up('a'), ['a']);
    assertDowngrade(g, '-1', ['a'], down('a'), []);
    expect(failure(() => g.planDowngrade([], '-1'))).toMatchObject({ code: 'RelativeOutOfRange', message: expect.stringContaining("didn't produce 1 migrations") });
  });

  it('does nothing when the target is already current', () => {
    assertDowngrade(g, 'c2', ['d1', 'c2'], [], ['d1', 'c2']);
    assertDowngrade(g, 'd1', ['d1', 'c2'], [], ['d1', 'c2']);
  });
});

describe('BranchFromMergepointTest', () => {
  const g = RevisionGraph.build([
    rev('a1'), rev('b1', 'a1'), rev('c1', 'b1'), rev('a2'), rev('b2', 'a2'), rev('c2', 'b2'), rev('d1', ['c1', 'c2']), rev('d2', 'c2'),
  ]);
  it('moves one side of a merge point', () => {
    assertUpgrade(g, 'd1', ['d2', 'b1'], up('c1', 'd1'), ['d2', 'd1']);
    assertDowngrade(g, 'b1', ['d2', 'd1'], down('d1', 'c1'), ['d2', 'b1']);
  });
});

describe('BranchFrom3WayMergepointTest', () => {
  const g = RevisionGraph.build([
    rev('a1'), rev('b1', 'a1'), rev('c1', 'b1'), rev('a2'), rev('b2', 'a2'), rev('c2', 'b2'), rev('a3'), rev('b3', 'a3'), rev('c3', 'b3'),
    rev('d1', ['c1', 'c2', 'c3']), rev('d2', 'c2'), rev('d3', 'c3'),
  ]);
  it('moves one or two sides of a three-way merge point', () => {
    assertUpgrade(g, 'd1', ['d3', 'd2', 'b1'], up('c1', 'd1'), ['d3', 'd2', 'd1']);
    assertDowngrade(g, 'b1', ['d3', 'd2', 'd1'], down('d1', 'c1'), ['d3', 'd2', 'b1']);
    // this merges b2 and b1 into d1
    assertUpgrade(g, 'd1', ['d3', 'b2', 'b1'], up('c2', 'c1', 'd1'), ['d3', 'd1']);
    // and b2's line breaks out again
    assertUpgrade(g, 'd2', ['d3', 'd1'], up('d2'), ['d3', 'd2', 'd1']);
  });
});

describe('TwinMergeTest and NotQuiteTwinMergeTest (HeadMaintainer)', () => {
  const stepwise = (g: RevisionGraph, start: string[], steps: [string, string[]][]): void => {
    let current = start;
    for (const [revision, expected] of steps) {
      const r = g.get(revision)!;
      current = g.applyStep(current, { direction: 'up', revision, from: r.downRevisions, to: [revision] }).heads;
      expect([...current].sort()).toEqual(expected);
    }
  };

  it('keeps one row per head through two merges of the same branches', () => {
    const g = RevisionGraph.build([
      rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('b3', 'a'), rev('c1', ['b1', 'b2', 'b3']), rev('c2', ['b1', 'b2', 'b3']), rev('d1', 'c1'), rev('d2', 'c2'),
    ]);
    stepwise(g, ['a'], [
      ['b3', ['b3']], ['b1', ['b1', 'b3']], ['b2', ['b1', 'b2', 'b3']], ['c2', ['c2']], ['d2', ['d2']], ['c1', ['c1', 'd2']], ['d1', ['d1', 'd2']],
    ]);
  });

  it('keeps one row per head through overlapping merges', () => {
    const g = RevisionGraph.build([
      rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('b3', 'a'), rev('c1', ['b1', 'b2']), rev('c2', ['b2', 'b3']), rev('d1', 'c1'), rev('d2', 'c2'),
    ]);
    stepwise(g, ['a'], [
      ['b2', ['b2']], ['b3', ['b2', 'b3']], ['c2', ['c2']], ['d2', ['d2']], ['b1', ['b1', 'd2']], ['c1', ['c1', 'd2']], ['d1', ['d1', 'd2']],
    ]);
  });

  it('records the version-table statements of a merge and its undoing', () => {
    const g = RevisionGraph.build([rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('c', ['b1', 'b2'])]);
    const merge = g.applyStep(['b1', 'b2'], { direction: 'up', revision: 'c', from: ['b1', 'b2'], to: ['c'] });
    expect(merge.changes).toEqual([{ kind: 'delete', version: 'b1' }, { kind: 'update', from: 'b2', to: 'c' }]);
    const unmerge = g.applyStep(['c'], { direction: 'down', revision: 'c', from: ['c'], to: ['b1', 'b2'] });
    expect(unmerge.changes).toEqual([{ kind: 'insert', version: 'b1' }, { kind: 'update', from: 'c', to: 'b2' }]);
    expect(unmerge.heads.sort()).toEqual(['b1', 'b2']);
  });

  it('refuses a step the version table cannot take', () => {
    const g = RevisionGraph.build([rev('a'), rev('b', 'a')]);
    expect(failure(() => g.applyStep(['b'], { direction: 'down', revision: 'a', from: ['a'], to: [] })).code).toBe('VersionTableMismatch');
    expect(failure(() => g.applyStep(['b'], { direction: 'up', revision: 'b', from: ['a'], to: ['b'] })).code).toBe('VersionTableMismatch');
  });
});

describe('DependsOnBranchTestOne', () => {
  const g = RevisionGraph.build([
    rev('a1', null, { labels: 'lib1' }), rev('b1', 'a1'), rev('c1', 'b1'), rev('a2'), rev('b2', 'a2'), rev('c2', 'b2', { deps: 'c1' }),
    rev('d1', 'c1'), rev('e1', 'd1'), rev('f1', 'e1'),
  ]);
  it('downgrades to a dependency by deleting the row', () => {
    expect(g.applyStep(['c2', 'd1'], { direction: 'down', revision: 'd1', from: ['d1'], to: ['c1'] }).heads).toEqual(['c2']);
  });
  it('stamps across a dependency', () => {
    const plan = g.planStamp(['e1', 'c2'], ['b1']);
    expect(plan.heads).toEqual(['b1']);
  });
});

describe('DependsOnBranchTestTwo', () => {
  const g = RevisionGraph.build([
    rev('a1'), rev('a2'), rev('a3'), rev('amerge', ['a1', 'a2', 'a3']), rev('b1'), rev('b2'), rev('bmerge', ['b1', 'b2']),
    rev('c1'), rev('c2'), rev('c3'), rev('cmerge', ['c1', 'c2', 'c3']), rev('d1', null, { deps: ['a3', 'b2', 'c1'] }),
  ]);
  it('unmerges, drops a dependent base and winds everything down (kaboom)', () => {
    // b2 is not a head afterwards, but d1 is, which implies b2
    assertDowngrade(g, 'b2', ['amerge', 'bmerge', 'cmerge', 'd1'], down('bmerge'), ['amerge', 'b1', 'cmerge', 'd1']);
    // b2 has to be inserted, because it was implied by d1
    assertDowngrade(g, 'd1@base', ['amerge', 'd1', 'b1', 'cmerge'], down('d1'), ['amerge', 'b1', 'b2', 'cmerge']);
    assertDowngrade(g, 'base', ['amerge', 'b1', 'b2', 'cmerge'],
      down('amerge', 'a1', 'b1', 'b2', 'cmerge', 'c1', 'a2', 'a3', 'c2', 'c3'), []);
  });
});

describe('DependsOnBranchTestThree, Four, Five and own down revision', () => {
  it('removes half of a criss-crossed merge', () => {
    const g = RevisionGraph.build([rev('a1'), rev('a2', 'a1'), rev('b1'), rev('b2', 'b1', { deps: 'a2' }), rev('b3', 'b2'), rev('a3', 'a2', { deps: 'b1' })]);
    assertDowngrade(g, 'b1', ['a3', 'b2'], down('b2'), ['a3']);
  });
  it('traverses a revision that depends on its own parent', () => {
    const g = RevisionGraph.build([rev('a1'), rev('a2', 'a1', { deps: 'a1' })]);
    assertUpgrade(g, 'a2', null, up('a1', 'a2'), ['a2']);
    assertDowngrade(g, 'a1', 'a2', down('a2'), ['a1']);
  });
  it('normalises dependencies already implied', () => {
    const g = RevisionGraph.build([
      rev('a1'), rev('a2', 'a1'), rev('a3', 'a2'), rev('b1'), rev('b2', 'b1', { deps: 'a3' }), rev('b3', 'b2'), rev('b4', 'b3', { deps: 'a3' }),
    ]);
    // a3 is not a head afterwards: b3 still implies it
    assertDowngrade(g, 'b3', ['b4'], down('b4'), ['b3']);
  });
  it('merges a revision with its own dependency and back', () => {
    const g = RevisionGraph.build([rev('a1'), rev('b1', null, { deps: 'a1' }), rev('bmerge', ['a1', 'b1'])]);
    assertUpgrade(g, 'b1', 'a1', up('b1'), ['b1']);
    assertUpgrade(g, 'bmerge', 'b1', up('bmerge'), ['bmerge']);
    assertDowngrade(g, 'a1', 'bmerge', down('bmerge'), ['b1']);
    assertDowngrade(g, 'b1', 'bmerge', down('bmerge'), ['b1']);
  });
});

describe('DependsOnBranchLabelTest', () => {
  it('upgrades through a dependency named by branch label', () => {
    const g = RevisionGraph.build([
      rev('a1', null, { labels: 'lib1' }), rev('b1', 'a1'), rev('c1', 'b1', { labels: 'c1lib' }), rev('a2'), rev('b2', 'a2'),
      rev('c2', 'b2', { deps: 'c1lib' }), rev('d1', 'c1'), rev('e1', 'd1'), rev('f1', 'e1'),
    ]);
    assertUpgrade(g, 'c2', 'a2', up('a1', 'b1', 'c1', 'b2', 'c2'), ['c2']);
  });
});

describe('ForestTest', () => {
  const g = RevisionGraph.build([rev('a1'), rev('b1', 'a1'), rev('a2'), rev('b2', 'a2')]);
  it('upgrades base to heads, one tree after the other', () => {
    assertUpgrade(g, 'heads', [], up('a2', 'b2', 'a1', 'b1'), ['b1', 'b2']);
  });
  it('stamps heads as new branches, and not at all when already there', () => {
    const plan = g.planStamp([], ['heads']);
    expect(plan.steps.map((s) => s.to)).toEqual([['b1'], ['b2']]);
    expect(plan.changes).toEqual([{ kind: 'insert', version: 'b1' }, { kind: 'insert', version: 'b2' }]);
    expect(g.planStamp(['b1', 'b2'], ['heads']).steps).toEqual([]);
  });
});

describe('MergedPathTest', () => {
  const g = RevisionGraph.build([
    rev('a'), rev('b', 'a'), rev('c1', 'b'), rev('d1', 'c1'), rev('c2', 'b', { labels: 'c2branch' }), rev('d2', 'c2'), rev('e', ['d1', 'd2']), rev('f', 'e'),
  ]);
  const stamp = (current: string[], target: string) => g.planStamp(current, [target]);

  it('stamps down across a merge point', () => {
    expect(stamp(['e'], 'c2').changes).toEqual([{ kind: 'update', from: 'e', to: 'c2' }]);
    expect(stamp(['e'], 'a').changes).toEqual([{ kind: 'update', from: 'e', to: 'a' }]);
  });

  it('stamps up across a merge point', () => {
    expect(stamp(['c2'], 'e').changes).toEqual([{ kind: 'update', from: 'c2', to: 'e' }]);
    expect(stamp(['d1', 'c2'], 'c2branch@head').changes).toEqual([{ kind: 'delete', version: 'd1' }, { kind: 'update', from: 'c2', to: 'f' }]);
    expect(stamp(['d1', 'c2'], 'e').changes).toEqual([{ kind: 'delete', version: 'd1' }, { kind: 'update', from: 'c2', to: 'e' }]);
    expect(stamp(['b'], 'e').changes).toEqual([{ kind: 'update', from: 'b', to: 'e' }]);
  });

  it('upgrades and downgrades across a merge point', () => {
    assertUpgrade(g, 'f', 'b', up('c2', 'd2', 'c1', 'd1', 'e', 'f'), ['f']);
    assertDowngrade(g, 'b', 'f', down('f', 'e', 'd1', 'c1', 'd2', 'c2'), ['b']);
  });

  it('inserts a row for a new branch and merges rows at the merge point', () => {
    const changes = g.planUpgrade(['b'], 'f').map((step, i, all) => {
      let current = ['b'];
      for (const s of all.slice(0, i)) current = g.applyStep(current, s).heads;
      return g.applyStep(current, step).changes;
    });
    expect(changes).toEqual([
      [{ kind: 'update', from: 'b', to: 'c2' }],
      [{ kind: 'update', from: 'c2', to: 'd2' }],
      [{ kind: 'insert', version: 'c1' }],
      [{ kind: 'update', from: 'c1', to: 'd1' }],
      [{ kind: 'delete', version: 'd1' }, { kind: 'update', from: 'd2', to: 'e' }],
      [{ kind: 'update', from: 'e', to: 'f' }],
    ]);
  });
});

describe('BranchedPathTestCrossDependencies', () => {
  const g = RevisionGraph.build([
    rev('a'), rev('b', 'a'), rev('c1', 'b', { labels: 'c1branch' }), rev('d1', 'c1'), rev('c2', 'b', { labels: 'c2branch' }), rev('d2', 'c2', { deps: 'c1' }),
  ]);
  it('downgrades the dependent branch alone', () => {
    assertDowngrade(g, 'c2branch@b', ['d1', 'd2'], down('d2', 'c2'), ['d1']);
  });
  it('downgrades a depended-on branch together with its dependents', () => {
    const steps = g.planDowngrade(['d1', 'd2'], 'c1branch@b');
    const ids = steps.map((s) => s.revision);
    expect([...ids].sort()).toEqual(['c1', 'd1', 'd2']);
    expect(ids.indexOf('d1')).toBeLessThan(ids.indexOf('c1'));
    expect(ids.indexOf('d2')).toBeLessThan(ids.indexOf('c1'));
    expect(run(g, ['d1', 'd2'], steps)).toEqual(['c2']);
  });
});
