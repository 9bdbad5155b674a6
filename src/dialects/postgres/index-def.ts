/**
 * Reading an index's per-element options back from `pg_get_indexdef`'s text. PostgreSQL prints
 * an element as `<column or (expression)> [COLLATE c] [opclass[(params)]] [DESC] [NULLS FIRST|LAST]`,
 * leaving out every default (the type's own collation, the default operator class of the
 * element's type, ASC, the order's own NULLS placement), which is exactly what the model keeps.
 * The bare element (`pg_get_indexdef(oid, n, true)`) is known, so the options are what follows it.
 */
import type { IndexElementOptions } from '../../schema/model.js';

/** Split `text` at top-level commas (outside parentheses, brackets and quotes). */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** The index of the parenthesis closing the one at `open`, quote-aware. */
function closing(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return text.length;
}

/** The element list of an index definition: the text inside `USING method (...)`. */
export function definitionElements(definition: string): string[] {
  const using = / USING [a-z_0-9]+ \(/i.exec(definition);
  if (using === null) return [];
  const open = using.index + using[0].length - 1;
  return splitTopLevel(definition.slice(open + 1, closing(definition, open)));
}

/** A name token: quoted identifier, or word, maybe schema-qualified and with `(params)`. */
const NAME = /^((?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)(?:\.(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*))?)/;

function unquote(name: string): string {
  return name.replace(/"((?:[^"]|"")*)"/g, (_, inner: string) => inner.replaceAll('""', '"'));
}

/**
 * The options of one element, given its full text in the definition and its bare text.
 * Unknown trailing text (which should not happen) is kept as the operator class, so that a
 * difference still shows rather than vanishing.
 */
export function elementOptionsOf(full: string, bare: string): IndexElementOptions {
  let rest = full.trim();
  const quoted = `"${bare.replaceAll('"', '""')}"`;
  if (rest.startsWith(`${bare} `) || rest === bare) rest = rest.slice(bare.length);
  else if (rest.startsWith(quoted)) rest = rest.slice(quoted.length);
  else if (rest.startsWith(`(${bare})`)) rest = rest.slice(bare.length + 2);
  else if (rest.startsWith('(')) rest = rest.slice(closing(rest, 0) + 1);
  rest = rest.trim();
  const out: { -readonly [K in keyof IndexElementOptions]: IndexElementOptions[K] } = {};
  const nulls = /\s*NULLS (FIRST|LAST)$/.exec(rest);
  if (nulls !== null) {
    out.nulls = nulls[1] === 'FIRST' ? 'first' : 'last';
    rest = rest.slice(0, nulls.index).trim();
  }
  if (/(^|\s)DESC$/.test(rest)) {
    out.order = 'desc';
    rest = rest.slice(0, -4).trim();
  }
  if (rest.startsWith('COLLATE ')) {
    rest = rest.slice(8);
    const name = NAME.exec(rest);
    if (name !== null) {
      out.collation = unquote(name[1] as string).replace(/^pg_catalog\./, '');
      rest = rest.slice((name[1] as string).length).trim();
    }
  }
  if (rest !== '') out.opclass = rest;
  return out;
}
