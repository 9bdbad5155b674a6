/**
 * Keeps retort's caches bounded. Every edit of a revision, config or schema module adds a cache
 * entry under a new content key and the old one is never read again, so without pruning the
 * folders grow for as long as a project lives. Pruning removes the least recently written
 * entries; a removed entry costs one compilation the next time it is needed, nothing else.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Entries a cache folder may hold before it is pruned, per cache (see {@link pruneCacheDir}). */
export const CACHE_LIMITS = Object.freeze({
  /** Compiled revisions (`.cjs`, ~2 KB) and their V8 code caches (`.v8`, ~5 KB): ~70 MB at most. */
  scripts: 20_000,
  /**
   * Batches of compiled revisions (`.js`, ~1.3 KB a revision) with their V8 code caches (`.v8`,
   * ~3 KB a revision): a run over another set of revisions makes another batch, so few are kept
   * (never fewer than the slices of the longest run of the process).
   */
  batches: 24,
  /** One file per version directory. */
  headers: 1_000,
  /** jiti's compiled modules (scripts with relative imports, configs that import packages). */
  loader: 2_000,
  /**
   * V8 code caches of the CLI bundle (0.6-1 MB) and its mysql2 part: one per command, build, Node
   * version and flags (cli/bin.ts).
   */
  cli: 32,
});

/** Folders this process has pruned already: one pass per run is enough. */
const prunedThisRun = new Set<string>();

/**
 * When `dir` holds more than `maxEntries` entries, remove the oldest (by modification time) until
 * 80% of the limit is left, so that the next prune is far away. Runs once per folder per process;
 * never throws (a cache only saves time). A concurrent run may lose an entry it was about to
 * read: cache readers treat a vanished file as a miss.
 */
export function pruneCacheDir(dir: string, maxEntries: number): void {
  if (prunedThisRun.has(dir)) return;
  prunedThisRun.add(dir);
  try {
    const names = readdirSync(dir);
    if (names.length <= maxEntries) return;
    const entries: { path: string; mtimeMs: number }[] = [];
    for (const name of names) {
      const path = join(dir, name);
      try {
        entries.push({ path, mtimeMs: statSync(path).mtimeMs });
      } catch {
        // Removed meanwhile by another run.
      }
    }
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
    const keep = Math.floor(maxEntries * 0.8);
    for (const entry of entries.slice(0, Math.max(0, entries.length - keep))) {
      rmSync(entry.path, { force: true, recursive: true });
    }
  } catch {
    // A missing or unreadable folder: nothing to prune.
  }
}
