/**
 * Splits the text of a plain `.sql` revision file into statements and `-- retort:` markers, each
 * with the line and column where it starts, without a database and without knowing the dialect
 * (the header cache and `lint` read files with no connection).
 *
 * The rule, as the README states it: a statement ends at a `;` that is outside
 * - quoted strings `'...'` (a quote inside is doubled: `''`; backslash escapes only in
 *   PostgreSQL's `E'...'` strings), quoted identifiers `"..."` and `` `...` ``,
 * - comments `-- ...` and `/* ... *\/`,
 * - PostgreSQL dollar quotes `$$...$$` / `$tag$...$tag$` (a `$` that follows a letter, digit or
 *   `_` is part of a name, and `$1` is a parameter, so neither opens one),
 * - a block: `BEGIN` and `CASE` open one and `END` closes one, so a trigger or routine body
 *   (MySQL/MariaDB, SQLite) stays whole. `BEGIN` followed by `;`, `TRANSACTION`, `WORK`,
 *   `DEFERRED`, `IMMEDIATE` or `EXCLUSIVE` opens none; `END IF|LOOP|WHILE|REPEAT|FOR` closes none.
 *   A column named `begin`, `case` or `end` must be quoted.
 * The last statement of a section may omit its `;`. A marker is a comment line `-- retort:NAME` between statements.
 */
import { RetortError } from '../errors.js';

/** One statement or marker of a `.sql` revision, 1-based line and column. */
export type SqlItem =
  | { readonly kind: 'statement'; readonly sql: string; readonly line: number; readonly column: number }
  | { readonly kind: 'marker'; readonly name: string; readonly argument: string; readonly line: number };

const NOT_A_BLOCK_AFTER_BEGIN = new Set(['TRANSACTION', 'WORK', 'DEFERRED', 'IMMEDIATE', 'EXCLUSIVE']);
const NOT_CLOSING_A_BLOCK = new Set(['IF', 'LOOP', 'WHILE', 'REPEAT', 'FOR']);
const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_$]/;
const MARKER = /^--\s*retort:([a-z-]*)\s*(.*?)\s*$/;

/** The error for a broken `.sql` revision: names the file and the line. */
export function badSqlFile(path: string, line: number | undefined, problem: string, hint: string): RetortError {
  const where = line === undefined ? path : `${path}:${line}`;
  return new RetortError('BadRevisionFile', `Revision file ${where}: ${problem}.`, {
    fields: { path, file: path, ...(line === undefined ? {} : { line }), problem },
    hint,
  });
}

/**
 * The statements and markers of `source`, in order. Linear in the input: every step of the loop
 * advances at least one character, and an unterminated quote or comment ends at the end of file
 * (then reported).
 * @throws RetortError `BadRevisionFile` for an unterminated quote, comment or block, and for a
 *   marker inside a statement (a missing `;` before it).
 */
export function splitSql(path: string, source: string): SqlItem[] {
  const items: SqlItem[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  // The pending statement: where it started (offset, line, column), -1 when none.
  let start = -1;
  let startLine = 0;
  let startColumn = 0;
  let depth = 0;
  let previousWord = '';
  const n = source.length;
  const begin = () => {
    if (start !== -1) return;
    start = i;
    startLine = line;
    startColumn = i - lineStart + 1;
  };
  const end = (stop: number) => {
    const sql = source.slice(start, stop).trim();
    if (sql !== '') items.push({ kind: 'statement', sql, line: startLine, column: startColumn });
    start = -1;
    depth = 0;
    previousWord = '';
  };
  /** Move `i` past the quoted run whose text starts at `from` and ends with `close`; counts its lines. */
  const skipTo = (close: string, from: number, what: string, backslash: boolean): void => {
    const openLine = line;
    for (let j = from; j < n;) {
      const c = source[j];
      if (c === '\n') { line++; lineStart = j + 1; j++; continue; }
      if (backslash && c === '\\') {
        if (source[j + 1] === '\n') { line++; lineStart = j + 2; }
        j += 2;
        continue;
      }
      if (source.startsWith(close, j)) {
        // A doubled quote is a quote inside the run.
        if (close.length === 1 && source[j + 1] === close) { j += 2; continue; }
        i = j + close.length;
        return;
      }
      j++;
    }
    throw badSqlFile(path, openLine, `${what} that starts on line ${openLine} is never closed`, "Close it; a quote inside a string is written twice ('').");
  };
  while (i < n) {
    const ch = source[i]!;
    if (ch === '\n') { line++; i++; lineStart = i; continue; }
    if (ch === ' ' || ch === '\t' || ch === '\r') { i++; continue; }
    if (ch === '-' && source[i + 1] === '-') {
      const eol = source.indexOf('\n', i);
      const text = source.slice(i, eol === -1 ? n : eol);
      const marker = MARKER.exec(text);
      if (marker !== null && source.slice(lineStart, i).trim() === '') {
        // A section marker ends a last statement written without its `;`.
        if (start !== -1 && depth <= 0 && marker[1] !== 'no-transaction') end(i);
        if (start !== -1) {
          throw badSqlFile(path, line, `the marker '${text.trim()}' is inside the statement that starts on line ${startLine}`, 'End that statement with `;` before the marker.');
        }
        items.push({ kind: 'marker', name: marker[1]!, argument: marker[2]!, line });
      }
      i = eol === -1 ? n : eol;
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') { skipTo('*/', i + 2, 'A comment', false); continue; }
    if (ch === ';') {
      if (start !== -1 && depth > 0) { i++; previousWord = ';'; continue; }
      if (start !== -1) end(i);
      i++;
      continue;
    }
    begin();
    if (ch === "'") {
      const escaped = (source[i - 1] === 'E' || source[i - 1] === 'e') && !WORD_PART.test(source[i - 2] ?? ' ');
      skipTo("'", i + 1, 'A string', escaped);
      previousWord = '';
      continue;
    }
    if (ch === '"' || ch === '`') { skipTo(ch, i + 1, 'A quoted name', false); previousWord = ''; continue; }
    if (ch === '$' && !WORD_PART.test(source[i - 1] ?? ' ')) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(source.slice(i, i + 66));
      if (tag !== null) { skipTo(tag[0], i + tag[0].length, `The dollar-quoted text ${tag[0]}`, false); previousWord = ''; continue; }
    }
    if (WORD_START.test(ch) && !WORD_PART.test(source[i - 1] ?? ' ')) {
      let j = i + 1;
      while (j < n && WORD_PART.test(source[j]!)) j++;
      const word = source.slice(i, j).toUpperCase();
      // `t.end` is a column, not a keyword.
      const qualified = source[i - 1] === '.';
      if (!qualified) depth = blockDepth(depth, previousWord, word, nextSignificant(source, j));
      previousWord = qualified ? '' : word;
      i = j;
      continue;
    }
    previousWord = '';
    i++;
  }
  if (start !== -1) {
    if (depth > 0) {
      throw badSqlFile(path, startLine, `the statement that starts on line ${startLine} has a BEGIN or CASE without its END`,
        'Close the block with END; a column named begin, case or end must be quoted.');
    }
    end(n);
  }
  return items;
}

/** The block depth after `word` (previous word `before`, next character `next`). */
function blockDepth(depth: number, before: string, word: string, next: string): number {
  // `END CASE` closes the CASE its END already counted; `END IF` closes nothing: undo the END.
  if (before === 'END') return word === 'CASE' ? depth : NOT_CLOSING_A_BLOCK.has(word) ? depth + 1 : depth;
  if (word === 'CASE') return depth + 1;
  if (word === 'BEGIN') return next === ';' || next === '' ? depth : depth + 1;
  // `BEGIN TRANSACTION` starts a transaction, not a block: undo the BEGIN.
  if (before === 'BEGIN' && NOT_A_BLOCK_AFTER_BEGIN.has(word)) return depth - 1;
  if (word === 'END') return depth - 1;
  return depth;
}

/** The next character after `from` that is not white space ('' at the end). */
function nextSignificant(source: string, from: number): string {
  const match = /\S/.exec(source.slice(from, from + 200));
  return match === null ? '' : match[0];
}
