/**
 * The revision scripts of one run as a few V8 scripts: the compiled modules of up to
 * {@link SLICE_SIZE} consecutive revisions, each wrapped in its CommonJS function, go into one
 * cache file (a batch), and every later run over the same files compiles that file once, with one
 * V8 code cache, instead of 500 files, 500 code caches and 500 `vm.Script`s. The code cache is made
 * once every module of the batch has run, so it also holds the functions they called (`upgrade`,
 * `downgrade`), which V8 would otherwise compile lazily in every run.
 *
 * Memory stays flat in the chain's length: a run holds the content keys of its revisions, and one
 * batch at a time (the slice it is in); sources and compiled code are not kept.
 *
 * Measured on `retort lint` over 2,000 small revisions (CPU profile, loaded machine): the
 * per-file scripts and their code caches were a third of the process (reads, `new Script`,
 * deserialising 2,000 caches), and compiling each script's `upgrade` and `downgrade` on first
 * call a sixth more.
 *
 * Content-keyed like the per-file entries: the batch's key is made of its modules' keys (each the
 * hash of a file's path and source), so an edited, added or removed revision makes another batch.
 * Frames of code run from a batch name the batch; stack-map.ts maps them back to the revision's
 * file and line.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { readIfPresent, writeAtomically } from '../util/cache-file.js';
import { CACHE_LIMITS } from '../util/cache-prune.js';
import { cutHelpers, HELPER_DEFINITIONS, HELPER_OBJECT } from './batch-helpers.js';
import { noteBatch } from './stack-map.js';

/** Bump when the batch file's layout changes, so old batches are never used. */
const BATCH_FORMAT = '2';

/**
 * The CommonJS wrapper of one compiled module. It stays on the module's first line, so that the
 * lines of its frames are those of the compiled file (as esbuild's source map numbers them).
 */
export const MODULE_WRAPPER = '(function (exports, require, module, __filename, __dirname) {';
/** What closes a module's wrapper in a batch: its own line, then the array's comma. */
const MEMBER_END = '\n}),\n';
/**
 * The batch's array, from line 2 of the file: first a function making the shared helpers
 * (batch-helpers.ts), then the modules. The helpers are made in a scope of their own, not one
 * around the modules, so that a module sees only those it receives as parameters.
 */
const ARRAY_START = `[\n(function () {\n${HELPER_DEFINITIONS}return ${HELPER_OBJECT};\n}),\n`;

/** Revisions per batch: enough to make a batch's fixed costs vanish, few enough to hold one. */
export const SLICE_SIZE = 500;
/** Fewer scripts than this are loaded one by one: a batch would only add cache entries. */
const BATCH_MIN = 2;

/** The most slices one run of this process had: the batches' cache is never pruned below them. */
let slicesInRun = 0;

/** The most entries the batches' cache keeps (a .js and a .v8 per slice of the longest run, and room). */
function batchesLimit(): number {
  return Math.max(CACHE_LIMITS.batches, slicesInRun * 3);
}

/** A file of a run: its path and content key. */
export interface RunFile {
  readonly path: string;
  readonly key: string;
}

/** A module of a batch being built: its file, content key and compiled code. */
interface BatchMember extends RunFile {
  readonly code: string;
}

/** How the loader keys and compiles a file (script-loader.ts). */
export interface Compiler {
  /** The content key of `source`, read from `path`. */
  keyOf(path: string, source: string): string;
  /** Its compiled CommonJS code (null: it needs the general loader). */
  compile(path: string, source: string, key: string): Promise<string | null>;
}

/** The module function of a batch member, as made by {@link MODULE_WRAPPER}, then the helpers it was cut of. */
type ModuleFunction = (exports: object, require: (id: string) => unknown, module: { exports: object }, filename: string, dirname: string, ...helpers: unknown[]) => void;

/** The batch file's first line, after `// `: which modules it holds, in order. */
interface BatchHeader {
  readonly keys: readonly string[];
  /** Characters of each module's compiled code. */
  readonly lengths: readonly number[];
  /** Line breaks in each module's compiled code. */
  readonly breaks: readonly number[];
  /** The helpers cut from each module (batch-helpers.ts), comma-separated: its extra parameters. */
  readonly helpers: readonly string[];
}

/** A slice of a run: consecutive files, and the key of their batch. */
interface Slice {
  readonly key: string;
  readonly files: readonly RunFile[];
}

/**
 * The files of one run in slices, each loaded as one batch when the run first loads one of its
 * modules. Opening a slice releases the one open before (runs load their revisions in order).
 */
export class BatchedRun {
  private readonly slices = new Map<string, Slice>();
  private open: { slice: Slice; batch: ScriptBatch | undefined } | undefined;

  /** `files` in run order; no slices when `dir` (the batches' cache folder) is undefined. */
  constructor(private readonly dir: string | undefined, private readonly files: readonly RunFile[]) {
    if (dir === undefined || files.length < BATCH_MIN) return;
    let count = 0;
    for (let i = 0; i < files.length; i += SLICE_SIZE) {
      const part = files.slice(i, i + SLICE_SIZE);
      if (part.length < BATCH_MIN) continue;
      const slice = { key: batchKeyOf(part.map((f) => f.key)), files: part };
      for (const file of part) this.slices.set(file.key, slice);
      count += 1;
    }
    slicesInRun = Math.max(slicesInRun, count);
  }

  /** The files in no slice, or in one without a batch file yet: a run compiles them before it starts. */
  unbatched(): RunFile[] {
    const written = new Map<Slice, boolean>();
    return this.files.filter((file) => {
      const slice = this.slices.get(file.key);
      if (slice === undefined) return true;
      if (!written.has(slice)) written.set(slice, existsSync(join(this.dir!, `${slice.key}.js`)));
      return !written.get(slice);
    });
  }

  /**
   * The batch holding the module of content key `key`: its slice's batch, opened from the cache
   * or built with `compiler` (then written); undefined when no batch holds it.
   */
  async batchOf(key: string, compiler: Compiler): Promise<ScriptBatch | undefined> {
    const slice = this.slices.get(key);
    if (slice === undefined) return undefined;
    if (this.open?.slice !== slice) {
      this.open = undefined; // released before the next is made: one batch in memory at a time
      this.open = { slice, batch: openBatch(this.dir!, slice) ?? (await buildBatch(this.dir!, slice, compiler)) };
    }
    return this.open.batch?.has(key) ? this.open.batch : undefined;
  }
}

/** An evaluated batch. */
export class ScriptBatch {
  /** Set by the loader once it has checked the batch's imports against retort's exports. */
  importsChecked: boolean | undefined;
  private readonly ran = new Set<number>();
  private helpers: Record<string, unknown> | undefined;
  private readonly indexes: ReadonlyMap<string, number>;

  constructor(
    readonly source: string,
    private readonly script: Script,
    private readonly makeHelpers: () => Record<string, unknown>,
    private readonly functions: readonly ModuleFunction[],
    private readonly header: BatchHeader,
    private readonly codeStarts: readonly number[],
    private readonly cacheFile: string,
    private needsCodeCache: boolean,
  ) {
    this.indexes = new Map(header.keys.map((key, index) => [key, index]));
  }

  /** Whether the batch holds the module of content key `key`. */
  has(key: string): boolean {
    return this.indexes.has(key);
  }

  /** The compiled code of the module of content key `key` (for the import check). */
  code(key: string): string {
    const index = this.indexes.get(key)!;
    return this.source.slice(this.codeStarts[index], this.codeStarts[index]! + this.header.lengths[index]!);
  }

  /** Run the module of content key `key`; once all have run, write the code cache if the batch has none. */
  run(key: string, require: (id: string) => unknown, path: string, dirname: string): Record<string, unknown> {
    const index = this.indexes.get(key)!;
    const module = { exports: {} as Record<string, unknown> };
    const names = this.header.helpers[index]!;
    const helpers = names === '' ? [] : names.split(',').map((name) => (this.helpers ??= this.makeHelpers())[name]);
    this.functions[index]!(module.exports, require, module, path, dirname, ...helpers);
    this.ran.add(index);
    if (this.needsCodeCache && this.ran.size === this.functions.length) {
      this.needsCodeCache = false;
      writeAtomically(this.cacheFile, this.script.createCachedData(), batchesLimit());
    }
    return module.exports;
  }
}

/** The key of the batch of modules with content keys `keys`, in run order. */
function batchKeyOf(keys: readonly string[]): string {
  const hash = createHash('sha256').update(BATCH_FORMAT);
  for (const key of keys) hash.update('\0').update(key);
  return hash.digest('hex');
}

/** The cached batch of `slice`, evaluated; undefined when there is none (or it cannot be used). */
function openBatch(dir: string, slice: Slice): ScriptBatch | undefined {
  const file = join(dir, `${slice.key}.js`);
  const source = readIfPresent(file, 'utf8');
  if (source === undefined) return undefined;
  const batch = evaluate(slice, source, dir);
  if (batch === undefined) return undefined;
  try {
    // Pruning removes the least recently written batches: a batch in use stays.
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Pruned meanwhile: this run has it in memory already.
  }
  return batch;
}

/**
 * Build the batch of `slice` from its files as they are now (a file changed since the run read
 * it is left out, to be loaded alone) and write it; undefined when fewer than two can go in.
 */
async function buildBatch(dir: string, slice: Slice, compiler: Compiler): Promise<ScriptBatch | undefined> {
  const built = await Promise.all(slice.files.map(async (file): Promise<BatchMember | undefined> => {
    let source: string;
    try {
      source = readFileSync(file.path, 'utf8');
    } catch {
      return undefined;
    }
    // The key is the content's: a file edited since the run read it has another.
    if (compiler.keyOf(file.path, source) !== file.key) return undefined;
    const code = await compiler.compile(file.path, source, file.key);
    return code === null ? undefined : { ...file, code };
  }));
  const members = built.filter((m) => m !== undefined);
  if (members.length < BATCH_MIN) return undefined;
  const cut = members.map((m) => cutHelpers(m.code));
  const header: BatchHeader = {
    keys: members.map((m) => m.key),
    lengths: cut.map((c) => c.code.length),
    breaks: cut.map((c) => countBreaks(c.code)),
    helpers: cut.map((c) => c.names.join(',')),
  };
  const parts = [`// ${JSON.stringify(header)}\n`, ARRAY_START];
  for (const [i, c] of cut.entries()) parts.push(wrapperOf(header.helpers[i]!), c.code, MEMBER_END);
  parts.push(']');
  const source = parts.join('');
  writeAtomically(join(dir, `${slice.key}.js`), source, batchesLimit());
  return evaluate(slice, source, dir);
}
/** A module's wrapper in a batch: {@link MODULE_WRAPPER} with the cut helpers as parameters. */
function wrapperOf(helpers: string): string {
  return helpers === '' ? MODULE_WRAPPER : `${MODULE_WRAPPER.slice(0, -3)}, ${helpers.replaceAll(',', ', ')}) {`;
}

function countBreaks(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

/** The header of a batch file; undefined when it is not one of this format. */
function headerOf(source: string): BatchHeader | undefined {
  const end = source.indexOf('\n');
  if (!source.startsWith('// ') || end < 0) return undefined;
  try {
    const header = JSON.parse(source.slice(3, end)) as BatchHeader;
    const n = header.keys?.length;
    return Array.isArray(header.keys) && header.lengths?.length === n && header.breaks?.length === n && header.helpers?.length === n ? header : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compile and run the batch `source` of `slice` (its module functions only: no module's top
 * level runs here). Undefined when the file is not a well-formed batch of the slice's modules.
 */
function evaluate(slice: Slice, source: string, dir: string): ScriptBatch | undefined {
  const header = headerOf(source);
  // The helpers are those of this version of retort (an older batch has another key anyway).
  if (header === undefined || !source.startsWith(ARRAY_START, source.indexOf('\n') + 1)) return undefined;
  const paths = new Map(slice.files.map((f) => [f.key, f.path]));
  // Where each module's code starts (characters) and its first line (1-based) in the batch.
  const codeStarts: number[] = [];
  const firstLines: number[] = [];
  let at = source.indexOf('\n') + 1 + ARRAY_START.length;
  let line = 2 + countBreaks(ARRAY_START);
  for (let i = 0; i < header.keys.length; i++) {
    if (!paths.has(header.keys[i]!)) return undefined;
    const wrapper = wrapperOf(header.helpers[i]!);
    codeStarts.push(at + wrapper.length);
    firstLines.push(line);
    at += wrapper.length + header.lengths[i]! + MEMBER_END.length;
    line += header.breaks[i]! + 2;
  }
  if (at + 1 !== source.length) return undefined;
  const filename = `/retort-batch/${slice.key.slice(0, 16)}.js`;
  const cacheFile = join(dir, `${slice.key}.v8`);
  const cachedData = readIfPresent(cacheFile);
  let functions: unknown;
  let script: Script;
  try {
    script = new Script(source, { filename, ...(cachedData === undefined ? {} : { cachedData }) });
    functions = script.runInThisContext();
  } catch {
    return undefined;
  }
  if (!Array.isArray(functions) || functions.length !== header.keys.length + 1) return undefined;
  const [makeHelpers, ...modules] = functions as [() => Record<string, unknown>, ...ModuleFunction[]];
  noteBatch(filename, header.keys.map((k) => paths.get(k)!), firstLines);
  return new ScriptBatch(source, script, makeHelpers, modules, header, codeStarts, cacheFile, cachedData === undefined || script.cachedDataRejected === true);
}
