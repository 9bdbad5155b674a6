/**
 * retort's own version, from its package.json (found relative to this module, in `src/`, `dist/`
 * or a bundled CLI chunk alike: each sits two folders below the package root).
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The `version` of retort's package.json, or 'unknown' when it cannot be read. */
export function retortVersionSync(): string {
  if (cached === undefined) {
    try {
      cached = String((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown }).version ?? 'unknown');
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
