/**
 * A cache of revision headers per version directory, so that `heads` and `history` on thousands
 * of revisions stat the files instead of reading and lexing them. An entry is used only when the
 * file's size, mtime and inode are those recorded (the test `make` and `tsc --incremental` rely
 * on); anything else is read again. The cache only saves time: a missing, corrupt or unwritable
 * cache file is ignored, and errors in revision files are never cached (they are raised again).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { retortCacheDir } from '../util/cache-dir.js';
import { CACHE_LIMITS, pruneCacheDir } from '../util/cache-prune.js';
import type { RevisionHeader } from './revision.js';

/** Bump when the header shape or the reader's rules change, so old entries are never used. */
const FORMAT_VERSION = 2;

/** A file's identity as last read: size, mtime (ms), inode; and its header (null: not a revision). */
type Entry = [size: number, mtimeMs: number, ino: number, header: Omit<RevisionHeader, 'path'> | null];

interface CacheFile {
  readonly version: number;
  readonly entries: Record<string, Entry>;
}

/** The headers of one version directory, as cached by a previous run. */
export class DirectoryHeaderCache {
  private readonly previous: Record<string, Entry>;
  private readonly next: Record<string, Entry> = {};
  private changed = false;

  private constructor(private readonly file: string | undefined, previous: Record<string, Entry>) {
    this.previous = previous;
  }

  /** Open the cache of directory `dir` (absolute); an unusable cache file reads as empty. */
  static open(dir: string): DirectoryHeaderCache {
    const base = retortCacheDir('headers');
    if (base === undefined) return new DirectoryHeaderCache(undefined, {});
    const file = join(base, `${createHash('sha256').update(dir).digest('hex').slice(0, 32)}.json`);
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      return new DirectoryHeaderCache(file, parsed.version === FORMAT_VERSION && parsed.entries ? parsed.entries : {});
    } catch {
      return new DirectoryHeaderCache(file, {});
    }
  }

  /** The cached header of `name` if the file is unchanged: a header, null (not a revision), or undefined (read it). */
  lookup(name: string, path: string, stats: Stats): RevisionHeader | null | undefined {
    const entry = this.previous[name];
    if (entry === undefined || entry[0] !== stats.size || entry[1] !== stats.mtimeMs || entry[2] !== stats.ino) return undefined;
    this.next[name] = entry;
    return entry[3] === null ? null : { ...entry[3], path };
  }

  /** Record what was read from `name`. */
  store(name: string, stats: Stats, header: RevisionHeader | undefined): void {
    this.changed = true;
    if (header === undefined) {
      this.next[name] = [stats.size, stats.mtimeMs, stats.ino, null];
      return;
    }
    const { path: _path, ...rest } = header;
    this.next[name] = [stats.size, stats.mtimeMs, stats.ino, rest];
  }

  /** Write the cache if anything was read or a file disappeared; failures are ignored. */
  save(): void {
    if (this.file === undefined) return;
    if (!this.changed && Object.keys(this.previous).length === Object.keys(this.next).length) return;
    try {
      pruneCacheDir(join(this.file, '..'), CACHE_LIMITS.headers);
      mkdirSync(join(this.file, '..'), { recursive: true });
      // Write then rename, so a concurrent reader sees the old file or the new one, never half.
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ version: FORMAT_VERSION, entries: this.next } satisfies CacheFile));
      renameSync(temporary, this.file);
    } catch {
      // A read-only home or a full disk costs speed, not correctness.
    }
  }
}
