/**
 * The names PostgreSQL gives a partition's copies of its parent's indexes and keys
 * (`ChooseIndexName`), as ported in src/dialects/postgres/index-names.ts. The long-name figures
 * were read from PostgreSQL 15 (a partition named with 62 `p`s of a parent with
 * `PRIMARY KEY (id, at)` and `UNIQUE (ref, at)`).
 */
import { describe, expect, it } from 'vitest';
import { defaultIndexName, isDefaultIndexName } from '../../src/dialects/postgres/index-names.js';

const long = 'p'.repeat(62);

describe("PostgreSQL's names for a partition's indexes and keys", () => {
  it('labels a plain index idx, a unique key key, a primary key pkey (without its columns)', () => {
    expect(defaultIndexName('orders_2024', ['kind'])).toBe('orders_2024_kind_idx');
    expect(defaultIndexName('orders_2024', ['ref', 'at'], undefined, 'key')).toBe('orders_2024_ref_at_key');
    expect(defaultIndexName('orders_2024', ['id', 'at'], undefined, 'pkey')).toBe('orders_2024_pkey');
  });

  it('cuts a long table name to fit 63 bytes as the server does', () => {
    expect(defaultIndexName(long, ['id', 'at'], undefined, 'pkey')).toBe(`${'p'.repeat(58)}_pkey`);
    expect(defaultIndexName(long, ['ref', 'at'], undefined, 'key')).toBe(`${'p'.repeat(52)}_ref_at_key`);
  });

  it('cuts multibyte names at whole characters, counting bytes as the server does', () => {
    // Read from PostgreSQL 15: a partition named with 31 'é' (62 bytes) of a parent with
    // PRIMARY KEY (id, at), UNIQUE (ref, at) and an index on a column named with 20 '€' (60 bytes).
    const accented = 'é'.repeat(31);
    expect(defaultIndexName(accented, ['id', 'at'], undefined, 'pkey')).toBe(`${'é'.repeat(29)}_pkey`);
    expect(defaultIndexName(accented, ['ref', 'at'], undefined, 'key')).toBe(`${'é'.repeat(26)}_ref_at_key`);
    expect(defaultIndexName(accented, ['€'.repeat(20)])).toBe(`${'é'.repeat(14)}_${'€'.repeat(9)}_idx`);
    expect(isDefaultIndexName(`${'é'.repeat(14)}_${'€'.repeat(9)}_idx`, accented, ['€'.repeat(20)], new Set())).toBe(true);
    // Beyond the BMP: 4 bytes, two UTF-16 units each (a partition named 31 'é' and 'x', a column 15 '😀').
    expect(defaultIndexName(`${accented}x`, ['😀'.repeat(15)])).toBe(`${'é'.repeat(14)}_${'😀'.repeat(7)}_idx`);
  });

  it('numbers a taken name, and counts a numbered one as the server\'s only when the table holds the one before', () => {
    const taken = new Set(['t_pkey']);
    expect(defaultIndexName('t', [], (n) => taken.has(n), 'pkey')).toBe('t_pkey1');
    expect(isDefaultIndexName('t_pkey1', 't', ['id'], taken, 'pkey')).toBe(true);
    expect(isDefaultIndexName('t_pkey1', 't', ['id'], new Set(), 'pkey')).toBe(false);
    expect(isDefaultIndexName('t_own', 't', ['id'], taken, 'pkey')).toBe(false);
    expect(isDefaultIndexName('t_a_key', 't', ['a'], new Set(), 'key')).toBe(true);
    expect(isDefaultIndexName('t_a_idx', 't', ['a'], new Set(), 'key')).toBe(false);
  });
});
