/**
 * Column builders: `integer().primaryKey()`, `varchar(64).notNull()`, ... The same builders serve
 * `op.createTable` / `op.addColumn` in revision scripts and `table(...)` in the schema module.
 * A builder is immutable: every modifier returns a new builder. Its type parameters carry what
 * Kysely's `Database` type needs (the value type, nullability, whether inserts may omit it).
 */
import type {
  ColumnReference,
  ColumnSpec,
  ColumnType,
  DefaultValue,
  GeneratedColumn,
  ReferentialAction,
  SerialSequence,
} from './model.js';
import { columnSpec } from './model.js';

/** Raw SQL for a default, written with the {@link sql} tag: `.default(sql\`now()\`)`. */
export interface RawSql {
  readonly kind: 'sql';
  readonly sql: string;
}

/** Tag for raw SQL defaults and expressions: `sql\`CURRENT_TIMESTAMP\``. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): RawSql {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += String(value) + (strings[i + 1] ?? '');
  });
  return Object.freeze({ kind: 'sql', sql: text });
}

/** Options of `.generatedAlwaysAs()`. */
export interface GeneratedOptions {
  /** STORED (computed on write) rather than VIRTUAL (computed on read). Default false. */
  readonly stored?: boolean;
}

/** Options of `.references()`. */
export interface ReferenceOptions {
  readonly name?: string;
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
}

/**
 * A column under construction.
 * @typeParam T - the TypeScript type of the column's values
 * @typeParam Nullable - whether the column accepts NULL
 * @typeParam HasDefault - whether an insert may omit the column (default, auto-increment)
 */
export class ColumnBuilder<T, Nullable extends boolean = true, HasDefault extends boolean = false> {
  /** Phantom fields for type inference only; never set at run time. */
  declare readonly $type: T;
  declare readonly $nullable: Nullable;
  declare readonly $hasDefault: HasDefault;

  /** The neutral description of the column. */
  readonly spec: ColumnSpec;

  constructor(spec: ColumnSpec) {
    this.spec = spec;
    Object.freeze(this);
  }

  private with<N extends boolean, D extends boolean>(changes: Partial<ColumnSpec>): ColumnBuilder<T, N, D> {
    // `this.spec` came from columnSpec, so it already holds every default: one spread, not two
    // (a schema module of 2,000 tables makes ~20,000 of these).
    return new ColumnBuilder<T, N, D>(Object.freeze({ ...this.spec, ...changes }));
  }

  /** NOT NULL. */
  notNull(): ColumnBuilder<T, false, HasDefault> {
    return this.with({ nullable: false });
  }

  /** Explicitly nullable (the default; useful to document intent). */
  nullable(): ColumnBuilder<T, true, HasDefault> {
    return this.with({ nullable: true });
  }

  /** Part of the primary key; implies NOT NULL. */
  primaryKey(): ColumnBuilder<T, false, HasDefault> {
    return this.with({ primaryKey: true, nullable: false });
  }

  /** Auto-increment / identity / serial, as the dialect has it. Inserts may omit the column. */
  autoIncrement(): ColumnBuilder<T, Nullable, true> {
    return this.with({ autoIncrement: true });
  }

  /** UNSIGNED (MySQL/MariaDB; other dialects ignore it). */
  unsigned(): ColumnBuilder<T, Nullable, HasDefault> {
    return this.with({ unsigned: true });
  }

  /** A server default: a literal, `null`, or raw SQL through the {@link sql} tag. */
  default(value: string | number | boolean | null | RawSql): ColumnBuilder<T, Nullable, true> {
    const def: DefaultValue =
      value !== null && typeof value === 'object'
        ? { kind: 'sql', sql: value.sql }
        : { kind: 'literal', value };
    return this.with({ default: Object.freeze(def) });
  }

  /** A single-column UNIQUE constraint. */
  unique(): ColumnBuilder<T, Nullable, HasDefault> {
    return this.with({ unique: true });
  }

  /** A foreign key to `table.column`. */
  references(target: string, options: ReferenceOptions = {}): ColumnBuilder<T, Nullable, HasDefault> {
    const dot = target.lastIndexOf('.');
    if (dot <= 0 || dot === target.length - 1) {
      throw new TypeError(`references() takes 'table.column', got '${target}'`);
    }
    const ref: ColumnReference = Object.freeze({
      table: target.slice(0, dot),
      column: target.slice(dot + 1),
      ...options,
    });
    return this.with({ references: ref });
  }

  /** A column comment. */
  comment(text: string): ColumnBuilder<T, Nullable, HasDefault> {
    return this.with({ comment: text });
  }

  /** The column's collation: `.collate('utf8mb4_bin')` (MySQL), `.collate('C')` (PostgreSQL), `.collate('NOCASE')` (SQLite). */
  collate(name: string): ColumnBuilder<T, Nullable, HasDefault> {
    return this.with({ collation: name });
  }

  /** The column's character set (MySQL): `.charset('latin1')`. */
  charset(name: string): ColumnBuilder<T, Nullable, HasDefault> {
    return this.with({ charset: name });
  }

  /** The value set on every UPDATE of the row (MySQL): `.onUpdate(sql\`CURRENT_TIMESTAMP\`)`. */
  onUpdate(value: RawSql): ColumnBuilder<T, Nullable, HasDefault> {
    return this.with({ onUpdate: Object.freeze({ kind: 'sql', sql: value.sql }) });
  }

  /**
   * A generated column: `.generatedAlwaysAs(sql\`price * qty\`, { stored: true })`. It takes no
   * inserts (the database computes it), so inserts omit it.
   */
  generatedAlwaysAs(expression: string | RawSql, options: GeneratedOptions = {}): ColumnBuilder<T, Nullable, true> {
    const generated: GeneratedColumn = Object.freeze({
      expression: typeof expression === 'string' ? expression : expression.sql,
      stored: options.stored ?? false,
    });
    return this.with({ generated });
  }

  /** The column's previous name: autogenerate writes a rename instead of a drop and an add. */
  renamedFrom(oldName: string): ColumnBuilder<T, Nullable, HasDefault> {
    return this.with({ renamedFrom: oldName });
  }

  /**
   * An identity column of the given kind (PostgreSQL): `always` rejects explicit values unless
   * `OVERRIDING SYSTEM VALUE`; `byDefault` is what `.autoIncrement()` creates.
   */
  identity(kind: 'always' | 'byDefault' = 'byDefault'): ColumnBuilder<T, Nullable, true> {
    return this.with({ autoIncrement: true, serial: undefined, ...(kind === 'always' ? { identity: 'always' } : {}) });
  }
}

/** Any column builder. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyColumn = ColumnBuilder<any, boolean, boolean>;

function column<T>(type: ColumnType): ColumnBuilder<T> {
  return new ColumnBuilder<T>(columnSpec(Object.freeze(type)));
}

/** TINYINT (MySQL; SMALLINT elsewhere). `.unsigned()` for 0 to 255 on MySQL. */
export const tinyint = (): ColumnBuilder<number> => column({ kind: 'tinyint' });
/** MEDIUMINT (MySQL; INTEGER elsewhere). */
export const mediumint = (): ColumnBuilder<number> => column({ kind: 'mediumint' });
/** MEDIUMTEXT, up to 16 MiB (MySQL; TEXT elsewhere). */
export const mediumtext = (): ColumnBuilder<string> => column({ kind: 'mediumtext' });
/** LONGTEXT, up to 4 GiB (MySQL; TEXT elsewhere). */
export const longtext = (): ColumnBuilder<string> => column({ kind: 'longtext' });
/** YEAR (MySQL; SMALLINT elsewhere). */
export const year = (): ColumnBuilder<number> => column({ kind: 'year' });
/**
 * MySQL's SET of `values`: a value is any subset, read back as one comma-separated string in
 * the order of `values` (`'read,write'`). TEXT elsewhere.
 */
export const set = <const V extends readonly string[]>(values: V): ColumnBuilder<string> =>
  column({ kind: 'set', values: Object.freeze([...values]) });
/** SMALLINT. */
export const smallint = (): ColumnBuilder<number> => column({ kind: 'smallint' });
/** INTEGER. */
export const integer = (): ColumnBuilder<number> => column({ kind: 'integer' });
/** BIGINT. Drivers return it as a number (SQLite, MySQL) or a string (PostgreSQL's int8). */
export const bigint = (): ColumnBuilder<number | string> => column({ kind: 'bigint' });
/** VARCHAR(length). */
export const varchar = (length?: number): ColumnBuilder<string> =>
  column(length === undefined ? { kind: 'varchar' } : { kind: 'varchar', length });
/** CHAR(length). */
export const char = (length?: number): ColumnBuilder<string> =>
  column(length === undefined ? { kind: 'char' } : { kind: 'char', length });
/** TEXT. */
export const text = (): ColumnBuilder<string> => column({ kind: 'text' });
/** BOOLEAN (TINYINT(1) on MySQL, INTEGER 0/1 on SQLite). */
export const boolean = (): ColumnBuilder<boolean> => column({ kind: 'boolean' });
/** NUMERIC(precision, scale); drivers return strings to keep precision. */
export const numeric = (precision?: number, scale?: number): ColumnBuilder<string | number> =>
  column({
    kind: 'numeric',
    ...(precision === undefined ? {} : { precision }),
    ...(scale === undefined ? {} : { scale }),
  });
/** REAL (single precision). */
export const real = (): ColumnBuilder<number> => column({ kind: 'real' });
/** DOUBLE PRECISION. */
export const double = (): ColumnBuilder<number> => column({ kind: 'double' });
/** DATE. */
export const date = (): ColumnBuilder<Date | string> => column({ kind: 'date' });
/** TIME. */
export const time = (): ColumnBuilder<string> => column({ kind: 'time' });
/** A date and time without zone: DATETIME on MySQL and SQLite, `timestamp` on PostgreSQL. */
export const timestamp = (precision?: number): ColumnBuilder<Date | string> =>
  column(precision === undefined ? { kind: 'timestamp' } : { kind: 'timestamp', precision });
/** Alias of {@link timestamp}, for MySQL users. */
export const datetime = timestamp;
/** A date and time with zone: `timestamptz` on PostgreSQL. */
export const timestamptz = (precision?: number): ColumnBuilder<Date | string> =>
  column(precision === undefined ? { kind: 'timestamptz' } : { kind: 'timestamptz', precision });
/** JSON. */
export const json = <T = unknown>(): ColumnBuilder<T> => column({ kind: 'json' });
/** JSONB (PostgreSQL; JSON elsewhere). */
export const jsonb = <T = unknown>(): ColumnBuilder<T> => column({ kind: 'jsonb' });
/** UUID (PostgreSQL; CHAR(36) elsewhere). */
export const uuid = (): ColumnBuilder<string> => column({ kind: 'uuid' });
/** Binary data: BYTEA, BLOB, LONGBLOB. */
export const bytes = (): ColumnBuilder<Buffer> => column({ kind: 'bytes' });
/** An enumeration named `name` with `values`. */
export const enumOf = <const V extends readonly string[]>(name: string, values: V): ColumnBuilder<V[number]> =>
  column({ kind: 'enum', name, values: Object.freeze([...values]) });
/**
 * What {@link serial}, {@link bigserial} and {@link smallserial} take: only what differs from the
 * sequence `serial` creates (numbers as numbers, bigints or strings).
 */
export interface SerialOptions extends SequenceSettingOptions {
  /** The sequence's name; default PostgreSQL's `<table>_<column>_seq`. */
  readonly sequence?: string;
  /** The sequence's schema; default its table's. */
  readonly schema?: string;
}

/** A sequence's type, bounds and steps as builders take them: numbers as numbers, bigints or strings. */
export interface SequenceSettingOptions {
  /** Default: `bigint` for a sequence object, the column's type for a serial column. */
  readonly type?: SerialSequence['type'];
  readonly start?: number | bigint | string;
  readonly increment?: number | bigint | string;
  readonly minValue?: number | bigint | string;
  readonly maxValue?: number | bigint | string;
  readonly cache?: number | bigint | string;
  readonly cycle?: boolean;
}

function serialColumn<T>(type: ColumnType, options: SerialOptions): ColumnBuilder<T, false, true> {
  const text = (v: number | bigint | string | undefined) => (v === undefined ? undefined : String(v));
  const entries = Object.entries({
    sequence: options.sequence, schema: options.schema, type: options.type, start: text(options.start), increment: text(options.increment),
    minValue: text(options.minValue), maxValue: text(options.maxValue), cache: text(options.cache), cycle: options.cycle || undefined,
  }).filter(([, v]) => v !== undefined);
  const serial = Object.freeze(Object.fromEntries(entries)) as SerialSequence;
  return new ColumnBuilder<T, false, true>(columnSpec(Object.freeze(type), { nullable: false, autoIncrement: true, serial }));
}

/**
 * SERIAL (PostgreSQL): an INTEGER, NOT NULL, whose default takes the next value of a sequence it
 * owns, as Rails, Django and SQLAlchemy create ids; not an identity (`integer().autoIncrement()`),
 * and `check` tells the two apart. MySQL and SQLite have no such sequence: there it is the
 * column's AUTO_INCREMENT (not MySQL's own `SERIAL` alias, which is BIGINT UNSIGNED UNIQUE).
 */
export const serial = (options: SerialOptions = {}): ColumnBuilder<number, false, true> => serialColumn({ kind: 'integer' }, options);
/** BIGSERIAL: {@link serial} on a BIGINT. */
export const bigserial = (options: SerialOptions = {}): ColumnBuilder<number | string, false, true> => serialColumn({ kind: 'bigint' }, options);
/** SMALLSERIAL: {@link serial} on a SMALLINT. */
export const smallserial = (options: SerialOptions = {}): ColumnBuilder<number, false, true> => serialColumn({ kind: 'smallint' }, options);
/** A type spelled in the dialect's own SQL, kept verbatim. */
export const rawType = <T = unknown>(sqlType: string): ColumnBuilder<T> => column({ kind: 'raw', sql: sqlType });
