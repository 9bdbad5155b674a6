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
import { cutHelpers } from './batch-helpers.js';
import { batchSource, layoutOf, memberOf, type BatchHeader, type BatchLayout, type MemberCode } from './batch-format.js';
import { WrittenBatches } from './batch-reuse.js';
import { noteBatch } from './stack-map.js';
import { codeCacheTag } from '../util/v8-flags.js';

export { MODULE_WRAPPER } from './batch-format.js';

/** Bump when the batch file's layout changes, so old batches are never used. */
const BATCH_FORMAT = '2';

/** Revisions per batch: enough to make a batch's fixed costs vanish, few enough to hold one. */
export const SLICE_SIZE = 500;
/**
 * The first slice of a run is smaller, and each next one twice as large up to {@link SLICE_SIZE}
 * (64, 128, 256, 500, 500, ...): on a cold cache a run waits for its first batch to be compiled
 * before it starts, then compiles each slice while it executes the one before, which has half as
 * many revisions and takes about as long (executing a revision costs more than compiling it).
 * With 500 from the start, a cold run of 500 revisions compiled them all before its first step.
 */
const FIRST_SLICE = 64;
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

/** How the loader keys and compiles a file (script-loader.ts). */
export interface Compiler {
  /** The content key of `source`, read from `path`. */
  keyOf(path: string, source: string): string;
  /** Its compiled CommonJS code (null: it needs the general loader). */
  compile(path: string, source: string, key: string): Promise<string | null>;
}

/** The module function of a batch member, as made by {@link MODULE_WRAPPER}, then the helpers it was cut of. */
type ModuleFunction = (exports: object, require: (id: string) => unknown, module: { exports: object }, filename: string, dirname: string, ...helpers: unknown[]) => void;

/** A slice of a run: consecutive files, and the key of their batch. */
interface Slice {
  readonly key: string;
  readonly files: readonly RunFile[];
}

/**
 * The files of one run in slices, each loaded as one batch when the run first loads one of its
 * modules. Opening a slice releases the one open before (runs load their revisions in order).
 *
 * A slice without a batch file is built from its files' compiled modules while the run executes
 * the slice before it (the first as soon as the run is made, while it connects): on a cold cache
 * the compiling (esbuild, in its own process) overlaps the database's work instead of preceding
 * it. At most one slice is built ahead, so memory stays flat in the chain.
 */
export class BatchedRun {
  private readonly slices = new Map<string, Slice>();
  private readonly order: Slice[] = [];
  private open: { slice: Slice; batch: ScriptBatch | undefined } | undefined;
  /** The source of the slice being built ahead, once built (undefined: no batch for it). */
  private ahead: { slice: Slice; source: Promise<string | undefined> } | undefined;

  /** `files` in run order; no slices when `dir` (the batches' cache folder) is undefined. */
  constructor(private readonly dir: string | undefined, private readonly files: readonly RunFile[], private readonly compiler: Compiler) {
    if (dir === undefined || files.length < BATCH_MIN) return;
    for (let i = 0, size = FIRST_SLICE; i < files.length; i += size, size = Math.min(size * 2, SLICE_SIZE)) {
      const part = files.slice(i, i + size);
      if (part.length < BATCH_MIN) continue;
      const slice = { key: batchKeyOf(part.map((f) => f.key)), files: part };
      for (const file of part) this.slices.set(file.key, slice);
      this.order.push(slice);
    }
    slicesInRun = Math.max(slicesInRun, this.order.length);
    this.buildAhead(this.order[0]);
  }

  /** The files in no slice: a run compiles them before it starts. */
  loose(): RunFile[] {
    return this.files.filter((file) => !this.slices.has(file.key));
  }

  /**
   * The batch holding the module of content key `key`: its slice's batch, opened from the cache
   * or built (then written); undefined when no batch holds it.
   */
  async batchOf(key: string): Promise<ScriptBatch | undefined> {
    const slice = this.slices.get(key);
    if (slice === undefined) return undefined;
    if (this.open?.slice !== slice) {
      this.open = undefined; // released before the next is made: one batch in memory at a time
      const built = this.ahead?.slice === slice ? await this.ahead.source : undefined;
      if (this.ahead?.slice === slice) this.ahead = undefined;
      const batch = built !== undefined ? evaluate(slice, built, this.dir!) : openBatch(this.dir!, slice);
      this.open = { slice, batch: batch ?? evaluateBuilt(slice, await buildSource(this.dir!, slice, this.compiler), this.dir!) };
      this.buildAhead(this.order[this.order.indexOf(slice) + 1]);
    }
    return this.open.batch?.has(key) ? this.open.batch : undefined;
  }

  /** Start building `slice` unless its batch is written (or it is being built). */
  private buildAhead(slice: Slice | undefined): void {
    if (slice === undefined || this.ahead?.slice === slice || existsSync(join(this.dir!, `${slice.key}.js`))) return;
    const source = buildSource(this.dir!, slice, this.compiler);
    // Never an unhandled rejection: a failure here is met again when the slice is loaded.
    source.catch(() => undefined);
    this.ahead = { slice, source: source.catch(() => undefined) };
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
    private readonly layout: BatchLayout,
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
    return memberOf(this.source, this.header, this.layout, this.indexes.get(key)!).code;
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

/** Batches written in each cache folder, by their modules' keys (batch-reuse.ts). */
const written = new Map<string, WrittenBatches>();

/**
 * Build the source of the batch of `slice` from its files as they are now (a file changed since
 * the run read it is left out, to be loaded alone) and write it; undefined when fewer than two
 * can go in. Each module is taken from a batch already written when one holds it, else compiled.
 */
async function buildSource(dir: string, slice: Slice, compiler: Compiler): Promise<string | undefined> {
  let batches = written.get(dir);
  if (batches === undefined) written.set(dir, (batches = new WrittenBatches(dir)));
  const found = batches.take(slice.files.map((f) => f.key));
  const built = await Promise.all(slice.files.map(async (file): Promise<(RunFile & { member: MemberCode }) | undefined> => {
    let source: string;
    try {
      source = readFileSync(file.path, 'utf8');
    } catch {
      return undefined;
    }
    // The key is the content's: a file edited since the run read it has another.
    if (compiler.keyOf(file.path, source) !== file.key) return undefined;
    const member = found.get(file.key);
    if (member !== undefined) return { ...file, member };
    const code = await compiler.compile(file.path, source, file.key);
    return code === null ? undefined : { ...file, member: cutHelpers(code) };
  }));
  const members = built.filter((m) => m !== undefined);
  if (members.length < BATCH_MIN) return undefined;
  const keys = members.map((m) => m.key);
  const source = batchSource(keys, members.map((m) => m.member));
  if (writeAtomically(join(dir, `${slice.key}.js`), source, batchesLimit())) batches.note(`${slice.key}.js`, keys);
  return source;
}

/** {@link evaluate} of a built source, if any. */
function evaluateBuilt(slice: Slice, source: string | undefined, dir: string): ScriptBatch | undefined {
  return source === undefined ? undefined : evaluate(slice, source, dir);
}

/**
 * Compile and run the batch `source` of `slice` (its module functions only: no module's top
 * level runs here). Undefined when the file is not a well-formed batch of the slice's modules.
 */
function evaluate(slice: Slice, source: string, dir: string): ScriptBatch | undefined {
  const parsed = layoutOf(source);
  if (parsed === undefined) return undefined;
  const { header, layout } = parsed;
  const paths = new Map(slice.files.map((f) => [f.key, f.path]));
  if (!header.keys.every((key) => paths.has(key))) return undefined;
  const filename = `/retort-batch/${slice.key.slice(0, 16)}.js`;
  // Named by the process's V8 flags (v8-flags.ts): a cache made under others would be rejected.
  const cacheFile = join(dir, `${slice.key}.${codeCacheTag()}.v8`);
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
  noteBatch(filename, header.keys.map((k) => paths.get(k)!), layout.firstLines);
  return new ScriptBatch(source, script, makeHelpers, modules, header, layout, cacheFile, cachedData === undefined || script.cachedDataRejected === true);
}
