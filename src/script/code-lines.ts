/**
 * Which lines of TypeScript code begin inside a template literal. Revision bodies are indented
 * line by line (the renderer, the revision template's placeholders), but a line inside a
 * `sql\`...\`` literal is part of a function's body or a view's query: indenting it would change
 * what reaches the server (a multi-line string literal in a PL/pgSQL body), so such lines are
 * left exactly as they are.
 */

/** `result[i]` is true when line `i` of `code` (split on `\n`) starts inside a template literal. */
export function linesInTemplates(code: string): boolean[] {
  const out = [false];
  let inTemplate = false;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i] as string;
    if (ch === '\n') out.push(inTemplate);
    else if (inTemplate) {
      if (ch === '\\') i++;
      else if (ch === '`') inTemplate = false;
    } else if (ch === '`') inTemplate = true;
    else if (ch === "'" || ch === '"' || (ch === '/' && code[i + 1] === '/')) {
      // A string or a line comment (a warning's text) may hold a backtick: skipped to its end.
      const close = ch === '/' ? '\n' : ch;
      let j = i + 1;
      while (j < code.length && code[j] !== close && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
      i = code[j] === close && close !== '\n' ? j : j - 1;
    }
  }
  return out;
}

/** Each line of `code` prefixed with `prefix` (empty lines left empty), except those inside template literals. */
export function indentOutsideTemplates(code: string, prefix: string): string {
  const inside = linesInTemplates(code);
  return code.split('\n').map((l, i) => (inside[i] || l === '' ? l : prefix + l)).join('\n');
}
