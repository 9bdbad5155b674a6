/**
 * Column defaults as `information_schema.COLUMNS.COLUMN_DEFAULT` reports them, normalised:
 * MariaDB (10.2.7+) quotes literal strings (`'abc'`), says `NULL` for "no default" on a
 * nullable column, and writes expressions bare (`current_timestamp()`); MySQL 8 gives literals
 * unquoted, SQL NULL for none, and marks expressions with `DEFAULT_GENERATED` in EXTRA.
 */
import type { ColumnType, DefaultValue } from '../../schema/model.js';
import type { ServerInfo } from './server.js';
import { parseQuotedList } from './quoting.js';

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const NUMERIC_KINDS: ReadonlySet<string> = new Set(['tinyint', 'smallint', 'mediumint', 'integer', 'bigint', 'year', 'numeric', 'real', 'double']);

/**
 * A literal typed by the column: booleans for BOOL, numbers for numeric columns, else text.
 * Autogenerate also types declared defaults with it, so `'0'` and `0` read alike.
 */
export function literal(text: string, type: ColumnType): DefaultValue {
  if (type.kind === 'boolean' && (text === '0' || text === '1')) return { kind: 'literal', value: text === '1' };
  if (NUMERIC_KINDS.has(type.kind) && NUMBER.test(text)) return { kind: 'literal', value: Number(text) };
  return { kind: 'literal', value: text };
}

/**
 * The {@link DefaultValue} of a column, or undefined when it has none.
 * @param raw - COLUMN_DEFAULT as the server returned it
 * @param extra - the EXTRA column (MySQL marks expression defaults there)
 */
export function parseColumnDefault(raw: string | null, extra: string, type: ColumnType, server: ServerInfo): DefaultValue | undefined {
  if (raw === null) return undefined;
  if (server.flavour === 'mariadb') {
    if (raw === 'NULL') return undefined;
    if (raw.startsWith("'")) return literal(parseQuotedList(raw)[0] ?? '', type);
    if (NUMBER.test(raw)) return literal(raw, type);
    return { kind: 'sql', sql: raw };
  }
  if (/DEFAULT_GENERATED/i.test(extra) || /^current_timestamp(\(\d*\))?$/i.test(raw)) return { kind: 'sql', sql: raw };
  return literal(raw, type);
}
