/**
 * Reading and writing one entry of a cache folder. A cache only saves time: a missing entry (never
 * written, or pruned by a concurrent run) reads as undefined, and a failed write is ignored.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pruneCacheDir } from './cache-prune.js';

/** A cache file's content, or undefined when it is missing (or was pruned by a concurrent run). */
export function readIfPresent(file: string): Buffer | undefined;
export function readIfPresent(file: string, encoding: 'utf8'): string | undefined;
export function readIfPresent(file: string, encoding?: 'utf8'): string | Buffer | undefined {
  try {
    return encoding === undefined ? readFileSync(file) : readFileSync(file, encoding);
  } catch {
    return undefined;
  }
}

/**
 * Write then rename: a concurrent run never reads a half-written entry. The folder is pruned to
 * `maxEntries` first (once per run). Failures only cost time.
 * @returns whether the entry was written
 */
export function writeAtomically(file: string, data: string | Uint8Array, maxEntries: number): boolean {
  try {
    pruneCacheDir(dirname(file), maxEntries);
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data);
    renameSync(temporary, file);
    return true;
  } catch {
    // A read-only home is no reason to fail a migration: the next run compiles again.
    return false;
  }
}
