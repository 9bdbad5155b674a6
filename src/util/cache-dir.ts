/**
 * Where retort keeps caches that only save time (compiled scripts, revision headers): under
 * `$XDG_CACHE_HOME/retort` (default `~/.cache/retort`). `RETORT_CACHE=0` turns them all off;
 * losing the folder never loses anything but time.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder of the cache named `name`, or undefined when caching is off or there is no home. */
export function retortCacheDir(name: string): string | undefined {
  if (process.env.RETORT_CACHE === '0') return undefined;
  const home = homedir();
  const base = process.env.XDG_CACHE_HOME || (home ? join(home, '.cache') : '');
  return base ? join(base, 'retort', name) : undefined;
}
