/**
 * The fast path for executing revision scripts (and configs, schema modules): a module whose only
 * runtime imports are `'retort-migrate'` and Node built-ins, which is nearly every revision, is
 * compiled once to CommonJS by esbuild, cached by content hash, and evaluated in process with
 * `vm.compileFunction`. Anything else (relative imports, other packages, top-level await, a
 * syntax error to report) goes through the general loader (`loader.ts`, jiti).
 *
 * Why a second path: `upgrade head` of 2,000 revisions is dominated by loading them. Measured on
 * 2,000 small revisions, warm cache, one process: Node's native ESM import of cached `.mjs` files
 * 1.8 s, jiti 1.0 s, this path about 0.15 s (no resolution, no per-module loader state; one
 * cached read and one compile per file). The modules of a run are evaluated from batches of up
 * to 500 (script-batch.ts): one V8 script and code cache for each. Cold, a batch's misses are
 * compiled by parallel esbuild calls while the run executes the batch before it, and cached in
 * the batch only (batch-reuse.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { Script } from 'node:vm';
import { retortCacheDir } from '../util/cache-dir.js';
import { codeCacheTag } from '../util/v8-flags.js';
import { readIfPresent, writeAtomically } from '../util/cache-file.js';
import { CACHE_LIMITS } from '../util/cache-prune.js';
import { importModule } from './loader.js';
import { checkImports, noteRetortExports, unknownImport } from './import-check.js';
import { BatchedRun, MODULE_WRAPPER, type Compiler, type ScriptBatch } from './script-batch.js';
import { noteCompiled } from './stack-map.js';
import { sha256Of } from './checksums.js';
import { isSqlRevisionPath, sqlRevisionModule } from './sql-revision.js';

/** Bump when the compiled form changes, so old cache entries are never used. */
const FORMAT_VERSION = '2';
const PACKAGE_NAME = 'retort-migrate';
const BUILTINS = new Set(builtinModules);
const nodeRequire = createRequire(import.meta.url);

type Exports = Record<string, unknown>;

let self: Exports | undefined;
let esbuild: typeof import('esbuild') | undefined;

/**
 * Compiled code per cache key, kept in memory only when there is no disk cache to read it from
 * again (and for what the fast path refuses, `null`, so it is not compiled twice). With a disk
 * cache, code is read when its module is evaluated and then dropped: a 20,000-revision run held
 * every script's code here (a third of its 444 MB peak) for nothing.
 */
const compiled = new Map<string, string | null>();

function cacheDir(name: 'scripts' | 'batches' = 'scripts'): string | undefined {
  if (process.env.RETORT_LOADER_CACHE === '0') return undefined;
  return retortCacheDir(name);
}

function keyOf(path: string, source: string): string {
  return createHash('sha256').update(FORMAT_VERSION).update('\0').update(path).update('\0').update(source).digest('hex');
}

function loaderFor(path: string): 'ts' | 'js' | undefined {
  const ext = extname(path);
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return 'ts';
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') return 'js';
  return undefined;
}

/** True when every `require(...)` of the compiled code names retort itself or a Node built-in. */
function selfContained(code: string): boolean {
  for (const match of code.matchAll(/\brequire\(\s*(["'])([^"']*)\1\s*\)/g)) {
    const id = match[2] ?? '';
    if (id !== PACKAGE_NAME && !id.startsWith('node:') && !BUILTINS.has(id)) return false;
  }
  // `import(...)` left in CJS output, or top-level await, need the general loader.
  return !/\bimport\s*\(/.test(code) && !/\bimport\.meta\b/.test(code);
}

/**
 * The garbage collector setting of esbuild's service process (Go's GOGC), unless the user set
 * one. Each transform allocates afresh in a small heap, so at Go's default (100) the service
 * collected garbage all the time: 2,000 small transforms took 1.9-2.2 s of the service's CPU at
 * 100 and 1.3-1.9 s at 400 (alternating, loaded 2-core machine); a cold run's compiling is
 * mostly that process. Off (no collection) was slower still: the heap grew without bound.
 */
const SERVICE_GOGC = '400';

/**
 * Run `call`, which may start esbuild's service (it inherits `process.env` when it is spawned,
 * synchronously, by the first call), with {@link SERVICE_GOGC} in the environment; the
 * environment is restored at once, so nothing else this process starts sees it.
 */
function withServiceGc<T>(call: () => T): T {
  if (process.env.GOGC !== undefined) return call();
  process.env.GOGC = SERVICE_GOGC;
  try {
    return call();
  } finally {
    delete process.env.GOGC;
  }
}

/** Compile `source` to CommonJS; null when the fast path does not apply (or esbuild refuses). */
async function compile(path: string, source: string): Promise<string | null> {
  const loader = loaderFor(path);
  if (loader === undefined) return null;
  // Required, not imported: the CLI runs as a script (cli/bin.ts), where `import()` needs an
  // experimental vm option.
  esbuild ??= nodeRequire('esbuild') as typeof import('esbuild');
  try {
    // No source map: Node applies none to code run through vm.Script (not even with
    // --enable-source-maps), and an inline one more than doubled each compiled revision, which
    // made parsing it a third of the cost of evaluating 2,000 revisions.
    await inFlight.acquire();
    try {
      const result = await withServiceGc(() => esbuild!.transform(source, { loader, format: 'cjs', target: 'node20', sourcefile: path }));
      return selfContained(result.code) ? result.code : null;
    } finally {
      inFlight.release();
    }
  } catch {
    // A syntax error: the general loader reports it with the file and line.
    return null;
  }
}

/**
 * Transforms in esbuild's service at once: enough to keep it busy, few enough that its heap
 * (which {@link SERVICE_GOGC} lets grow to five times what is live) stays small. With a batch's
 * 500 in flight the service reached up to 195 MB; with 64, the run's largest process is node
 * itself (~135 MB), and the cold `--sql` run of 2,000 revisions took less CPU (5.3 -> 4.5 s).
 */
const inFlight = ((limit: number) => {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    acquire: async (): Promise<void> => {
      if (running < limit) {
        running += 1;
        return;
      }
      // A released slot is handed over directly: `running` stays as it is.
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release: (): void => {
      const next = waiting.shift();
      if (next === undefined) running -= 1;
      else next();
    },
  };
})(64);

/** The compiled code of one file, from memory, the disk cache, or esbuild (then cached). */
async function compiledCode(path: string, source: string, key = keyOf(path, source)): Promise<string | null> {
  const known = compiled.get(key);
  if (known !== undefined) return known;
  const dir = cacheDir();
  const file = dir === undefined ? undefined : join(dir, `${key}.cjs`);
  const cached = file === undefined ? undefined : readIfPresent(file, 'utf8');
  if (cached !== undefined) return cached;
  const code = await compile(path, source);
  // Written to disk (then read back when used) or, without a disk cache, kept here.
  if (code !== null && file !== undefined && writeAtomically(file, code, scriptsLimit())) return code;
  compiled.set(key, code);
  return code;
}

/** Whether `key`'s compiled code is at hand without compiling (in memory or in the disk cache). */
function isCompiled(key: string): boolean {
  if (compiled.has(key)) return true;
  const dir = cacheDir();
  return dir !== undefined && existsSync(join(dir, `${key}.cjs`));
}

async function retortItself(): Promise<Exports> {
  // The package's own entry: the same instance the running CLI or library uses.
  if (self === undefined) {
    self = (await import('../index.js')) as unknown as Exports;
    noteRetortExports(Object.keys(self));
  }
  return self;
}

/**
 * Run compiled CommonJS code. V8's code cache for it is kept next to the compiled file
 * (`<key>.<flags tag>.v8`, v8-flags.ts): compiling a 2,000-table schema module took ~40 ms of a 0.6 s `check`, and for
 * 2,000 small revisions `new Script` fell from 240 ms to 90 ms with it (reading the 2,000 cache
 * files costs ~30 ms). The cache is made after the module ran, so it holds the functions its top
 * level compiled too; V8 rejects a cache from another V8 version (then it is made again).
 */
function evaluate(path: string, source: string, code: string, retort: Exports, cacheFile: string | undefined): Exports {
  checkImports(path, source, code, retort);
  noteCompiled(path);
  const cachedData = cacheFile === undefined ? undefined : readIfPresent(cacheFile);
  // The wrapper stays on the first line, so line numbers in stack traces are the compiled file's.
  const script = new Script(`${MODULE_WRAPPER}${code}\n})`, {
    filename: path,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as Exports };
  fn(module.exports, requireFor(retort), module, path, dirname(path));
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    writeAtomically(cacheFile, script.createCachedData(), scriptsLimit());
  }
  return module.exports;
}

/** The `require` of compiled modules: retort itself (the running instance), or Node's. */
function requireFor(retort: Exports): (id: string) => unknown {
  return (id) => (id === PACKAGE_NAME ? retort : nodeRequire(id));
}

/** Run the module of `key` from its batch (script-batch.ts), checking its imports as {@link evaluate} does. */
function evaluateBatched(path: string, key: string, batch: ScriptBatch, retort: Exports): Exports {
  // One scan of the whole batch instead of one per module; a module is scanned alone only when
  // some module of the batch imports a missing name, so that the error names its file and line.
  batch.importsChecked ??= unknownImport(batch.source, retort) === undefined;
  if (!batch.importsChecked) checkImports(path, readFileSync(path, 'utf8'), batch.code(key), retort);
  noteCompiled(path);
  return batch.run(key, requireFor(retort), path, dirname(path));
}

/**
 * How batches key and compile their files: as this loader does, but without an entry per file
 * (the batch is their cache, batch-reuse.ts); an entry written earlier, by a run of one file, is
 * used. What the fast path refuses is remembered, so that loading the file alone does not
 * compile it again.
 */
const compiler: Compiler = {
  keyOf,
  compile: async (path, source, key) => {
    const known = compiled.get(key);
    if (known !== undefined) return known;
    const dir = cacheDir();
    const file = dir === undefined ? undefined : join(dir, `${key}.cjs`);
    // existsSync first: on a cold cache every lookup misses, and a failed read throws.
    const cached = file !== undefined && existsSync(file) ? readIfPresent(file, 'utf8') : undefined;
    if (cached !== undefined) return cached;
    const code = await compile(path, source);
    if (code === null) compiled.set(key, null);
    return code;
  },
};

/**
 * The most entries the scripts cache keeps: never below what this run itself needs (a .cjs and a
 * .v8 per script, and room for edits): with a fixed limit, a 20,000-revision chain pruned its own
 * entries on every run and compiled them again (24,000 files removed and rewritten per run).
 */
function scriptsLimit(): number {
  return Math.max(CACHE_LIMITS.scripts, scriptsInRun * 3);
}

/** The scripts of one run, as {@link prepareScripts} read them. */
export interface PreparedScripts {
  /**
   * {@link loadScriptOnce} of `path` as `prepareScripts` read it: the module of the content it
   * keyed, from that content's batch, without reading the file again. A path it did not read is
   * read now.
   */
  load(path: string): Promise<Exports>;
  /**
   * sha256 (hex) of the bytes `prepareScripts` read from `path`: those its module is compiled
   * from and runs; undefined for a path it did not read (a `.sql` revision).
   */
  checksum(path: string): string | undefined;
}

/**
 * Arrange the scripts a run will execute in batches (script-batch.ts): one V8 script and code
 * cache per slice of the run, cached under the keys of its files, and built (on a cold cache) a
 * slice ahead of the run. A script in no batch is compiled now (only cache misses cost anything).
 * Optional: {@link loadScript} compiles on demand too.
 */
export async function prepareScripts(paths: readonly string[]): Promise<PreparedScripts> {
  scriptsInRun = Math.max(scriptsInRun, paths.length);
  // A `.sql` revision is not compiled by esbuild: its module is made when it is loaded. Only the
  // keys and checksums are kept, not the sources: memory stays flat in the chain.
  const keys = new Map<string, string>();
  // The history records these checksums: hashing each file's bytes here, as they are read for
  // their key, costs a few microseconds, where checking each file's identity again when its
  // revision ends cost a stat (and the Stats object) per revision.
  const checksums = new Map<string, string>();
  for (const path of paths) {
    if (isSqlRevisionPath(path)) continue;
    const bytes = readFileSync(path);
    keys.set(path, keyOf(path, bytes.toString('utf8')));
    checksums.set(path, sha256Of(bytes));
  }
  // The batches are built as the run goes (script-batch.ts); files in none are compiled now unless
  // cached, in slices: all of 20,000 cold scripts in flight at once held every result at once.
  const run = new BatchedRun(cacheDir('batches'), [...keys].map(([path, key]) => ({ path, key })), compiler);
  const misses = run.loose().filter(({ key }) => !isCompiled(key));
  for (let i = 0; i < misses.length; i += COMPILE_SLICE) {
    await Promise.all(misses.slice(i, i + COMPILE_SLICE).map(async ({ path, key }) => compiledCode(path, readFileSync(path, 'utf8'), key)));
  }
  return {
    load: async (path) => {
      const key = keys.get(path);
      if (key === undefined) return loadScriptOnce(path);
      const load = async () => {
        const batch = await run.batchOf(key);
        if (batch !== undefined) return evaluateBatched(path, key, batch, await retortItself());
        const source = readFileSync(path, 'utf8');
        return loadSource(path, source, keyOf(path, source));
      };
      return loadShared(key, load);
    },
    checksum: (path) => checksums.get(path),
  };
}

/** The most scripts one run of this process prepared: the cache is never pruned below them. */
let scriptsInRun = 0;

/** Cache misses compiled at once by {@link prepareScripts} (enough to keep esbuild's service busy). */
const COMPILE_SLICE = 256;

/**
 * Evaluated revision modules per content key, within a {@link withSharedModules} scope (a fleet
 * run: 200 tenants evaluate each script once). Outside one, a run evaluates each script when it
 * runs it and keeps nothing: memory stays flat however long the chain.
 */
const sharedModules = new AsyncLocalStorage<Map<string, Promise<Exports>>>();

/**
 * Run `body` with one evaluated module per script content shared by every run inside it (as
 * Python imports an Alembic script once per process). Used by fleet runs, whose targets run the
 * same scripts; nested calls share the outer scope.
 */
export function withSharedModules<T>(body: () => Promise<T>): Promise<T> {
  return sharedModules.getStore() === undefined ? sharedModules.run(new Map(), body) : body();
}

/**
 * Like {@link loadScript}, but inside {@link withSharedModules} evaluates each file once per
 * content for the whole scope: for revision scripts, which a fleet run executes on many targets.
 * A file edited since is evaluated anew (its content key changes).
 */
export async function loadScriptOnce(path: string): Promise<Exports> {
  const source = readFileSync(path, 'utf8');
  const key = keyOf(path, source);
  return loadShared(key, async () => loadSource(path, source, key));
}

/** `load()` the module of content key `key`, or the one its {@link withSharedModules} scope has. */
function loadShared(key: string, load: () => Promise<Exports>): Promise<Exports> {
  const evaluated = sharedModules.getStore();
  if (evaluated === undefined) return load();
  let module = evaluated.get(key);
  if (module === undefined) {
    module = load();
    evaluated.set(key, module);
    // A failed load is not cached: the next target reports the same error from a fresh attempt.
    module.catch(() => evaluated.delete(key));
  }
  return module;
}

/** Execute a revision script, config or schema module and return its exports. */
export async function loadScript(path: string): Promise<Exports> {
  const source = readFileSync(path, 'utf8');
  return loadSource(path, source, keyOf(path, source));
}

/** {@link loadScript} of a file already read, whose cache key is `key`. */
async function loadSource(path: string, source: string, key: string): Promise<Exports> {
  if (isSqlRevisionPath(path)) return sqlRevisionModule(path, source);
  const code = await compiledCode(path, source, key);
  if (code === null) {
    noteCompiled(path);
    await retortItself();
    return importModule(path);
  }
  const dir = cacheDir();
  // Named by the process's V8 flags (v8-flags.ts): a cache made under others would be rejected.
  const cacheFile = dir === undefined ? undefined : join(dir, `${key}.${codeCacheTag()}.v8`);
  return evaluate(path, source, code, await retortItself(), cacheFile);
}
