/**
 * Comparing declared objects with live ones the way the server stores them. A view's query comes
 * back from `pg_get_viewdef` reformatted (names qualified, casts added, `IN` turned into
 * `= ANY`), which no text normalisation can predict safely. So when a declared query and the live
 * one differ as text, the comparer asks the server: inside a transaction that is rolled back, it
 * stores the declared query as a temporary view, reads its definition and output columns back,
 * and compares those with the live view's. A pulled schema module holds the server's own text, so
 * the common case (nothing changed) never asks. What the server cannot create (a query over an
 * object that does not exist yet) is a difference.
 */
import type { SchemaModel } from '../../../schema/model.js';
import type { FunctionSpec, SchemaObject, TriggerSpec, ViewSpec } from '../../../schema/objects.js';
import { identityArgs } from '../../../schema/objects.js';
import type { ObjectComparison, ReadSchemaOptions, Session } from '../../dialect.js';
import { homeSearchPath } from '../autogen/read-schema.js';
import { postgresTypeKey } from '../autogen/equality.js';
import { DEFAULT_PG_SCHEMA } from '../capabilities.js';
import { storeRoutines, storeTriggerWhens } from './compare-routines.js';
import { routinesEqual } from './functions.js';
import { postgresObjectsEqual, postgresObjectsInPlace } from './index.js';
import { sqlTextKey } from './text.js';

const isView = (o: SchemaObject): o is ViewSpec => o.kind === 'view' || o.kind === 'materializedView';
const isRoutine = (o: SchemaObject): o is FunctionSpec => o.kind === 'function' || o.kind === 'procedure';
const isTrigger = (o: SchemaObject): o is TriggerSpec => o.kind === 'trigger';

/** What the server said about one declared view. */
interface Stored {
  /** Its query as the server prints it, in {@link sqlTextKey} form; undefined when it could not be created. */
  readonly body?: string;
  readonly columns?: string;
}

const COLUMNS = `ARRAY(SELECT a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text AS columns`;

function quoted(schema: string, name: string): string {
  return `"${schema.replaceAll('"', '""')}"."${name.replaceAll('"', '""')}"`;
}

/** The comparison of one diff: asks the server about the views whose texts differ. */
export async function postgresObjectComparer(session: Session, live: SchemaModel, declared: SchemaModel, options: ReadSchemaOptions): Promise<ObjectComparison> {
  const [row] = await session.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  const home = options.schemas?.[0] ?? row?.schema ?? DEFAULT_PG_SCHEMA;
  const fold = (schema: string | undefined) => (schema === undefined || schema === home ? home : schema);
  const liveViews = new Map((live.objects ?? []).filter(isView).map((v) => [`${fold(v.schema)}.${v.name}`, v]));
  const pairs = (declared.objects ?? []).filter(isView).flatMap((d) => {
    const l = liveViews.get(`${fold(d.schema)}.${d.name}`);
    return l !== undefined && sqlTextKey(l.body) !== sqlTextKey(d.body) ? [[l, d] as const] : [];
  });
  // By name, not by identity: the diff compares copies (a materialized view without its indexes).
  const viewKey = (v: ViewSpec) => `${v.kind}:${fold(v.schema)}.${v.name}`;
  const stored = new Map<string, Stored>();
  const liveColumns = new Map<string, string>();
  // Routines and triggers that differ as text: the server says how it would store the declared one.
  const routineKey = (o: FunctionSpec) => `${o.kind}:${fold(o.schema)}.${o.name}(${identityArgs(o.args).map(postgresTypeKey).join(',')})`;
  const triggerKey = (o: TriggerSpec) => `${fold(o.schema)}.${o.table}.${o.name}`;
  const liveRoutines = new Map((live.objects ?? []).filter(isRoutine).map((r) => [routineKey(r), r]));
  const liveTriggers = new Map((live.objects ?? []).filter(isTrigger).map((t) => [triggerKey(t), t]));
  const routinesToAsk = (declared.objects ?? []).filter(isRoutine).filter((d) => {
    const l = liveRoutines.get(routineKey(d));
    return l !== undefined && !routinesEqual(l, d, postgresTypeKey);
  });
  const triggersToAsk = (declared.objects ?? []).filter(isTrigger).filter((d) => {
    const l = liveTriggers.get(triggerKey(d));
    return l !== undefined && !postgresObjectsEqual(l, d);
  });
  const asked = new Set<SchemaObject>(routinesToAsk);
  let storedRoutines = new Map<string, FunctionSpec>();
  let storedWhens = new Map<string, string>();
  if (pairs.length > 0 || routinesToAsk.length > 0 || triggersToAsk.length > 0) {
    await session.execute('BEGIN');
    try {
      await session.query("SELECT set_config('search_path', $1, true)", [homeSearchPath(home)]);
      for (const [i, [l, d]] of pairs.entries()) {
        const [own] = await session.query<{ columns: string }>(`SELECT ${COLUMNS}`, [quoted(fold(l.schema), l.name)]);
        liveColumns.set(viewKey(l), own?.columns ?? '');
        await session.execute('SAVEPOINT retort_compare');
        try {
          await session.execute(`CREATE TEMPORARY VIEW retort_compare_${i} AS ${d.body.trim().replace(/;\s*$/, '')}`);
          const [back] = await session.query<{ body: string; columns: string }>(
            `SELECT pg_catalog.pg_get_viewdef($1::regclass) AS body, ${COLUMNS}`, [`pg_temp.retort_compare_${i}`]);
          stored.set(viewKey(d), { body: sqlTextKey(back?.body ?? ''), columns: back?.columns ?? '' });
          await session.execute('RELEASE SAVEPOINT retort_compare');
        } catch {
          // Not creatable as declared (yet): it differs, and the diff re-creates it.
          await session.execute('ROLLBACK TO SAVEPOINT retort_compare');
          stored.set(viewKey(d), {});
        }
      }
      storedRoutines = await storeRoutines(session, routinesToAsk, routineKey);
      storedWhens = await storeTriggerWhens(session, triggersToAsk, triggerKey, home);
    } finally {
      // Nothing of this stays: the temporary views and the search_path go with the rollback.
      await session.execute('ROLLBACK');
    }
  }
  const viewBodyEqual = (l: ViewSpec, d: ViewSpec) => {
    const s = stored.get(viewKey(d));
    return s?.body !== undefined && s.body === sqlTextKey(l.body);
  };
  const answers = {
    viewBodyEqual,
    typeKey: postgresTypeKey,
    storedRoutine: (d: FunctionSpec) => storedRoutines.get(routineKey(d)),
    triggerWhenEqual: (l: TriggerSpec, d: TriggerSpec) => {
      const when = storedWhens.get(triggerKey(d));
      return when !== undefined && sqlTextKey(when) === sqlTextKey(l.when ?? '');
    },
  };
  return {
    equal: (l, d) => postgresObjectsEqual(l, d, answers),
    inPlace(from, to) {
      // A routine: as the server would store the declared one (`int` is `integer`).
      if (isRoutine(from) && isRoutine(to)) {
        const asStored = (o: FunctionSpec) => (asked.has(o) ? storedRoutines.get(routineKey(o)) ?? o : o);
        return postgresObjectsInPlace(asStored(from), asStored(to), postgresTypeKey);
      }
      if (postgresObjectsInPlace(from, to)) return true;
      // A plain view whose output columns stay the same is replaced in place.
      if (from.kind !== 'view' || to.kind !== 'view') return false;
      // One of the two is live, the other declared: their columns as the server gave them.
      const a = liveColumns.get(viewKey(from));
      const b = stored.get(viewKey(from))?.columns;
      return a !== undefined && b !== undefined && a === b && JSON.stringify(from.options ?? {}) === JSON.stringify(to.options ?? {});
    },
  };
}
