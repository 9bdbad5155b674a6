/**
 * Exact file:line for errors thrown by the user's own modules (revision scripts, the schema
 * module, the config), which run as CommonJS that esbuild compiled from TypeScript: their stack
 * frames name the compiled lines, not the user's.
 *
 * Source maps are not made on the load path: an inline map more than doubled each compiled
 * revision and Node applies none to code run through `vm.Script` anyway (script-loader.ts). Only
 * when an error is to be reported is the file compiled once more, with a map, and the frames that
 * name it rewritten: the happy path pays nothing, the error path a few milliseconds per file.
 */
import { readFileSync } from 'node:fs';
import { createRequire, SourceMap } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A place in a user's file, 1-based as editors show it. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * `(/path/file.ts:12:5)` or `at /path/file.ts:12:5`, with an optional `file://`; `.sql` for plain
 * SQL revisions, whose generated module names the file's own lines (sql-revision.ts).
 */
const FRAME = /((?:file:\/\/)?\/[^\s():]+?\.(?:[cm]?[jt]sx?|sql)):(\d+):(\d+)/g;

/** Files compiled from TypeScript or ESM by retort's loaders in this process (their frames need mapping). */
const compiledFiles = new Set<string>();
/** Maps made in this process, by path (null: the file cannot be compiled now). */
const maps = new Map<string, SourceMap | null>();

/** Note that `path` runs as code esbuild compiled (the loaders call this). */
export function noteCompiled(path: string): void {
  compiledFiles.add(path);
}

/** Batches of compiled modules run in this process (script-batch.ts): their modules' files and first lines. */
const batches = new Map<string, { readonly paths: readonly string[]; readonly firstLines: readonly number[] }>();
/** Batches remembered: the latest (a run holds one at a time), so memory stays flat in a long run. */
const BATCHES_KEPT = 64;

/**
 * Note that the script named `file` holds the compiled modules of `paths`, module `i` from line
 * `firstLines[i]` on (ascending), each as it would run alone: frames naming it are mapped back.
 */
export function noteBatch(file: string, paths: readonly string[], firstLines: readonly number[]): void {
  batches.delete(file);
  batches.set(file, { paths, firstLines });
  if (batches.size > BATCHES_KEPT) batches.delete(batches.keys().next().value!);
}

/** A frame's file and compiled line: for a frame in a batch, those of the module it falls in. */
function unbatch(path: string, line: number, column: number): { path: string; line: number; column: number } {
  const batch = batches.get(path);
  if (batch === undefined) return { path, line, column };
  // The last module starting at or before the line.
  let low = 0;
  let high = batch.firstLines.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (batch.firstLines[middle]! <= line) low = middle;
    else high = middle - 1;
  }
  return { path: batch.paths[low]!, line: line - batch.firstLines[low]! + 1, column };
}

function isUserFile(path: string): boolean {
  if (path.includes('/node_modules/')) return false;
  if (path.endsWith('.sql')) return true;
  // TypeScript always runs compiled; JavaScript only when one of retort's loaders compiled it.
  return /\.[cm]?ts$/.test(path) || compiledFiles.has(path);
}

function sourceMapOf(path: string): SourceMap | null {
  let map = maps.get(path);
  if (map !== undefined) return map;
  try {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const ext = extname(path);
    // The options of the loaders (format, target), so the lines are those of the code that ran.
    const result = esbuild.transformSync(readFileSync(path, 'utf8'), {
      loader: /^\.[cm]?ts$/.test(ext) ? 'ts' : 'js', format: 'cjs', target: 'node20', sourcefile: path, sourcemap: 'external',
    });
    map = new SourceMap(JSON.parse(result.map));
  } catch {
    map = null;
  }
  maps.set(path, map);
  return map;
}

/** Where compiled `line:column` (1-based) of `path` comes from in the user's file. */
function original(path: string, line: number, column: number): SourceLocation | undefined {
  // A `.sql` revision's frames already name the file's line and column: nothing was compiled.
  if (path.endsWith('.sql')) return { file: path, line, column };
  const map = sourceMapOf(path);
  if (map === null) return undefined;
  const entry = map.findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number };
  if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
  return { file: path, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

function pathOf(text: string): string {
  return text.startsWith('file://') ? fileURLToPath(text) : text;
}

/** The stack with every frame of a user's compiled file pointing at the line the user wrote. */
export function mapStack(stack: string): string {
  return stack.replace(FRAME, (whole, file: string, line: string, column: string) => {
    const frame = unbatch(pathOf(file), Number(line), Number(column));
    if (!isUserFile(frame.path)) return whole;
    const at = original(frame.path, frame.line, frame.column) ?? (batches.has(pathOf(file)) ? frame : undefined);
    return at === undefined ? whole : `${frame.path}:${at.line}:${at.column}`;
  });
}

/**
 * The first frame of `stack` in a user's file (in `only` when given): where the user's code
 * threw or called. Undefined when no frame names one (an error made by a driver, say).
 */
export function userLocation(stack: string | undefined, only?: string): SourceLocation | undefined {
  if (stack === undefined) return undefined;
  for (const m of stack.matchAll(FRAME)) {
    const frame = unbatch(pathOf(m[1]!), Number(m[2]), Number(m[3]));
    if (only !== undefined ? frame.path !== only : !isUserFile(frame.path)) continue;
    const at = original(frame.path, frame.line, frame.column);
    if (at !== undefined) return at;
  }
  return undefined;
}

/**
 * For an error thrown by a user's module: map its stack in place (so `--verbose` prints the right
 * lines) and return where it was thrown.
 */
export function locateError(error: unknown, only?: string): SourceLocation | undefined {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return undefined;
  const at = userLocation(error.stack, only);
  try {
    error.stack = mapStack(error.stack);
  } catch {
    // A frozen error keeps its stack; the location is still reported.
  }
  return at;
}

/** `file:line:column`, the form editors and terminals turn into a link. */
export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.column}`;
}
