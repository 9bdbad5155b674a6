/**
 * Splitting an SQL dump into statements (quote- and dollar-quote-aware), and picking out the
 * statements that create what the fixture round trips do not model yet (schemas, extensions,
 * functions, operators, types, domains), which a test runs on the second database before the
 * generated upgrade, as a person would with `op.execute`.
 */

/** The statements of `text`, without their semicolons; comments and blank lines dropped. */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i] as string;
    if (ch === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      i = end < 0 ? n : end + 1;
      // '' inside a literal: the loop meets the second quote as a new literal, which is the same.
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(text.slice(i, i + 64))?.[0];
      if (tag === undefined) {
        i++;
      } else {
        const end = text.indexOf(tag, i + tag.length);
        i = end < 0 ? n : end + tag.length;
      }
    } else if (ch === ';') {
      const statement = text.slice(start, i).replace(/^(\s*--[^\n]*\n|\s+)+/, '').trim();
      if (statement !== '') out.push(statement);
      start = ++i;
    } else {
      i++;
    }
  }
  const rest = text.slice(start).replace(/^(\s*--[^\n]*\n|\s+)+/, '').trim();
  if (rest !== '') out.push(rest);
  return out;
}

// Domains, composite types and extensions are retort's (h-pgtypes), and so are functions and
// procedures (objects/functions.ts): the generated upgrade creates them; what needs the functions
// (an aggregate, an operator) fails in the prelude and runs once they exist (pg-roundtrip.ts).
const OUTSIDE_THE_TABLE_MODEL = /^(CREATE (SCHEMA|OPERATOR|TYPE|AGGREGATE|COLLATION|TEXT SEARCH)|SET |SELECT pg_catalog\.set_config)/i;

/**
 * What a dump creates outside the table model (schemas, extensions, functions, operators,
 * enum and composite types, domains), in order, for running before the generated upgrade.
 * Enum types are left out when `withEnums` is false (retort creates them).
 */
export function preludeOf(dump: string, withEnums = false): string {
  return splitStatements(dump)
    .filter((s) => OUTSIDE_THE_TABLE_MODEL.test(s) && !/^CREATE TYPE \S+ AS \(/i.test(s) && (withEnums || !/^CREATE TYPE \S+ AS ENUM/i.test(s)))
    .map((s) => `${s};`)
    .join('\n');
}
