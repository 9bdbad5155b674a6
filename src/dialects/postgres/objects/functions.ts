/**
 * PostgreSQL functions and procedures: read from pg_proc in one query (arguments from the
 * argument arrays with `format_type`, the result from `pg_get_function_result`, the body from
 * `prosrc`, verbatim), written with CREATE [OR REPLACE] FUNCTION / PROCEDURE with the body
 * dollar-quoted under a tag the body does not contain, compared on that stored text.
 *
 * Modelled: functions and procedures in any language but C and `internal` whose body is a string
 * (not a SQL-standard `BEGIN ATOMIC` body, which the server keeps parsed). Aggregates, window
 * functions, C functions and SQL-standard bodies stay in the unmodelled report ({@link MODELLED_ROUTINE}).
 */
import { RetortError } from '../../../errors.js';
import type { FunctionArgument, FunctionSpec, ObjectRef } from '../../../schema/objects.js';
import type { CompileContext, ObjectDdl } from '../../dialect.js';
import { sqlTextKey } from './text.js';
import type { PgWriter } from './writer.js';
import { dollarQuote } from './writer.js';

/**
 * The routines the model holds, as a condition on `p` (pg_proc). `prosqlbody` exists from
 * PostgreSQL 14 on: read through to_jsonb so that older servers (no such column) pass.
 */
export const MODELLED_ROUTINE = (p: string) =>
  `(${p}.prokind IN ('f', 'p') AND ${p}.prolang NOT IN (SELECT l.oid FROM pg_catalog.pg_language l WHERE l.lanname IN ('c', 'internal'))` +
  ` AND (to_jsonb(${p}) ->> 'prosqlbody') IS NULL)`;

/** Functions and procedures matching `where` (over `p` and its namespace `n`), in one query. */
export function functionsSql(where: string): string {
  return `
SELECT p.oid, n.nspname AS schema, p.proname AS name, p.prokind AS kind, l.lanname AS language, p.prosrc AS body,
       pg_catalog.pg_get_function_result(p.oid) AS returns, p.proretset AS retset,
       ARRAY(SELECT pg_catalog.format_type(t.oid, NULL) FROM unnest(COALESCE(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY AS t(oid, i) ORDER BY t.i) AS argtypes,
       p.proargnames AS argnames, p.proargmodes::text[] AS argmodes,
       pg_catalog.pg_get_expr(p.proargdefaults, 0) AS defaults,
       p.provolatile AS volatility, p.proisstrict AS strict, p.prosecdef AS definer, p.proleakproof AS leakproof,
       p.proparallel AS parallel, p.procost::float8 AS cost, p.prorows::float8 AS rows, p.proconfig AS config, ds.description AS comment
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = p.oid AND ds.classoid = 'pg_catalog.pg_proc'::regclass AND ds.objsubid = 0
WHERE ${where} AND ${MODELLED_ROUTINE('p')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'))
ORDER BY n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)`;
}

/** The routines of the schemas read ($1). */
export const FUNCTIONS_SQL = functionsSql('n.nspname = ANY($1::text[])');

/** A row of {@link functionsSql}. */
export interface FunctionRow {
  oid: number;
  schema: string;
  name: string;
  kind: 'f' | 'p';
  language: string;
  body: string;
  returns: string | null;
  retset: boolean;
  argtypes: string[];
  argnames: string[] | null;
  argmodes: string[] | null;
  defaults: string | null;
  volatility: 'i' | 's' | 'v';
  strict: boolean;
  definer: boolean;
  leakproof: boolean;
  parallel: 's' | 'r' | 'u';
  cost: number;
  rows: number;
  config: string[] | null;
  comment: string | null;
}

/** `a, (b, c), 'd,e'` → `['a', '(b, c)', "'d,e'"]`: a list split at its top-level commas. */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      i = end < 0 ? text.length : end;
    } else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter((s) => s !== '');
}

const MODES: Readonly<Record<string, FunctionArgument['mode']>> = { i: undefined, o: 'out', b: 'inout', v: 'variadic' };
const VOLATILITY = { i: 'immutable', s: 'stable', v: undefined } as const;
const PARALLEL = { s: 'safe', r: 'restricted', u: undefined } as const;

/** The arguments of a row: TABLE(...) columns ('t') are the result's, not arguments. */
function argumentsOf(row: FunctionRow): FunctionArgument[] {
  const modes = row.argmodes ?? row.argtypes.map(() => 'i');
  const defaults = row.defaults === null ? [] : splitTopLevel(row.defaults);
  const args = row.argtypes.flatMap((type, i): { arg: FunctionArgument; input: boolean }[] => {
    const m = modes[i] ?? 'i';
    if (m === 't') return [];
    const name = row.argnames?.[i];
    const mode = MODES[m];
    return [{ arg: { ...(name === undefined || name === '' ? {} : { name }), type, ...(mode === undefined ? {} : { mode }) }, input: m !== 'o' }];
  });
  // The defaults belong to the last input arguments.
  const inputs = args.filter((a) => a.input);
  const firstDefault = inputs.length - defaults.length;
  return args.map(({ arg, input }) => {
    const at = input ? inputs.findIndex((a) => a.arg === arg) - firstDefault : -1;
    return Object.freeze(at >= 0 && defaults[at] !== undefined ? { ...arg, default: defaults[at] } : arg);
  });
}

/** `['search_path=public, pg_temp']` → `{ search_path: 'public, pg_temp' }`. */
function settingsOf(config: string[] | null): Record<string, string> | undefined {
  if (config === null || config.length === 0) return undefined;
  return Object.fromEntries(config.map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]));
}

/** The cost PostgreSQL gives a routine of `language` when none is said. */
const defaultCost = (language: string) => (language === 'c' || language === 'internal' ? 1 : 100);
/** The row estimate PostgreSQL gives a routine when none is said (set-returning ones: 1000). */
const defaultRows = (returns: string | undefined) => (returns !== undefined && /^\s*(setof\s|table\s*\()/i.test(returns) ? 1000 : 0);

/** A row as a function or procedure (`schema` as the model names it). */
export function functionOf(row: FunctionRow, schema: string | undefined): FunctionSpec {
  const returns = row.kind === 'f' && row.returns !== null ? row.returns : undefined;
  const set = settingsOf(row.config);
  const spec: Record<string, unknown> = {
    kind: row.kind === 'p' ? 'procedure' : 'function', name: row.name, schema,
    args: Object.freeze(argumentsOf(row)), returns, language: row.language, body: row.body,
    volatility: VOLATILITY[row.volatility], strict: row.strict || undefined, securityDefiner: row.definer || undefined,
    leakproof: row.leakproof || undefined, parallel: PARALLEL[row.parallel],
    cost: row.kind === 'f' && row.cost !== defaultCost(row.language) ? row.cost : undefined,
    rows: row.kind === 'f' && row.retset && row.rows !== defaultRows(returns) ? row.rows : undefined,
    set: set === undefined ? undefined : Object.freeze(set), comment: row.comment ?? undefined,
  };
  return Object.freeze(Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined))) as unknown as FunctionSpec;
}

/**
 * Settings whose value is a list the server quotes element by element (`search_path`): written
 * as they are stored (`"$user", public`); any other value is written as one string literal.
 */
const LIST_SETTINGS = new Set(['search_path', 'temp_tablespaces', 'session_preload_libraries', 'local_preload_libraries', 'shared_preload_libraries']);

/** The argument list of a CREATE (names, modes, types, defaults). */
function argumentList(w: PgWriter, args: readonly FunctionArgument[]): string {
  return args.map((a) => [
    a.mode === undefined ? '' : `${a.mode.toUpperCase()} `,
    a.name === undefined ? '' : `${w.ident(a.name)} `,
    a.type,
    a.default === undefined ? '' : ` DEFAULT ${a.default}`,
  ].join('')).join(', ');
}

/** `CREATE [OR REPLACE] FUNCTION|PROCEDURE <qualified>(...) ... AS $body$...$body$`. */
export function createRoutineSql(w: PgWriter, o: FunctionSpec, qualified: string, orReplace: boolean): string {
  const fn = o.kind === 'function';
  if (o.dataAccess !== undefined) {
    // MySQL's characteristic: refused rather than dropped without a word.
    throw new RetortError('UnsupportedOperation', `PostgreSQL cannot create ${o.kind} '${o.name}' with dataAccess '${o.dataAccess}' (a MySQL characteristic).`, {
      fields: { [o.kind]: o.name },
      hint: "Say what a PostgreSQL routine may do with volatility ('immutable', 'stable', 'volatile').",
    });
  }
  const lines = [`CREATE ${orReplace ? 'OR REPLACE ' : ''}${fn ? 'FUNCTION' : 'PROCEDURE'} ${qualified}(${argumentList(w, o.args)})`];
  if (fn && o.returns !== undefined) lines.push(` RETURNS ${o.returns}`);
  lines.push(` LANGUAGE ${o.language}`);
  const traits = [
    fn && o.volatility !== undefined && o.volatility !== 'volatile' ? o.volatility.toUpperCase() : '',
    fn && o.strict === true ? 'STRICT' : '',
    o.securityDefiner === true ? 'SECURITY DEFINER' : '',
    fn && o.leakproof === true ? 'LEAKPROOF' : '',
    fn && o.parallel !== undefined && o.parallel !== 'unsafe' ? `PARALLEL ${o.parallel.toUpperCase()}` : '',
    fn && o.cost !== undefined ? `COST ${o.cost}` : '',
    fn && o.rows !== undefined ? `ROWS ${o.rows}` : '',
  ].filter((t) => t !== '');
  if (traits.length > 0) lines.push(` ${traits.join(' ')}`);
  for (const [k, v] of Object.entries(o.set ?? {})) lines.push(` SET ${k} TO ${LIST_SETTINGS.has(k) ? v : w.literal(v)}`);
  lines.push(`AS ${dollarQuote(o.body)}`);
  return lines.join('\n');
}

/** `"schema"."name"(types)`: what DROP and COMMENT ON take. */
function signature(w: PgWriter, ref: ObjectRef, ctx: CompileContext): string {
  return `${w.name(ref.name, ref.schema, ctx)}(${ref.args ?? ''})`;
}

const identity = (o: FunctionSpec) => o.args.filter((a) => a.mode !== 'out').map((a) => (a.mode === 'variadic' ? `VARIADIC ${a.type}` : a.type)).join(', ');

/** The DDL of functions and procedures. */
export function functionDdl(w: PgWriter): ObjectDdl {
  const keyword = (kind: ObjectRef['kind']) => (kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION');
  const comment = (o: FunctionSpec, ctx: CompileContext) =>
    w.comment(`${keyword(o.kind)} ${signature(w, { kind: o.kind, name: o.name, ...(o.schema === undefined ? {} : { schema: o.schema }), args: identity(o) }, ctx)}`, o.comment);
  return {
    create(object, ctx, orReplace) {
      const o = object as FunctionSpec;
      const out = [createRoutineSql(w, o, w.name(o.name, o.schema, ctx), orReplace)];
      if (o.comment !== undefined) out.push(comment(o, ctx));
      return out;
    },
    drop: (ref, ctx, { ifExists, cascade }) =>
      [`DROP ${keyword(ref.kind)} ${ifExists ? 'IF EXISTS ' : ''}${signature(w, ref, ctx)}${cascade ? ' CASCADE' : ''}`],
    // CREATE OR REPLACE keeps the routine (and what depends on it: triggers, views, defaults);
    // the diff asks for it only when the result and the arguments' names and types stay.
    alter(from, to, ctx) {
      const a = from as FunctionSpec;
      const b = to as FunctionSpec;
      if (!routineInPlace(a, b)) return undefined;
      const { comment: _a, ...restA } = a;
      const { comment: _b, ...restB } = b;
      const out = JSON.stringify(restA) === JSON.stringify(restB) ? [] : [createRoutineSql(w, b, w.name(b.name, b.schema, ctx), true)];
      if ((a.comment ?? null) !== (b.comment ?? null)) out.push(comment(b, ctx));
      return out;
    },
  };
}

const typeText = (t: string) => t.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * True when CREATE OR REPLACE turns `from` into `to`: same kind, same result, the same arguments
 * (names, modes, types; a default may change but not appear or go: the server refuses removing one).
 */
export function routineInPlace(from: FunctionSpec, to: FunctionSpec, typeKey: (t: string) => string = typeText): boolean {
  if (from.kind !== to.kind || sqlTextKey(from.returns ?? '') !== sqlTextKey(to.returns ?? '') || from.args.length !== to.args.length) return false;
  return from.args.every((a, i) => {
    const b = to.args[i] as FunctionArgument;
    return (a.name ?? '') === (b.name ?? '') && (a.mode ?? 'in') === (b.mode ?? 'in') && typeKey(a.type) === typeKey(b.type) && (a.default === undefined) === (b.default === undefined);
  });
}

/** Live and declared routines compared as the server stores them (bodies and expressions in one spelling). */
export function routinesEqual(live: FunctionSpec, declared: FunctionSpec, typeKey: (t: string) => string = typeText): boolean {
  const d = declared;
  if (!routineInPlace(live, d, typeKey)) return false;
  const argsEqual = live.args.every((a, i) => sqlTextKey(a.default ?? '') === sqlTextKey(d.args[i]?.default ?? ''));
  const cost = (o: FunctionSpec) => o.cost ?? (o.kind === 'function' ? defaultCost(o.language.toLowerCase()) : undefined);
  const rows = (o: FunctionSpec) => o.rows ?? (o.kind === 'function' ? defaultRows(o.returns) : undefined);
  const settings = (o: FunctionSpec) => JSON.stringify(Object.entries(o.set ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return argsEqual && live.language.toLowerCase() === d.language.toLowerCase() && sqlTextKey(live.body) === sqlTextKey(d.body) &&
    (live.volatility ?? 'volatile') === (d.volatility ?? 'volatile') && !live.strict === !d.strict &&
    !live.securityDefiner === !d.securityDefiner && !live.leakproof === !d.leakproof &&
    (live.parallel ?? 'unsafe') === (d.parallel ?? 'unsafe') && cost(live) === cost(d) && rows(live) === rows(d) &&
    settings(live) === settings(d) && (live.comment ?? null) === (d.comment ?? null);
}
