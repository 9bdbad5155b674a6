/**
 * Deterministic randomness for the fuzz tests: a seeded PRNG (mulberry32) and the hostile pieces
 * of text both fuzzers draw from. A failing case prints its seed and index; rerun with
 * `RETORT_FUZZ_SEED=<seed>` to reproduce it exactly.
 */
import { expect } from 'vitest';
import { isRetortError } from '../../src/errors.js';

/** The seed of this run: fixed by default so CI is reproducible; override to explore. */
export const SEED = Number(process.env.RETORT_FUZZ_SEED ?? 0x5eed_2024);

/** A small, fast, seeded PRNG. Not for cryptography: for reproducible test inputs. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `count` characters drawn from `alphabet`. */
  chars(alphabet: string, count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
}

/** Milliseconds of CPU this process used since `start` (a `process.cpuUsage()` reading). */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Text a user (or an attacker) may type where an id, a label or a number is expected. */
export const HOSTILE_PIECES: readonly string[] = [
  '../', '..', '/', '\\', '..\\..\\', '/etc/passwd', 'C:\\x', '%2e%2e%2f',
  '\u202e', '\u200f', '\u0301', 'e\u0301', '\u{1F600}', '\u{1F469}\u200d\u{1F4BB}', '\0', '\ud800', '\udfff',
  '\u2028', '\u00a0', '\ufeff', '\t', '\n', ' ', '',
  '99999999999999999999', '1e309', '-1e309', 'NaN', 'Infinity', '0x10', '1_000', '٣', '１',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty',
  '@', '@@', ':', '::', '+', '-', '+-', ',', "'", '"', '`', '*', '%', '$', '#',
];

/**
 * Runs `fn` and classifies the outcome: `'ok'`, or the RetortError's code. Any other exception
 * fails the test with the case that caused it; so does a RetortError that is not bad input
 * (exit 2), and a case slower than `maxMs`.
 */
export function outcome(what: string, fn: () => unknown, maxMs: number): string {
  // CPU time, not wall time: the test machines are shared (load far above their core count at
  // times), and what the limit catches, a hang or a quadratic scan, shows in CPU time alike.
  const start = process.cpuUsage();
  let result = 'ok';
  try {
    fn();
  } catch (error) {
    if (!isRetortError(error)) {
      throw new Error(`${what}: threw ${String((error as Error)?.stack ?? error)} (seed ${SEED})`);
    }
    expect(error.kind, `${what}: ${error.code} is not kind 'input'`).toBe('input');
    expect(error.exitCode).toBe(2);
    expect(typeof error.message).toBe('string');
    // The JSON body must serialise (no cycles, no BigInt) for `--json`.
    expect(() => JSON.stringify({ error: error.toJSON() })).not.toThrow();
    result = error.code;
  }
  const ms = cpuMsSince(start);
  if (ms > maxMs) throw new Error(`${what}: took ${ms.toFixed(1)} ms of CPU (limit ${maxMs}) (seed ${SEED})`);
  return result;
}
