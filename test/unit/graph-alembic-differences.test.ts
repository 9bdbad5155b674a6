/**
 * The cases where a randomized comparison with Alembic 1.8 found retort wrong (issue 13), and the
 * ones where Alembic itself is wrong and retort does better. Each names what Alembic does.
 */
import { describe, expect, it } from 'vitest';
import { RevisionGraph, type MigrationStep } from '../../src/script/graph/index.js';
import type { RevisionHeader } from '../../src/script/revision.js';

function rev(revision: string, down: string | string[] | null = null, extra: { deps?: string[]; labels?: string[] } = {}): RevisionHeader {
  return {
    revision,
    downRevisions: down === null ? [] : typeof down === 'string' ? [down] : down,
    dependsOn: extra.deps ?? [],
    branchLabels: extra.labels ?? [],
    message: `rev ${revision}`,
    path: `/migrations/${revision}.ts`,
  };
}

function run(graph: RevisionGraph, heads: readonly string[], steps: readonly MigrationStep[]): string[] {
  let rows = [...heads];
  for (const step of steps) rows = graph.applyStep(rows, step).heads;
  return rows;
}

function failure(fn: () => unknown): { code?: string; message?: string; hint?: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string };
  }
  throw new Error('expected a failure');
}

describe('current lists the dependency heads a database stands on (Alembic: "effective head")', () => {
  // a | b depends_on a
  const g = RevisionGraph.build([rev('aaaa'), rev('bbbb', null, { deps: ['aaaa'] })]);

  it('after upgrade b the table holds b alone, and current shows b (head) and a (effective head)', () => {
    const rows = run(g, [], g.planUpgrade([], 'bbbb'));
    expect(rows).toEqual(['bbbb']);
    expect(g.currentRevisions(rows).map((r) => [r.revision, r.isEffectiveHead])).toEqual([['bbbb', false], ['aaaa', true]]);
    expect(g.get('aaaa')!.isHead).toBe(true);
  });

  it('a revision below a row is not listed', () => {
    const chain = RevisionGraph.build([rev('aaaa'), rev('bbbb', 'aaaa')]);
    expect(chain.currentRevisions(['bbbb']).map((r) => r.revision)).toEqual(['bbbb']);
  });
});

describe('downgrade -1 from several heads is refused (Alembic: the first row, with a warning)', () => {
  const g = RevisionGraph.build([rev('aaaa'), rev('bbbb', 'aaaa', { labels: ['left'] }), rev('cccc', 'aaaa', { labels: ['right'] })]);
  it('names the heads and how to choose', () => {
    expect(failure(() => g.planDowngrade(['bbbb', 'cccc'], '-1'))).toMatchObject({
      code: 'MultipleHeads',
      message: "'-1' is ambiguous: the database holds several heads (bbbb, cccc), and each would go down a different branch.",
      hint: expect.stringContaining('`retort downgrade bbbb-1`'),
    });
    expect(g.planDowngrade(['bbbb', 'cccc'], 'right@-1').map((s) => s.revision)).toEqual(['cccc']);
    expect(g.planDowngrade(['bbbb'], '-1').map((s) => s.revision)).toEqual(['bbbb']);
  });
});

describe('history ranges', () => {
  it('a:y across a dependency contains y, the end the user named (Alembic leaves it out)', () => {
    // y descends from x, which depends on a
    const g = RevisionGraph.build([rev('aaaa'), rev('x000'), rev('xxxx', 'x000', { deps: ['aaaa'] }), rev('yyyy', 'xxxx')]);
    expect(g.history('aaaa:yyyy').map((r) => r.revision)).toEqual(['yyyy', 'xxxx', 'aaaa']);
  });

  it('current: lists every revision the next upgrade heads runs, other branches too', () => {
    // two independent branches; the database holds only the first one's base
    const g = RevisionGraph.build([rev('a1a1'), rev('a2a2', 'a1a1'), rev('b1b1'), rev('b2b2', 'b1b1')]);
    const listed = g.history('current:', ['a1a1']).map((r) => r.revision);
    expect(listed.sort()).toEqual(['a1a1', 'a2a2', 'b1b1', 'b2b2']);
    expect(g.planUpgrade(['a1a1'], 'heads').map((s) => s.revision).sort()).toEqual(['a2a2', 'b1b1', 'b2b2']);
  });

  it('current:OLDER is no range', () => {
    const g = RevisionGraph.build([rev('a1a1'), rev('a2a2', 'a1a1')]);
    expect(failure(() => g.history('current:a1a1', ['a2a2'])).code).toBe('RangeNotAncestor');
  });
});

describe('stamp', () => {
  it('LABEL@-6 past base is refused, not an emptied table with exit 0', () => {
    const g = RevisionGraph.build([rev('aaaa', null, { labels: ['lib'] }), rev('bbbb', 'aaaa'), rev('cccc', 'bbbb')]);
    expect(failure(() => g.planStamp(['cccc'], ['lib@-6']))).toMatchObject({ code: 'RelativeOutOfRange' });
    expect(g.planStamp(['cccc'], ['lib@-2']).heads).toEqual(['aaaa']);
  });

  it('b c from {a, c}, b above a and c unrelated, keeps c (Alembic drops c\'s row: c would run again)', () => {
    const g = RevisionGraph.build([rev('aaaa'), rev('bbbb', 'aaaa'), rev('cccc')]);
    const plan = g.planStamp(['aaaa', 'cccc'], ['bbbb', 'cccc']);
    expect(plan.changes).toEqual([{ kind: 'update', from: 'aaaa', to: 'bbbb' }]);
    expect([...plan.heads].sort()).toEqual(['bbbb', 'cccc']);
    expect(g.planUpgrade(plan.heads, 'heads')).toEqual([]);
  });

  it('a b from the merge {c} gives {a, b} (Alembic: VersionTableMismatch, a database error for a valid request)', () => {
    const g = RevisionGraph.build([rev('aaaa'), rev('bbbb'), rev('cccc', ['aaaa', 'bbbb'])]);
    const plan = g.planStamp(['cccc'], ['aaaa', 'bbbb']);
    expect(plan.changes).toEqual([{ kind: 'update', from: 'cccc', to: 'aaaa' }, { kind: 'insert', version: 'bbbb' }]);
    expect([...plan.heads].sort()).toEqual(['aaaa', 'bbbb']);
    expect(g.planUpgrade(plan.heads, 'heads').map((s) => s.revision)).toEqual(['cccc']);
  });
});

describe('downgrading a merge of a revision and its own ancestor (found by the property tests)', () => {
  it('leaves one row, not the revision and its ancestor both (Alembic keeps both when another head exists)', () => {
    // m merges p and q where p is below q; z is an unrelated head
    const g = RevisionGraph.build([rev('pppp'), rev('qqqq', 'pppp'), rev('mmmm', ['pppp', 'qqqq']), rev('zzzz')]);
    const rows = run(g, ['mmmm', 'zzzz'], g.planDowngrade(['mmmm', 'zzzz'], 'qqqq'));
    expect([...rows].sort()).toEqual(['qqqq', 'zzzz']);
  });
});
