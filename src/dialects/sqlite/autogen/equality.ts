/**
 * SQLite's notions of equality for the diff. SQLite keeps declared type names verbatim and derives
 * only an affinity from them, so types compare by the name retort would write (`int` is
 * `integer`, `varchar(64)` stays `varchar(64)`, precision means nothing); defaults and
 * expressions are kept as the text that created them, so they compare token by token, ignoring
 * spacing, case, identifier quoting and redundant outer parentheses.
 */
import type { ColumnType, DefaultValue } from '../../../schema/model.js';
import { matchingParen, tokenize } from '../sql-text.js';
import type { Token } from '../sql-text.js';
import { parseSqliteType } from '../types.js';

/**
 * A type as SQLite would keep it: raw names that retort understands become their neutral type,
 * other raw names are compared case- and spacing-insensitively, and what SQLite cannot store is
 * dropped (timestamp precision; an enum's name, since SQLite stores only the CHECK's values).
 */
export function canonicalSqliteType(type: ColumnType): ColumnType {
  switch (type.kind) {
    case 'raw': {
      const parsed = parseSqliteType(type.sql);
      if (parsed.kind !== 'raw') return canonicalSqliteType(parsed);
      return { kind: 'raw', sql: type.sql.trim().replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1').toUpperCase() };
    }
    case 'timestamp':
    case 'timestamptz':
      return { kind: type.kind };
    case 'enum':
      return { kind: 'enum', name: '', values: type.values };
    default:
      return type;
  }
}

/**
 * True when SQLite would keep `a` and `b` as the same declared type. Field by field rather than
 * through a serialised form: it runs for every column of every table on each `check`.
 */
export function sqliteTypesEqual(a: ColumnType, b: ColumnType): boolean {
  const x = a.kind === 'raw' ? canonicalSqliteType(a) : a;
  const y = b.kind === 'raw' ? canonicalSqliteType(b) : b;
  if (x.kind !== y.kind) return false;
  switch (x.kind) {
    case 'varchar':
    case 'char':
      return x.length === (y as typeof x).length;
    case 'numeric':
      return x.precision === (y as typeof x).precision && x.scale === (y as typeof x).scale;
    case 'enum': {
      const other = (y as typeof x).values;
      return x.values.length === other.length && x.values.every((v, i) => v === other[i]);
    }
    case 'raw':
      return x.sql === (y as typeof x).sql;
    default:
      // Every other kind has no parameter SQLite keeps (a timestamp's precision is not stored).
      return true;
  }
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** The canonical text of a number, or undefined when `text` is not exactly a number's text. */
function numberText(text: string): string | undefined {
  const t = text.replace(/\s+/g, '');
  if (!NUMERIC.test(t)) return undefined;
  return String(Number(t));
}

/**
 * A string literal that spells a number as its canonical form (`'0'` → `0`, not `'007'`): stored
 * under INTEGER, REAL or NUMERIC affinity the two are the same value, and under TEXT affinity the
 * number is stored as that same text.
 */
function stringText(value: string): string {
  const n = numberText(value);
  return n !== undefined && n === value.trim() ? n : `'${value.replaceAll("'", "''")}'`;
}

/** A default's canonical text: `null`, a number, a quoted string, or a normalised expression. */
function defaultText(d: DefaultValue | undefined): string {
  if (d === undefined) return 'null';
  if (d.kind === 'literal') {
    const v = d.value;
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? '1' : '0'; // SQLite stores booleans as 1 / 0.
    if (typeof v === 'number') return String(v);
    return stringText(v);
  }
  const tokens = unwrap(tokenize(d.sql));
  const [first] = tokens;
  if (tokens.length === 1 && first?.kind === 'string') return stringText(first.value);
  if (tokens.length === 1 && first?.kind === 'word' && /^(true|false)$/i.test(first.value)) return /^true$/i.test(first.value) ? '1' : '0';
  const number = numberText(tokens.map((t) => t.value).join(''));
  if (number !== undefined && tokens.every((t) => t.kind === 'number' || (t.kind === 'punct' && /^[+-]$/.test(t.value)))) return number;
  return tokensText(tokens);
}

/** True when two defaults store the same value (`'0'`, `0` and `(0)`; `true` and `1`; none and NULL). */
export function sqliteDefaultsEqual(a: DefaultValue | undefined, b: DefaultValue | undefined): boolean {
  return defaultText(a) === defaultText(b);
}

/** `tokens` without parentheses that wrap all of them. */
function unwrap(tokens: readonly Token[]): readonly Token[] {
  let out = tokens;
  while (out.length >= 2 && out[0]?.kind === 'punct' && out[0].value === '(' && matchingParen(out, 0) === out.length - 1) {
    out = out.slice(1, -1);
  }
  return out;
}

/** Tokens as comparable text: names lower-cased and unquoted, strings and numbers canonical. */
function tokensText(tokens: readonly Token[]): string {
  return tokens
    .map((t) => {
      switch (t.kind) {
        case 'word':
        case 'quoted':
          return t.value.toLowerCase();
        case 'string':
          return `'${t.value.replaceAll("'", "''")}'`;
        case 'number':
          return numberText(t.value) ?? t.value.toLowerCase();
        case 'punct':
          return t.value;
      }
    })
    .join(' ')
    .replaceAll('< >', '! =');
}

/**
 * True when two SQL expressions (CHECKs, index expressions and predicates) are the same: SQLite
 * returns them as written, so only spelling can differ (`"a" <> 0` and `(a != 0)` are equal).
 */
export function sqliteExpressionsEqual(a: string, b: string): boolean {
  return tokensText(unwrap(tokenize(a))) === tokensText(unwrap(tokenize(b)));
}
