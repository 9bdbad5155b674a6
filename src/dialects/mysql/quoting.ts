/**
 * MySQL quoting: identifiers in backticks, string literals with backslash escapes.
 */

/** `` `name` `` with every backtick doubled (the only character MySQL escapes in identifiers). */
export function quoteMysqlIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/**
 * A string literal as MySQL reads it by default: the backslash is an escape character there
 * (unless `NO_BACKSLASH_ESCAPES` is set), so it is doubled; a quote is doubled, which reads
 * the same with or without that mode; NUL is written `\0` because a raw NUL byte ends some
 * clients' statement text.
 */
export function quoteMysqlString(value: string): string {
  const escaped = value.replaceAll('\\', '\\\\').replaceAll("'", "''").replaceAll('\0', '\\0');
  return `'${escaped}'`;
}

/**
 * The session setting under which {@link quoteMysqlString}'s literals read as written: without
 * `NO_BACKSLASH_ESCAPES` (a server may have it in its global `sql_mode`, where the doubled
 * backslash would be kept as two). A no-op on a session without it.
 */
export const BACKSLASH_ESCAPES_SQL = "SET SESSION sql_mode = REPLACE(@@session.sql_mode, 'NO_BACKSLASH_ESCAPES', '')";

/**
 * The values of a quoted list as MySQL prints it in `COLUMN_TYPE` (`enum('a','it''s')`):
 * `''` is a quote, and a backslash escapes the next character.
 */
export function parseQuotedList(text: string): string[] {
  const values: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "'") {
      i++;
      continue;
    }
    let value = '';
    i++;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '\\' && i + 1 < text.length) {
        value += text[i + 1]!;
        i += 2;
      } else if (ch === "'" && text[i + 1] === "'") {
        value += "'";
        i += 2;
      } else if (ch === "'") {
        i++;
        break;
      } else {
        value += ch;
        i++;
      }
    }
    values.push(value);
  }
  return values;
}
