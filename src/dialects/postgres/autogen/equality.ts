/**
 * PostgreSQL's notions of equality for the diff engine. The catalog gives back what the server
 * stored, not what a person wrote: `int4` for `integer`, `'0'::integer` or `0` for `'0'`,
 * `price >= 0::numeric` for `price >= 0`, `status = ANY (ARRAY[...])` for `status IN (...)`.
 * These functions compare both sides in one canonical spelling.
 */
import type { ColumnType, DefaultValue } from '../../../schema/model.js';
import { defaultOf } from '../catalog-types.js';

/** Spellings of the same type (lower case, one space): the key is what a person may write. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  int2: 'smallint', smallint: 'smallint',
  int: 'integer', int4: 'integer', integer: 'integer',
  int8: 'bigint', bigint: 'bigint',
  bool: 'boolean', boolean: 'boolean',
  float4: 'real', real: 'real',
  float8: 'double', 'double precision': 'double', float: 'double',
  text: 'text', json: 'json', jsonb: 'jsonb', uuid: 'uuid', bytea: 'bytes', date: 'date',
  time: 'time', 'time without time zone': 'time',
  'character varying': 'varchar', varchar: 'varchar',
  character: 'char', char: 'char', bpchar: 'char',
  numeric: 'numeric', decimal: 'numeric',
  timestamp: 'timestamp', 'timestamp without time zone': 'timestamp',
  timestamptz: 'timestamptz', 'timestamp with time zone': 'timestamptz',
};

/** A type in one canonical text: `varchar(200)`, `char(1)`, `timestamp`, `text[]`, `mood`... */
export function canonicalType(type: ColumnType): string {
  switch (type.kind) {
    case 'varchar':
      return type.length === undefined ? 'varchar' : `varchar(${type.length})`;
    // CHAR without a length is CHAR(1) in PostgreSQL.
    case 'char':
      return `char(${type.length ?? 1})`;
    case 'numeric':
      if (type.precision === undefined) return 'numeric';
      return `numeric(${type.precision},${type.scale ?? 0})`;
    // 6 is the most PostgreSQL keeps: timestamp(6) and timestamp store the same values.
    case 'timestamp':
    case 'timestamptz':
      return type.precision === undefined || type.precision === 6 ? type.kind : `${type.kind}(${type.precision})`;
    case 'enum':
      return `enum ${type.name}`;
    case 'raw':
      return canonicalRaw(type.sql);
    default:
      return type.kind;
  }
}

/**
 * A type's text in one spelling (`int4` and `integer`): a function's identity and arguments.
 * PostgreSQL keeps no modifier on a function's argument types (`varchar(20)` is stored as
 * `character varying`), so modifiers are left out; `VARIADIC` stays.
 */
export function postgresTypeKey(sqlType: string): string {
  const variadic = /^\s*variadic\s+/i;
  const prefix = variadic.test(sqlType) ? 'variadic ' : '';
  return prefix + canonicalType({ kind: 'raw', sql: sqlType.replace(variadic, '') }).replace(/\(\d+(,\d+)?\)/g, '');
}

/** A raw type as PostgreSQL spells it, folded onto the kinds' spellings when it names one. */
function canonicalRaw(sql: string): string {
  const text = sql.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\s*([(,])\s*/g, '$1').replace(/\s*\)/g, ')');
  const array = /((?:\[\d*\])+)$/.exec(text);
  const suffix = array === null ? '' : array[1]!.replace(/\d+/g, '');
  const base = array === null ? text : text.slice(0, -array[1]!.length).trim();
  const parts = /^([a-z_ "."0-9]+?)(?:\((\d+)(?:,(\d+))?\))?( with(?:out)? time zone)?$/.exec(base);
  if (parts === null) return text;
  const name = `${parts[1]!.trim()}${parts[4] ?? ''}`;
  const alias = TYPE_ALIASES[name] ?? TYPE_ALIASES[`${parts[1]!.trim()}`];
  if (alias === undefined) return `${base}${suffix}`;
  const kind = TYPE_ALIASES[name] ?? alias;
  const n = parts[2] === undefined ? undefined : Number(parts[2]);
  const m = parts[3] === undefined ? undefined : Number(parts[3]);
  let type: ColumnType;
  switch (kind) {
    case 'varchar':
    case 'char':
      type = n === undefined ? { kind } : { kind, length: n };
      break;
    case 'numeric':
      type = n === undefined ? { kind } : { kind, precision: n, ...(m === undefined ? {} : { scale: m }) };
      break;
    case 'timestamp':
    case 'timestamptz':
      type = n === undefined ? { kind } : { kind, precision: n };
      break;
    default:
      type = { kind } as ColumnType;
  }
  return `${canonicalType(type)}${suffix}`;
}

/** True when two column types are the same PostgreSQL type. */
export function postgresTypesEqual(a: ColumnType, b: ColumnType): boolean {
  return canonicalType(a) === canonicalType(b);
}

// now(), CURRENT_TIMESTAMP and transaction_timestamp() are one function in PostgreSQL.
const SAME_FUNCTIONS: Readonly<Record<string, string>> = {
  current_timestamp: 'now ( )',
  'transaction_timestamp ( )': 'now ( )',
};

/** A default in one canonical text: `null`, a literal's text, or a canonical expression. */
export function canonicalDefault(value: DefaultValue | undefined): string {
  if (value === undefined) return 'null';
  if (value.kind === 'literal') return value.value === null ? 'null' : `literal:${String(value.value)}`;
  // SQL that spells a literal ('abc'::character varying, '0'::integer, 42, true) is that literal.
  const parsed = defaultOf(value.sql.trim(), { kind: 'raw', sql: '' });
  if (parsed.kind === 'literal') return canonicalDefault(parsed);
  const expression = canonicalExpression(value.sql);
  return SAME_FUNCTIONS[expression] ?? expression;
}

/**
 * True when two server defaults are the same once stored: `'0'`, `0` and `'0'::integer` are;
 * `now()` and `CURRENT_TIMESTAMP` are. Literals compare by their text, as PostgreSQL casts the
 * literal to the column's type either way.
 */
export function postgresDefaultsEqual(a: DefaultValue | undefined, b: DefaultValue | undefined): boolean {
  return canonicalDefault(a) === canonicalDefault(b);
}

/** True when two SQL expressions (checks, index predicates and expressions) are the same. */
export function postgresExpressionsEqual(a: string, b: string): boolean {
  return canonicalExpression(a) === canonicalExpression(b);
}

const TOKEN = /\s*('(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d+)?(?:e[+-]?\d+)?|::|<>|!=|<=|>=|\|\||!~~\*|!~~|~~\*|~~|\S)/gy;
// A cast's target type: one or more words (`character varying`, `timestamp with time zone`),
// maybe qualified, with an optional modifier and array brackets.
const TYPE_WORDS = new Set(['character', 'varying', 'double', 'precision', 'with', 'without', 'time', 'zone', 'timestamp']);

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(text)) !== null) tokens.push(m[1] as string);
  return tokens;
}

/** An identifier token unquoted when quoting changes nothing; keywords and names lower-cased. */
function word(token: string): string {
  if (token.startsWith('"')) {
    const inner = token.slice(1, -1).replaceAll('""', '"');
    return /^[a-z_][a-z0-9_$]*$/.test(inner) ? inner : token;
  }
  return token.startsWith("'") ? token : token.toLowerCase();
}

/** Skip a cast's type starting at `i` (the `::`); returns the index after the type. */
function skipType(tokens: readonly string[], i: number): number {
  let j = i + 2;
  while (tokens[j] === '.') j += 2;
  while (TYPE_WORDS.has(tokens[j] as string)) j++;
  if (tokens[j] === '(' && /^\d/.test(tokens[j + 1] ?? '')) {
    while (j < tokens.length && tokens[j] !== ')') j++;
    j++;
  }
  while (tokens[j] === '[' && tokens[j + 1] === ']') j += 2;
  return j;
}

const OPERATORS: Readonly<Record<string, string>> = { '!=': '<>', like: '~~', ilike: '~~*' };
const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/;

/** The start, in `out`, of the operand that ends `out` (one token, or a parenthesised group with its function name). */
function operandStart(out: readonly string[]): number {
  let i = out.length - 1;
  if (out[i] !== ')') return i;
  let depth = 0;
  for (; i >= 0; i--) {
    if (out[i] === ')') depth++;
    else if (out[i] === '(' && --depth === 0) break;
  }
  return i > 0 && /^[a-z_][a-z0-9_$]*$/.test(out[i - 1] ?? '') && !['and', 'or', 'not'].includes(out[i - 1] as string) ? i - 1 : i;
}

/** The tokens of `raw` from `i` up to (not including) a top-level word in `stops`; and where it stopped. */
function until(raw: readonly string[], i: number, stops: ReadonlySet<string>): [string[], number] {
  const out: string[] = [];
  let depth = 0;
  for (; i < raw.length; i++) {
    const u = raw[i] as string;
    if (depth === 0 && (stops.has(u) || u === ')')) break;
    if (u === '(') depth++;
    if (u === ')') depth--;
    out.push(u);
  }
  return [out, i];
}

const BETWEEN_LOW_END = new Set(['and']);
const BETWEEN_HIGH_END = new Set(['and', 'or', 'then', 'when', 'else', 'end']);

/**
 * `x IN (a, b)` as `x = ANY (ARRAY[a, b])`, `NOT IN` as `<> ALL`, `NOT LIKE` as `!~~`,
 * `x BETWEEN a AND b` as `x >= a AND x <= b` (and NOT BETWEEN as `x < a OR x > b`): PostgreSQL's forms.
 */
function rewriteForms(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i] as string;
    const notBetween = t === 'not' && raw[i + 1] === 'between';
    if ((t === 'between' || notBetween) && out.length > 0) {
      const operand = out.splice(operandStart(out));
      const [low, afterLow] = until(raw, i + (notBetween ? 2 : 1), BETWEEN_LOW_END);
      const [high, afterHigh] = until(raw, afterLow + 1, BETWEEN_HIGH_END);
      out.push(...rewriteForms([...operand, notBetween ? '<' : '>=', ...low, notBetween ? 'or' : 'and',
        ...operand, notBetween ? '>' : '<=', ...high]));
      i = afterHigh - 1;
      continue;
    }
    const negated = t === 'not' && raw[i + 1] === 'in';
    if ((t === 'in' || negated) && raw[negated ? i + 2 : i + 1] === '(') {
      out.push(negated ? '<>' : '=', negated ? 'all' : 'any', '(', 'array', '[');
      let depth = 0;
      for (i += negated ? 3 : 2; i < raw.length; i++) {
        const u = raw[i] as string;
        if (u === '(') depth++;
        if (u === ')' && depth-- === 0) break;
        out.push(u);
      }
      out.push(']', ')');
    } else if (t === 'not' && (raw[i + 1] === 'like' || raw[i + 1] === 'ilike')) {
      out.push(raw[++i] === 'like' ? '!~~' : '!~~*');
    } else {
      out.push(OPERATORS[t] ?? t);
    }
  }
  return out;
}

/**
 * An expression in one canonical token list: casts removed (`::text`, `::character varying(20)[]`),
 * `IN (...)` as `= ANY (ARRAY[...])`, `!=` as `<>`, LIKE as `~~`, a quoted number (`'-1'`, as
 * PostgreSQL prints negative constants) as the number, and grouping parentheses dropped
 * (function-call parentheses kept). Dropping grouping parentheses can equate `(a OR b) AND c`
 * with `a OR b AND c`; PostgreSQL prints only the parentheses it needs, so two such expressions
 * from a catalog never collide, and a declared one that differs only so is a rare, harmless miss.
 */
export function canonicalExpression(text: string): string {
  const forms = rewriteForms(tokenize(text).map(word));
  const out: string[] = [];
  for (let i = 0; i < forms.length; i++) {
    const t = forms[i] as string;
    if (t === '::') {
      i = skipType(forms, i) - 1;
      continue;
    }
    if (t.startsWith("'") && NUMBER.test(t.slice(1, -1))) {
      out.push(t.slice(1, -1));
      continue;
    }
    const previous = out[out.length - 1];
    // A unary minus (after an operator, a parenthesis or at the start) belongs to its number.
    if (t === '-' && NUMBER.test(forms[i + 1] ?? '') && (previous === undefined || !/^[a-z0-9_$)\]'"]/.test(previous))) {
      out.push(`-${forms[++i] as string}`);
      continue;
    }
    out.push(t);
  }
  return dropGrouping(out).join(' ');
}

/** Remove parentheses that only group; keep those of a call (`f(`, `any (`, `array[`...). */
function dropGrouping(tokens: readonly string[]): string[] {
  const keep = new Set<number>();
  const stack: { index: number; call: boolean }[] = [];
  tokens.forEach((t, i) => {
    if (t === '(') {
      const before = tokens[i - 1];
      const call = before !== undefined && /^[a-z_][a-z0-9_$]*$|^"/.test(before) && !KEYWORDS.has(before);
      stack.push({ index: i, call });
    } else if (t === ')') {
      const open = stack.pop();
      if (open?.call) {
        keep.add(open.index);
        keep.add(i);
      }
    }
  });
  return tokens.filter((t, i) => (t !== '(' && t !== ')') || keep.has(i));
}

/** Words after which `(` groups rather than calls. */
const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'when', 'then', 'else', 'case', 'between', 'on', 'where']);
