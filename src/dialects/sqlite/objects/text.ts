/**
 * SQLite's SQL text in one spelling, for comparing a view's query or a trigger's body without the
 * server. SQLite keeps the text of a view or trigger exactly as it was written (sqlite_master),
 * so the only noise is layout, letter case of keywords and names (SQLite's names are
 * case-insensitive, quoted or not), quoting, comments and a trailing semicolon. String literals
 * are kept as they are.
 */
import { tokenize } from '../sql-text.js';

/** The tokens of `text` joined by single spaces: two texts are the same SQL when these are equal. */
export function sqliteTextKey(text: string): string {
  const tokens = tokenize(text);
  if (tokens.at(-1)?.kind === 'punct' && tokens.at(-1)?.value === ';') tokens.pop();
  return tokens.map((t) => (t.kind === 'string' ? `'${t.value.replaceAll("'", "''")}'` : t.value.toLowerCase())).join(' ');
}
