/**
 * MySQL / MariaDB stored functions and procedures: read from information_schema.ROUTINES and
 * PARAMETERS (two queries whatever their number; ROUTINE_DEFINITION is the body as it was
 * written, so no server round trip is needed to compare it), written with CREATE FUNCTION |
 * PROCEDURE, characteristics spelled out.
 *
 * The neutral model's fields, as MySQL means them: `volatility: 'immutable'` is DETERMINISTIC
 * (anything else NOT DETERMINISTIC; MySQL has no STABLE), `dataAccess` the SQL DATA ACCESS
 * clause (default CONTAINS SQL), `securityDefiner` SQL SECURITY DEFINER (absent: INVOKER, always
 * written: MySQL's own default is DEFINER), `comment` the COMMENT; `language` is always `sql`.
 *
 * Not read, not written, not compared: the DEFINER. It names whoever ran the revision
 * (`deploy@10.0.3.%` in production, `root@localhost` on a laptop), so comparing it would make
 * every environment differ, and writing it needs SET USER / SUPER. Nor the routine's SQL_MODE
 * or character set (the session's at creation). A parameter's or result's CHARSET is not
 * modelled either (PARAMETERS reports the type without it).
 *
 * A changed routine is replaced in place where the server allows it: characteristics alone by
 * ALTER FUNCTION | PROCEDURE (every server), anything else by CREATE OR REPLACE on servers that
 * have it ({@link routineOrReplace}: MariaDB), else dropped and created again (MySQL 8, and
 * `--sql` without a server, where the text must run on both). MySQL records no dependency on a
 * routine, so what calls it (views, triggers, other routines) stays through the drop.
 *
 * Statements are sent one by one, so a `BEGIN ... END` body needs no DELIMITER online; the
 * `--sql` script wraps such statements (see ../script.ts).
 */
import { RetortError } from '../../../errors.js';
import type { FunctionArgument, FunctionSpec, ObjectRef } from '../../../schema/objects.js';
import type { CompileContext, ObjectDdl } from '../../dialect.js';
import { routineOrReplace, serverOf } from '../server.js';
import { mysqlTextKey } from './text.js';

/**
 * The routines the model holds, as a condition on ROUTINES: plain functions and procedures whose
 * body the server shows. MariaDB's packages, aggregate functions (`FETCH GROUP NEXT ROW`) and
 * routines created under `sql_mode=ORACLE` (another syntax) stay in the unmodelled report.
 */
export const MODELLED_ROUTINE = `(ROUTINE_TYPE IN ('FUNCTION', 'PROCEDURE') AND ROUTINE_DEFINITION IS NOT NULL
  AND LOWER(ROUTINE_DEFINITION) NOT LIKE '%fetch group next row%' AND SQL_MODE NOT LIKE '%ORACLE%')`;

/** Routines of the databases read (`?` list appended by the caller). */
export const ROUTINES_SQL = `SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS name, ROUTINE_TYPE AS type, DTD_IDENTIFIER AS returns,
       ROUTINE_DEFINITION AS body, IS_DETERMINISTIC AS isDeterministic, SQL_DATA_ACCESS AS dataAccess,
       SECURITY_TYPE AS security, ROUTINE_COMMENT AS comment
  FROM information_schema.ROUTINES WHERE ${MODELLED_ROUTINE} AND ROUTINE_SCHEMA IN`;

/** Parameters of the routines read, in order (`?` list appended by the caller; position 0 is a function's result). */
export const PARAMETERS_SQL = `SELECT SPECIFIC_SCHEMA AS s, SPECIFIC_NAME AS name, ROUTINE_TYPE AS type, PARAMETER_MODE AS mode,
       PARAMETER_NAME AS param, DTD_IDENTIFIER AS dtd, ORDINAL_POSITION AS pos
  FROM information_schema.PARAMETERS WHERE ORDINAL_POSITION > 0 AND SPECIFIC_SCHEMA IN`;

/** A row of {@link ROUTINES_SQL}. */
export interface RoutineRow {
  s: string;
  name: string;
  type: 'FUNCTION' | 'PROCEDURE';
  returns: string | null;
  body: string;
  isDeterministic: string;
  dataAccess: string;
  security: string;
  comment: string;
}

/** A row of {@link PARAMETERS_SQL}. */
export interface ParameterRow {
  s: string;
  name: string;
  type: string;
  mode: string | null;
  param: string;
  dtd: string;
  pos: number;
}

/** The key that joins a parameter with its routine. */
export const routineKey = (r: { s: string; type: string; name: string }): string => `${r.s}\u0000${r.type}\u0000${r.name}`;

/** A row and its parameters as a function or procedure (`schema` as the model names it). */
export function routineOf(row: RoutineRow, params: readonly ParameterRow[], schema: string | undefined): FunctionSpec {
  const fn = row.type === 'FUNCTION';
  const args = [...params].sort((a, b) => a.pos - b.pos).map((p): FunctionArgument => {
    const mode = fn ? undefined : p.mode?.toLowerCase();
    return Object.freeze({ name: p.param, type: p.dtd, ...(mode === 'out' || mode === 'inout' ? { mode } : {}) });
  });
  const access = row.dataAccess.toLowerCase();
  const spec: Record<string, unknown> = {
    kind: fn ? 'function' : 'procedure', name: row.name, schema, args: Object.freeze(args),
    returns: fn && row.returns !== null ? row.returns : undefined, language: 'sql', body: row.body.trim(),
    volatility: row.isDeterministic === 'YES' ? 'immutable' : undefined,
    dataAccess: access === 'contains sql' ? undefined : access,
    securityDefiner: row.security === 'DEFINER' || undefined, comment: row.comment === '' ? undefined : row.comment,
  };
  return Object.freeze(Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined))) as unknown as FunctionSpec;
}

/** Fields of the neutral model MySQL routines do not have; a declared one is refused, never dropped silently. */
const FOREIGN = ['strict', 'leakproof', 'parallel', 'cost', 'rows', 'set'] as const;

function refuse(o: FunctionSpec, what: string): never {
  throw new RetortError('UnsupportedOperation', `MySQL cannot create ${o.kind} '${o.name}': ${what}.`, {
    fields: { [o.kind]: o.name },
    hint: "MySQL routines are LANGUAGE SQL; volatility 'immutable' is DETERMINISTIC; dataAccess, securityDefiner and comment are the other characteristics; procedure arguments take mode 'out' / 'inout'.",
  });
}

/** The characteristics clause (always with SQL SECURITY: MySQL's default differs from the model's). */
function characteristics(o: FunctionSpec, quoteString: (text: string) => string, withDeterminism: boolean): string {
  return [
    withDeterminism && o.volatility === 'immutable' ? 'DETERMINISTIC' : '',
    o.dataAccess === undefined ? '' : o.dataAccess.toUpperCase(),
    `SQL SECURITY ${o.securityDefiner === true ? 'DEFINER' : 'INVOKER'}`,
    o.comment === undefined ? '' : `COMMENT ${quoteString(o.comment)}`,
  ].filter((c) => c !== '').join(' ');
}

/** The DDL of functions and procedures, with the compiler's quoting. */
export function mysqlRoutineDdl(quote: (name: string) => string, quoteString: (text: string) => string): ObjectDdl {
  const name = (n: string, schema: string | undefined) => (schema === undefined ? quote(n) : `${quote(schema)}.${quote(n)}`);
  const keyword = (kind: ObjectRef['kind']) => (kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION');
  const createSql = (o: FunctionSpec, orReplace: boolean): string => {
    const fn = o.kind === 'function';
    if (o.language.toLowerCase() !== 'sql') refuse(o, `the language is '${o.language}' (MySQL routines are SQL)`);
    if (o.volatility === 'stable') refuse(o, "volatility 'stable' has no MySQL equivalent (DETERMINISTIC is 'immutable')");
    const foreign = FOREIGN.filter((k) => o[k] !== undefined && o[k] !== false);
    if (foreign.length > 0) refuse(o, `${foreign.join(', ')} ${foreign.length === 1 ? 'is' : 'are'} PostgreSQL's`);
    const args = o.args.map((a) => {
      if (a.default !== undefined || a.mode === 'variadic' || (fn && a.mode !== undefined && a.mode !== 'in')) {
        refuse(o, `argument '${a.name ?? '?'}' has ${a.default !== undefined ? 'a default' : `mode ${a.mode ?? ''}`}`);
      }
      if (a.name === undefined) refuse(o, 'every argument needs a name');
      return `${fn || a.mode === undefined || a.mode === 'in' ? (fn ? '' : 'IN ') : `${a.mode.toUpperCase()} `}${quote(a.name)} ${a.type}`;
    });
    return [
      `CREATE ${orReplace ? 'OR REPLACE ' : ''}${keyword(o.kind)} ${name(o.name, o.schema)}(${args.join(', ')})${fn ? ` RETURNS ${o.returns ?? ''}` : ''}`,
      characteristics(o, quoteString, true),
      o.body.trim().replace(/;\s*$/, ''),
    ].join('\n');
  };
  return {
    create(object, ctx: CompileContext, orReplace) {
      const o = object as FunctionSpec;
      if (!orReplace) return [createSql(o, false)];
      // Without CREATE OR REPLACE (MySQL; offline, for either server): drop what may be there first.
      return routineOrReplace(serverOf(ctx.serverVersion))
        ? [createSql(o, true)]
        : [`DROP ${keyword(o.kind)} IF EXISTS ${name(o.name, o.schema)}`, createSql(o, false)];
    },
    drop: (ref: ObjectRef, _ctx, { ifExists }) => [`DROP ${keyword(ref.kind)} ${ifExists ? 'IF EXISTS ' : ''}${name(ref.name, ref.schema)}`],
    alter(from, to, ctx) {
      const a = from as FunctionSpec;
      const b = to as FunctionSpec;
      // ALTER FUNCTION | PROCEDURE changes every characteristic but DETERMINISTIC, on every server.
      const rest = (o: FunctionSpec): FunctionSpec => ({ ...o, dataAccess: undefined, securityDefiner: undefined, comment: undefined });
      if (mysqlRoutinesEqual(rest(a), rest(b))) {
        const clause = characteristics({ ...b, dataAccess: b.dataAccess ?? 'contains sql', comment: b.comment ?? '' }, quoteString, false);
        return [`ALTER ${keyword(b.kind)} ${name(b.name, b.schema)} ${clause}`];
      }
      // Undefined: the compiler drops and creates (the statements every server accepts).
      return routineOrReplace(serverOf(ctx.serverVersion)) ? [createSql(b, true)] : undefined;
    },
  };
}

/**
 * A type in one spelling for a MySQL routine's identity and comparison (`INT`, `int(11)`,
 * `integer` are one; `DEC`, `NUMERIC(10)` and `decimal(10,0)` are one).
 */
export function mysqlRoutineTypeKey(type: string): string {
  return type.toLowerCase().replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1').trim()
    .replace(/\b(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/g, '$1')
    .replace(/\binteger\b/g, 'int')
    .replace(/^(bool|boolean)$/, 'tinyint(1)')
    .replace(/^(dec|numeric|fixed)\b/, 'decimal')
    .replace(/^decimal$/, 'decimal(10,0)')
    .replace(/^decimal\((\d+)\)$/, 'decimal($1,0)')
    .replace(/^(char|binary)$/, '$1(1)');
}

/** Live and declared routines compared as the server stores them; the definer is left out (see above). */
export function mysqlRoutinesEqual(live: FunctionSpec, declared: FunctionSpec): boolean {
  const d = declared;
  const sameArgs = live.args.length === d.args.length && live.args.every((a, i) => {
    const b = d.args[i] as FunctionArgument;
    // Parameter names are case-insensitive in MySQL.
    return (a.name ?? '').toLowerCase() === (b.name ?? '').toLowerCase() && (a.mode ?? 'in') === (b.mode ?? 'in') &&
      mysqlRoutineTypeKey(a.type) === mysqlRoutineTypeKey(b.type);
  });
  return live.kind === d.kind && sameArgs && mysqlRoutineTypeKey(live.returns ?? '') === mysqlRoutineTypeKey(d.returns ?? '') &&
    d.language.toLowerCase() === 'sql' && mysqlTextKey(live.body) === mysqlTextKey(d.body) &&
    (live.volatility === 'immutable') === (d.volatility === 'immutable') && d.volatility !== 'stable' &&
    (live.dataAccess ?? 'contains sql') === (d.dataAccess ?? 'contains sql') && !live.securityDefiner === !d.securityDefiner &&
    (live.comment ?? '') === (d.comment ?? '') && FOREIGN.every((k) => d[k] === undefined || d[k] === false);
}
