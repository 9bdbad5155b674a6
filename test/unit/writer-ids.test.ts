import { describe, expect, it } from 'vitest';
import {
  dateRevisionId,
  newRevisionId,
  randomRevisionId,
  sequentialRevisionId,
  validateRevisionId,
} from '../../src/script/ids.js';

describe('revision ids', () => {
  it('makes random ids of 12 hex digits, different each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, randomRevisionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/);
  });

  it.each([
    [[], '0001'],
    [['0001', '0002'], '0003'],
    [['0009', 'abc123', '0002'], '0010'],
    [['9999'], '10000'],
    [['00042'], '00043'],
    [['1f2a3b4c5d6e', '7'], '0008'],
    [['99999999999999999999'], '100000000000000000000'],
  ])('sequential after %j is %s', (existing, next) => {
    expect(sequentialRevisionId(existing)).toBe(next);
  });

  it('makes date ids in UTC', () => {
    expect(dateRevisionId(new Date('2026-11-23T14:05:01Z'))).toBe('20261123_140501');
    expect(dateRevisionId(new Date('2026-01-02T03:04:05.999Z'))).toBe('20260102_030405');
  });

  it('validates explicit ids', () => {
    expect(validateRevisionId('0001')).toBe('0001');
    expect(validateRevisionId('add_books')).toBe('add_books');
    for (const bad of ['', 'a b', 'a/b', '..', 'a-b', 'a@b', 'head', 'x'.repeat(65), "a'b", 'a\nb']) {
      expect(() => validateRevisionId(bad), bad).toThrow(expect.objectContaining({ code: 'BadArgument' }));
    }
  });

  it('picks the id by strategy and never reuses one', () => {
    expect(newRevisionId({ strategy: 'sequential', existing: ['0001'] })).toBe('0002');
    expect(newRevisionId({ strategy: 'date', now: new Date('2026-11-23T14:05:01Z') })).toBe('20261123_140501');
    expect(newRevisionId({})).toMatch(/^[0-9a-f]{12}$/);
    expect(newRevisionId({ explicit: 'mine', strategy: 'sequential' })).toBe('mine');
    expect(() => newRevisionId({ explicit: 'mine', existing: ['mine'] })).toThrow(
      expect.objectContaining({ code: 'DuplicateRevision' }),
    );
    expect(() => newRevisionId({ strategy: 'date', now: new Date('2026-11-23T14:05:01Z'), existing: ['20261123_140501'] })).toThrow(
      expect.objectContaining({ code: 'DuplicateRevision' }),
    );
  });
});
