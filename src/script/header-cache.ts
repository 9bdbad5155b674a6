/**
 * A cache of revision headers per version directory, so that `heads` and `history` on thousands
 * of revisions stat the files instead of reading and lexing them. An entry is used only when the
 * file's size, mtime and inode are those recorded (the test `make` and `tsc --incremental` rely
 * on); anything else is read again. The cache only saves time: a missing, corrupt or unwritable
 * cache file is ignored, and errors in revision files are never cached (they are raised again).
 *
 * Each revision's entry also keeps the sha256 of its file with the file's full identity
 * (checksums.ts): a run that finds it unchanged hands the hash to the checksum checks, which then
 * stat the file instead of reading and hashing it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { retortCacheDir } from '../util/cache-dir.js';
import { CACHE_LIMITS, pruneCacheDir } from '../util/cache-prune.js';
import type { RevisionHeader } from './revision.js';
import { fileIdentity, rememberChecksum, settled } from './checksums.js';

/** Bump when the header shape or the reader's rules change, so old entries are never used. */
const FORMAT_VERSION = 3;

/**
 * A file's identity as last read: size, mtime (ms), inode; its header (null: not a revision);
 * and, for a revision file read once it had settled, its full identity and sha256 (checksums.ts).
 */
type Entry = [size: number, mtimeMs: number, ino: number, header: Omit<RevisionHeader, 'path'> | null, checksum?: [identity: string, sha256: string]];

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

  /**
   * The cached header of `name` if the file is unchanged: a header, null (not a revision), or
   * undefined (read it). A revision's file is also read again once it has settled while its
   * entry has no hash for its identity, so that the hash is made once and kept.
   */
  lookup(name: string, path: string, stats: Stats, now: number): RevisionHeader | null | undefined {
    const entry = this.previous[name];
    if (entry === undefined || entry[0] !== stats.size || entry[1] !== stats.mtimeMs || entry[2] !== stats.ino) return undefined;
    if (entry[3] === null) {
      this.next[name] = entry;
      return null;
    }
    const identity = fileIdentity(stats);
    if (entry[4]?.[0] === identity) rememberChecksum(path, identity, entry[4][1]);
    else if (settled(stats, now)) return undefined;
    this.next[name] = entry;
    return { ...entry[3], path };
  }

  /** Record what was read from `name`, and the hash of its bytes when the file had settled (see checksums.ts). */
  store(name: string, stats: Stats, header: RevisionHeader | undefined, sha256: string | undefined): void {
    this.changed = true;
    if (header === undefined) {
      this.next[name] = [stats.size, stats.mtimeMs, stats.ino, null];
      return;
    }
    const { path: _path, ...rest } = header;
    this.next[name] = sha256 === undefined
      ? [stats.size, stats.mtimeMs, stats.ino, rest]
      : [stats.size, stats.mtimeMs, stats.ino, rest, [fileIdentity(stats), sha256]];
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
