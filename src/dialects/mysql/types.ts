/**
 * Column types both ways: the neutral {@link ColumnType} as MySQL DDL, and MySQL's
 * `information_schema.COLUMNS.COLUMN_TYPE` back into a {@link ColumnType}.
 *
 * The spellings follow SQLAlchemy's MySQL dialect so that a table created by retort looks, in
 * `DESCRIBE`, like the one Alembic would have made: DateTime is DATETIME, Boolean is BOOL
 * (`tinyint(1)`), Uuid is CHAR(36).
 */
import { RetortError } from '../../errors.js';
import type { ColumnType } from '../../schema/model.js';
import { parseQuotedList, quoteMysqlString } from './quoting.js';

/** Kinds that take UNSIGNED. */
const NUMERIC_KINDS: ReadonlySet<ColumnType['kind']> = new Set(['tinyint', 'smallint', 'mediumint', 'integer', 'bigint', 'numeric', 'real', 'double']);

/** The MySQL spelling of `type`, with ` UNSIGNED` where asked and meaningful. */
export function renderMysqlType(type: ColumnType, unsigned: boolean): string {
  const base = baseType(type);
  return unsigned && NUMERIC_KINDS.has(type.kind) ? `${base} UNSIGNED` : base;
}

function withPrecision(name: string, precision: number | undefined): string {
  return precision === undefined ? name : `${name}(${precision})`;
}

function baseType(type: ColumnType): string {
  switch (type.kind) {
    case 'smallint':
      return 'SMALLINT';
    case 'integer':
      return 'INTEGER';
    case 'bigint':
      return 'BIGINT';
    case 'varchar':
      if (type.length === undefined) {
        // MySQL has no unbounded VARCHAR; guessing a length would silently truncate data.
        throw new RetortError('BadArgument', 'MySQL needs a length for VARCHAR columns.', {
          fields: { type: 'varchar' },
          hint: 'Write varchar(n), or text() for unbounded strings.',
        });
      }
      return `VARCHAR(${type.length})`;
    case 'char':
      return withPrecision('CHAR', type.length);
    case 'text':
      return 'TEXT';
    case 'boolean':
      return 'BOOL';
    case 'numeric':
      if (type.precision === undefined) return 'NUMERIC';
      return type.scale === undefined ? `NUMERIC(${type.precision})` : `NUMERIC(${type.precision}, ${type.scale})`;
    case 'real':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp':
      // A zone-less date and time is DATETIME, as SQLAlchemy's DateTime renders it.
      return withPrecision('DATETIME', type.precision);
    case 'timestamptz':
      // MySQL's TIMESTAMP stores UTC and converts by the session time zone: the nearest match.
      return withPrecision('TIMESTAMP', type.precision);
    case 'json':
    case 'jsonb':
      // MariaDB accepts JSON as an alias of LONGTEXT plus a json_valid() CHECK.
      return 'JSON';
    case 'uuid':
      return 'CHAR(36)';
    case 'bytes':
      // LONGBLOB, not BLOB: BLOB holds 64 KiB and strict mode rejects anything longer.
      return 'LONGBLOB';
    case 'enum':
      return `ENUM(${type.values.map((v) => quoteMysqlString(v)).join(', ')})`;
    case 'raw':
      return type.sql;
    case 'tinyint':
    case 'mediumint':
    case 'mediumtext':
    case 'longtext':
    case 'year':
      // MySQL's own types: the kind is the name.
      return type.kind.toUpperCase();
    case 'set':
      return `SET(${type.values.map((v) => quoteMysqlString(v)).join(', ')})`;
  }
}

/** A parsed `COLUMN_TYPE`. */
export interface ParsedColumnType {
  readonly type: ColumnType;
  readonly unsigned: boolean;
}

const INTEGER_KINDS: Readonly<Record<string, ColumnType['kind']>> = {
  tinyint: 'tinyint',
  smallint: 'smallint',
  mediumint: 'mediumint',
  int: 'integer',
  integer: 'integer',
  bigint: 'bigint',
};

/**
 * `COLUMN_TYPE` as a {@link ColumnType}. Display widths (`int(11)` on MariaDB and MySQL 5.7,
 * `int` on MySQL 8) are ignored, except `tinyint(1)`, which is how both store BOOL.
 * `column` names the enum (MySQL enums have no name of their own). A type retort has no
 * kind for is kept verbatim as `raw`.
 */
export function parseColumnType(columnType: string, column: string): ParsedColumnType {
  const text = columnType.trim();
  // Enum values keep their case and may contain anything: parse them before lower-casing.
  if (/^enum\(/i.test(text)) {
    return { type: { kind: 'enum', name: column, values: parseQuotedList(text.slice(5, -1)) }, unsigned: false };
  }
  if (/^set\(/i.test(text)) return { type: { kind: 'set', values: parseQuotedList(text.slice(4, -1)) }, unsigned: false };
  const lower = text.toLowerCase();
  const unsigned = /\sunsigned\b/.test(lower);
  const bare = lower.replace(/\s+(unsigned|zerofill)\b/g, '').trim();
  const match = /^([a-z]+)(?:\((.*)\))?$/s.exec(bare);
  if (!match) return { type: { kind: 'raw', sql: text }, unsigned };
  const name = match[1]!;
  const args = match[2];
  const numbers = args === undefined ? [] : args.split(',').map((a) => Number(a.trim()));
  const first = numbers[0];
  if (name === 'tinyint' && args === '1') return { type: { kind: 'boolean' }, unsigned };
  const integerKind = INTEGER_KINDS[name];
  if (integerKind !== undefined) return { type: { kind: integerKind } as ColumnType, unsigned };
  switch (name) {
    case 'varchar':
      return { type: first === undefined ? { kind: 'varchar' } : { kind: 'varchar', length: first }, unsigned };
    case 'char':
      return { type: first === undefined ? { kind: 'char' } : { kind: 'char', length: first }, unsigned };
    case 'text':
      return { type: { kind: 'text' }, unsigned };
    case 'mediumtext':
    case 'longtext':
      return { type: { kind: name }, unsigned };
    case 'year':
      // YEAR(4) is YEAR (MySQL 8 dropped the width; YEAR(2) is long gone).
      return { type: { kind: 'year' }, unsigned };
    case 'decimal':
    case 'numeric': {
      const scale = numbers[1];
      const type: ColumnType =
        first === undefined ? { kind: 'numeric' } : scale === undefined ? { kind: 'numeric', precision: first } : { kind: 'numeric', precision: first, scale };
      return { type, unsigned };
    }
    case 'float':
      return { type: args === undefined ? { kind: 'real' } : { kind: 'raw', sql: text }, unsigned };
    case 'double':
      return { type: args === undefined ? { kind: 'double' } : { kind: 'raw', sql: text }, unsigned };
    case 'date':
      return { type: { kind: 'date' }, unsigned };
    case 'time':
      return { type: args === undefined ? { kind: 'time' } : { kind: 'raw', sql: text }, unsigned };
    case 'datetime':
      return { type: first === undefined ? { kind: 'timestamp' } : { kind: 'timestamp', precision: first }, unsigned };
    case 'timestamp':
      return { type: first === undefined ? { kind: 'timestamptz' } : { kind: 'timestamptz', precision: first }, unsigned };
    case 'json':
      return { type: { kind: 'json' }, unsigned };
    case 'longblob':
      return { type: { kind: 'bytes' }, unsigned };
    default:
      return { type: { kind: 'raw', sql: text }, unsigned };
  }
}
