/**
 * SQL text in one spelling for comparing bodies (a view's query, a policy's expression) without
 * the server: blank space collapsed, a trailing semicolon dropped, keywords and unquoted names in
 * lower case, `"name"` unquoted when quoting changes nothing. Literals, quoted names that need
 * their quotes, and dollar-quoted strings are kept as they are. Unlike the expression canonical
 * form used for CHECKs, nothing else is rewritten: a cast or a parenthesis that differs is a
 * difference here (the server round trip of the comparer then decides).
 */

const TOKEN = /\s*(\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\2\$|'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d+)?|::|<>|!=|<=|>=|\|\||\S)/gy;

/** The tokens of `text` in their canonical spelling. */
export function sqlTokens(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  const source = text.trim().replace(/;\s*$/, '');
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(source)) !== null) {
    const t = m[1] as string;
    if (t.startsWith('"')) {
      const inner = t.slice(1, -1).replaceAll('""', '"');
      out.push(/^[a-z_][a-z0-9_$]*$/.test(inner) ? inner : t);
    } else if (t.startsWith("'") || t.startsWith('$')) out.push(t);
    else out.push(t.toLowerCase());
  }
  return out;
}

/** {@link sqlTokens} joined by single spaces: two texts are the same SQL when these are equal. */
export function sqlTextKey(text: string): string {
  return sqlTokens(text).join(' ');
}
