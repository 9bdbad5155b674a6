/**
 * Finds the revision files of one or several version directories and reads their headers.
 */
import { closeSync, fstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { RetortError } from '../errors.js';
import { DirectoryHeaderCache } from './header-cache.js';
import { fileIdentity, rememberChecksum, settled, sha256Of } from './checksums.js';
import { headerFromScan, scanHeader } from './header.js';
import { isSqlRevisionPath, readSqlRevisionFile } from './sql-revision.js';
import type { RevisionHeader } from './revision.js';

/** Extensions of revision files. */
const REVISION_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.sql'];

/**
 * Whether a directory entry may be a revision file: a `.ts`/`.mts`/`.js`/`.mjs`/`.sql` file that is not a
 * declaration file (`.d.ts`), not hidden (dotfiles: editor swap files, `.DS_Store`) and not the
 * script template.
 */
export function isRevisionFileName(name: string): boolean {
  if (name.startsWith('.') || name.endsWith('.d.ts') || name.endsWith('.d.mts')) return false;
  if (name.startsWith('script.') && name.endsWith('.tmpl')) return false;
  return REVISION_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/**
 * Reads the header of one file found in a version directory, or `undefined` for a file that is not
 * a revision: one without `export const revision` and without an `upgrade` export (an `index.ts`, a
 * helper module). A file that exports `upgrade` but no revision is a broken revision: error.
 * A `.sql` file is read by sql-revision.ts, by the same rule.
 */
export function readRevisionFile(path: string, source: string): RevisionHeader | undefined {
  if (isSqlRevisionPath(path)) return readSqlRevisionFile(path, source);
  const scan = scanHeader(path, source);
  if (!scan.fields.has('revision') && !scan.exports.has('upgrade')) return undefined;
  return headerFromScan(path, source, scan);
}

/**
 * Reads the headers of every revision file in `dirs` (not recursive), sorted by path so that every
 * command sees the same order. Unchanged files are answered from the header cache
 * (header-cache.ts) with one `stat` each.
 *
 * The files are read synchronously, into one reused buffer. Measured on 5,000 revision files of
 * ~570 bytes (Node 20, 2 vCPUs, warm page cache, best of 10 runs): `openSync` + `readSync` +
 * `closeSync` 34-39 ms for all reads, `readFileSync` 42-48 ms (it also `fstat`s and allocates),
 * `fs.promises.readFile` 64 in flight ~400 ms and all 5,000 in flight ~500 ms: for files this
 * small the hand-off to the thread pool costs far more than the read. Parsing the headers adds
 * 35-50 ms cold (the JIT has not warmed up in a CLI run), a third of that once warm.
 * @throws RetortError `ConfigInvalid` when a directory does not exist, `BadRevisionFile` for a
 *   broken revision file.
 */
export async function scanVersionDirectories(dirs: readonly string[]): Promise<RevisionHeader[]> {
  return scanVersionDirectoriesSync(dirs);
}

/** Synchronous form of {@link scanVersionDirectories}. */
export function scanVersionDirectoriesSync(dirs: readonly string[]): RevisionHeader[] {
  const reader = new FileReader();
  const headers: RevisionHeader[] = [];
  const now = Date.now();
  for (const dir of new Set(dirs.map((d) => resolve(d)))) {
    const cache = DirectoryHeaderCache.open(dir);
    // `dir` is resolved and `name` a plain file name: a concatenation is the path join() would
    // make, without its normalising pass per file (2,000 files, a cold process: ~10 ms of CPU).
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const name of listRevisionFiles(dir)) {
      const path = prefix + name;
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats === undefined || !stats.isFile()) continue; // gone since readdir, or a directory named `x.ts`
      const cached = cache.lookup(name, path, stats, now);
      if (cached !== undefined) {
        if (cached !== null) headers.push(cached);
        continue;
      }
      const read = reader.read(path);
      if (read === undefined) continue;
      const header = readRevisionFile(path, read.text);
      // The hash of the bytes just read, kept only for a file that has settled (checksums.ts).
      const sha256 = header !== undefined && settled(stats, now) ? read.sha256 : undefined;
      if (sha256 !== undefined) rememberChecksum(path, fileIdentity(stats), sha256);
      cache.store(name, stats, header, sha256);
      if (header !== undefined) headers.push(header);
    }
    cache.save();
  }
  return headers.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The names of the files of `dir` that may be revisions. */
function listRevisionFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isRevisionFileName);
  } catch (error) {
    throw new RetortError('ConfigInvalid', `The version directory ${dir} cannot be read.`, {
      fields: { path: dir },
      hint: "Create it, fix the config's `migrations` setting, or run `retort init`.",
      cause: error,
    });
  }
}

/** Reads whole files as UTF-8 through one buffer that grows to the largest file seen. */
class FileReader {
  private buffer = Buffer.allocUnsafe(64 * 1024);

  /** The file's text and the sha256 of its bytes, or `undefined` when the path is not a regular file (a directory named `x.ts`). */
  read(path: string): { text: string; sha256: string } | undefined {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if (isNotAFile(path)) return undefined;
      throw unreadable(path, error);
    }
    try {
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) this.grow(fd);
        const count = readSync(fd, this.buffer, length, this.buffer.length - length, length);
        if (count === 0) break;
        length += count;
      }
      return { text: this.buffer.toString('utf8', 0, length), sha256: sha256Of(this.buffer.subarray(0, length)) };
    } catch (error) {
      if (isNotAFile(path)) return undefined;
      throw unreadable(path, error);
    } finally {
      closeSync(fd);
    }
  }

  private grow(fd: number): void {
    const size = Math.max(this.buffer.length * 2, fstatSync(fd).size + 1);
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger);
    this.buffer = bigger;
  }
}

function unreadable(path: string, error: unknown): RetortError {
  return new RetortError('BadRevisionFile', `Revision file ${path} cannot be read.`, {
    fields: { path },
    hint: 'Check the file permissions.',
    cause: error,
  });
}

function isNotAFile(path: string): boolean {
  try {
    return !statSync(path).isFile();
  } catch {
    return true;
  }
}
