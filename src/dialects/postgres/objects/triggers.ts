/**
 * PostgreSQL triggers: read from pg_trigger in one query (timing, level and events from
 * `tgtype`, UPDATE OF columns from `tgattr`, arguments from `tgargs`, REFERENCING tables, the
 * constraint trigger's deferral, and the WHEN condition cut out of `pg_get_triggerdef`, the only
 * place the server prints it), written with CREATE [CONSTRAINT] TRIGGER and dropped with DROP
 * TRIGGER ... ON. A changed trigger is dropped and created again (no CREATE OR REPLACE TRIGGER
 * for constraint triggers, and before PostgreSQL 14 for any).
 *
 * Left out: internal triggers (a foreign key's), an extension's, and the clones PostgreSQL makes
 * on each partition of a table whose trigger it copies (they come back with the parent's).
 */
import type { ObjectRef, TriggerEvent, TriggerSpec } from '../../../schema/objects.js';
import type { CompileContext, ObjectDdl } from '../../dialect.js';
import { sqlTextKey } from './text.js';
import type { PgWriter } from './writer.js';

/** Triggers matching `where` (over `t`, its table `c` and the table's namespace `n`), in one query. */
export function triggersSql(where: string): string {
  return `
SELECT t.oid, n.nspname AS schema, c.relname AS tbl, t.tgname AS name, t.tgtype AS type,
       -- Deparsed only for a WHEN condition (the only part not in pg_trigger's columns): it is most of the query's cost.
       CASE WHEN t.tgqual IS NOT NULL THEN pg_catalog.pg_get_triggerdef(t.oid) END AS def,
       ARRAY(SELECT a.attname::text FROM unnest(t.tgattr::int2[]) WITH ORDINALITY AS k(attnum, i)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum ORDER BY k.i) AS update_of,
       fn.nspname AS fn_schema, p.proname AS fn_name, t.tgargs AS args, t.tgnargs AS nargs,
       t.tgconstraint <> 0 AS is_constraint, t.tgdeferrable AS deferrable, t.tginitdeferred AS deferred,
       t.tgenabled AS enabled, t.tgoldtable AS old_table, t.tgnewtable AS new_table, ds.description AS comment
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
JOIN pg_catalog.pg_namespace fn ON fn.oid = p.pronamespace
LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = t.oid AND ds.classoid = 'pg_catalog.pg_trigger'::regclass AND ds.objsubid = 0
WHERE ${where} AND NOT t.tgisinternal
  AND COALESCE((to_jsonb(t) ->> 'tgparentid')::oid, 0) = 0
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_trigger'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname, t.tgname`;
}

/** The triggers of the tables and views of the schemas read ($1). (`tgparentid` is PostgreSQL 13's: read through to_jsonb.) */
export const TRIGGERS_SQL = triggersSql('n.nspname = ANY($1::text[])');

/** A row of {@link triggersSql}. */
export interface TriggerRow {
  oid: number;
  schema: string;
  tbl: string;
  name: string;
  type: number;
  /** `pg_get_triggerdef`, read only when the trigger has a WHEN condition. */
  def: string | null;
  update_of: string[];
  fn_schema: string;
  fn_name: string;
  args: Buffer | null;
  nargs: number;
  is_constraint: boolean;
  deferrable: boolean;
  deferred: boolean;
  /** `O` (origin, the default), `A` (always), `R` (replica), `D` (disabled). */
  enabled: string;
  old_table: string | null;
  new_table: string | null;
  comment: string | null;
}

// pg_trigger.tgtype bits (catalog/pg_trigger.h).
const ROW = 1;
const BEFORE = 2;
const INSTEAD = 64;
const EVENT_BITS: readonly [TriggerEvent, number][] = [['insert', 4], ['update', 16], ['delete', 8], ['truncate', 32]];
/** `tgenabled` as the model says it (origin, the default, is absent). */
const ENABLED: Readonly<Record<string, TriggerSpec['enabled']>> = { A: 'always', R: 'replica', D: 'disabled' };

/** The order events are written and compared in. */
const EVENT_ORDER: readonly TriggerEvent[] = EVENT_BITS.map(([e]) => e);

/**
 * The WHEN condition as `pg_get_triggerdef` prints it (`... FOR EACH ROW WHEN (<cond>) EXECUTE
 * FUNCTION f(...)`), without the parentheses WHEN takes.
 */
export function whenOf(def: string): string | undefined {
  const start = /\sFOR EACH (?:ROW|STATEMENT) WHEN \(/.exec(def);
  if (start === null) return undefined;
  const end = Math.max(def.lastIndexOf(') EXECUTE FUNCTION '), def.lastIndexOf(') EXECUTE PROCEDURE '));
  return end < 0 ? undefined : def.slice(start.index + start[0].length, end);
}

/** A row as a trigger (`schema` as the model names the table's schema; the function named as the model names its schema). */
export function triggerOf(row: TriggerRow, schema: string | undefined, fnSchema: string | undefined): TriggerSpec {
  const args = row.args === null || row.nargs === 0 ? [] : row.args.toString('utf8').split('\u0000').slice(0, row.nargs);
  const when = row.def === null ? undefined : whenOf(row.def);
  const spec: Record<string, unknown> = {
    kind: 'trigger', name: row.name, schema, table: row.tbl,
    timing: (row.type & INSTEAD) !== 0 ? 'instead of' : (row.type & BEFORE) !== 0 ? 'before' : 'after',
    events: Object.freeze(EVENT_BITS.filter(([, bit]) => (row.type & bit) !== 0).map(([e]) => e)),
    updateOf: row.update_of.length === 0 ? undefined : Object.freeze([...row.update_of]),
    level: (row.type & ROW) !== 0 ? 'row' : undefined,
    when,
    function: fnSchema === undefined ? row.fn_name : `${fnSchema}.${row.fn_name}`,
    args: args.length === 0 ? undefined : Object.freeze(args),
    oldTable: row.old_table ?? undefined,
    newTable: row.new_table ?? undefined,
    constraint: row.is_constraint ? Object.freeze({ deferrable: row.deferrable, initiallyDeferred: row.deferred }) : undefined,
    enabled: ENABLED[row.enabled],
    comment: row.comment ?? undefined,
  };
  return Object.freeze(Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined))) as unknown as TriggerSpec;
}

/** `name` or `schema.name` of a trigger's function, as schema and name (quotes taken off). */
function functionName(text: string): { schema?: string; name: string } {
  const parts = [...text.matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : (m[2] as string).trim()));
  return parts.length >= 2 ? { schema: parts[parts.length - 2] as string, name: parts[parts.length - 1] as string } : { name: parts[0] ?? text };
}

/** `CREATE [CONSTRAINT] TRIGGER <name> ... ON <relation> ... EXECUTE FUNCTION <fn>(args)`. */
export function createTriggerSql(w: PgWriter, t: TriggerSpec, relation: string, ctx: CompileContext): string {
  const events = EVENT_ORDER.filter((e) => t.events.includes(e)).map((e) =>
    e === 'update' && t.updateOf !== undefined ? `UPDATE OF ${t.updateOf.map((c) => w.ident(c)).join(', ')}` : e.toUpperCase());
  const lines = [`CREATE ${t.constraint === undefined ? '' : 'CONSTRAINT '}TRIGGER ${w.ident(t.name)} ${t.timing.toUpperCase()} ${events.join(' OR ')} ON ${relation}`];
  if (t.constraint !== undefined) {
    lines.push(` ${t.constraint.deferrable ? 'DEFERRABLE' : 'NOT DEFERRABLE'} INITIALLY ${t.constraint.initiallyDeferred ? 'DEFERRED' : 'IMMEDIATE'}`);
  }
  if (t.oldTable !== undefined || t.newTable !== undefined) {
    lines.push(` REFERENCING${t.oldTable === undefined ? '' : ` OLD TABLE AS ${w.ident(t.oldTable)}`}${t.newTable === undefined ? '' : ` NEW TABLE AS ${w.ident(t.newTable)}`}`);
  }
  lines.push(` FOR EACH ${t.level === 'row' ? 'ROW' : 'STATEMENT'}`);
  if (t.when !== undefined) lines.push(` WHEN (${t.when})`);
  const fn = functionName(t.function ?? '');
  lines.push(` EXECUTE FUNCTION ${w.name(fn.name, fn.schema, ctx)}(${(t.args ?? []).map((a) => w.literal(a)).join(', ')})`);
  return lines.join('\n');
}

/** The DDL of triggers: created, dropped, and a changed one dropped and created again. */
export function triggerDdl(w: PgWriter): ObjectDdl {
  const on = (ref: ObjectRef, ctx: CompileContext) => `${w.ident(ref.name)} ON ${w.name(ref.table ?? '', ref.schema, ctx)}`;
  return {
    create(object, ctx) {
      const t = object as TriggerSpec;
      const table = w.name(t.table, t.schema, ctx);
      const out = [createTriggerSql(w, t, table, ctx)];
      if (t.enabled !== undefined) {
        out.push(`ALTER TABLE ${table} ${t.enabled === 'disabled' ? 'DISABLE' : `ENABLE ${t.enabled.toUpperCase()}`} TRIGGER ${w.ident(t.name)}`);
      }
      if (t.comment !== undefined) out.push(w.comment(`TRIGGER ${on({ kind: 'trigger', name: t.name, table: t.table, ...(t.schema === undefined ? {} : { schema: t.schema }) }, ctx)}`, t.comment));
      return out;
    },
    drop: (ref, ctx, { ifExists, cascade }) => [`DROP TRIGGER ${ifExists ? 'IF EXISTS ' : ''}${on(ref, ctx)}${cascade ? ' CASCADE' : ''}`],
  };
}

const sameFunction = (a: string | undefined, b: string | undefined) => {
  const x = functionName(a ?? '');
  const y = functionName(b ?? '');
  return x.name === y.name && (x.schema === undefined || y.schema === undefined || x.schema === y.schema);
};

/**
 * Live and declared triggers compared as the server stores them: events as a set, the WHEN
 * condition in one spelling (else as the server's round trip says: `whenEqual`).
 */
export function triggersEqual(live: TriggerSpec, declared: TriggerSpec, whenEqual?: (live: TriggerSpec, declared: TriggerSpec) => boolean): boolean {
  const d = declared;
  const events = (t: TriggerSpec) => EVENT_ORDER.filter((e) => t.events.includes(e)).join();
  const json = (v: unknown) => JSON.stringify(v ?? null);
  const sameWhen = (live.when === undefined) === (d.when === undefined) &&
    (live.when === undefined || sqlTextKey(live.when) === sqlTextKey(d.when ?? '') || (whenEqual?.(live, d) ?? false));
  return live.table === d.table && live.timing === d.timing && events(live) === events(d) && json(live.updateOf) === json(d.updateOf) &&
    (live.level ?? 'statement') === (d.level ?? 'statement') && sameFunction(live.function, d.function) && d.body === undefined &&
    json(live.args) === json(d.args) && (live.oldTable ?? null) === (d.oldTable ?? null) && (live.newTable ?? null) === (d.newTable ?? null) &&
    json(live.constraint) === json(d.constraint) && (live.comment ?? null) === (d.comment ?? null) && live.enabled === d.enabled && sameWhen;
}
