/**
 * The layout of a batch file (script-batch.ts): what it holds and where each module's code is.
 * Shared by the batch that runs the file and by batch-reuse.ts, which takes the compiled code of
 * modules out of batches already written to build another batch without compiling them again.
 *
 * A batch file is a header line, `// {"keys":[...],...}`, then an array: a function making the
 * shared helpers (batch-helpers.ts), then one CommonJS module function per revision.
 */
import { HELPER_DEFINITIONS, HELPER_OBJECT } from './batch-helpers.js';

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

/** The batch file's first line, after `// `: which modules it holds, in order. */
export interface BatchHeader {
  readonly keys: readonly string[];
  /** Characters of each module's compiled code. */
  readonly lengths: readonly number[];
  /** Line breaks in each module's compiled code. */
  readonly breaks: readonly number[];
  /** The helpers cut from each module (batch-helpers.ts), comma-separated: its extra parameters. */
  readonly helpers: readonly string[];
}

/** A module as a batch holds it: its compiled code without the helpers it starts with, and their names. */
export interface MemberCode {
  readonly code: string;
  readonly names: readonly string[];
}

/** Where the modules of a batch file are: each one's code (characters) and first line (1-based). */
export interface BatchLayout {
  readonly codeStarts: readonly number[];
  readonly firstLines: readonly number[];
}

/** The source of a batch of the modules of content keys `keys`, in order. */
export function batchSource(keys: readonly string[], members: readonly MemberCode[]): string {
  const header: BatchHeader = {
    keys,
    lengths: members.map((m) => m.code.length),
    breaks: members.map((m) => countBreaks(m.code)),
    helpers: members.map((m) => m.names.join(',')),
  };
  const parts = [`// ${JSON.stringify(header)}\n`, ARRAY_START];
  for (const [i, m] of members.entries()) parts.push(wrapperOf(header.helpers[i]!), m.code, MEMBER_END);
  parts.push(']');
  return parts.join('');
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

/** The header of a batch, from its first line (without the line break); undefined when it is not one of this format. */
export function headerOf(firstLine: string): BatchHeader | undefined {
  if (!firstLine.startsWith('// ')) return undefined;
  try {
    const header = JSON.parse(firstLine.slice(3)) as BatchHeader;
    const n = header.keys?.length;
    return Array.isArray(header.keys) && header.lengths?.length === n && header.breaks?.length === n && header.helpers?.length === n ? header : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The header and layout of batch file `source`; undefined when it is not a well-formed batch of
 * this version of retort (its helpers are this version's: an older batch has another key anyway).
 */
export function layoutOf(source: string): { header: BatchHeader; layout: BatchLayout } | undefined {
  const end = source.indexOf('\n');
  const header = end < 0 ? undefined : headerOf(source.slice(0, end));
  if (header === undefined || !source.startsWith(ARRAY_START, end + 1)) return undefined;
  const codeStarts: number[] = [];
  const firstLines: number[] = [];
  let at = end + 1 + ARRAY_START.length;
  let line = 2 + countBreaks(ARRAY_START);
  for (let i = 0; i < header.keys.length; i++) {
    const wrapper = wrapperOf(header.helpers[i]!);
    codeStarts.push(at + wrapper.length);
    firstLines.push(line);
    at += wrapper.length + header.lengths[i]! + MEMBER_END.length;
    line += header.breaks[i]! + 2;
  }
  return at + 1 === source.length ? { header, layout: { codeStarts, firstLines } } : undefined;
}

/** Module `index` of a batch as it holds it (see {@link MemberCode}). */
export function memberOf(source: string, header: BatchHeader, layout: BatchLayout, index: number): MemberCode {
  const start = layout.codeStarts[index]!;
  const names = header.helpers[index]!;
  return { code: source.slice(start, start + header.lengths[index]!), names: names === '' ? [] : names.split(',') };
}
