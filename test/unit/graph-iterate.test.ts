/**
 * Alembic's tests/test_revision.py, ported: the same maps, the same iterate_revisions calls, the
 * same expected revisions in the same order, and the same failures (as retort's error codes).
 */
import { describe, expect, it } from 'vitest';
import { RevisionGraph, type IterateOptions, type Ident } from '../../src/script/graph/index.js';
import type { RevisionHeader } from '../../src/script/revision.js';

/** Alembic's `Revision(id, down, dependencies=..., branch_labels=...)`. */
function rev(
  revision: string,
  down: string | readonly string[] | null = null,
  extra: { deps?: string | string[]; labels?: string | string[] } = {},
): RevisionHeader {
  const list = (v: string | readonly string[] | null | undefined): string[] =>
    v === null || v === undefined ? [] : typeof v === 'string' ? [v] : [...v];
  return {
    revision,
    downRevisions: list(down),
    dependsOn: list(extra.deps),
    branchLabels: list(extra.labels),
    message: `rev ${revision}`,
    path: `/migrations/${revision}.ts`,
  };
}

/** `_assert_iteration` with Alembic's defaults (inclusive=True, implicit_base=False). */
function iter(graph: RevisionGraph, upper: Ident, lower: Ident, options: IterateOptions = {}): string[] {
  return graph.iterate(upper, lower, { inclusive: true, ...options }).map((r) => r.revision);
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('APITest', () => {
  const abc = () => RevisionGraph.build([rev('a'), rev('b', 'a'), rev('c', 'b')]);
  const forked = () => RevisionGraph.build([rev('a'), rev('b', 'a'), rev('c1', 'b'), rev('c2', 'b')]);

  it('heads and resolve head/base', () => {
    expect(abc().heads).toEqual(['c']);
    expect(forked().heads).toEqual(['c1', 'c2']);
    expect(abc().resolve('head').revision).toBe('c');
    expect(abc().resolveAll('base')).toEqual([]);
    expect(RevisionGraph.build([rev('a'), rev('b', 'a'), rev('c'), rev('d', 'c')]).resolveAll('base')).toEqual([]);
  });

  it('head and heads with two heads need a choice', () => {
    expect(code(() => forked().resolve('head'))).toBe('MultipleHeads');
    expect(code(() => forked().resolve('heads'))).toBe('MultipleHeads');
    expect(code(() => forked().resolveAll('head'))).toBe('MultipleHeads');
    expect(forked().resolveAll('heads').map((r) => r.revision)).toEqual(['c1', 'c2']);
  });

  it('tolerates duplicate targets', () => {
    expect(iter(abc(), ['c', 'c'], 'a', { inclusive: false })).toEqual(['c', 'b']);
  });
});

describe('DiamondTest / EmptyMapTest', () => {
  it('iterates a diamond', () => {
    const g = RevisionGraph.build([rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('c', ['b1', 'b2']), rev('d', 'c')]);
    expect(iter(g, 'd', 'a')).toEqual(['d', 'c', 'b1', 'b2', 'a']);
  });
  it('iterates an empty map', () => {
    expect(iter(RevisionGraph.build([]), 'head', 'base')).toEqual([]);
  });
});

describe('LabeledBranchTest', () => {
  const g = RevisionGraph.build([
    rev('a', null, { labels: 'abranch' }),
    rev('b', 'a'),
    rev('somelongername', 'b'),
    rev('c', 'somelongername'),
    rev('d'),
    rev('e', 'd', { labels: ['ebranch'] }),
    rev('someothername', 'e'),
    rev('f', 'someothername'),
  ]);

  it('refuses a duplicate branch label', () => {
    const build = () =>
      RevisionGraph.build([
        rev('a'), rev('b', 'a'), rev('c', 'b', { labels: 'xy1' }), rev('d'), rev('e', 'd', { labels: 'xy1' }), rev('f', 'e'),
      ]);
    expect(code(build)).toBe('DuplicateBranchLabel');
    expect(() => build()).toThrow(/Branch label 'xy1' in revision e is already used by revision c/);
  });

  it('filters for lineage across a merge and for heads', () => {
    const m = RevisionGraph.build([rev('a'), rev('b', 'a'), rev('c1', 'b', { labels: 'c1branch' }), rev('c2', 'b'), rev('d', ['c1', 'c2'])]);
    expect(m.filterForLineage(['c1', 'c2', 'd'], 'c1branch@head')).toEqual(['c1', 'c2', 'd']);
    expect(g.filterForLineage(['f'], 'heads')).toEqual(['f']);
  });

  it('resolves LABEL@head, LABEL@heads, LABEL@base, LABEL@REV, labels and short ids', () => {
    expect(g.resolve('ebranch@head').revision).toBe('f');
    expect(g.resolve('abranch@head').revision).toBe('c');
    expect(g.resolve('abranch@heads').revision).toBe('c');
    expect(g.resolveAll('abranch@base')).toEqual([]);
    expect(g.resolve('ebranch@d').revision).toBe('d');
    expect(g.resolve('ebranch@ebranch').revision).toBe('e');
    expect(g.resolve('abranch').revision).toBe('a');
    expect(g.resolve('ebranch').revision).toBe('e');
    expect(g.resolve('e').revision).toBe('e');
    expect(g.resolve('e@d').revision).toBe('d');
    expect(g.resolve('someoth@d').revision).toBe('d');
  });

  it('resolves partial ids within a branch', () => {
    expect(g.resolve('ebranch@some').revision).toBe('someothername');
    expect(g.resolve('abranch@some').revision).toBe('somelongername');
    expect(code(() => g.resolve('some'))).toBe('AmbiguousRevision');
  });

  it('reports unknown revisions, short prefixes, unknown branches and revisions off the branch', () => {
    expect(() => g.resolve('ebranch@sos')).toThrow(/No such revision or branch 'sos'; partial revision ids need at least four characters/);
    expect(() => g.resolve('abranch@qprstuv')).toThrow(/^No such revision or branch 'qprstuv'\.$/);
    expect(code(() => g.resolve('abranch@qpr'))).toBe('UnknownRevision');
    expect(() => g.resolve('x@d')).toThrow(/No such branch 'x'/);
    expect(() => g.resolve('ebranch@b')).toThrow("Revision b is not a member of branch 'ebranch'");
    expect(code(() => g.resolve('abranch@d'))).toBe('RevisionNotOnBranch');
  });

  it('base revisions of a lineage', () => {
    expect(g.filterForLineage(g.bases, 'somelongername@base')).toEqual(['a']);
    expect(g.filterForLineage(g.bases, 'base')).toEqual(['a', 'd']);
  });

  it('iterates between named heads, bases and revisions', () => {
    expect(iter(g, 'heads', 'ebranch@base')).toEqual(['f', 'someothername', 'e', 'd']);
    expect(iter(g, 'heads', 'abranch@base')).toEqual(['c', 'somelongername', 'b', 'a']);
    expect(iter(g, 'ebranch@head', 'base')).toEqual(['f', 'someothername', 'e', 'd']);
    expect(iter(g, 'abranch@head', 'base')).toEqual(['c', 'somelongername', 'b', 'a']);
    expect(iter(g, 'heads', 'ebranch@head')).toEqual(['f']);
    expect(iter(g, 'heads', 'ebranch@d')).toEqual(['f', 'someothername', 'e', 'd']);
    expect(iter(g, 'heads', 'e@base')).toEqual(['f', 'someothername', 'e', 'd']);
    expect(iter(g, 'heads', 'c@base')).toEqual(['c', 'somelongername', 'b', 'a']);
  });

  it('iterates with relative steps on a branch', () => {
    expect(iter(g, 'heads', 'ebranch@-2')).toEqual(['f', 'someothername', 'e']);
    expect(iter(g, 'ebranch@+2', 'base')).toEqual(['e', 'd']);
  });
});

describe('LongShortBranchTest', () => {
  it('iterates everything', () => {
    const g = RevisionGraph.build([rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('c1', 'b1'), rev('d11', 'c1'), rev('d12', 'c1')]);
    expect(iter(g, 'heads', 'base')).toEqual(['b2', 'd11', 'd12', 'c1', 'b1', 'a']);
  });
});

describe('MultipleBranchTest', () => {
  const g = RevisionGraph.build([
    rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('cb1', 'b1'), rev('cb2', 'b2'),
    rev('d1cb1', 'cb1'), rev('d2cb1', 'cb1'), rev('d1cb2', 'cb2'), rev('d2cb2', 'cb2'), rev('d3cb2', 'cb2'),
    rev('d1d2cb2', ['d1cb2', 'd2cb2']),
  ]);

  it('iterates from merge points, several heads and to base', () => {
    expect(iter(g, 'd1d2cb2', 'a')).toEqual(['d1d2cb2', 'd1cb2', 'd2cb2', 'cb2', 'b2', 'a']);
    expect(iter(g, ['d2cb2', 'd3cb2'], 'a')).toEqual(['d2cb2', 'd3cb2', 'cb2', 'b2', 'a']);
    expect(iter(g, 'd3cb2', 'a')).toEqual(['d3cb2', 'cb2', 'b2', 'a']);
    expect(iter(g, 'd3cb2', 'base')).toEqual(['d3cb2', 'cb2', 'b2', 'a']);
    expect(iter(g, ['d3cb2', 'cb1'], 'base')).toEqual(['cb1', 'b1', 'd3cb2', 'cb2', 'b2', 'a']);
    // d1cb1 is omitted: it does not descend from b2
    expect(iter(g, ['d1cb1', 'd2cb2', 'd3cb2'], 'b2')).toEqual(['d2cb2', 'd3cb2', 'cb2', 'b2']);
  });

  it('refuses a range that is not ancestor to descendant', () => {
    expect(code(() => iter(g, 'b1', 'd1cb1'))).toBe('RangeNotAncestor');
    expect(code(() => iter(g, 'd2cb2', 'b1'))).toBe('RangeNotAncestor');
    expect(code(() => iter(g, null, 'd1cb1'))).toBe('RangeNotAncestor');
    expect(code(() => iter(g, [], 'd1cb1'))).toBe('RangeNotAncestor');
  });
});

describe('MultipleBranchEffectiveHead', () => {
  const g = RevisionGraph.build([
    rev('y1', null, { labels: 'y' }),
    rev('x1', null, { labels: 'x' }),
    rev('y2', 'y1', { deps: 'x1' }),
    rev('x2', 'x1'),
  ]);
  const down = { inclusive: false, selectForDowngrade: true };
  it('downgrades x@-1 from the effective heads', () => {
    expect(iter(g, ['x2', 'y2'], 'x@-1', down)).toEqual(['x2']);
    expect(iter(g, ['x1', 'y2'], 'x@-1', down)).toEqual(['y2', 'x1']);
    expect(iter(g, 'y2', 'x@-1', down)).toEqual(['y2', 'x1']);
  });
});

describe('BranchTravellingTest', () => {
  const g = RevisionGraph.build([
    rev('a1'), rev('a2', 'a1'), rev('a3', 'a2'), rev('b1', 'a3'), rev('b2', 'a3'), rev('cb1', 'b1'), rev('cb2', 'b2'),
    rev('db1', 'cb1'), rev('db2', 'cb2'), rev('e1b1', 'db1'), rev('fe1b1', 'e1b1'), rev('e2b1', 'db1'), rev('e2b2', 'db2'),
    rev('merge', ['e2b1', 'e2b2']),
  ]);

  it('fills in every branch of a merge with implicit base', () => {
    expect(iter(g, 'merge', 'db1', { implicitBase: true })).toEqual(['merge', 'e2b1', 'db1', 'e2b2', 'db2', 'cb2', 'b2']);
  });

  it('walks branches depth first and ends them at their branch point', () => {
    expect(iter(g, ['merge', 'fe1b1'], 'a3')).toEqual(
      ['fe1b1', 'e1b1', 'merge', 'e2b1', 'db1', 'cb1', 'b1', 'e2b2', 'db2', 'cb2', 'b2', 'a3'],
    );
    expect(iter(g, 'merge', 'a1')).toEqual(['merge', 'e2b1', 'db1', 'cb1', 'b1', 'e2b2', 'db2', 'cb2', 'b2', 'a3', 'a2', 'a1']);
    expect(iter(g, 'merge', 'b1')).toEqual(['merge', 'e2b1', 'db1', 'cb1', 'b1']);
    expect(iter(g, 'merge', 'a2')).toEqual(['merge', 'e2b1', 'db1', 'cb1', 'b1', 'e2b2', 'db2', 'cb2', 'b2', 'a3', 'a2']);
    expect(iter(g, ['merge', 'fe1b1'], 'a1')).toEqual(
      ['fe1b1', 'e1b1', 'merge', 'e2b1', 'db1', 'cb1', 'b1', 'e2b2', 'db2', 'cb2', 'b2', 'a3', 'a2', 'a1'],
    );
  });

  it('ends at several bases, inclusive or not', () => {
    expect(iter(g, ['merge', 'fe1b1'], ['cb1', 'cb2'])).toEqual(['fe1b1', 'e1b1', 'merge', 'e2b1', 'db1', 'cb1', 'e2b2', 'db2', 'cb2']);
    expect(iter(g, ['merge', 'fe1b1'], ['cb1', 'cb2'], { inclusive: false })).toEqual(
      ['fe1b1', 'e1b1', 'merge', 'e2b1', 'db1', 'e2b2', 'db2'],
    );
    expect(iter(g, ['e2b1', 'b2', 'fe1b1'], [], { inclusive: false })).toEqual(
      ['b2', 'fe1b1', 'e1b1', 'e2b1', 'db1', 'cb1', 'b1', 'a3', 'a2', 'a1'],
    );
    expect(iter(g, ['fe1b1'], 'base', { inclusive: false })).toEqual(['fe1b1', 'e1b1', 'db1', 'cb1', 'b1', 'a3', 'a2', 'a1']);
  });

  it('refuses targets that overlap', () => {
    expect(() => iter(g, ['db1', 'b2', 'fe1b1'], [])).toThrow(/Requested revision fe1b1 overlaps with other requested revisions db1/);
  });
});

describe('MultipleBaseTest', () => {
  const g = RevisionGraph.build([
    rev('base1'), rev('base2'), rev('base3'), rev('a1a', 'base1'), rev('a1b', 'base1'), rev('a2', 'base2'), rev('a3', 'base3'),
    rev('b1a', 'a1a'), rev('b1b', 'a1b'), rev('b2', 'a2'), rev('b3', 'a3'), rev('c2', 'b2'), rev('d2', 'c2'), rev('mergeb3d2', ['b3', 'd2']),
  ]);
  const all = ['b1a', 'a1a', 'b1b', 'a1b', 'base1', 'mergeb3d2', 'b3', 'a3', 'base3', 'd2', 'c2', 'b2', 'a2', 'base2'];

  it('iterates heads to base', () => {
    expect(iter(g, 'heads', 'base')).toEqual(all);
    expect(iter(g, 'heads', 'base', { inclusive: false })).toEqual(all);
    expect(iter(g, 'heads', null)).toEqual(all);
  });

  it('refuses overlapping lower revisions', () => {
    expect(code(() => iter(g, ['c2'], ['a2', 'b2']))).toBe('OverlappingTargets');
  });

  it('iterates to revisions, with and without implicit base', () => {
    expect(iter(g, 'heads', ['c2'], { inclusive: false, implicitBase: true })).toEqual(
      ['b1a', 'a1a', 'b1b', 'a1b', 'base1', 'mergeb3d2', 'b3', 'a3', 'base3', 'd2'],
    );
    expect(iter(g, 'heads', ['c2'], { inclusive: false })).toEqual(['mergeb3d2', 'd2']);
    expect(iter(g, 'heads', ['c2'], { implicitBase: true })).toEqual(
      ['b1a', 'a1a', 'b1b', 'a1b', 'base1', 'mergeb3d2', 'b3', 'a3', 'base3', 'd2', 'c2'],
    );
    expect(iter(g, 'b3', 'base3')).toEqual(['b3', 'a3', 'base3']);
    expect(iter(g, ['b3', 'b2'], 'base3', { inclusive: false, implicitBase: true })).toEqual(['b2', 'a2', 'base2', 'b3', 'a3']);
  });
});

describe('MultipleBaseCrossDependencyTestOne', () => {
  const g = RevisionGraph.build([
    rev('base1', null, { labels: 'b_1' }), rev('a1a', 'base1'), rev('a1b', 'base1'), rev('b1a', 'a1a'), rev('b1b', 'a1b', { deps: 'a3' }),
    rev('base2', null, { labels: 'b_2' }), rev('a2', 'base2'), rev('b2', 'a2'), rev('c2', 'b2', { deps: 'a3' }), rev('d2', 'c2'),
    rev('base3', null, { labels: 'b_3' }), rev('a3', 'base3'), rev('b3', 'a3'),
  ]);
  const down = { selectForDowngrade: true };
  const all = ['b1a', 'a1a', 'b1b', 'a1b', 'base1', 'd2', 'c2', 'b2', 'a2', 'base2', 'b3', 'a3', 'base3'];

  it('has the heads of Alembic', () => {
    expect(g.heads).toEqual(['b1a', 'b1b', 'd2', 'b3']);
  });

  it('iterates all, up and down', () => {
    expect(iter(g, 'heads', 'base')).toEqual(all);
    expect(iter(g, 'heads', 'base', down)).toEqual(all);
  });

  it('refuses wrong directions', () => {
    expect(code(() => iter(g, 'b2', 'd2'))).toBe('RangeNotAncestor');
    expect(code(() => iter(g, 'b3', 'd2'))).toBe('RangeNotAncestor');
  });

  it('takes dependencies up, and only dependents down', () => {
    expect(iter(g, 'b_2@head', 'base')).toEqual(['d2', 'c2', 'b2', 'a2', 'base2', 'a3', 'base3']);
    expect(iter(g, 'b_2@head', 'b_2@base', down)).toEqual(['d2', 'c2', 'b2', 'a2', 'base2']);
    expect(iter(g, 'b_3@head', 'base')).toEqual(['b3', 'a3', 'base3']);
    expect(iter(g, 'b_3@head', 'base', down)).toEqual(['b3', 'a3', 'base3']);
    expect(iter(g, 'b1b@head', 'base')).toEqual(['b1b', 'a1b', 'base1', 'a3', 'base3']);
    expect(iter(g, 'b1b@head', 'b1b@base', down)).toEqual(['b1b', 'a1b', 'base1']);
    expect(iter(g, 'heads', 'b_2@base')).toEqual(['d2', 'c2', 'b2', 'a2', 'base2', 'a3', 'base3']);
    expect(iter(g, 'heads', 'b_2@base', down)).toEqual(['d2', 'c2', 'b2', 'a2', 'base2']);
    expect(iter(g, 'heads', 'b_3@base')).toEqual(['b3', 'a3', 'base3']);
    expect(iter(g, 'heads', 'b_3@base', down)).toEqual(['b1b', 'd2', 'c2', 'b3', 'a3', 'base3']);
  });
});

describe('MultipleBaseCrossDependencyTestTwo', () => {
  const g = RevisionGraph.build([
    rev('base1', null, { labels: 'b_1' }), rev('a1', 'base1'), rev('b1', 'a1'), rev('c1', 'b1'),
    rev('base2', null, { deps: 'b_1', labels: 'b_2' }), rev('a2', 'base2'), rev('b2', 'a2'), rev('c2', 'b2'), rev('d2', 'c2'),
    rev('base3', null, { labels: 'b_3' }), rev('a3', 'base3'), rev('b3', 'a3'), rev('c3', 'b3', { deps: 'b2' }), rev('d3', 'c3'),
  ]);

  it('resolves dependencies named by branch label', () => {
    expect(g.heads).toEqual(['c1', 'd2', 'd3']);
    expect(iter(g, 'heads', 'base')).toEqual(['c1', 'b1', 'a1', 'd2', 'c2', 'd3', 'c3', 'b3', 'a3', 'base3', 'b2', 'a2', 'base2', 'base1']);
    expect(iter(g, 'b_2@head', 'base')).toEqual(['d2', 'c2', 'b2', 'a2', 'base2', 'base1']);
    expect(iter(g, 'b_3@head', 'base')).toEqual(['d3', 'c3', 'b3', 'a3', 'base3', 'b2', 'a2', 'base2', 'base1']);
    expect(iter(g, 'b_1@head', 'base')).toEqual(['c1', 'b1', 'a1', 'base1']);
    expect(iter(g, 'heads', 'b_1@base')).toEqual(['c1', 'b1', 'a1', 'base1']);
    expect(iter(g, 'heads', 'b_2@base')).toEqual(['d2', 'c2', 'b2', 'a2', 'base2', 'base1']);
    expect(iter(g, 'heads', 'b_3@base')).toEqual(['d3', 'c3', 'b3', 'a3', 'base3', 'b2', 'a2', 'base2', 'base1']);
  });
});

describe('MultipleBaseCrossDependencyTestThree', () => {
  it('traverses a base that has no parent but a dependency', () => {
    const g = RevisionGraph.build([rev('base1'), rev('a1', 'base1'), rev('b1', 'a1'), rev('c2', null, { deps: 'a1' }), rev('c3', 'c2')]);
    expect(iter(g, 'heads', 'base')).toEqual(['b1', 'c3', 'c2', 'a1', 'base1']);
  });
});

describe('GraphWithLoopTest', () => {
  it('iterates revisions whose ids overlap as substrings', () => {
    expect(iter(RevisionGraph.build([rev('user_foo'), rev('user', 'user_foo', { deps: 'user_foo' })]), 'heads', null)).toEqual(['user', 'user_foo']);
    expect(iter(RevisionGraph.build([rev('user_foo'), rev('user', 'user_foo')]), 'heads', null)).toEqual(['user', 'user_foo']);
    expect(iter(RevisionGraph.build([rev('user_foo'), rev('user', null, { deps: 'user_foo' })]), 'heads', null)).toEqual(['user', 'user_foo']);
  });

  const loops: [string, RevisionHeader[], string, string][] = [
    ['solitary loop', [rev('a', 'a')], 'a', 'self-loop'],
    ['base loop', [rev('a', 'a'), rev('b', 'a'), rev('c', 'b')], 'a', 'self-loop'],
    ['head loop', [rev('a'), rev('b', 'a'), rev('c', ['b', 'c'])], 'c', 'self-loop'],
    ['branch point loop', [rev('a'), rev('b', ['a', 'b']), rev('c1', 'b'), rev('c2', 'b')], 'b', 'self-loop'],
    ['merge point loop', [rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('c', ['b1', 'b2', 'c'])], 'c', 'self-loop'],
    ['solitary dependency loop', [rev('a', null, { deps: 'a' })], 'a', 'dependency self-loop'],
    ['base dependency loop', [rev('a', null, { deps: 'a' }), rev('b', 'a'), rev('c', 'b')], 'a', 'dependency self-loop'],
    ['head dependency loop', [rev('a'), rev('b', 'a'), rev('c', 'b', { deps: 'c' })], 'c', 'dependency self-loop'],
    ['branch point dependency loop', [rev('a'), rev('b', 'a', { deps: 'b' }), rev('c1', 'b'), rev('c2', 'b')], 'b', 'dependency self-loop'],
    ['merge point dependency loop', [rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('c', ['b1', 'b2'], { deps: 'c' })], 'c', 'dependency self-loop'],
  ];
  for (const [name, headers, revision, kind] of loops) {
    it(`detects a ${name}`, () => {
      try {
        RevisionGraph.build(headers);
        expect.unreachable();
      } catch (err) {
        expect(err).toMatchObject({ code: 'CycleDetected', fields: { revisions: [revision], kind } });
      }
    });
  }
});

describe('GraphWithCycleTest', () => {
  const cycles: [string, RevisionHeader[], string[], string][] = [
    ['simple cycle', [rev('a', 'c'), rev('b', 'a'), rev('c', 'b')], ['a', 'b', 'c'], 'cycle'],
    ['simple cycle beside a good branch', [rev('a', 'c'), rev('b', 'a'), rev('c', 'b'), rev('d'), rev('e', 'd')], ['a', 'b', 'c'], 'cycle'],
    ['lower cycle', [rev('a', 'c'), rev('b', 'a'), rev('c', 'b'), rev('d', 'c'), rev('e', 'd')], ['a', 'b', 'c', 'd', 'e'], 'cycle'],
    ['upper cycle', [rev('a'), rev('b', 'a'), rev('c', ['b', 'e']), rev('d', 'c'), rev('e', 'd')], ['a', 'b', 'c', 'd', 'e'], 'cycle'],
    ['dependency cycle', [rev('a', null, { deps: 'c' }), rev('b', 'a'), rev('c', 'b')], ['a', 'b', 'c'], 'dependency cycle'],
    ['dependency cycle beside a good branch', [rev('a', null, { deps: 'c' }), rev('b', 'a'), rev('c', 'b'), rev('d'), rev('e', 'd')], ['a', 'b', 'c'], 'dependency cycle'],
    ['lower dependency cycle', [rev('a', null, { deps: 'c' }), rev('b', 'a'), rev('c', 'b'), rev('d', 'c'), rev('e', 'd')], ['a', 'b', 'c', 'd', 'e'], 'dependency cycle'],
    ['upper dependency cycle', [rev('a'), rev('b', 'a'), rev('c', 'b', { deps: 'e' }), rev('d', 'c'), rev('e', 'd')], ['a', 'b', 'c', 'd', 'e'], 'dependency cycle'],
  ];
  for (const [name, headers, revisions, kind] of cycles) {
    it(`detects a ${name}`, () => {
      try {
        RevisionGraph.build(headers);
        expect.unreachable();
      } catch (err) {
        expect(err).toMatchObject({ code: 'CycleDetected', fields: { revisions, kind } });
        expect((err as { fields: { paths: string[] } }).fields.paths).toEqual(revisions.map((r) => `/migrations/${r}.ts`));
      }
    });
  }
});

describe('NormalizedDownRevTest', () => {
  const g = RevisionGraph.build([
    rev('a1'), rev('a2', 'a1'), rev('a3', 'a2'), rev('b1'), rev('b2', 'b1', { deps: 'a3' }), rev('b3', 'b2'),
    rev('b4', 'b3', { deps: 'a3' }), rev('b5', 'b4', { deps: 'b4' }),
  ]);
  const down = { selectForDowngrade: true };

  it('traverses with normalised dependencies', () => {
    expect(iter(g, 'b4', 'b1@base', down)).toEqual(['b4', 'b3', 'b2', 'b1']);
    expect(iter(g, 'heads', 'base', down)).toEqual(['b5', 'b4', 'b3', 'b2', 'b1', 'a3', 'a2', 'a1']);
    expect(iter(g, 'heads', 'a2', down)).toEqual(['b5', 'b4', 'b3', 'b2', 'a3', 'a2']);
    expect(iter(g, 'heads', 'a2', { ...down, implicitBase: true })).toEqual(['b5', 'b4', 'b3', 'b2', 'b1', 'a3', 'a2']);
    expect(iter(g, 'b5', ['b1'], { implicitBase: true })).toEqual(['b5', 'b4', 'b3', 'b2', 'b1', 'a3', 'a2', 'a1']);
  });

  it('keeps the order with dependencies on several lines', () => {
    const m = RevisionGraph.build([
      rev('c1'), rev('a1'), rev('a2', 'a1', { deps: 'c1' }), rev('a3', 'a2', { deps: 'c1' }), rev('b1'),
      rev('b2', 'b1', { deps: 'a3' }), rev('b3', 'b2'), rev('b4', 'b3', { deps: 'a3' }), rev('b5', 'b4'),
    ]);
    expect(iter(m, 'b5', ['b1'], { implicitBase: true })).toEqual(['b5', 'b4', 'b3', 'b2', 'b1', 'a3', 'a2', 'a1', 'c1']);
  });
});
