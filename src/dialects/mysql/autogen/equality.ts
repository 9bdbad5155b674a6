/**
 * MySQL's notions of "the same" for the diff engine: types as the server stores them (display
 * widths, `tinyint(1)` for BOOL, DECIMAL's default precision, MariaDB's JSON), defaults as
 * `COLUMN_DEFAULT` reports them, and SQL expressions as the server prints them back (backticked
 * identifiers, lower-case keywords, `<>` for `!=`, its own spacing).
 */
import type { ColumnType, DefaultValue } from '../../../schema/model.js';
import { parseColumnType } from '../types.js';

/**
 * The type as MySQL stores it, with everything that does not survive the round trip through the
 * catalog removed: enum names (MySQL enums are inline), `jsonb` (there is only JSON), UUID (it is
 * CHAR(36)), DECIMAL's implied `(10,0)`, CHAR's implied length 1, a zero fractional precision.
 */
export function canonicalMysqlType(type: ColumnType): ColumnType {
  switch (type.kind) {
    case 'jsonb':
      return { kind: 'json' };
    case 'uuid':
      return { kind: 'char', length: 36 };
    case 'char':
      return { kind: 'char', length: type.length ?? 1 };
    case 'numeric':
      return { kind: 'numeric', precision: type.precision ?? 10, scale: type.scale ?? 0 };
    case 'timestamp':
    case 'timestamptz':
      return type.precision === undefined || type.precision === 0 ? { kind: type.kind } : type;
    case 'enum':
      return { kind: 'enum', name: '', values: type.values };
    case 'raw': {
      // A raw type the parser knows (`int(11)`, `tinyint(1)`, `decimal(8,2)`) is that type.
      const parsed = parseColumnType(type.sql, '').type;
      if (parsed.kind !== 'raw') return canonicalMysqlType(parsed);
      return { kind: 'raw', sql: rawKey(parsed.sql) };
    }
    default:
      return type;
  }
}

/** A raw type's text without what the catalog changes: case, spacing, integer display widths. */
function rawKey(sql: string): string {
  return sql
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .replace(/\b(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/g, '$1')
    .replace(/\binteger\b/g, 'int')
    .trim();
}

function typeKey(type: ColumnType): string {
  const t = canonicalMysqlType(type);
  switch (t.kind) {
    case 'enum':
      return `enum:${JSON.stringify(t.values)}`;
    case 'set':
      return `set:${JSON.stringify(t.values)}`;
    case 'raw':
      return `raw:${t.sql}`;
    default:
      return JSON.stringify([t.kind, 'length' in t ? t.length : undefined, 'precision' in t ? t.precision : undefined, 'scale' in t ? t.scale : undefined]);
  }
}

/** True when MySQL stores `a` and `b` as the same column type. */
export function mysqlTypesEqual(a: ColumnType, b: ColumnType): boolean {
  return typeKey(a) === typeKey(b);
}

/** The value of a string literal's text (`'it''s'`, `'it\'s'`), or undefined when `text` is not one literal. */
function literalValue(text: string): string | undefined {
  const match = /^(?:_[a-z0-9]+)?'((?:[^'\\]|''|\\.)*)'$/is.exec(text);
  if (match === null) return undefined;
  return (match[1] as string).replace(/''|\\(.)/gs, (m, escaped: string | undefined) => (m === "''" ? "'" : escapedChar(escaped ?? '')));
}

function escapedChar(ch: string): string {
  return ({ '0': '\0', n: '\n', r: '\r', t: '\t', Z: '\x1a', b: '\b' } as Record<string, string>)[ch] ?? ch;
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const NOW = /^(current_timestamp|now|localtime|localtimestamp)(\((\d*)\))?$/;

/** One canonical text per default: what MySQL would store for it. */
function defaultKey(value: DefaultValue | undefined): string {
  if (value === undefined) return 'null';
  if (value.kind === 'literal') {
    const v = value.value;
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? '1' : '0';
    if (typeof v === 'number') return String(v);
    // '0' and 0 are stored alike (MySQL converts a default to the column's type).
    return NUMBER.test(v) && String(Number(v)) === v ? v : quote(v);
  }
  const text = normalizeMysqlExpression(value.sql);
  if (text === 'null') return 'null';
  if (text === 'true') return '1';
  if (text === 'false') return '0';
  if (NUMBER.test(text)) return String(Number(text));
  const literal = literalValue(text);
  if (literal !== undefined) return NUMBER.test(literal) && String(Number(literal)) === literal ? literal : quote(literal);
  // CURRENT_TIMESTAMP, CURRENT_TIMESTAMP() and NOW() are one default (MariaDB reports current_timestamp()).
  const now = NOW.exec(text);
  if (now !== null) return now[3] ? `current_timestamp(${now[3]})` : 'current_timestamp';
  return text;
}

/** True when MySQL stores the same default for `a` and `b` (no default and DEFAULT NULL are one). */
export function mysqlDefaultsEqual(a: DefaultValue | undefined, b: DefaultValue | undefined): boolean {
  return defaultKey(a) === defaultKey(b);
}

/**
 * An SQL expression in one canonical spelling: string literals re-quoted one way (the server
 * prints `'it\'s'` for `'it''s'`, MySQL 8 adds `_utf8mb4` introducers), backticks dropped,
 * lower case outside literals, no spaces around punctuation, `!=` as `<>`, no parentheses around
 * the whole.
 */
export function normalizeMysqlExpression(sql: string): string {
  const parts: string[] = [];
  // An introducer (`_utf8mb4'x'`) belongs to its literal, so plain text stops before one.
  const token = /(?:_[a-z0-9]+)?'(?:[^'\\]|''|\\.)*'|`(?:[^`]|``)*`|(?:[^'`_]|_(?![a-z0-9]*'))+/gis;
  for (const match of sql.matchAll(token)) {
    const piece = match[0];
    const literal = literalValue(piece);
    if (literal !== undefined) parts.push(quote(literal));
    else if (piece.startsWith('`')) parts.push(piece.slice(1, -1).replaceAll('``', '`').toLowerCase());
    else parts.push(sameFunctions(piece.toLowerCase().replace(/\s+/g, ' ').replace(/!=/g, '<>')));
  }
  // Spaces next to punctuation are the server's taste, not meaning; outside literals only.
  let text = parts
    .map((p) => (p.startsWith("'") ? p : p.replace(/\s*([()\],=<>!+\-*/%])\s*/g, '$1')))
    .join('')
    .trim();
  while (text.startsWith('(') && text.endsWith(')') && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  return text;
}

/**
 * MariaDB prints some functions under another of their names (`length` as `octet_length`,
 * `lower` as `lcase`, `now()` as `current_timestamp()`...): each family is spelled one way.
 */
const FUNCTION_NAMES: Readonly<Record<string, string>> = {
  lcase: 'lower', ucase: 'upper', octet_length: 'length', mid: 'substr', substring: 'substr',
  character_length: 'char_length', now: 'current_timestamp', localtimestamp: 'current_timestamp', pow: 'power',
};

function sameFunctions(text: string): string {
  return text.replace(/\b(lcase|ucase|octet_length|mid|substring|character_length|now|localtimestamp|pow)\s*\(/g,
    (_, name: string) => `${FUNCTION_NAMES[name] as string}(`);
}

function balanced(s: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") inString = !inString;
    else if (!inString && ch === '(') depth++;
    else if (!inString && ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** True when two expressions (CHECK clauses, index expressions) read the same once the server has reprinted them. */
export function mysqlExpressionsEqual(a: string, b: string): boolean {
  return normalizeMysqlExpression(a) === normalizeMysqlExpression(b);
}
