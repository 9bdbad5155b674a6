/**
 * psql's `LINE n:` and caret under the position PostgreSQL gives for an error (1-based, counted in
 * characters of the statement), as a failure report prints them; the server's own fields come
 * from the real server in test/integration/server-error-details.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { describePostgresError, positionLines } from '../../src/dialects/postgres/server-error.js';

describe('positionLines', () => {
  it('points at the character on its own line', () => {
    expect(positionLines('SELECT a,\n  b FRM u', 19)).toEqual(['LINE 2:   b FRM u', '                ^']);
    expect(positionLines('SELEC 1', 1)).toEqual(['LINE 1: SELEC 1', '        ^']);
  });

  it('counts characters, not UTF-16 units: a character outside the BMP before the error is one', () => {
    // '😀' is two UTF-16 units; PostgreSQL counts it as one character.
    expect(positionLines("SELECT '😀' FRM", 12)).toEqual(["LINE 1: SELECT '😀' FRM", `${' '.repeat('LINE 1: '.length + 11)}^`]);
  });

  it('shows a window of a long line around the position, with the caret under it', () => {
    const line = `${'x'.repeat(300)}ERR${'y'.repeat(300)}`;
    const [text, caret] = positionLines(line, 301);
    expect(text!.length).toBeLessThanOrEqual('LINE 1: ...'.length + 100);
    expect(text!.startsWith('LINE 1: ...')).toBe(true);
    expect(text!.slice(caret!.indexOf('^'), caret!.indexOf('^') + 3)).toBe('ERR');
  });

  it('says nothing for a position outside the statement (it counted in another text)', () => {
    expect(positionLines('SELECT 1', 0)).toEqual([]);
    expect(positionLines('SELECT 1', 40)).toEqual([]);
  });
});

describe('describePostgresError', () => {
  it('is undefined for what is not a server error (a lost connection, a script error)', () => {
    expect(describePostgresError(new Error('Connection terminated unexpectedly'), 'SELECT 1')).toBeUndefined();
    expect(describePostgresError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'SELECT 1')).toBeUndefined();
  });

  it('leaves out a position that is not a number', () => {
    const error = Object.assign(new Error('syntax error'), { code: '42601', severity: 'ERROR', position: 'x' });
    expect(describePostgresError(error, 'SELEC 1')).toEqual({ lines: [], fields: { code: '42601' } });
  });
});
