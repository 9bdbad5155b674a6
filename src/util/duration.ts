/**
 * Durations as users type them on the command line (`--lock-timeout 2`, `2s`, `500ms`, `1m`).
 */
import { RetortError } from '../errors.js';

/** Seconds per unit; a bare number is seconds. */
const UNITS: Readonly<Record<string, number>> = { '': 1, ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * Seconds for `text`: a non-negative number with an optional unit `ms`, `s`, `m` or `h`.
 *
 * @throws RetortError `BadArgument` for anything else (negative, empty, unknown unit).
 */
export function parseDurationSeconds(text: string, option = '--lock-timeout'): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?\s*$/i.exec(text);
  const seconds = match ? Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]! : NaN;
  if (!Number.isFinite(seconds)) {
    throw new RetortError('BadArgument', `${option} takes a duration such as 2, 2s, 500ms or 1m; got '${text}'.`, {
      fields: { option, value: text },
      hint: 'A bare number is seconds; units: ms, s, m, h.',
    });
  }
  return seconds;
}
