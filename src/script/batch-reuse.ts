/**
 * The compiled modules of batches already written, found by content key. A cold run writes no
 * cache entry per batched module: its batches are the cache of their modules. So a run sliced
 * otherwise than an earlier one (upgrading from another revision, a fleet's tenants at different
 * revisions) builds its batches from the modules those batches hold instead of compiling its
 * files again.
 *
 * Why no entry per module: a cold `upgrade head` of 2,000 revisions wrote 2,000 compiled files
 * (a write and a rename each) and read them back to build four batches, about a third of the
 * cold run's own CPU time (CPU profile, loaded 2-core machine).
 *
 * Only the batches' header lines are read to find a module (once per process, when a batch is
 * missing: a warm run reads none); a batch file is read in full only when it holds modules a
 * new batch needs, one at a time. A batch pruned or broken meanwhile is a miss: its modules are
 * compiled.
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { readIfPresent } from '../util/cache-file.js';
import { headerOf, layoutOf, memberOf, type MemberCode } from './batch-format.js';

/** Bytes read at a time while looking for the end of a header line (~95 KB for 500 modules). */
const HEADER_CHUNK = 128 * 1024;
/** A first line longer than this is not a batch header of ours. */
const HEADER_MAX = 16 * 1024 * 1024;

/** The batches written in one cache folder, by the content keys of their modules. */
export class WrittenBatches {
  /** The batch file (name) holding each module key; made on the first {@link take}. */
  private index: Map<string, string> | undefined;

  constructor(private readonly dir: string) {}

  /** Note batch `name`, just written with the modules of `keys`, once the index is made. */
  note(name: string, keys: readonly string[]): void {
    if (this.index !== undefined) for (const key of keys) this.index.set(key, name);
  }

  /** The modules of `keys` that written batches hold, by key (possibly none). */
  take(keys: readonly string[]): Map<string, MemberCode> {
    this.index ??= this.scan();
    const byBatch = new Map<string, string[]>();
    for (const key of keys) {
      const name = this.index.get(key);
      if (name !== undefined) byBatch.set(name, [...(byBatch.get(name) ?? []), key]);
    }
    const found = new Map<string, MemberCode>();
    for (const [name, wanted] of byBatch) {
      const source = readIfPresent(join(this.dir, name), 'utf8');
      const parsed = source === undefined ? undefined : layoutOf(source);
      if (parsed === undefined) continue;
      const positions = new Map(parsed.header.keys.map((key, index) => [key, index]));
      for (const key of wanted) {
        const index = positions.get(key);
        if (index !== undefined) found.set(key, memberOf(source!, parsed.header, parsed.layout, index));
      }
    }
    return found;
  }

  /** Every module key of the batch files in the folder, from their header lines. */
  private scan(): Map<string, string> {
    const index = new Map<string, string>();
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((name) => name.endsWith('.js'));
    } catch {
      return index; // no folder yet
    }
    for (const name of names) {
      const header = headerOf(firstLine(join(this.dir, name)) ?? '');
      for (const key of header?.keys ?? []) index.set(key, name);
    }
    return index;
  }
}

/** The first line of a file, without reading the rest; undefined when it cannot be read or is too long. */
function firstLine(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const chunks: Buffer[] = [];
    for (let total = 0; total < HEADER_MAX;) {
      const chunk = Buffer.allocUnsafe(HEADER_CHUNK);
      const read = readSync(fd, chunk, 0, HEADER_CHUNK, total);
      if (read === 0) return undefined;
      const end = chunk.subarray(0, read).indexOf(10);
      chunks.push(chunk.subarray(0, end < 0 ? read : end));
      if (end >= 0) return Buffer.concat(chunks).toString('utf8');
      total += read;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
