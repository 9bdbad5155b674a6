import { describe, expect, it } from 'vitest';
import { readRevisionHeader } from '../../src/script/header.js';
import { isRetortError } from '../../src/errors.js';

/** Runs the reader and returns the error code (or 'ok') and how long it took. */
function timed(source: string): { outcome: string; ms: number } {
  const start = performance.now();
  let outcome = 'ok';
  try {
    readRevisionHeader('/m/hostile.ts', source);
  } catch (error) {
    if (!isRetortError(error)) throw error;
    outcome = error.code;
  }
  return { outcome, ms: performance.now() - start };
}

const MB = 1024 * 1024;
const VALID_TAIL = "\nexport const revision = 'a';\nexport const downRevision = null;\n";

describe('readRevisionHeader on hostile input', () => {
  it.each([
    ['10 MB of one unterminated string', "'" + 'x'.repeat(10 * MB)],
    ['10 MB of one unterminated template', '`' + 'x'.repeat(10 * MB)],
    ['10 MB of one unterminated block comment', '/*' + '*'.repeat(10 * MB)],
    ['10 MB of nested opening braces', '{'.repeat(10 * MB)],
    ['10 MB of template substitutions', '`${'.repeat(3 * MB)],
    ['10 MB of slashes', '/'.repeat(10 * MB)],
    ['10 MB of regex-looking lines', '= /[\n'.repeat(2 * MB)],
    ['10 MB of backslashes', '\\'.repeat(10 * MB)],
    ['10 MB of "export"', 'export '.repeat(1.5 * MB)],
    ['10 MB of unicode and surrogates', '\u{1F600}\u2028\ud800é'.repeat(2 * MB)],
    ['10 MB of closing braces', '}'.repeat(10 * MB)],
  ])('%s: ends quickly with an error', (_name, source) => {
    const { outcome, ms } = timed(source);
    expect(outcome).toBe('BadRevisionFile');
    // Linear time: a 10 MB input takes under a second here; a quadratic scan would take hours.
    // The bound is loose because test machines are shared and noisy.
    expect(ms).toBeLessThan(5_000);
  });

  it('reads a valid header followed by 10 MB of garbage', () => {
    const { outcome, ms } = timed(VALID_TAIL + "\nexport const branchLabels = [];\nexport const dependsOn = [];\n" + '{(['.repeat(3 * MB));
    expect(outcome).toBe('ok');
    // The reader stops after the four header fields; the time is V8 flattening the concatenated
    // test string, not scanning the garbage.
    expect(ms).toBeLessThan(5_000);
  });

  it('reads a valid header after a 10 MB well-formed body', () => {
    const body = 'function big() {\n' + "  const s = 'a{b}c'; const r = /}/g; const t = `${'{'}`;\n".repeat(150_000) + '}\n';
    const { outcome, ms } = timed(body + VALID_TAIL);
    expect(outcome).toBe('ok');
    expect(ms).toBeLessThan(5_000);
  });

  it('recovers from a stray closing brace before the header', () => {
    expect(timed('}}}' + VALID_TAIL).outcome).toBe('ok');
  });

  it('does not execute anything: a header with side effects in other statements is read as text', () => {
    const source = `globalThis.__retortTouched = true;\nprocess.exit(9);${VALID_TAIL}`;
    expect(timed(source).outcome).toBe('ok');
    expect((globalThis as { __retortTouched?: boolean }).__retortTouched).toBeUndefined();
  });

  it('rejects an object or prototype-ish field name as a header', () => {
    // `constructor`/`__proto__` must not be mistaken for header fields through an object lookup.
    const h = readRevisionHeader('/m/x.ts', `export const constructor = 'x';\nexport const __proto__ = 'y';${VALID_TAIL}`);
    expect(h.revision).toBe('a');
  });
});
