/**
 * Alembic's tests/test_version_table.py UpdateRevTest, pure part: the HeadMaintainer fed stamp
 * steps directly, checking the rows the version table ends with and the statements that get
 * there. (The row-count checks of that file belong to the runtime, which runs the statements.)
 */
import { describe, expect, it } from 'vitest';
import { RevisionGraph, type StampStep, type VersionChange } from '../../src/script/graph/index.js';

const graph = RevisionGraph.build([]);

/** Alembic's `_up(from_, to_, branch_presence_changed)`. */
function up(from: string | string[] | null, to: string | string[] | null, branchMove = false): StampStep {
  return { direction: 'up', from: list(from), to: list(to), branchMove };
}

/** Alembic's `_down(from_, to_, branch_presence_changed)`. */
function down(from: string | string[] | null, to: string | string[] | null, branchMove = false): StampStep {
  return { direction: 'down', from: list(from), to: list(to), branchMove };
}

function list(v: string | string[] | null): string[] {
  return v === null ? [] : typeof v === 'string' ? [v] : v;
}

/** Feeds steps to the maintainer, returning the rows after each and every statement. */
function feed(steps: StampStep[], start: string[] = []): { rows: string[][]; changes: VersionChange[] } {
  let heads = start;
  const rows: string[][] = [];
  const changes: VersionChange[] = [];
  for (const step of steps) {
    const outcome = graph.applyStampStep(heads, step);
    heads = outcome.heads;
    rows.push([...heads].sort());
    changes.push(...outcome.changes);
  }
  return { rows, changes };
}

describe('UpdateRevTest', () => {
  it('none to single, single to single, single to none', () => {
    expect(feed([up(null, 'a', true)]).rows).toEqual([['a']]);
    expect(feed([up(null, 'a', true), up('a', 'b')]).rows.at(-1)).toEqual(['b']);
    const toNone = feed([up(null, 'a', true), down('a', null, true)]);
    expect(toNone.rows.at(-1)).toEqual([]);
    expect(toNone.changes).toEqual([{ kind: 'insert', version: 'a' }, { kind: 'delete', version: 'a' }]);
  });

  it('adds branches', () => {
    const { rows } = feed([up(null, 'a', true), up('a', 'b'), up(null, 'c', true), up('c', 'd'), up('d', 'e1'), up('d', 'e2', true)]);
    expect(rows[2]).toEqual(['b', 'c']);
    expect(rows.at(-1)).toEqual(['b', 'e1', 'e2']);
  });

  it('tears branches down', () => {
    const { rows, changes } = feed([up(null, 'd1', true), up(null, 'd2', true), down('d1', 'c'), down('d2', 'c', true), down('c', 'b')]);
    expect(rows).toEqual([['d1'], ['d1', 'd2'], ['c', 'd2'], ['c'], ['b']]);
    expect(changes.slice(2)).toEqual([
      { kind: 'update', from: 'd1', to: 'c' },
      { kind: 'delete', version: 'd2' },
      { kind: 'update', from: 'c', to: 'b' },
    ]);
  });

  it('resolves merges', () => {
    const { rows, changes } = feed([
      up(null, 'a', true), up('a', 'b'), up('b', 'c1'), up('b', 'c2', true), up('c1', 'd1'), up('c2', 'd2'), up(['d1', 'd2'], 'e'),
    ]);
    expect(rows[5]).toEqual(['d1', 'd2']);
    expect(rows.at(-1)).toEqual(['e']);
    expect(changes.slice(-2)).toEqual([{ kind: 'delete', version: 'd1' }, { kind: 'update', from: 'd2', to: 'e' }]);
  });

  it('unresolves merges', () => {
    const { rows, changes } = feed([up(null, 'e', true), down('e', ['d1', 'd2']), down('d2', 'c2')]);
    expect(rows).toEqual([['e'], ['d1', 'd2'], ['c2', 'd1']]);
    expect(changes.slice(1, 3)).toEqual([{ kind: 'insert', version: 'd1' }, { kind: 'update', from: 'e', to: 'd2' }]);
  });

  it('starts a branch when the row to move is not there, as Alembic does', () => {
    expect(feed([up('x', 'b')], ['a']).changes).toEqual([{ kind: 'insert', version: 'b' }]);
  });

  it('refuses to delete a row the table does not hold, or to create a duplicate', () => {
    expect(() => feed([up('a', 'b')], ['a', 'b'])).toThrow(expect.objectContaining({ code: 'VersionTableMismatch' }));
    expect(() => feed([down('x', null, true)], ['a'])).toThrow(expect.objectContaining({ code: 'VersionTableMismatch' }));
  });
});
