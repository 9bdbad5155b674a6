/**
 * The name PostgreSQL gives an index it creates by itself: a partition's copy of its parent's
 * index (`ChooseIndexName` → `ChooseRelationName` → `makeObjectName` in the server's source).
 * The reader uses it to tell an attached partition index that follows its parent (left out of
 * the model) from one with a name of its own; autogenerate uses it to rename such an index
 * back to what PostgreSQL would have called it.
 */

/** NAMEDATALEN - 1: the longest identifier, in bytes. */
const MAX_BYTES = 63;

/**
 * The UTF-8 size of the character whose code point is `cp`. Counted here rather than with
 * TextEncoder: encoding each character of each candidate name was 0.5 s of a GitLab `check`
 * (6,040 indexes, 432 partitions), where this is nothing.
 */
function utf8Size(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** The UTF-8 length of `text`, in bytes. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) bytes += utf8Size(ch.codePointAt(0) as number);
  return bytes;
}

/** `text` clipped to at most `bytes` UTF-8 bytes, never inside a character (`pg_mbcliplen`). */
function clip(text: string, bytes: number): string {
  let used = 0;
  let end = 0;
  for (const ch of text) {
    const size = utf8Size(ch.codePointAt(0) as number);
    if (used + size > bytes) break;
    used += size;
    end += ch.length;
  }
  return text.slice(0, end);
}

/**
 * `makeObjectName(name1, name2, label)`: `name1_name2_label`, the longer of the two names
 * shortened first so that the whole fits in 63 bytes.
 */
export function makeObjectName(name1: string, name2: string | undefined, label: string): string {
  let n1 = utf8Length(name1);
  let n2 = name2 === undefined ? 0 : utf8Length(name2);
  const available = MAX_BYTES - (label.length + 1) - (name2 === undefined ? 0 : 1);
  while (n1 + n2 > available) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return [clip(name1, n1), ...(name2 === undefined ? [] : [clip(name2, n2)]), label].join('_');
}

/**
 * `ChooseIndexNameAddition`: the index's column names (its own attribute names: a column's
 * name, `expr` or a function's name for an expression, INCLUDE columns too) joined by `_`,
 * stopping once 63 bytes are reached.
 */
export function indexNameAddition(columnNames: readonly string[]): string {
  let out = '';
  for (const name of columnNames) {
    if (out !== '') out += '_';
    out += clip(name, MAX_BYTES);
    if (utf8Length(out) >= MAX_BYTES) break;
  }
  return out;
}

/**
 * What `ChooseIndexName` labels an index with: `idx` for a plain index, `key` for a unique
 * constraint's, `pkey` for a primary key's (which names no columns).
 */
export type IndexLabel = 'idx' | 'key' | 'pkey';

/** The `pass`-th candidate name (`idx`, `idx1`, `idx2`...) of an index of `table` on `columnNames`. */
function candidate(table: string, columnNames: readonly string[], label: IndexLabel, pass: number): string {
  const addition = label === 'pkey' ? undefined : indexNameAddition(columnNames);
  return makeObjectName(table, addition, pass === 0 ? label : `${label}${pass}`);
}

/**
 * The name PostgreSQL gives the index it creates on `table` for the columns `columnNames` (a
 * partition's copy of its parent's index or key): `table_columns_idx` (`_key`, `_pkey`), or
 * with `idx1`, `idx2`... when `taken(name)` says the previous one exists.
 */
export function defaultIndexName(table: string, columnNames: readonly string[], taken: (name: string) => boolean = () => false, label: IndexLabel = 'idx'): string {
  for (let pass = 0; ; pass++) {
    const name = candidate(table, columnNames, label, pass);
    if (!taken(name) || pass > 1000) return name;
  }
}

/**
 * Whether `name` is what PostgreSQL would call the index of `table` on `columnNames`: the first
 * candidate, or a numbered one whose predecessor is among `siblings` (the table's other indexes,
 * which took the earlier names). A numbered name whose predecessor lives on another table (long
 * names cut to the same prefix) depends on the order things were created in: it counts as the
 * index's own.
 */
export function isDefaultIndexName(name: string, table: string, columnNames: readonly string[], siblings: ReadonlySet<string>, label: IndexLabel = 'idx'): boolean {
  if (name === candidate(table, columnNames, label, 0)) return true;
  for (let pass = 1; pass <= siblings.size; pass++) {
    if (name !== candidate(table, columnNames, label, pass)) continue;
    return siblings.has(candidate(table, columnNames, label, pass - 1));
  }
  return false;
}

/**
 * The attribute names PostgreSQL gives an index's elements when the model holds only their
 * text: a column's name, a function call's name, else `expr`; repeats numbered (`expr1`).
 * Exact for columns and plain function calls, which is what partition indexes mostly are.
 */
export function indexColumnNames(elements: readonly ({ column: string } | { expression: string })[]): string[] {
  const out: string[] = [];
  for (const e of elements) {
    const call = 'expression' in e ? /^(?:[a-z_][a-z0-9_$]*\.)?([a-z_][a-z0-9_$]*)\(/i.exec(e.expression.trim()) : null;
    const base = 'column' in e ? e.column : (call?.[1] ?? 'expr');
    let name = base;
    for (let i = 1; out.includes(name); i++) name = `${base}${i}`;
    out.push(name);
  }
  return out;
}
