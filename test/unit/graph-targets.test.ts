/**
 * The revision graph's public surface beyond Alembic's own test files: the Revision shape,
 * build-time validation, every target form, history ranges, offline ranges, stamp, and hostile
 * target text (which must fail fast with a stable code, never hang).
 */
import { describe, expect, it } from 'vitest';
import { RevisionGraph } from '../../src/script/graph/index.js';
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
    message: `message of ${revision}`, path: `/migrations/${revision}.ts`,
  };
}

function failure(fn: () => unknown): { code?: string; message?: string; fields?: Record<string, unknown>; hint?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message?: string };
  }
  throw new Error('expected a failure');
}

const ids = (revs: readonly { revision: string }[]): string[] => revs.map((r) => r.revision);

// a1b2c3d4e5f6 -> 1f2a3b4c5d6e -> (branch) 9c8b7a6d5e4f [feature] and 2d3e4f5a6b7c -> merge 7e6d5c4b3a2f
const A = 'a1b2c3d4e5f6';
const B = '1f2a3b4c5d6e';
const F = '9c8b7a6d5e4f';
const C = '2d3e4f5a6b7c';
const M = '7e6d5c4b3a2f';
const graph = RevisionGraph.build([rev(A), rev(B, A), rev(F, B, { labels: 'feature' }), rev(C, B), rev(M, [F, C])]);

describe('the Revision shape', () => {
  it('marks heads, bases, branch points and merge points', () => {
    expect(graph.get(B)).toMatchObject({ isBranchPoint: true, isMergePoint: false, isHead: false, isBase: false, nextRevisions: [F, C] });
    expect(graph.get(M)).toMatchObject({ isMergePoint: true, isHead: true, downRevisions: [F, C], path: `/migrations/${M}.ts` });
    expect(graph.get(A)).toMatchObject({ isBase: true, message: `message of ${A}` });
    expect(graph.get(F)?.memberOfBranches).toEqual(['feature']);
    expect(graph.get('nope')).toBeUndefined();
  });

  it('lists revisions bases first, every one after its parents', () => {
    expect(ids(graph.revisions)).toEqual([A, B, C, F, M]);
    expect(graph.heads).toEqual([M]);
    expect(graph.bases).toEqual([A]);
  });
});

describe('build-time validation', () => {
  it('refuses a duplicate revision, naming both files', () => {
    expect(failure(() => RevisionGraph.build([rev('aaaa'), rev('aaaa')]))).toMatchObject({
      code: 'DuplicateRevision', fields: { revision: 'aaaa', paths: ['/migrations/aaaa.ts', '/migrations/aaaa.ts'] },
    });
  });

  it('refuses a missing parent or dependency, naming the file', () => {
    expect(failure(() => RevisionGraph.build([rev('aaaa'), rev('bbbb', 'zzzz')]))).toMatchObject({
      code: 'MissingParent', fields: { revision: 'bbbb', missing: 'zzzz', field: 'downRevision', path: '/migrations/bbbb.ts' },
    });
    expect(failure(() => RevisionGraph.build([rev('aaaa'), rev('bbbb', 'aaaa', { deps: 'nolabel' })]))).toMatchObject({
      code: 'MissingParent', fields: { missing: 'nolabel', field: 'dependsOn' },
    });
  });

  it('refuses a label that is a revision id, and ids with target syntax', () => {
    expect(failure(() => RevisionGraph.build([rev('aaaa'), rev('bbbb', 'aaaa', { labels: 'aaaa' })])).code).toBe('DuplicateBranchLabel');
    expect(failure(() => RevisionGraph.build([rev('aa-1')])).code).toBe('BadRevisionFile');
    expect(failure(() => RevisionGraph.build([rev('x@y')])).code).toBe('BadRevisionFile');
  });

  it('builds an empty graph', () => {
    const empty = RevisionGraph.build([]);
    expect(empty.heads).toEqual([]);
    expect(empty.history()).toEqual([]);
    expect(empty.planUpgrade([], 'head')).toEqual([]);
  });
});

describe('target forms', () => {
  it('resolves full ids, unique prefixes, labels, LABEL@head and REV@head', () => {
    expect(graph.resolve(B).revision).toBe(B);
    expect(graph.resolve('1f2a').revision).toBe(B);
    expect(graph.resolve('feature').revision).toBe(F);
    expect(graph.resolve('feature@head').revision).toBe(M);
    expect(graph.resolve(`${C}@head`).revision).toBe(M);
    expect(graph.resolve('head').revision).toBe(M);
  });

  it('lists the candidates of an ambiguous prefix', () => {
    const g = RevisionGraph.build([rev('abcd1111'), rev('abcd2222', 'abcd1111')]);
    expect(failure(() => g.resolve('abcd'))).toMatchObject({ code: 'AmbiguousRevision', fields: { argument: 'abcd', candidates: ['abcd1111', 'abcd2222'] } });
  });

  it('says how to choose among several heads', () => {
    const g = RevisionGraph.build([rev('aaaa'), rev('bbbb', 'aaaa'), rev('cccc', 'aaaa')]);
    const err = failure(() => g.planUpgrade([], 'head'));
    expect(err).toMatchObject({ code: 'MultipleHeads', fields: { heads: ['bbbb', 'cccc'] } });
    expect(err.hint).toMatch(/heads/);
    expect(ids(g.planUpgrade([], 'heads').map((s) => ({ revision: s.revision })))).toEqual(['aaaa', 'cccc', 'bbbb']);
  });

  it('plans upgrades by every form', () => {
    const plan = (current: string[], target: string) => graph.planUpgrade(current, target).map((s) => s.revision);
    expect(plan([], 'head')).toEqual([A, B, C, F, M]);
    expect(plan([], B)).toEqual([A, B]);
    expect(plan([], '1f2a')).toEqual([A, B]);
    expect(plan([A], '+1')).toEqual([B]);
    expect(plan([A], `${A}+1`)).toEqual([B]);
    expect(plan([A], `${B}+0`)).toEqual([B]);
    expect(plan([A], `${F}-1`)).toEqual([B]);
    // the head of the feature line is the merge that closes it
    expect(plan([B], 'feature@head')).toEqual([C, F, M]);
    expect(plan([B], 'feature@+1')).toEqual([F]);
    // the branch is not current: start from its tip below the current heads
    expect(plan([C], 'feature@+1')).toEqual([F]);
  });

  it('records the steps with their from and to', () => {
    const steps = graph.planUpgrade([F, C], 'head');
    expect(steps).toEqual([{ direction: 'up', revision: M, from: [F, C], to: [M] }]);
    expect(graph.planDowngrade([M], C)).toEqual([{ direction: 'down', revision: M, from: [M], to: [F, C] }]);
    // a walk down from a merge point has two ways to go
    expect(failure(() => graph.planDowngrade([M], '-1'))).toMatchObject({ code: 'AmbiguousRevision', fields: { candidates: [F, C] } });
  });

  it('refuses a walk that meets a branch point', () => {
    expect(failure(() => graph.planUpgrade([B], '+1'))).toMatchObject({ code: 'AmbiguousRevision', fields: { candidates: [F, C] } });
  });

  it('refuses a range outside offline mode', () => {
    expect(failure(() => graph.planUpgrade([], `${A}:${B}`)).code).toBe('RangeNotAllowed');
    expect(failure(() => graph.planDowngrade([M], `${M}:${A}`)).code).toBe('RangeNotAllowed');
  });

  it('has nothing to do when upgrading to a revision below the current heads (as Alembic)', () => {
    expect(graph.planUpgrade([M], A)).toEqual([]);
    expect(graph.planUpgrade([M], 'head')).toEqual([]);
  });

  it('resolves what the database holds by prefix too, and names what it cannot find', () => {
    expect(graph.planUpgrade(['1f2a'], C).map((s) => s.revision)).toEqual([C]);
    expect(failure(() => graph.planUpgrade(['deadbeef0000'], 'head'))).toMatchObject({ code: 'UnknownRevision', fields: { argument: 'deadbeef0000' } });
  });
});

describe('hostile target text', () => {
  const hostile: [string, string][] = [
    ['', 'BadTarget'],
    ['feature@', 'BadTarget'],
    ['ünïcødé', 'UnknownRevision'],
    ['../../etc/passwd', 'UnknownRevision'],
    ['@'.repeat(500), 'UnknownRevision'],
    ['x'.repeat(10_000), 'BadTarget'],
    ['-99999999999999999999999999', 'RelativeOutOfRange'],
    ['\u0000', 'UnknownRevision'],
    ['head:head:head', 'RangeNotAllowed'],
  ];
  for (const [text, code] of hostile) {
    it(`fails fast on ${JSON.stringify(text.slice(0, 20))}${text.length > 20 ? '...' : ''} with ${code}`, () => {
      const err = failure(() => graph.planUpgrade([M], text));
      expect(err.code).toBe(code);
      expect((err.message ?? '').length).toBeLessThan(300);
    });
  }

  it('walks huge relative steps only as far as the graph goes', () => {
    const chain = RevisionGraph.build([rev('aaaa'), rev('bbbb', 'aaaa'), rev('cccc', 'bbbb')]);
    expect(failure(() => chain.planUpgrade(['aaaa'], '+99999999999999999999999')).code).toBe('RelativeOutOfRange');
    expect(failure(() => chain.planDowngrade(['cccc'], '-99999999999999999999999')).code).toBe('RelativeOutOfRange');
    expect(chain.planDowngrade(['cccc'], '-3').map((s) => s.revision)).toEqual(['cccc', 'bbbb', 'aaaa']);
  });
});

describe('history ranges', () => {
  const chain = RevisionGraph.build([rev('aaaa1111'), rev('bbbb2222', 'aaaa1111'), rev('cccc3333', 'bbbb2222'), rev('dddd4444', 'cccc3333')]);

  it('lists newest first, over the whole graph or a range', () => {
    expect(ids(chain.history())).toEqual(['dddd4444', 'cccc3333', 'bbbb2222', 'aaaa1111']);
    expect(ids(chain.history('bbbb:'))).toEqual(['dddd4444', 'cccc3333', 'bbbb2222']);
    expect(ids(chain.history(':cccc'))).toEqual(['cccc3333', 'bbbb2222', 'aaaa1111']);
    expect(ids(chain.history('bbbb:cccc'))).toEqual(['cccc3333', 'bbbb2222']);
    expect(ids(chain.history('-1:'))).toEqual(['dddd4444', 'cccc3333']);
  });

  it('takes current from the database on either side', () => {
    expect(ids(chain.history('current:', ['cccc3333']))).toEqual(['dddd4444', 'cccc3333']);
    expect(ids(chain.history(':current', ['bbbb2222']))).toEqual(['bbbb2222', 'aaaa1111']);
    expect(failure(() => chain.history('current:')).code).toBe('BadTarget');
  });

  it('refuses ranges that are not ranges or go the wrong way', () => {
    expect(failure(() => chain.history('bbbb')).code).toBe('BadTarget');
    expect(failure(() => chain.history('a:b:c')).code).toBe('BadTarget');
    expect(failure(() => chain.history('cccc:bbbb'))).toMatchObject({
      code: 'RangeNotAncestor', message: 'Requested range cccc:bbbb does not refer to ancestor/descendant revisions along the same branch.',
    });
  });

  it('plans offline FROM:TO ranges', () => {
    const up = chain.planOffline('up', 'bbbb:dddd');
    expect(up.start).toEqual(['bbbb2222']);
    expect(up.steps.map((s) => s.revision)).toEqual(['cccc3333', 'dddd4444']);
    expect(chain.planOffline('up', ':').steps.map((s) => s.revision)).toEqual(['aaaa1111', 'bbbb2222', 'cccc3333', 'dddd4444']);
    expect(chain.planOffline('down', 'dddd:bbbb').steps.map((s) => s.revision)).toEqual(['dddd4444', 'cccc3333']);
    expect(chain.planOffline('down', 'dddd:').steps.map((s) => s.revision)).toEqual(['dddd4444', 'cccc3333', 'bbbb2222', 'aaaa1111']);
    expect(failure(() => chain.planOffline('down', 'dddd')).code).toBe('BadTarget');
  });
});

describe('stamp', () => {
  it('stamps by prefix, heads and base, from nothing or from a head', () => {
    const g = RevisionGraph.build([rev('aaaa1111'), rev('bbbb2222', 'aaaa1111'), rev('cccc3333', 'aaaa1111')]);
    expect(g.planStamp([], ['bbbb'])).toEqual({
      steps: [{ direction: 'up', from: [], to: ['bbbb2222'], branchMove: true }],
      changes: [{ kind: 'insert', version: 'bbbb2222' }],
      heads: ['bbbb2222'],
    });
    const toHeads = g.planStamp(['aaaa1111'], ['heads']);
    expect(toHeads.changes).toEqual([{ kind: 'update', from: 'aaaa1111', to: 'bbbb2222' }, { kind: 'insert', version: 'cccc3333' }]);
    expect(toHeads.heads).toEqual(['bbbb2222', 'cccc3333']);
    const toBase = g.planStamp(['bbbb2222', 'cccc3333'], ['base']);
    expect(toBase.changes).toEqual([{ kind: 'delete', version: 'bbbb2222' }, { kind: 'delete', version: 'cccc3333' }]);
    expect(toBase.heads).toEqual([]);
    expect(g.planStamp(['bbbb2222', 'cccc3333'], []).heads).toEqual([]);
  });

  it('stamps several revisions at once', () => {
    const g = RevisionGraph.build([rev('aaaa1111'), rev('bbbb2222', 'aaaa1111'), rev('cccc3333', 'aaaa1111')]);
    const plan = g.planStamp([], ['bbbb2222', 'cccc3333']);
    expect(plan.changes).toEqual([{ kind: 'insert', version: 'bbbb2222' }, { kind: 'insert', version: 'cccc3333' }]);
  });

  it('refuses an unknown stamp target', () => {
    const g = RevisionGraph.build([rev('aaaa1111')]);
    expect(failure(() => g.planStamp([], ['zzzz9999'])).code).toBe('UnknownRevision');
  });
});
