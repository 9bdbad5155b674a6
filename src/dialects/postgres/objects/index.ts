/**
 * PostgreSQL's objects beyond tables, one module per kind (views.ts, ...), joined here into what
 * the rest of retort asks of a dialect: the DDL of each kind (for the compiler), the bulk reader
 * (for readSchema), and equality (for the diff). See docs/autogenerate-postgres.md.
 */
import type { IndexSpec } from '../../../schema/model.js';
import type { CompositeTypeSpec, DomainSpec, ExtensionSpec, FunctionSpec, PolicySpec, SequenceSpec, ObjectKind, SchemaObject, TriggerSpec, ViewSpec } from '../../../schema/objects.js';
import type { ObjectDdl, Session } from '../../dialect.js';
import { indexOf } from '../catalog-rows.js';
import type { IndexRow } from '../catalog-rows.js';
import { INDEXES_SQL } from '../catalog-sql.js';
import { domainDdl, domainInPlace, domainsEqual, readDomains } from './domains.js';
import { extensionDdl, extensionInPlace, extensionsEqual, readExtensions } from './extensions.js';
import { policiesEqual, policyDdl, policyInPlace, readPolicies } from './policies.js';
import { readSequences, sequenceDdl, sequenceInPlace, sequencesEqual } from './sequences.js';
import { FUNCTIONS_SQL, functionDdl, functionOf, routineInPlace, routinesEqual } from './functions.js';
import type { FunctionRow } from './functions.js';
import { compositeTypeDdl, compositeTypeInPlace, compositeTypesEqual, readCompositeTypes } from './types.js';
import { sqlTextKey } from './text.js';
import { TRIGGERS_SQL, triggerDdl, triggerOf, triggersEqual } from './triggers.js';
import type { TriggerRow } from './triggers.js';
import { VIEWS_SQL, viewDdl, viewOf } from './views.js';
import type { ViewRow } from './views.js';
import type { PgWriter } from './writer.js';

export { POSTGRES_OBJECT_KINDS } from './kinds.js';

/** The DDL of every kind, for one compiler's writer. */
export function postgresObjectDdl(w: PgWriter): Partial<Record<ObjectKind, ObjectDdl>> {
  const views = viewDdl(w);
  const routines = functionDdl(w);
  return {
    view: views, materializedView: views,
    domain: domainDdl(w),
    compositeType: compositeTypeDdl(w),
    extension: extensionDdl(w),
    sequence: sequenceDdl(w),
    policy: policyDdl(w),
    function: routines, procedure: routines,
    trigger: triggerDdl(w),
  };
}

/**
 * Every object of the schemas read, in a fixed number of queries whatever their number.
 * @param modelSchema - the model's name of a schema (undefined for the home schema)
 */
export async function readPostgresObjects(session: Session, schemas: readonly string[], modelSchema: (schema: string) => string | undefined): Promise<SchemaObject[]> {
  const views = await session.query<ViewRow>(VIEWS_SQL, [schemas]);
  const matviews = views.filter((v) => v.relkind === 'm').map((v) => v.oid);
  const indexes = new Map<number, IndexSpec[]>();
  if (matviews.length > 0) {
    for (const row of await session.query<IndexRow>(INDEXES_SQL, [matviews])) indexes.set(row.relid, [...(indexes.get(row.relid) ?? []), indexOf(row)]);
  }
  const routines = await session.query<FunctionRow>(FUNCTIONS_SQL, [schemas]);
  // (A trigger of a table that `include` leaves out is left out with it by readSchema.)
  const triggers = await session.query<TriggerRow>(TRIGGERS_SQL, [schemas]);
  return [
    ...views.map((v) => viewOf(v, modelSchema(v.schema), indexes.get(v.oid) ?? [])),
    ...(await readDomains(session, schemas, modelSchema)),
    ...(await readCompositeTypes(session, schemas, modelSchema)),
    ...(await readExtensions(session, modelSchema)),
    ...(await readSequences(session, schemas, modelSchema)),
    ...(await readPolicies(session, schemas, modelSchema)),
    ...routines.map((r) => functionOf(r, modelSchema(r.schema))),
    ...triggers.map((t) => triggerOf(t, modelSchema(t.schema), modelSchema(t.fn_schema))),
  ];
}

const json = (value: unknown) => JSON.stringify(value ?? null);

/** What the server knows better than the text: a declared view's query as it would store it. */
export interface ServerAnswers {
  /** True when the declared view's query, stored by the server, reads as the live one. */
  viewBodyEqual?(live: ViewSpec, declared: ViewSpec): boolean;
  /** The declared routine as the server stores it (created in a scratch place), when its text differs from the live one's. */
  storedRoutine?(declared: FunctionSpec): FunctionSpec | undefined;
  /** True when the declared trigger's WHEN condition, stored by the server, reads as the live one. */
  triggerWhenEqual?(live: TriggerSpec, declared: TriggerSpec): boolean;
  /** A type's text in one spelling (a function's argument types). */
  typeKey?(sqlType: string): string;
}

/**
 * Live and declared objects compared as the server stores them: SQL bodies in one spelling
 * ({@link sqlTextKey}), else as the server's round trip says. (A materialized view's indexes are
 * compared by the diff, as a table's.)
 */
export function postgresObjectsEqual(live: SchemaObject, declared: SchemaObject, server: ServerAnswers = {}): boolean {
  if (live.kind !== declared.kind) return false;
  switch (live.kind) {
    case 'view':
    case 'materializedView': {
      const d = declared as ViewSpec;
      if (json(live.options) !== json(d.options) || (live.comment ?? null) !== (d.comment ?? null)) return false;
      return sqlTextKey(live.body) === sqlTextKey(d.body) || (server.viewBodyEqual?.(live, d) ?? false);
    }
    case 'domain':
      return domainsEqual(live, declared as DomainSpec);
    case 'compositeType':
      return compositeTypesEqual(live, declared as CompositeTypeSpec);
    case 'extension':
      return extensionsEqual(live, declared as ExtensionSpec);
    case 'sequence':
      return sequencesEqual(live, declared as SequenceSpec);
    case 'policy':
      return policiesEqual(live, declared as PolicySpec);
    case 'function':
    case 'procedure': {
      const d = declared as FunctionSpec;
      if (routinesEqual(live, d, server.typeKey)) return true;
      const stored = server.storedRoutine?.(d);
      return stored !== undefined && routinesEqual(live, stored, server.typeKey);
    }
    case 'trigger':
      return triggersEqual(live, declared as TriggerSpec, server.triggerWhenEqual);
    default:
      return false;
  }
}

/**
 * True when PostgreSQL changes `from` into `to` in place without asking the server (views need
 * the comparer): a routine whose result and arguments stay (CREATE OR REPLACE). Triggers are
 * dropped and created again.
 */
export function postgresObjectsInPlace(from: SchemaObject, to: SchemaObject, typeKey?: (sqlType: string) => string): boolean {
  if ((from.kind === 'function' || from.kind === 'procedure') && to.kind === from.kind) return routineInPlace(from, to as FunctionSpec, typeKey);
  return domainInPlace(from, to) || compositeTypeInPlace(from, to) || extensionInPlace(from, to) || sequenceInPlace(from, to) || policyInPlace(from, to);
}
