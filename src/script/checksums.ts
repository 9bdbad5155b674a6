/**
 * sha256 of revision files, hashed once per content. Every run that changes the database checks
 * the checksum of each applied revision against the history (2,000 files: 2,000 reads and hashes,
 * most of a no-op `upgrade head`), and every revision it applies records its file's checksum.
 *
 * A file's hash is remembered with the file's identity: size, mtime, ctime and inode, as Git's
 * index trusts them. ctime cannot be set by hand (`touch -d` and `cp -p` set mtime; any write or
 * metadata change moves ctime to the current time), so a file whose identity is unchanged has the
 * bytes that were hashed. The header cache keeps these identities and hashes across runs
 * (header-cache.ts); within a run they are kept here.
 *
 * One exception, as Git's "racy" entries: file timestamps advance in ticks of the kernel's clock,
 * so a file written twice within one tick (same size) keeps its identity. A hash is therefore
 * trusted only for a file last changed more than {@link SETTLED_MS} before it was hashed; a file
 * changed more recently is read and hashed every time it is asked for.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';

/** How long after its last change a file's identity is trusted to pin its content. */
const SETTLED_MS = 2_000;

/** Hashes of this process, by path. */
const known = new Map<string, { readonly identity: string; readonly sha256: string }>();

/** The identity of a file as {@link known} and the header cache record it. */
export function fileIdentity(stats: Stats): string {
  return `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}`;
}

/** sha256 (hex) of `bytes`. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Whether a hash of the file with `stats`, made at `hashedAt` (ms since the epoch), stays true
 * for as long as the file keeps its identity (see the module comment).
 */
export function settled(stats: Stats, hashedAt: number): boolean {
  return hashedAt - Math.max(stats.mtimeMs, stats.ctimeMs) > SETTLED_MS;
}

/** Remember that the file at `path`, with identity `identity`, hashes to `sha256`. */
export function rememberChecksum(path: string, identity: string, sha256: string): void {
  known.set(path, { identity, sha256 });
}

/**
 * sha256 (hex) of the file's bytes now: one `stat` when its identity is one whose hash is known,
 * else a read and a hash (remembered when the file has settled).
 */
export function fileSha256(path: string): string {
  const stats = statSync(path);
  const identity = fileIdentity(stats);
  const hit = known.get(path);
  if (hit !== undefined && hit.identity === identity) return hit.sha256;
  const sha256 = sha256Of(readFileSync(path));
  // Read after the stat: a change in between gives the file a new identity, which misses.
  if (settled(stats, Date.now())) rememberChecksum(path, identity, sha256);
  return sha256;
}
