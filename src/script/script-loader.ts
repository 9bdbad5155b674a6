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
 * cached read and one compile per file). Cold, the misses of a run are compiled in one batch of
 * parallel esbuild calls instead of one synchronous round trip per file.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { Script } from 'node:vm';
import { retortCacheDir } from '../util/cache-dir.js';
import { CACHE_LIMITS, pruneCacheDir } from '../util/cache-prune.js';
import { importModule } from './loader.js';
import { checkImports, noteRetortExports } from './import-check.js';
import { noteCompiled } from './stack-map.js';
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

function cacheDir(): string | undefined {
  if (process.env.RETORT_LOADER_CACHE === '0') return undefined;
  return retortCacheDir('scripts');
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

/** Compile `source` to CommonJS; null when the fast path does not apply (or esbuild refuses). */
async function compile(path: string, source: string): Promise<string | null> {
  const loader = loaderFor(path);
  if (loader === undefined) return null;
  esbuild ??= (await import('esbuild')) as typeof import('esbuild');
  try {
    // No source map: Node applies none to code run through vm.Script (not even with
    // --enable-source-maps), and an inline one more than doubled each compiled revision, which
    // made parsing it a third of the cost of evaluating 2,000 revisions.
    const result = await esbuild.transform(source, { loader, format: 'cjs', target: 'node20', sourcefile: path });
    return selfContained(result.code) ? result.code : null;
  } catch {
    // A syntax error: the general loader reports it with the file and line.
    return null;
  }
}

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
  if (code !== null && file !== undefined && writeAtomically(file, code)) return code;
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
 * (`<key>.v8`): compiling a 2,000-table schema module took ~40 ms of a 0.6 s `check`, and for
 * 2,000 small revisions `new Script` fell from 240 ms to 90 ms with it (reading the 2,000 cache
 * files costs ~30 ms). The cache is made after the module ran, so it holds the functions its top
 * level compiled too; V8 rejects a cache from another V8 version (then it is made again).
 */
function evaluate(path: string, source: string, code: string, retort: Exports, cacheFile: string | undefined): Exports {
  checkImports(path, source, code, retort);
  noteCompiled(path);
  const cachedData = cacheFile === undefined ? undefined : readIfPresent(cacheFile);
  // The wrapper stays on the first line, so line numbers in stack traces are the compiled file's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, {
    filename: path,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as Exports };
  const require = (id: string): unknown => (id === PACKAGE_NAME ? retort : nodeRequire(id));
  fn(module.exports, require, module, path, dirname(path));
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    writeAtomically(cacheFile, script.createCachedData());
  }
  return module.exports;
}

/** A cache file's content, or undefined when it is missing (or was pruned by a concurrent run). */
function readIfPresent(file: string): Buffer | undefined;
function readIfPresent(file: string, encoding: 'utf8'): string | undefined;
function readIfPresent(file: string, encoding?: 'utf8'): string | Buffer | undefined {
  try {
    return encoding === undefined ? readFileSync(file) : readFileSync(file, encoding);
  } catch {
    return undefined;
  }
}

/**
 * Write then rename: a concurrent run never reads a half-written entry. Failures only cost time.
 * @returns whether the entry was written
 */
function writeAtomically(file: string, data: string | Uint8Array): boolean {
  try {
    // Never below what this run itself needs (a .cjs and a .v8 per script, and room for edits):
    // with a fixed limit, a 20,000-revision chain pruned its own entries on every run and
    // compiled them again (24,000 files removed and rewritten per run).
    pruneCacheDir(dirname(file), Math.max(CACHE_LIMITS.scripts, scriptsInRun * 3));
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

/**
 * Compile the scripts a run will execute, in parallel, before it starts (only cache misses cost
 * anything). Optional: {@link loadScript} compiles on demand too.
 */
export async function prepareScripts(paths: readonly string[]): Promise<void> {
  scriptsInRun = Math.max(scriptsInRun, paths.length);
  // A `.sql` revision is not compiled by esbuild: its module is made when it is loaded. A cached
  // one is only checked for, not read: it is read when it runs (memory stays flat in the chain).
  const misses = paths.filter((path) => !isSqlRevisionPath(path)).flatMap((path) => {
    const source = readFileSync(path, 'utf8');
    const key = keyOf(path, source);
    return isCompiled(key) ? [] : [{ path, source, key }];
  });
  // Compiled in slices: all of 20,000 cold scripts in flight at once held every result at once.
  for (let i = 0; i < misses.length; i += COMPILE_SLICE) {
    await Promise.all(misses.slice(i, i + COMPILE_SLICE).map(async ({ path, source, key }) => compiledCode(path, source, key)));
  }
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
  const evaluated = sharedModules.getStore();
  if (evaluated === undefined) return loadSource(path, source, key);
  let module = evaluated.get(key);
  if (module === undefined) {
    module = loadSource(path, source, key);
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
  const cacheFile = dir === undefined ? undefined : join(dir, `${key}.v8`);
  return evaluate(path, source, code, await retortItself(), cacheFile);
}
