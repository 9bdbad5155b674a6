/**
 * Comparing declared views with live ones the way MySQL stores them. The server reprints a
 * view's query (names qualified and quoted, `AS` aliases added, keywords lower-cased), which no
 * text normalisation can predict safely. So when a declared query and the live one differ as
 * text, the comparer asks the server: it creates the declared query as a scratch view next to
 * the live one, reads its stored definition, and drops it. (MySQL has no temporary views and
 * no transactional DDL: the scratch view is dropped in `finally`; its name is unique to the
 * connection.) A pulled module holds the server's own text, so the common case (nothing
 * changed) never asks. A query the server cannot create (over a table that does not exist yet)
 * is a difference.
 */
import type { SchemaModel } from '../../../schema/model.js';
import type { ViewSpec } from '../../../schema/objects.js';
import type { ObjectComparison, ReadSchemaOptions, Session } from '../../dialect.js';
import { quoteMysqlIdentifier as q } from '../quoting.js';
import { mysqlObjectsEqual, mysqlObjectsInPlace, mysqlTextKey } from './index.js';
import { unqualified } from './views.js';

/** The comparison of one diff: asks the server about the views whose texts differ. */
export async function mysqlObjectComparer(session: Session, live: SchemaModel, declared: SchemaModel, options: ReadSchemaOptions): Promise<ObjectComparison> {
  const [row] = await session.query<{ db: string | null; id: number | string }>('SELECT DATABASE() AS db, CONNECTION_ID() AS id');
  const home = options.schemas?.[0] ?? row?.db ?? '';
  const isView = (o: { kind: string }): o is ViewSpec => o.kind === 'view';
  const key = (v: ViewSpec) => `${v.schema ?? home}.${v.name}`;
  const liveViews = new Map((live.objects ?? []).filter(isView).map((v) => [key(v), v]));
  const pairs = (declared.objects ?? []).filter(isView).flatMap((d) => {
    const l = liveViews.get(key(d));
    return l !== undefined && mysqlTextKey(l.body) !== mysqlTextKey(d.body) ? [[l, d] as const] : [];
  });
  const stored = new Map<string, string | undefined>();
  for (const [i, [, d]] of pairs.entries()) {
    const db = d.schema ?? home;
    const scratch = `retort_cmp_${row?.id ?? 0}_${i}`;
    try {
      await session.execute(`CREATE OR REPLACE VIEW ${q(db)}.${q(scratch)} AS ${d.body.trim().replace(/;\s*$/, '')}`);
      const [back] = await session.query<{ body: string }>(
        'SELECT VIEW_DEFINITION AS body FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [db, scratch]);
      stored.set(key(d), back === undefined ? undefined : mysqlTextKey(unqualified(back.body, db)) ?? undefined);
    } catch {
      // Not creatable as declared (yet): it differs, and the diff writes it.
      stored.set(key(d), undefined);
    } finally {
      await session.execute(`DROP VIEW IF EXISTS ${q(db)}.${q(scratch)}`);
    }
  }
  const viewBodyEqual = (l: ViewSpec, d: ViewSpec) => {
    const s = stored.get(key(d));
    return s !== undefined && s === mysqlTextKey(l.body);
  };
  return { equal: (l, d) => mysqlObjectsEqual(l, d, { viewBodyEqual }), inPlace: mysqlObjectsInPlace };
}
