/**
 * How a statement is printed into a `--sql` script for the mysql / mariadb client. The client
 * splits its input at `;`, so a statement with semicolons of its own (a trigger's or routine's
 * `BEGIN ... END` body, or any text holding one) would be cut in pieces: it is wrapped in
 * `DELIMITER` lines with a delimiter it does not contain. Online, retort sends statements one
 * by one through the driver and needs none of this.
 */

/** How the client reads `sql`: whether it would split it at a `;`, and whether it ends inside a `--` / `#` comment. */
function scan(sql: string): { splits: boolean; endsInComment: boolean } {
  let splits = false;
  let endsInComment = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i] as string;
    endsInComment = false;
    if (ch === ';') splits = true;
    else if (ch === "'" || ch === '"' || ch === '`') {
      // To the closing quote; a backslash escapes the next character (not inside backticks).
      for (i++; i < sql.length && sql[i] !== ch; i++) if (sql[i] === '\\' && ch !== '`') i++;
    } else if (ch === '#' || (ch === '-' && sql.startsWith('-- ', i))) {
      const end = sql.indexOf('\n', i);
      endsInComment = end < 0;
      i = end < 0 ? sql.length : end;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 1;
    }
  }
  return { splits, endsInComment };
}

/**
 * `sql;` or, when the client would split `sql`, `DELIMITER $$ / sql$$ / DELIMITER ;`; a
 * statement ending in a line comment gets its terminator on a line of its own.
 */
export function mysqlScriptStatement(sql: string): string {
  const { splits, endsInComment } = scan(sql);
  const text = endsInComment ? `${sql}\n` : sql;
  if (!splits) return `${text};`;
  let delimiter = '$$';
  for (let i = 1; sql.includes(delimiter); i++) delimiter = `$$${i}$$`;
  return `DELIMITER ${delimiter}\n${text}${delimiter}\nDELIMITER ;`;
}
