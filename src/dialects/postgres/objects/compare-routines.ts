/**
 * The server's answer for routines and triggers whose declared text differs from the live one
 * (see compare.ts, which opens the rolled-back transaction these run in). A declared function is
 * created in the session's temporary schema (`pg_temp`, with `check_function_bodies` off, so a
 * body naming what does not exist yet still goes in) and read back with the reader's own query:
 * argument types, defaults and the result then read as the server prints them. A declared
 * trigger's WHEN condition is stored on a temporary copy of its table (`LIKE`: no lock beyond a
 * read on the real one) and printed back with `pg_get_triggerdef`. Nothing of it stays.
 */
import type { FunctionSpec, TriggerSpec } from '../../../schema/objects.js';
import type { Session } from '../../dialect.js';
import { createRoutineSql, functionOf, functionsSql } from './functions.js';
import type { FunctionRow } from './functions.js';
import { createTriggerSql, whenOf } from './triggers.js';
import { pgWriter } from './writer.js';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
/** A writer with plain quoting (the compiler's own is not needed for a scratch statement). */
const writer = pgWriter(ident, literal, () => []);

const STORED_SQL = functionsSql('p.pronamespace = pg_catalog.pg_my_temp_schema() AND p.proname = $1');

/**
 * Each declared routine as the server stores it, by `key(declared)`; one the server refuses
 * (a type that does not exist yet) has no entry, and so differs.
 */
export async function storeRoutines(session: Session, declared: readonly FunctionSpec[], key: (o: FunctionSpec) => string): Promise<Map<string, FunctionSpec>> {
  const out = new Map<string, FunctionSpec>();
  if (declared.length === 0) return out;
  await session.query("SELECT set_config('check_function_bodies', 'off', true)");
  for (const d of declared) {
    await session.execute('SAVEPOINT retort_compare_routine');
    try {
      await session.execute(createRoutineSql(writer, d, `pg_temp.${ident(d.name)}`, false));
      const [row] = await session.query<FunctionRow>(STORED_SQL, [d.name]);
      if (row !== undefined) {
        const stored = functionOf(row, d.schema);
        const { comment: _c, ...rest } = stored;
        out.set(key(d), Object.freeze({ ...rest, ...(d.comment === undefined ? {} : { comment: d.comment }) }) as FunctionSpec);
      }
    } catch {
      // Not creatable as declared (yet): it differs, and the diff writes it.
    }
    await session.execute('ROLLBACK TO SAVEPOINT retort_compare_routine');
  }
  return out;
}

/**
 * The declared triggers' WHEN conditions as the server prints them, by `key(declared)`.
 * @param home - the schema of a trigger without one (its function's too)
 */
export async function storeTriggerWhens(session: Session, declared: readonly TriggerSpec[], key: (o: TriggerSpec) => string, home: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [i, d] of declared.entries()) {
    if (d.when === undefined) continue;
    const scratch = `retort_compare_trigger_${i}`;
    const table = `${ident(d.schema ?? home)}.${ident(d.table)}`;
    await session.execute('SAVEPOINT retort_compare_trigger');
    try {
      // INSTEAD OF triggers are a view's: a temporary view over the real one.
      await session.execute(d.timing === 'instead of'
        ? `CREATE TEMPORARY VIEW ${scratch} AS SELECT * FROM ${table}`
        : `CREATE TEMPORARY TABLE ${scratch} (LIKE ${table})`);
      await session.execute(createTriggerSql(writer, { ...d, name: scratch }, `pg_temp.${scratch}`, { defaultSchema: home }));
      const [row] = await session.query<{ def: string }>(
        'SELECT pg_catalog.pg_get_triggerdef(t.oid) AS def FROM pg_catalog.pg_trigger t WHERE t.tgrelid = $1::regclass', [`pg_temp.${scratch}`]);
      const when = row === undefined ? undefined : whenOf(row.def);
      if (when !== undefined) out.set(key(d), when);
    } catch {
      // Not creatable as declared: it differs.
    }
    await session.execute('ROLLBACK TO SAVEPOINT retort_compare_trigger');
  }
  return out;
}
