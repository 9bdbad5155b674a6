/**
 * V8 flags the process sets at run time, and the tag that names V8 code caches made under them.
 *
 * V8 accepts a code cache only from a process whose flags hash the same as the one that made it;
 * otherwise it rejects the cache (`script.cachedDataRejected`), compiles from source, and retort
 * makes and writes the cache again. The CLI sets flags of its own (cli/process-flags.ts), a
 * program using the library sets none, and `node --cpu-prof` adds some: on one cache folder each
 * such run rejected and rewrote the code caches of the other. Measured on 2,000 revisions (four batches): every
 * batch boundary then cost 12-50 ms instead of 3-10 (compiling the batch, then
 * `createCachedData` after its last module and a 550 KB write), which is what made the loads at
 * batch boundaries look slow. Named by this tag, each kind of process keeps its own code caches.
 */
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';

/** The flags set through {@link setV8Flag}, in order. */
const setFlags: string[] = [];
let tag: string | undefined;

/** `setFlagsFromString(flag)`, remembered for {@link codeCacheTag}. */
export function setV8Flag(flag: string): void {
  setFlagsFromString(flag);
  setFlags.push(flag);
  tag = undefined;
}

/** The flags set through {@link setV8Flag} so far, in order (bin.ts reads them through run.ts). */
export function v8FlagsSet(): readonly string[] {
  return setFlags;
}

/**
 * A short name for what decides whether V8 accepts a code cache in this process: Node's version
 * (V8's), the command line's and NODE_OPTIONS' flags and those set at run time. Conservative: a
 * flag that does not matter to V8 only costs a code cache of its own.
 */
export function codeCacheTag(): string {
  tag ??= createHash('sha256')
    .update([process.version, process.arch, ...process.execArgv, process.env.NODE_OPTIONS ?? '', ...setFlags].join('\0'))
    .digest('hex')
    .slice(0, 8);
  return tag;
}
