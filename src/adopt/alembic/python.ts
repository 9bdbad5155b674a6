/**
 * Just enough of Python's lexical structure to read an Alembic script's module level without
 * running Python (it is not guaranteed where retort runs): comments, strings in every quoting
 * (single, double, triple, with `r`/`u`/`b`/`f` prefixes), bracket nesting and backslash
 * continuations, so that a script splits into its logical lines (statements) with their
 * indentation. The header reader ({@link ./script.ts}) interprets the few statements it needs.
 */
/** One token of a logical line. */
export interface PyToken {
  /** `string` (one literal, decoded), `name`, `op` (punctuation), `other` (numbers and the like). */
  readonly kind: 'string' | 'name' | 'op' | 'other';
  /** The decoded text of a string; the source text of anything else. */
  readonly value: string;
  /** Offset in the source. */
  readonly start: number;
  /** For strings: an `f` or `b` prefix, whose value is not a plain `str` known without running Python. */
  readonly computed?: boolean;
}

/** One logical line: a statement at some indentation, its tokens and where it lies in the source. */
export interface PyStatement {
  /** Columns of whitespace before its first token (0: module level). */
  readonly indent: number;
  readonly tokens: readonly PyToken[];
  /** Offset of its first token and the end of its last (exclusive). */
  readonly start: number;
  readonly end: number;
}

/** A lexical error: what is wrong and where (an offset), turned into a file:line error by the caller. */
export class PythonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const MULTI_CHAR_OPS = ['**=', '//=', '>>=', '<<=', '->', ':=', '==', '!=', '<=', '>=', '**', '//', '<<', '>>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@='];
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}_]/u;

/** Decodes the escapes of a non-raw Python string body (`\n`, `\x41`, `\u00e9`, octal; a newline after `\` continues). */
function decodeEscapes(body: string, offset: number): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i] ?? '';
    if (next === '\n') continue;
    if (next in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[next];
    else if (/[0-7]/.test(next)) {
      const digits = /^[0-7]{1,3}/.exec(body.slice(i))?.[0] ?? next;
      out += String.fromCodePoint(parseInt(digits, 8));
      i += digits.length - 1;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new PythonSyntaxError(`a truncated \\${next} escape in a string`, offset);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += width;
    } else if (next === 'N') throw new PythonSyntaxError('a \\N{...} escape in a string (named characters are not read)', offset);
    else out += `\\${next}`; // Python keeps an unknown escape as written.
  }
  return out;
}

/** Splits `source` into logical lines. Comments and blank lines belong to none. */
export function pythonStatements(source: string): PyStatement[] {
  const statements: PyStatement[] = [];
  let tokens: PyToken[] = [];
  let depth = 0;
  let lineStart = 0;
  let atLineStart = true;
  let indent = 0;
  let lastEnd = 0;
  const finish = () => {
    const first = tokens[0];
    if (first !== undefined) statements.push({ indent, tokens, start: first.start, end: lastEnd });
    tokens = [];
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '\n') {
      if (depth === 0) {
        finish();
        atLineStart = true;
      }
      lineStart = ++i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f') {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '\\' && (source[i + 1] === '\n' || (source[i + 1] === '\r' && source[i + 2] === '\n'))) {
      i += source[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    // The first token of a physical line outside brackets starts a statement: its column is the indentation.
    if (tokens.length === 0 && atLineStart) indent = i - lineStart;
    atLineStart = false;
    const prefix = /^([rRuUbBfF]{1,2})?(['"])/.exec(source.slice(i, i + 3));
    if (prefix !== null && (prefix[1] === undefined || !NAME_PART.test(source[i - 1] ?? ' '))) {
      const flags = (prefix[1] ?? '').toLowerCase();
      const quote = prefix[2] as string;
      const open = i + (prefix[1]?.length ?? 0);
      const triple = source.startsWith(quote.repeat(3), open);
      const delimiter = triple ? quote.repeat(3) : quote;
      let j = open + delimiter.length;
      for (;;) {
        if (j >= source.length || (!triple && source[j] === '\n')) throw new PythonSyntaxError('a string that is never closed', i);
        if (source[j] === '\\') j += 2;
        else if (source.startsWith(delimiter, j)) break;
        else j++;
      }
      const body = source.slice(open + delimiter.length, j).replace(/\r\n/g, '\n');
      const value = flags.includes('r') ? body : decodeEscapes(body, i);
      tokens.push({ kind: 'string', value, start: i, ...(flags.includes('f') || flags.includes('b') ? { computed: true } : {}) });
      i = lastEnd = j + delimiter.length;
      continue;
    }
    if (NAME_START.test(ch)) {
      let j = i + 1;
      while (j < source.length && NAME_PART.test(source[j] as string)) j++;
      tokens.push({ kind: 'name', value: source.slice(i, j), start: i });
      i = lastEnd = j;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const number = /^[0-9a-zA-Z_.]+/.exec(source.slice(i))?.[0] ?? ch;
      tokens.push({ kind: 'other', value: number, start: i });
      i = lastEnd = i + number.length;
      continue;
    }
    if (ch === ';' && depth === 0) {
      // `a = 1; b = 2`: two statements at the same indentation.
      lastEnd = ++i;
      finish();
      continue;
    }
    const op = MULTI_CHAR_OPS.find((o) => source.startsWith(o, i)) ?? ch;
    if ('([{'.includes(op)) depth++;
    else if (')]}'.includes(op)) {
      if (depth === 0) throw new PythonSyntaxError(`an unmatched '${op}'`, i);
      depth--;
    }
    tokens.push({ kind: 'op', value: op, start: i });
    i = lastEnd = i + op.length;
  }
  if (depth > 0) throw new PythonSyntaxError('a bracket that is never closed', tokens[0]?.start ?? source.length);
  finish();
  return statements;
}
