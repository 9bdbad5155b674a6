/**
 * Parsers for the `CREATE TABLE` and `CREATE INDEX` text stored in `sqlite_master`: the facts the
 * pragmas leave out (constraint names, CHECK bodies, AUTOINCREMENT, WITHOUT ROWID, index
 * expressions and partial-index predicates).
 */
import type { IndexElement } from '../../schema/model.js';
import { isKeyword, isName, matchingParen, nameList, sourceOf, splitTopLevel, tokenize } from './sql-text.js';
import type { Token } from './sql-text.js';

/** A constraint as written in the CREATE TABLE text (column-level ones carry their column). */
export interface ParsedConstraint {
  readonly kind: 'primaryKey' | 'unique' | 'check' | 'foreignKey';
  readonly name?: string;
  /** Constrained columns (for a column-level constraint: that column). */
  readonly columns: readonly string[];
  /** The CHECK condition, as written. */
  readonly condition?: string;
  /** Column-level (`a INT UNIQUE`) rather than table-level (`UNIQUE (a)`). */
  readonly columnLevel: boolean;
  /** `PRIMARY KEY AUTOINCREMENT`. */
  readonly autoIncrement?: boolean;
}

/** What a column definition says beyond the pragmas: its collation and its generation expression. */
export interface ParsedColumn {
  /** `COLLATE name`, as written. */
  readonly collation?: string;
  /** `[GENERATED ALWAYS] AS (expr) [VIRTUAL | STORED]` (VIRTUAL when neither is said). */
  readonly generated?: { readonly expression: string; readonly stored: boolean };
}

/** What parseCreateTable finds. */
export interface ParsedTable {
  readonly constraints: readonly ParsedConstraint[];
  readonly withoutRowid: boolean;
  /** Column facts by lower-cased column name (only columns that have some). */
  readonly columns: ReadonlyMap<string, ParsedColumn>;
}

const TABLE_CONSTRAINT_STARTS = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);

/** Parse `CREATE TABLE name (defs) [options]`. */
export function parseCreateTable(sql: string): ParsedTable {
  const tokens = tokenize(sql);
  const open = tokens.findIndex((t) => t.kind === 'punct' && t.value === '(');
  if (open < 0) return { constraints: [], withoutRowid: false, columns: new Map() };
  const close = matchingParen(tokens, open);
  const constraints: ParsedConstraint[] = [];
  const columns = new Map<string, ParsedColumn>();
  for (const [start, end] of splitTopLevel(tokens, open + 1, close)) {
    const first = tokens[start];
    if (first?.kind === 'word' && TABLE_CONSTRAINT_STARTS.has(first.value.toUpperCase())) {
      constraints.push(...readConstraints(sql, tokens, start, end, undefined));
    } else if (isName(first)) {
      constraints.push(...readConstraints(sql, tokens, start + 1, end, first.value));
      const column = readColumn(sql, tokens, start + 1, end);
      if (column.collation !== undefined || column.generated !== undefined) columns.set(first.value.toLowerCase(), column);
    }
  }
  const tail = tokens.slice(close + 1);
  const withoutRowid = tail.some((t, i) => isKeyword(t, 'WITHOUT') && isKeyword(tail[i + 1], 'ROWID'));
  return { constraints, withoutRowid, columns };
}

/** The collation and generation expression of the column definition in tokens `[from, to)`. */
function readColumn(sql: string, tokens: readonly Token[], from: number, to: number): ParsedColumn {
  let collation: string | undefined;
  let generated: ParsedColumn['generated'];
  for (let i = from; i < to; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'punct' && t.value === '(') {
      i = matchingParen(tokens, i);
    } else if (isKeyword(t, 'COLLATE') && isName(tokens[i + 1])) {
      collation = (tokens[i + 1] as Token).value;
      i++;
    } else if (isKeyword(t, 'AS') && tokens[i + 1]?.kind === 'punct' && tokens[i + 1]?.value === '(') {
      const closeAt = matchingParen(tokens, i + 1);
      generated = { expression: sourceOf(sql, tokens, i + 2, closeAt), stored: isKeyword(tokens[closeAt + 1], 'STORED') };
      i = closeAt;
    }
  }
  return { ...(collation === undefined ? {} : { collation }), ...(generated === undefined ? {} : { generated }) };
}

/**
 * The constraints in tokens `[from, to)`: a column's constraint clauses when `column` is set,
 * else one table constraint.
 */
function readConstraints(sql: string, tokens: readonly Token[], from: number, to: number, column: string | undefined): ParsedConstraint[] {
  const out: ParsedConstraint[] = [];
  const columnLevel = column !== undefined;
  let name: string | undefined;
  let i = from;
  const parenAfter = (at: number): number | undefined => {
    const t = tokens[at];
    return t?.kind === 'punct' && t.value === '(' ? at : undefined;
  };
  const push = (c: Omit<ParsedConstraint, 'columnLevel' | 'name'>): void => {
    out.push({ ...c, columnLevel, ...(name === undefined ? {} : { name }) });
    name = undefined;
  };
  while (i < to) {
    const t = tokens[i] as Token;
    if (isKeyword(t, 'CONSTRAINT') && isName(tokens[i + 1])) {
      name = (tokens[i + 1] as Token).value;
      i += 2;
    } else if (isKeyword(t, 'PRIMARY') && isKeyword(tokens[i + 1], 'KEY')) {
      const open = parenAfter(i + 2);
      const cols = open === undefined ? [column as string] : nameList(tokens, open);
      let j = open === undefined ? i + 2 : matchingParen(tokens, open) + 1;
      let autoIncrement = false;
      while (j < to && !isKeyword(tokens[j], 'CONSTRAINT') && !startsClause(tokens[j])) {
        if (isKeyword(tokens[j], 'AUTOINCREMENT')) autoIncrement = true;
        j++;
      }
      push({ kind: 'primaryKey', columns: cols, autoIncrement });
      i = j;
    } else if (isKeyword(t, 'UNIQUE')) {
      const open = parenAfter(i + 1);
      push({ kind: 'unique', columns: open === undefined ? [column as string] : nameList(tokens, open) });
      i = open === undefined ? i + 1 : matchingParen(tokens, open) + 1;
    } else if (isKeyword(t, 'CHECK') && parenAfter(i + 1) !== undefined) {
      const closeAt = matchingParen(tokens, i + 1);
      push({ kind: 'check', columns: column === undefined ? [] : [column], condition: sourceOf(sql, tokens, i + 2, closeAt) });
      i = closeAt + 1;
    } else if (isKeyword(t, 'FOREIGN') && isKeyword(tokens[i + 1], 'KEY')) {
      const open = parenAfter(i + 2);
      push({ kind: 'foreignKey', columns: open === undefined ? [] : nameList(tokens, open) });
      i = skipReferences(tokens, open === undefined ? i + 2 : matchingParen(tokens, open) + 1, to);
    } else if (isKeyword(t, 'REFERENCES')) {
      push({ kind: 'foreignKey', columns: column === undefined ? [] : [column] });
      i = skipReferences(tokens, i, to);
    } else if (t.kind === 'punct' && t.value === '(') {
      i = matchingParen(tokens, i) + 1;
    } else {
      i++;
    }
  }
  return out;
}

/** Keywords that open a new column-constraint clause. */
function startsClause(token: Token | undefined): boolean {
  if (token === undefined || token.kind !== 'word') return false;
  return ['NOT', 'NULL', 'UNIQUE', 'CHECK', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED', 'AS', 'PRIMARY'].includes(
    token.value.toUpperCase(),
  );
}

/** Skip a `REFERENCES t (cols) [ON ... ] [MATCH ...] [DEFERRABLE ...]` clause from `at`. */
function skipReferences(tokens: readonly Token[], at: number, to: number): number {
  let i = at;
  while (i < to) {
    const t = tokens[i] as Token;
    if (isKeyword(t, 'CONSTRAINT') || (i > at && startsClause(t) && !isKeyword(t, 'NULL') && !isKeyword(t, 'DEFAULT'))) {
      return i;
    }
    i = t.kind === 'punct' && t.value === '(' ? matchingParen(tokens, i) + 1 : i + 1;
  }
  return i;
}

/** What parseCreateIndex finds. */
export interface ParsedIndex {
  readonly elements: readonly IndexElement[];
  readonly where?: string;
}

/** Parse `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (elements) [WHERE predicate]`. */
export function parseCreateIndex(sql: string): ParsedIndex {
  const tokens = tokenize(sql);
  const on = tokens.findIndex((t) => isKeyword(t, 'ON'));
  const open = tokens.findIndex((t, i) => i > on && t.kind === 'punct' && t.value === '(');
  if (on < 0 || open < 0) return { elements: [] };
  const close = matchingParen(tokens, open);
  const elements = splitTopLevel(tokens, open + 1, close).map(([start, end]): IndexElement => {
    let stop = end;
    // Ordering and collation are not part of the neutral model: drop them from the element.
    while (stop > start && (isKeyword(tokens[stop - 1], 'ASC') || isKeyword(tokens[stop - 1], 'DESC'))) stop--;
    if (stop - start >= 3 && isKeyword(tokens[stop - 2], 'COLLATE')) stop -= 2;
    const only = tokens[start];
    if (stop - start === 1 && only !== undefined && (only.kind === 'word' || only.kind === 'quoted')) return only.value;
    // retort writes expressions as `(expr)`; read back the expression without that pair.
    const opener = tokens[start];
    const wrapped = opener?.kind === 'punct' && opener.value === '(' && matchingParen(tokens, start) === stop - 1;
    return { expression: wrapped ? sourceOf(sql, tokens, start + 1, stop - 1) : sourceOf(sql, tokens, start, stop) };
  });
  const whereAt = tokens.findIndex((t, i) => i > close && isKeyword(t, 'WHERE'));
  if (whereAt < 0) return { elements };
  return { elements, where: sourceOf(sql, tokens, whereAt + 1, tokens.length) };
}
