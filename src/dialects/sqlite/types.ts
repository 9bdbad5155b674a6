/**
 * Column types on SQLite. SQLite keeps the declared type name as written and derives only an
 * *affinity* from it, so retort writes names that both give the right affinity and read back
 * to the same neutral type (`DATETIME`, `BOOLEAN`, `UUID`...), which keeps autogenerate's
 * comparisons exact.
 */
import type { ColumnSpec, ColumnType } from '../../schema/model.js';

/** The declared type retort writes for `type` on SQLite. */
export function sqliteTypeName(type: ColumnType, spec: Pick<ColumnSpec, 'primaryKey' | 'autoIncrement'>): string {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      // Only a column declared exactly `INTEGER PRIMARY KEY` aliases the rowid and can
      // AUTOINCREMENT; `BIGINT PRIMARY KEY AUTOINCREMENT` is an error, so the key says INTEGER
      // (SQLite integers are 64-bit anyway).
      if (spec.primaryKey && spec.autoIncrement) return 'INTEGER';
      return type.kind === 'smallint' ? 'SMALLINT' : type.kind === 'bigint' ? 'BIGINT' : 'INTEGER';
    case 'varchar':
      return type.length === undefined ? 'VARCHAR' : `VARCHAR(${type.length})`;
    case 'char':
      return type.length === undefined ? 'CHAR' : `CHAR(${type.length})`;
    case 'text':
    case 'enum': // TEXT plus a CHECK (col IN (...)); SQLite has no enum type.
      return 'TEXT';
    case 'boolean':
      return 'BOOLEAN';
    case 'numeric':
      if (type.precision === undefined) return 'NUMERIC';
      return type.scale === undefined ? `NUMERIC(${type.precision})` : `NUMERIC(${type.precision}, ${type.scale})`;
    case 'real':
      return 'REAL';
    case 'double':
      return 'DOUBLE';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    // Precision means nothing to SQLite (it stores the text or number it is given): not written.
    case 'timestamp':
      return 'DATETIME';
    case 'timestamptz':
      return 'TIMESTAMPTZ';
    case 'json':
      return 'JSON';
    case 'jsonb':
      return 'JSONB';
    case 'uuid':
      return 'UUID';
    case 'bytes':
      return 'BLOB';
    case 'raw':
      return type.sql;
    // SQLite keeps a declared name as written, and these give the right affinity (INT: integer,
    // TEXT: text, YEAR: numeric), so they read back as the same kinds.
    case 'tinyint':
    case 'mediumint':
      return spec.primaryKey && spec.autoIncrement ? 'INTEGER' : type.kind.toUpperCase();
    case 'mediumtext':
    case 'longtext':
    case 'year':
      return type.kind.toUpperCase();
    case 'set':
      // A type name cannot hold the quoted values: plain TEXT, as SQLAlchemy's generic String.
      return 'TEXT';
  }
}

/**
 * The neutral type of a declared SQLite type name, where the name says it clearly; anything
 * else stays `{ kind: 'raw', sql }` with the text as declared.
 */
export function parseSqliteType(declared: string): ColumnType {
  const text = declared.trim().replace(/\s+/g, ' ');
  const match = /^([a-z ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/i.exec(text);
  if (match === null) return { kind: 'raw', sql: declared };
  const name = (match[1] as string).toUpperCase();
  const first = match[2] === undefined ? undefined : Number(match[2]);
  const second = match[3] === undefined ? undefined : Number(match[3]);
  const withLength = <K extends 'varchar' | 'char'>(kind: K): ColumnType =>
    first === undefined ? { kind } : { kind, length: first };
  switch (name) {
    case 'SMALLINT':
      return { kind: 'smallint' };
    case 'TINYINT':
      return { kind: 'tinyint' };
    case 'MEDIUMINT':
      return { kind: 'mediumint' };
    case 'MEDIUMTEXT':
      return { kind: 'mediumtext' };
    case 'LONGTEXT':
      return { kind: 'longtext' };
    case 'YEAR':
      return { kind: 'year' };
    case 'INTEGER':
    case 'INT':
      return { kind: 'integer' };
    case 'BIGINT':
      return { kind: 'bigint' };
    case 'VARCHAR':
    case 'CHARACTER VARYING':
      return withLength('varchar');
    case 'CHAR':
    case 'CHARACTER':
      return withLength('char');
    case 'TEXT':
      return { kind: 'text' };
    case 'BOOLEAN':
    case 'BOOL':
      return { kind: 'boolean' };
    case 'NUMERIC':
    case 'DECIMAL':
      return {
        kind: 'numeric',
        ...(first === undefined ? {} : { precision: first }),
        ...(second === undefined ? {} : { scale: second }),
      };
    case 'REAL':
      return { kind: 'real' };
    case 'DOUBLE':
    case 'DOUBLE PRECISION':
    case 'FLOAT':
      return { kind: 'double' };
    case 'DATE':
      return { kind: 'date' };
    case 'TIME':
      return { kind: 'time' };
    case 'DATETIME':
    case 'TIMESTAMP':
      return first === undefined ? { kind: 'timestamp' } : { kind: 'timestamp', precision: first };
    case 'TIMESTAMPTZ':
    case 'TIMESTAMP WITH TIME ZONE':
      return first === undefined ? { kind: 'timestamptz' } : { kind: 'timestamptz', precision: first };
    case 'JSON':
      return { kind: 'json' };
    case 'JSONB':
      return { kind: 'jsonb' };
    case 'UUID':
      return { kind: 'uuid' };
    case 'BLOB':
      return { kind: 'bytes' };
    default:
      return { kind: 'raw', sql: declared };
  }
}
