/**
 * How a statement is printed into a `--sql` script for the mysql / mariadb client. The client
 * splits its input at `;`, so a statement with semicolons of its own (a trigger's or routine's
 * `BEGIN ... END` body, or any text holding one) would be cut in pieces: it is wrapped in
 * `DELIMITER` lines with a delimiter it does not contain. Online, retort sends statements one
 * by one through the driver and needs none of this.
 */

/** True when `sql` has a `;` the client would split at: outside quotes and comments. */
function splitsInClient(sql: string): boolean {
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i] as string;
    if (ch === ';') return true;
    if (ch === "'" || ch === '"' || ch === '`') {
      // To the closing quote; a backslash escapes the next character (not inside backticks).
      for (i++; i < sql.length && sql[i] !== ch; i++) if (sql[i] === '\\' && ch !== '`') i++;
    } else if (ch === '#' || (ch === '-' && sql.startsWith('-- ', i))) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 1;
    }
  }
  return false;
}

/** `sql;` or, when the client would split `sql`, `DELIMITER $$ / sql$$ / DELIMITER ;`. */
export function mysqlScriptStatement(sql: string): string {
  if (!splitsInClient(sql)) return `${sql};`;
  let delimiter = '$$';
  for (let i = 1; sql.includes(delimiter); i++) delimiter = `$$${i}$$`;
  return `DELIMITER ${delimiter}\n${sql}${delimiter}\nDELIMITER ;`;
}
