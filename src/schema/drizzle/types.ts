/**
 * Drizzle column types in the neutral model. Each of drizzle-orm's three SQL cores spells a
 * column's type in its `getSQLType()` (the text drizzle-kit writes into CREATE TABLE); it is read
 * back here as the type drizzle-kit creates, so that a database drizzle-kit made compares equal to
 * the Drizzle schema that made it. A type the model has no kind for stays `raw` in that spelling
 * (`inet`, `interval`, `vector(3)`, arrays, a `customType`'s `dataType()`).
 */
import type { ColumnType } from '../model.js';

/** What a type reading adds beyond the type: the column counts up by itself (SERIAL), is UNSIGNED. */
export interface DrizzleType {
  readonly type: ColumnType;
  readonly autoIncrement?: boolean;
  /** pg-core's SERIAL kinds: a serial column (a sequence it owns), not an identity. */
  readonly serial?: boolean;
  readonly unsigned?: boolean;
}

/** The parts of a Drizzle column a type reading needs (structural: drizzle-orm is an optional peer). */
export interface DrizzleTypedColumn {
  readonly name: string;
  readonly columnType: string;
  readonly enumValues?: readonly string[];
  /** pg-core enum columns: the `pgEnum` they use. */
  readonly enum?: { readonly enumName: string; readonly enumValues: readonly string[]; readonly schema?: string };
  getSQLType(): string;
}

/** The name, length and scale of `varchar(255)`, `numeric(10, 2)`, `timestamp (3) with time zone`. */
function split(sql: string): { base: string; n?: number; m?: number; rest: string } | undefined {
  const match = /^([a-z][a-z ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?((?:\s+[a-z]+)*)$/i.exec(sql.trim());
  if (match === null) return undefined;
  return {
    base: match[1]!.toLowerCase(),
    ...(match[2] === undefined ? {} : { n: Number(match[2]) }),
    ...(match[3] === undefined ? {} : { m: Number(match[3]) }),
    rest: match[4]!.trim().toLowerCase(),
  };
}

const raw = (sql: string): DrizzleType => ({ type: { kind: 'raw', sql } });
const sized = (kind: 'varchar' | 'char', n: number | undefined): ColumnType => (n === undefined ? { kind } : { kind, length: n });
const numeric = (n: number | undefined, m: number | undefined): ColumnType =>
  n === undefined ? { kind: 'numeric' } : m === undefined ? { kind: 'numeric', precision: n } : { kind: 'numeric', precision: n, scale: m };

/** pg-core: SERIAL kinds count up; enums name their `pgEnum`; anything else by its spelling. */
export function pgType(column: DrizzleTypedColumn): DrizzleType {
  const sql = column.getSQLType();
  if (column.enum !== undefined) return { type: { kind: 'enum', name: column.enum.enumName, values: [...column.enum.enumValues] } };
  const parts = split(sql);
  if (parts === undefined) return raw(sql);
  const { base, n, m, rest } = parts;
  const zone = rest === 'with time zone';
  if (rest !== '' && !zone) return raw(sql);
  switch (base) {
    case 'smallint': case 'integer': case 'bigint': case 'boolean': case 'text': case 'real': case 'date': case 'json': case 'jsonb': case 'uuid':
      return n === undefined && !zone ? { type: { kind: base } } : raw(sql);
    case 'serial': return { type: { kind: 'integer' }, autoIncrement: true, serial: true };
    case 'smallserial': return { type: { kind: 'smallint' }, autoIncrement: true, serial: true };
    case 'bigserial': return { type: { kind: 'bigint' }, autoIncrement: true, serial: true };
    case 'double precision': return { type: { kind: 'double' } };
    case 'bytea': return { type: { kind: 'bytes' } };
    case 'varchar': case 'char': return { type: sized(base, n) };
    case 'numeric': return { type: numeric(n, m) };
    case 'time': return n === undefined && !zone ? { type: { kind: 'time' } } : raw(sql);
    case 'timestamp': {
      const kind = zone ? 'timestamptz' : 'timestamp';
      return { type: n === undefined ? { kind } : { kind, precision: n } };
    }
    default: return raw(sql);
  }
}

const MYSQL_SIMPLE = new Set(['tinyint', 'smallint', 'mediumint', 'bigint', 'boolean', 'text', 'mediumtext', 'longtext', 'date', 'json', 'year']);

/** mysql-core: `int unsigned`, `serial` (BIGINT UNSIGNED AUTO_INCREMENT), `enum(...)` named by its column, as MySQL names it. */
export function mysqlType(column: DrizzleTypedColumn): DrizzleType {
  const sql = column.getSQLType();
  if (/^enum\(/i.test(sql) && column.enumValues !== undefined) return { type: { kind: 'enum', name: column.name, values: [...column.enumValues] } };
  const parts = split(sql);
  if (parts === undefined) return raw(sql);
  const { base, n, m, rest } = parts;
  const unsigned = rest === 'unsigned';
  if (rest !== '' && !unsigned) return raw(sql);
  const plain = (type: ColumnType): DrizzleType => (unsigned ? { type, unsigned } : { type });
  if (MYSQL_SIMPLE.has(base)) return n === undefined ? plain({ kind: base } as ColumnType) : raw(sql);
  switch (base) {
    case 'int': return n === undefined ? plain({ kind: 'integer' }) : raw(sql);
    case 'serial': return { type: { kind: 'bigint' }, autoIncrement: true, unsigned: true };
    case 'varchar': case 'char': return plain(sized(base, n));
    case 'decimal': return plain(numeric(n, m));
    // REAL is DOUBLE on MySQL (unless the REAL_AS_FLOAT mode is on); FLOAT is single precision.
    case 'real': case 'double': return n === undefined ? plain({ kind: 'double' }) : raw(sql);
    case 'float': return n === undefined ? plain({ kind: 'real' }) : raw(sql);
    case 'time': return n === undefined ? plain({ kind: 'time' }) : raw(sql);
    // DATETIME has no zone (retort's timestamp); MySQL's TIMESTAMP is stored in UTC (timestamptz).
    case 'datetime': return plain(n === undefined ? { kind: 'timestamp' } : { kind: 'timestamp', precision: n });
    case 'timestamp': return plain(n === undefined ? { kind: 'timestamptz' } : { kind: 'timestamptz', precision: n });
    default: return raw(sql);
  }
}

/**
 * sqlite-core: SQLite keeps the declared name, and drizzle-kit declares the storage class
 * (`integer` for booleans and timestamps, `text` for JSON), so those are what the model says.
 */
export function sqliteType(column: DrizzleTypedColumn): DrizzleType {
  const sql = column.getSQLType();
  switch (sql.trim().toLowerCase()) {
    case 'integer': return { type: { kind: 'integer' } };
    case 'text': return { type: { kind: 'text' } };
    case 'real': return { type: { kind: 'real' } };
    case 'numeric': return { type: { kind: 'numeric' } };
    case 'blob': return { type: { kind: 'bytes' } };
    default: return raw(sql);
  }
}
