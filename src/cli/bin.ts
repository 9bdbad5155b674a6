#!/usr/bin/env node
/**
 * The `retort` executable: compiles the CLI bundle (scripts/bundle-cli.mjs: retort and its
 * pure-JavaScript dependencies in one CommonJS file, mysql2 and kysely in files of their own)
 * with a V8 code cache, and runs it (run.ts).
 *
 * Why: a cold Node process spends much of a short command compiling JavaScript. V8 compiles a
 * function when it is first called, and in a process that lives half a second nearly every
 * function is called once: a `check` of 2,000 PostgreSQL tables spent about 100 ms of its 0.73 s
 * compiling retort (the bundle's top level and each function it ran). Node 20 has no compile cache
 * for modules (`module.enableCompileCache` came in Node 22), but `vm.Script` takes V8's code
 * cache: made at the end of a run, it holds every function the run compiled, and the next run
 * starts from it. Measured against the ES module build, alternating: that check 0.76 -> 0.69 s,
 * a no-op `upgrade` on SQLite 0.26 -> 0.22 s (README, "npm run build").
 *
 * retort's code never calls `import()`: in a `vm.Script` it would need an experimental option
 * (and print a warning); what it loads at run time (esbuild, jiti, drizzle-orm) it requires.
 *
 * The cache lives with retort's other caches (`$XDG_CACHE_HOME/retort/cli`, `RETORT_CACHE=0`
 * turns it off), one file per command, build of the bundle, Node version and flags. V8 itself
 * refuses a cache that does not fit (another V8, other flags, another source): the bundle is then
 * compiled from its text, as without a cache, and the cache written again at exit. A failed write
 * only costs time.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { retortCacheDir } from '../util/cache-dir.js';
import { readIfPresent, writeAtomically } from '../util/cache-file.js';
import { CACHE_LIMITS } from '../util/cache-prune.js';
import { CLI_V8_FLAGS, RUN_V8_FLAGS, type CommandV8Flag } from './process-flags.js';

// Before the bundle is compiled: V8 accepts a code cache only under the flags it was made with,
// and the cache is made at exit, under these flags (run.ts sets them too, for its own records).
for (const flag of CLI_V8_FLAGS) setFlagsFromString(flag);

const here = dirname(fileURLToPath(import.meta.url));
/**
 * The files the CLI bundle requires for the packages it leaves out (scripts/bundle-cli.mjs's
 * PARTS: mysql2, kysely, what mysql2 reads on demand), each run like the bundle itself, once, on
 * its first `require`: `./retort-<name>.cjs`, as the build names them.
 */
const PART = /^\.\/retort-[a-z0-9-]+\.cjs$/;

/**
 * The command's name as a cache key: the first argument that reads as a word. (Only a key: an
 * option's value that reads as a word only makes a cache of its own.)
 */
function commandWord(args: readonly string[]): string {
  return args.find((arg) => /^[a-z][a-z-]*$/.test(arg)) ?? '';
}

/**
 * The code cache's file for `path`: one per command (each compiles the functions it runs: a cache
 * made by `retort --version` would hold little of `upgrade`), named by the file's build (size
 * and time) and what V8 checks it against. Hashed: no argument ever appears in a file name.
 */
function cacheFile(path: string): string | undefined {
  const dir = retortCacheDir('cli');
  if (dir === undefined) return undefined;
  const { size, mtimeMs } = statSync(path);
  const key = createHash('sha256')
    .update([path, commandWord(process.argv.slice(2)), size, mtimeMs, process.version, process.arch, ...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0'))
    .digest('hex')
    .slice(0, 16);
  return join(dir, `${key}.v8`);
}

/** The bundle's exports (run.ts): what V8 flags the process has set, once the bundle has run. */
let bundle: { v8FlagsSet?: () => readonly string[] } | undefined;

/** The flags of RUN_V8_FLAGS that are set now (a run sets them before it connects). */
function runFlagsSet(): CommandV8Flag[] {
  const set = bundle?.v8FlagsSet?.() ?? [];
  return RUN_V8_FLAGS.filter((flag) => set.lastIndexOf(flag.set) > set.lastIndexOf(flag.unset));
}

/**
 * `new Script(source, cachedData)` under the flags every code cache here is made with: those of
 * CLI_V8_FLAGS, with a run's own undone. V8 checks a cache against the flags in force when the
 * script is compiled, and a part of the bundle (mysql2, kysely) is first required during a run,
 * after the run set its flags: compiled under them, its cache (made at exit, with them undone)
 * was refused by every run and made again (mysql2's 1.4 MB compiled from its text in each
 * MySQL/MariaDB upgrade). The flags only steer the garbage collector; they are set again at once.
 */
function compileUnderCacheFlags(source: string, path: string, cachedData: Buffer | undefined): Script {
  const undone = runFlagsSet();
  for (const flag of undone) setFlagsFromString(flag.unset);
  try {
    return new Script(source, { filename: path, ...(cachedData === undefined ? {} : { cachedData }) });
  } finally {
    for (const flag of undone) setFlagsFromString(flag.set);
  }
}

/** Run the CommonJS file `name` of this folder, compiled with its code cache; its exports. */
function runCached(name: string): unknown {
  const path = join(here, name);
  const source = readFileSync(path, 'utf8');
  const file = cacheFile(path);
  const cachedData = file === undefined ? undefined : readIfPresent(file);
  // The file is the CommonJS wrapper around the bundle (scripts/bundle-cli.mjs): a function.
  const script = compileUnderCacheFlags(source, path, cachedData);
  if (file !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // Made at exit, when it holds every function this run compiled (run.ts always ends the
    // process), under the flags the next process compiles it with: what a run set is undone.
    process.once('exit', () => {
      for (const flag of RUN_V8_FLAGS) setFlagsFromString(flag.unset);
      writeAtomically(file, script.createCachedData(), CACHE_LIMITS.cli);
    });
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, requireFor(path), module, path, here);
  return module.exports;
}

/** The exports of each part run so far. */
const partExports = new Map<string, unknown>();

/** The exports of the part `name`, run now if this is its first `require`. */
function requirePart(name: string): unknown {
  if (!partExports.has(name)) partExports.set(name, runCached(name));
  return partExports.get(name);
}

/** The `require` of a file run here: Node's, but for the parts, run here too (once). */
function requireFor(path: string): NodeJS.Require {
  const node = createRequire(path);
  return Object.assign((id: string) => (PART.test(id) ? requirePart(id) : node(id)), {
    resolve: node.resolve, cache: node.cache, main: node.main, extensions: node.extensions,
  }) as NodeJS.Require;
}

bundle = runCached('retort-cli.cjs') as typeof bundle;
