/**
 * SQLite's objects beyond tables (views and triggers), read from the statements SQLite keeps in
 * sqlite_master, compared on that text in one spelling ({@link sqliteTextKey}), written with
 * CREATE / DROP (SQLite has no CREATE OR REPLACE). See docs/autogenerate-sqlite.md.
 */
import type { UnmodelledObject } from '../../../schema/model.js';
import type { ObjectKind, SchemaObject, TriggerSpec } from '../../../schema/objects.js';
import type { ObjectDdl, ReadSchemaOptions, Session } from '../../dialect.js';
import { sqliteTextKey } from './text.js';
import { parseTrigger, sqliteTriggerDdl } from './triggers.js';
import { parseView, sqliteViewDdl } from './views.js';

export { SQLITE_OBJECT_KINDS } from './kinds.js';

/** The DDL of every kind, with the compiler's quoting. */
export function sqliteObjectDdl(quote: (name: string) => string): Partial<Record<ObjectKind, ObjectDdl>> {
  return { view: sqliteViewDdl(quote), trigger: sqliteTriggerDdl(quote) };
}

/** What sqlite_master holds beyond tables: the objects the model holds, and what it cannot. */
export interface SqliteObjects {
  readonly objects: readonly SchemaObject[];
  readonly unmodelled: readonly UnmodelledObject[];
}

/** Views and triggers (of tables `include` keeps) and virtual tables, in one scan of sqlite_schema. */
export async function readSqliteObjects(session: Session, include: ReadSchemaOptions['include']): Promise<SqliteObjects> {
  const rows = await session.query<{ type: string; name: string; tbl: string; sql: string | null }>(
    "SELECT type, name, tbl_name AS tbl, sql FROM sqlite_schema WHERE type IN ('view', 'trigger', 'table') ORDER BY type, tbl_name, name",
  );
  const objects: SchemaObject[] = [];
  const unmodelled: UnmodelledObject[] = [];
  for (const r of rows) {
    if (r.type === 'view') {
      const view = parseView(r.sql ?? '');
      if (view === undefined) unmodelled.push({ kind: 'view', name: r.name });
      else objects.push(view);
    } else if (r.type === 'trigger' && (include === undefined || include(r.tbl, undefined))) {
      const trigger = parseTrigger(r.sql ?? '');
      if (trigger === undefined) unmodelled.push({ kind: 'trigger', name: r.name, table: r.tbl });
      else objects.push(trigger);
    } else if (r.type === 'table' && /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(r.sql ?? '')) unmodelled.push({ kind: 'virtual table', name: r.name });
  }
  return { objects, unmodelled: unmodelled.map((o) => Object.freeze(o)) };
}

const key = (text: string | undefined) => (text === undefined ? null : sqliteTextKey(text));
const names = (list: readonly string[] | undefined) => JSON.stringify((list ?? []).map((n) => n.toLowerCase()));

/**
 * A live object and a declared one compared as SQLite keeps them: SQL text in one spelling, names
 * case-insensitively. A trigger's level is not compared: SQLite triggers are always FOR EACH ROW.
 */
export function sqliteObjectsEqual(live: SchemaObject, declared: SchemaObject): boolean {
  if (live.kind !== declared.kind || live.name.toLowerCase() !== declared.name.toLowerCase()) return false;
  if (live.kind === 'view') return declared.kind === 'view' && key(live.body) === key(declared.body);
  if (live.kind !== 'trigger') return false;
  const d = declared as TriggerSpec;
  return live.table.toLowerCase() === d.table.toLowerCase() && live.timing === d.timing && names(live.events) === names(d.events) &&
    names(live.updateOf) === names(d.updateOf) && key(live.when) === key(d.when) && key(live.body) === key(d.body) && d.function === undefined && d.enabled === undefined;
}
