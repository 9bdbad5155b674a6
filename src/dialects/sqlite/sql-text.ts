/**
 * A small tokenizer for the SQL text SQLite keeps in `sqlite_master`. SQLite's pragmas do not
 * report CHECK constraints, constraint names, AUTOINCREMENT, index expressions or partial-index
 * predicates, so introspection reads them from the original `CREATE` statements; the rebuild
 * also uses it to rename identifiers inside kept expressions.
 */

/** One lexical token, with its place in the source so callers can cut original text back out. */
export interface Token {
  /** `word` (bare keyword or name), `quoted` (a quoted identifier), `string`, `number`, `punct`. */
  readonly kind: 'word' | 'quoted' | 'string' | 'number' | 'punct';
  /** The token's meaning: the unquoted name, the unescaped string, the character. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const CLOSERS: Readonly<Record<string, string>> = { '"': '"', '`': '`', '[': ']' };

// Sticky (`y`) patterns match at lastIndex without copying the rest of the text for each token,
// which kept tokenizing quadratic in the statement's length (it runs on every table autogenerate reads).
const NUMBER = /(?:0x[0-9a-f]+|[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)/iy;
const WORD = /[\p{L}\p{N}_$]+/uy;

/** Split `sql` into tokens, dropping whitespace and comments. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const code = sql.charCodeAt(i);
    // Character codes first: this runs over every table's text when autogenerate reads a schema.
    if (code <= 32 || (code > 127 && /\s/.test(ch))) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (ch === "'" || CLOSERS[ch] !== undefined) {
      const close = ch === "'" ? "'" : (CLOSERS[ch] as string);
      let j = i + 1;
      let value = '';
      for (;;) {
        const at = sql.indexOf(close, j);
        if (at < 0) {
          value += sql.slice(j);
          j = sql.length;
          break;
        }
        value += sql.slice(j, at);
        // A doubled closer is an escaped closer, except for [brackets], which cannot escape.
        if (close !== ']' && sql[at + 1] === close) {
          value += close;
          j = at + 2;
        } else {
          j = at + 1;
          break;
        }
      }
      tokens.push({ kind: ch === "'" ? 'string' : 'quoted', value, start: i, end: j });
      i = j;
    } else if ((code >= 48 && code <= 57) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(sql) as RegExpExecArray;
      tokens.push({ kind: 'number', value: match[0], start: i, end: i + match[0].length });
      i += match[0].length;
    } else if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || (code > 127 && /[\p{L}]/u.test(ch))) {
      WORD.lastIndex = i;
      const match = WORD.exec(sql) as RegExpExecArray;
      tokens.push({ kind: 'word', value: match[0], start: i, end: i + match[0].length });
      i += match[0].length;
    } else {
      tokens.push({ kind: 'punct', value: ch, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

/** True when `token` is the bare keyword `word` (case-insensitive; a quoted name never is). */
export function isKeyword(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === 'word' && token.value.toUpperCase() === word;
}

/** True when `token` names something (a bare word or a quoted identifier). */
export function isName(token: Token | undefined): token is Token {
  return token !== undefined && (token.kind === 'word' || token.kind === 'quoted' || token.kind === 'string');
}

/** Index of the `)` matching the `(` at `open`, or the last index when unbalanced. */
export function matchingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'punct') continue;
    if (t.value === '(') depth++;
    if (t.value === ')' && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** Split tokens `[from, to)` at top-level commas into `[start, end)` ranges. */
export function splitTopLevel(tokens: readonly Token[], from: number, to: number): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'punct') continue;
    if (t.value === '(') depth++;
    else if (t.value === ')') depth--;
    else if (t.value === ',' && depth === 0) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  if (start < to) parts.push([start, to]);
  return parts;
}

/** The original source text of tokens `[from, to)`. */
export function sourceOf(sql: string, tokens: readonly Token[], from: number, to: number): string {
  if (from >= to) return '';
  return sql.slice((tokens[from] as Token).start, (tokens[to - 1] as Token).end);
}

/** The names in a parenthesised list starting at `open` (first name of each element). */
export function nameList(tokens: readonly Token[], open: number): string[] {
  const close = matchingParen(tokens, open);
  return splitTopLevel(tokens, open + 1, close)
    .map(([s]) => tokens[s])
    .filter(isName)
    .map((t) => t.value);
}

/**
 * `sql` with every identifier named `from` (SQLite compares names case-insensitively) replaced
 * by `to`, quoted with `quote`. Strings are left alone; so are words followed by `(`, which
 * are function calls.
 */
export function renameIdentifier(sql: string, from: string, to: string, quote: (name: string) => string): string {
  const tokens = tokenize(sql);
  let out = '';
  let last = 0;
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    const isCall = t.kind === 'word' && next?.kind === 'punct' && next.value === '(';
    if ((t.kind === 'word' || t.kind === 'quoted') && !isCall && t.value.toLowerCase() === from.toLowerCase()) {
      out += sql.slice(last, t.start) + quote(to);
      last = t.end;
    }
  });
  return out + sql.slice(last);
}

/** True when `sql` mentions an identifier named `name` (outside strings; see renameIdentifier). */
export function mentionsIdentifier(sql: string, name: string): boolean {
  return renameIdentifier(sql, name, '\u0000', (n) => n) !== sql;
}
