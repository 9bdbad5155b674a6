/**
 * MySQL / MariaDB objects beyond tables (views, triggers, stored functions and procedures), one
 * module per kind, joined here into what the rest of retort asks of a dialect: the DDL of each
 * kind, the bulk reader and equality. Events (and MariaDB's packages, aggregate functions and
 * sequences) stay in the unmodelled report. See docs/autogenerate-mysql.md.
 */
import type { FunctionSpec, ObjectKind, SchemaObject, TriggerSpec, ViewSpec } from '../../../schema/objects.js';
import type { ObjectDdl, ReadSchemaOptions, Session } from '../../dialect.js';
import { PARAMETERS_SQL, ROUTINES_SQL, mysqlRoutineDdl, mysqlRoutinesEqual, routineKey, routineOf } from './routines.js';
import type { ParameterRow, RoutineRow } from './routines.js';
import { mysqlTextKey } from './text.js';
import { TRIGGERS_SQL, mysqlTriggerDdl, triggerOf } from './triggers.js';
import type { TriggerRow } from './triggers.js';
import { VIEWS_SQL, mysqlViewDdl, viewOf } from './views.js';
import type { ViewRow } from './views.js';

export { MYSQL_OBJECT_KINDS } from './kinds.js';
export { mysqlTextKey } from './text.js';

/** The DDL of every kind, with the compiler's quoting. */
export function mysqlObjectDdl(quote: (name: string) => string, quoteString: (text: string) => string): Partial<Record<ObjectKind, ObjectDdl>> {
  const routines = mysqlRoutineDdl(quote, quoteString);
  return { view: mysqlViewDdl(quote), trigger: mysqlTriggerDdl(quote), function: routines, procedure: routines };
}

const marks = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;
// A trigger's key leaves out its name: triggers of one table, event and timing keep their firing order (ACTION_ORDER).
const sortKey = (o: SchemaObject) => `${o.schema ?? ''}\u0000${o.kind === 'trigger' ? `${o.table}\u0000${o.events.join()}\u0000${o.timing}` : o.name}`;

/**
 * Views, triggers and routines of the databases `schemas` (a trigger of a table `include` leaves
 * out is left out with it), in four queries whatever their number.
 * @param modelSchema - the model's name of a database (undefined for the connection's)
 */
export async function readMysqlObjects(
  session: Session, schemas: readonly string[], include: ReadSchemaOptions['include'], modelSchema: (s: string) => string | undefined,
): Promise<SchemaObject[]> {
  const views = await session.query<ViewRow>(`${VIEWS_SQL} ${marks(schemas.length)}`, schemas);
  const triggers = await session.query<TriggerRow>(`${TRIGGERS_SQL} ${marks(schemas.length)} ORDER BY ACTION_ORDER`, schemas);
  const routines = await session.query<RoutineRow>(`${ROUTINES_SQL} ${marks(schemas.length)}`, schemas);
  const params = new Map<string, ParameterRow[]>();
  if (routines.length > 0) {
    for (const p of await session.query<ParameterRow>(`${PARAMETERS_SQL} ${marks(schemas.length)}`, schemas)) {
      params.set(routineKey(p), [...(params.get(routineKey(p)) ?? []), p]);
    }
  }
  const out: SchemaObject[] = [
    ...routines.map((r) => routineOf(r, params.get(routineKey(r)) ?? [], modelSchema(r.s))),
    ...views.map((v) => viewOf(v, modelSchema(v.s))),
    ...triggers.filter((t) => include === undefined || include(t.tbl, modelSchema(t.s))).map((t) => triggerOf(t, modelSchema(t.s))),
  ];
  // Sorted here, not by the server's collation; triggers of one table keep their firing order.
  return out.sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

const json = (value: unknown) => JSON.stringify(value ?? {});

/** What the server says that the text cannot: a declared view's query as it would store it. */
export interface MysqlServerAnswers {
  viewBodyEqual?(live: ViewSpec, declared: ViewSpec): boolean;
}

/**
 * Live and declared objects compared as MySQL stores them: SQL text in one spelling, else as the
 * server's round trip says (see compare.ts); routines as routines.ts says. Comments are not
 * compared on views and triggers (MySQL's have none), nor a trigger's level (always FOR EACH ROW).
 */
export function mysqlObjectsEqual(live: SchemaObject, declared: SchemaObject, server: MysqlServerAnswers = {}): boolean {
  if (live.kind !== declared.kind) return false;
  if (live.kind === 'view') {
    const d = declared as ViewSpec;
    return json(live.options) === json(d.options) && (mysqlTextKey(live.body) === mysqlTextKey(d.body) || (server.viewBodyEqual?.(live, d) ?? false));
  }
  if (live.kind === 'function' || live.kind === 'procedure') return mysqlRoutinesEqual(live, declared as FunctionSpec);
  if (live.kind !== 'trigger') return false;
  const d = declared as TriggerSpec;
  return live.table === d.table && live.timing === d.timing && json(live.events) === json(d.events) && d.when === undefined &&
    d.updateOf === undefined && d.function === undefined && d.enabled === undefined && mysqlTextKey(live.body) === mysqlTextKey(d.body);
}

/**
 * A view is changed in place (CREATE OR REPLACE VIEW); so is a routine (ALTER, CREATE OR REPLACE,
 * or a drop and a create the compiler chooses by server: nothing depends on a MySQL routine); a
 * trigger is dropped and created again.
 */
export function mysqlObjectsInPlace(from: SchemaObject, to: SchemaObject): boolean {
  return (from.kind === 'view' || from.kind === 'function' || from.kind === 'procedure') && to.kind === from.kind;
}
