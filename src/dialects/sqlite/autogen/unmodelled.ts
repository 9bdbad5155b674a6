/**
 * What a SQLite database holds that the neutral model cannot describe (views, triggers, virtual
 * tables): listed with the model by `readSchema`, so that `pull`, autogenerate and `check` say
 * what they leave out. When a kind becomes part of the model, it leaves this list.
 */
import type { UnmodelledObject } from '../../../schema/model.js';
import type { ReadSchemaOptions, Session } from '../../dialect.js';

/** Views, triggers (of tables `include` keeps) and virtual tables of `main`, in one scan of sqlite_schema. */
export async function readSqliteUnmodelled(session: Session, include: ReadSchemaOptions['include']): Promise<UnmodelledObject[]> {
  const rows = await session.query<{ type: string; name: string; tbl: string; sql: string | null }>(
    "SELECT type, name, tbl_name AS tbl, sql FROM sqlite_schema WHERE type IN ('view', 'trigger', 'table') ORDER BY type, tbl_name, name",
  );
  const out: UnmodelledObject[] = [];
  for (const r of rows) {
    if (r.type === 'view') out.push({ kind: 'view', name: r.name });
    else if (r.type === 'trigger' && (include === undefined || include(r.tbl, undefined))) out.push({ kind: 'trigger', name: r.name, table: r.tbl });
    else if (r.type === 'table' && /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(r.sql ?? '')) out.push({ kind: 'virtual table', name: r.name });
  }
  return out.map((o) => Object.freeze(o));
}
