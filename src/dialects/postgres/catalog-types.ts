/**
 * Reading PostgreSQL's catalog spellings back into the neutral model: a column's type from
 * `pg_type.typname` and `atttypmod`, and a default from `pg_get_expr` text.
 */
import type { ColumnType, DefaultValue } from '../../schema/model.js';

/** What the column query returns about a column's type. */
export interface CatalogType {
  /** `pg_type.typname`: int4, varchar, bpchar, _int4 (arrays), a domain or enum name... */
  readonly typname: string;
  /** `pg_type.typtype`: 'b' base, 'e' enum, 'd' domain, ... */
  readonly typtype: string;
  /** `pg_attribute.atttypmod`: length + 4 for varchar/char, packed precision/scale for numeric. */
  readonly typmod: number;
  /** `format_type(...)`: PostgreSQL's own spelling, kept for types the model has no kind for. */
  readonly formatted: string;
  /** The labels of an enum type, in sort order. */
  readonly enumValues: readonly string[] | null;
}

/** Type name → kind, for the types without modifiers. */
const SIMPLE_TYPES: Readonly<Record<string, ColumnType>> = {
  int2: { kind: 'smallint' },
  int4: { kind: 'integer' },
  int8: { kind: 'bigint' },
  text: { kind: 'text' },
  bool: { kind: 'boolean' },
  float4: { kind: 'real' },
  float8: { kind: 'double' },
  date: { kind: 'date' },
  time: { kind: 'time' },
  json: { kind: 'json' },
  jsonb: { kind: 'jsonb' },
  uuid: { kind: 'uuid' },
  bytea: { kind: 'bytes' },
};

/** The neutral type of a catalog column; unknown types stay `raw` in PostgreSQL's spelling. */
export function columnTypeOf(t: CatalogType): ColumnType {
  if (t.typtype === 'e') return { kind: 'enum', name: t.typname, values: [...(t.enumValues ?? [])] };
  const simple = SIMPLE_TYPES[t.typname];
  if (simple !== undefined) return simple;
  const mod = t.typmod;
  switch (t.typname) {
    case 'varchar':
      return mod > 4 ? { kind: 'varchar', length: mod - 4 } : { kind: 'varchar' };
    case 'bpchar':
      return mod > 4 ? { kind: 'char', length: mod - 4 } : { kind: 'char' };
    case 'numeric': {
      if (mod < 4) return { kind: 'numeric' };
      // typmod = ((precision << 16) | scale) + 4, see numeric.c
      const packed = mod - 4;
      return { kind: 'numeric', precision: (packed >> 16) & 0xffff, scale: packed & 0xffff };
    }
    case 'timestamp':
      return mod >= 0 ? { kind: 'timestamp', precision: mod } : { kind: 'timestamp' };
    case 'timestamptz':
      return mod >= 0 ? { kind: 'timestamptz', precision: mod } : { kind: 'timestamptz' };
    default:
      return { kind: 'raw', sql: t.formatted };
  }
}

const NUMERIC_KINDS: ReadonlySet<ColumnType['kind']> = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double']);

/**
 * A default as `pg_get_expr` prints it, back in the model: `'abc'::character varying` and
 * `42` and `true` become literals, anything else (`now()`, `gen_random_uuid()`, ...) stays SQL.
 */
export function defaultOf(expression: string, type: ColumnType): DefaultValue {
  const quoted = /^'((?:[^']|'')*)'(?:::[a-z_ ."0-9]+(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])?)?$/i.exec(expression);
  if (quoted !== null) {
    const text = (quoted[1] ?? '').replaceAll("''", "'");
    // A literal cast to another type than the column's ('active'::text on a varchar column) is
    // kept as written, so that it is re-created as it was; comparisons ignore casts anyway.
    if (!castMatches(expression.slice(quoted[0].indexOf("'", 1) + 1), type)) return { kind: 'sql', sql: expression };
    // Negative numbers print as '-1'::integer: a number, not a string.
    if (NUMERIC_KINDS.has(type.kind) && text.trim() !== '' && Number.isFinite(Number(text))) {
      return { kind: 'literal', value: numberValue(text.trim()) };
    }
    return { kind: 'literal', value: text };
  }
  const number = /^\(?(-?\d+(?:\.\d+)?)\)?(?:::[a-z ]+)?$/i.exec(expression);
  if (number !== null) return { kind: 'literal', value: numberValue(number[1] as string) };
  if (expression === 'true' || expression === 'false') return { kind: 'literal', value: expression === 'true' };
  if (/^NULL(::.*)?$/i.test(expression)) return { kind: 'literal', value: null };
  return { kind: 'sql', sql: expression };
}

/** The type names a literal of each kind is cast to by PostgreSQL when it matches the column. */
const CAST_NAMES: Partial<Record<ColumnType['kind'], string>> = {
  varchar: 'character varying', char: 'bpchar', text: 'text', json: 'json', jsonb: 'jsonb', uuid: 'uuid',
  date: 'date', time: 'time without time zone', timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone', bytes: 'bytea', boolean: 'boolean',
};

/** True when the cast after a quoted literal (`::text`, or none) is the column's own type. */
function castMatches(suffix: string, type: ColumnType): boolean {
  const cast = /^::(.+)$/.exec(suffix.trim())?.[1];
  if (cast === undefined) return true;
  const name = cast.replace(/\(\d+(?:,\s*\d+)?\)/, '').replace(/\[\]$/, '').replace(/^(?:"[^"]*"|[a-z_][a-z0-9_$]*)\./i, '').replace(/"/g, '').trim().toLowerCase();
  if (type.kind === 'enum') return name === type.name.toLowerCase();
  const expected = CAST_NAMES[type.kind];
  return expected === undefined || name === expected;
}

/**
 * A number as the model keeps it: a JavaScript number when that writes it back the same, else
 * its text (`0.0`, `1.50`): a numeric default keeps its scale, and `DEFAULT 0.0` is not `DEFAULT 0`.
 */
function numberValue(text: string): number | string {
  return String(Number(text)) === text ? Number(text) : text;
}

/** True for the default a SERIAL column carries: `nextval('seq'::regclass)`. */
export function isSerialDefault(expression: string | null): boolean {
  return expression !== null && /^nextval\('.*'::regclass\)$/.test(expression);
}
