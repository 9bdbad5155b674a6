/**
 * Neutral notions of equality for the diff: what holds on every dialect. A dialect passes its own
 * (e.g. PostgreSQL's `int4` is `integer`, its check predicates come back rewritten) in DiffOptions.
 */
import type { ColumnType, DefaultValue } from '../schema/model.js';
import type { SchemaObject } from '../schema/objects.js';

/** Structural equality of two column types. */
export function neutralTypesEqual(a: ColumnType, b: ColumnType): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Structural equality of two objects beyond tables, SQL texts compared by
 * {@link normaliseExpression}; a declared `dependsOn` hint is not part of the object.
 */
export function neutralObjectsEqual(a: SchemaObject, b: SchemaObject): boolean {
  const strip = (o: SchemaObject) => {
    const { dependsOn: _d, ...rest } = o as SchemaObject & { dependsOn?: unknown };
    return JSON.parse(JSON.stringify(rest, (k, v) => (typeof v === 'string' && k !== 'name' ? normaliseExpression(v) : v))) as unknown;
  };
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}

/** JSON with sorted keys and without undefined members: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Whitespace collapsed, outer parentheses removed, lower case outside string literals. */
export function normaliseExpression(text: string): string {
  let s = text.trim().replace(/\s+/g, ' ');
  while (s.startsWith('(') && s.endsWith(')') && balanced(s.slice(1, -1))) s = s.slice(1, -1).trim();
  return s.replace(/('(?:[^']|'')*')|[^']+/g, (part, quoted: string | undefined) => (quoted ? part : part.toLowerCase()));
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Equality of two SQL expressions after {@link normaliseExpression}. */
export function neutralExpressionsEqual(a: string, b: string): boolean {
  return normaliseExpression(a) === normaliseExpression(b);
}

function literalText(value: string | number | boolean | null): string {
  return typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value).toLowerCase();
}

/**
 * Equality of two server defaults. No default equals `DEFAULT NULL`; a literal equals the SQL that
 * spells it (`'abc'`, `0`, `true`), since catalogs return defaults as SQL text.
 */
export function neutralDefaultsEqual(a: DefaultValue | undefined, b: DefaultValue | undefined): boolean {
  const text = (d: DefaultValue | undefined): string => {
    if (d === undefined || (d.kind === 'literal' && d.value === null)) return 'null';
    return d.kind === 'literal' ? literalText(d.value) : normaliseExpression(d.sql);
  };
  return text(a) === text(b);
}

const INTEGER_WIDTH: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };

/**
 * True when changing a column from `from` to `to` may lose data: a shorter length, a smaller
 * integer or precision, text to varchar, double to real, or any change between unrelated kinds.
 */
export function neutralIsNarrowing(from: ColumnType, to: ColumnType): boolean {
  const fromWidth = INTEGER_WIDTH[from.kind];
  const toWidth = INTEGER_WIDTH[to.kind];
  if (fromWidth !== undefined && toWidth !== undefined) return toWidth < fromWidth;
  if (fromWidth !== undefined && (to.kind === 'numeric' || to.kind === 'text' || to.kind === 'varchar')) {
    return to.kind === 'numeric' && to.precision !== undefined && to.precision - (to.scale ?? 0) < 19;
  }
  if ((from.kind === 'varchar' || from.kind === 'char') && (to.kind === 'varchar' || to.kind === 'char')) {
    if (to.length === undefined) return false;
    return from.length === undefined || to.length < from.length;
  }
  if ((from.kind === 'varchar' || from.kind === 'char') && to.kind === 'text') return false;
  if (from.kind === 'numeric' && to.kind === 'numeric') {
    if (to.precision === undefined) return false;
    if (from.precision === undefined) return true;
    return to.precision < from.precision || (to.scale ?? 0) < (from.scale ?? 0);
  }
  if (from.kind === 'real' && to.kind === 'double') return false;
  if (from.kind === 'json' && to.kind === 'jsonb') return false;
  if (from.kind === 'timestamp' && to.kind === 'timestamptz') return false;
  if (from.kind === 'enum' && (to.kind === 'text' || to.kind === 'varchar')) return to.kind === 'varchar' && to.length !== undefined;
  // An inline enum (SQLite's CHECK, MySQL's ENUM) that only gains values loses nothing.
  if (from.kind === 'enum' && to.kind === 'enum') return !from.values.every((v) => to.values.includes(v));
  return from.kind !== to.kind || !neutralTypesEqual(from, to);
}
