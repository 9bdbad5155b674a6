/**
 * The "not modelled" report that `pull`, `revision --autogenerate` and `check` print on every run:
 * what the database holds that retort has no place for, by kind, with counts and names. Without
 * `-v` a kind lists its first names and says how many more there are (`--json` lists them all).
 */
import type { UnmodelledObject } from '../schema/model.js';

/** Names listed per kind without `-v`. */
const SHOWN = 12;

/** How a person names one object: `schema.table.name` (a trigger, a rule), `schema.name`, `name`. */
export function qualifiedName(o: UnmodelledObject): string {
  return [o.schema, o.table !== undefined && o.table !== o.name ? o.table : undefined, o.name].filter((p) => p !== undefined).join('.');
}

function plural(kind: string, n: number): string {
  if (n === 1) return kind;
  if (/(s|sh|ch|x)$/.test(kind)) return `${kind}es`;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  return `${kind}s`;
}

/**
 * The report's lines (none when nothing is left out).
 * @param what - what happened to them: `not compared`, `not written into the schema module`...
 */
export function unmodelledLines(objects: readonly UnmodelledObject[], what: string, verbose: boolean): string[] {
  if (objects.length === 0) return [];
  const byKind = new Map<string, UnmodelledObject[]>();
  for (const o of objects) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  const lines = [`Not modelled by retort, so ${what}: ${objects.length} object${objects.length === 1 ? '' : 's'} ` +
    `(see docs/autogenerate-*.md; --json lists them all):`];
  for (const [kind, list] of byKind) {
    const names = list.map(qualifiedName);
    const shown = verbose ? names : names.slice(0, SHOWN);
    const more = names.length - shown.length;
    lines.push(`  ${list.length} ${plural(kind, list.length)}: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`);
  }
  return lines;
}
