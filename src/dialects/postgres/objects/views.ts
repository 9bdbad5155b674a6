/**
 * PostgreSQL views and materialized views: read from pg_class with `pg_get_viewdef` (the
 * query as the server stores it, which `pg_dump` writes too), written with CREATE [OR REPLACE]
 * VIEW / CREATE MATERIALIZED VIEW, compared on that stored text.
 */
import type { IndexSpec } from '../../../schema/model.js';
import type { ObjectRef, ViewSpec } from '../../../schema/objects.js';
import type { CompileContext, ObjectDdl } from '../../dialect.js';
import type { PgWriter } from './writer.js';
import { withOptions, withoutSemicolon } from './writer.js';

/** Views and materialized views of the schemas read ($1), with options, comment and output columns. */
export const VIEWS_SQL = `
SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind AS relkind,
       pg_catalog.pg_get_viewdef(c.oid) AS body, c.reloptions AS options, ds.description AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = 0
WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('v', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname`;

/** A row of {@link VIEWS_SQL}. */
export interface ViewRow {
  oid: number;
  schema: string;
  name: string;
  relkind: 'v' | 'm';
  body: string;
  options: string[] | null;
  comment: string | null;
}

/** `['a=b']` → `{ a: 'b' }`. */
export function optionsOf(list: readonly string[] | null): Record<string, string> | undefined {
  if (list === null || list.length === 0) return undefined;
  return Object.fromEntries(list.map((o) => {
    const eq = o.indexOf('=');
    return [o.slice(0, eq), o.slice(eq + 1)];
  }));
}

/** A row as a view, with a materialized view's indexes. */
export function viewOf(row: ViewRow, schema: string | undefined, indexes: readonly IndexSpec[]): ViewSpec {
  const options = optionsOf(row.options);
  return Object.freeze({
    kind: row.relkind === 'm' ? 'materializedView' : 'view',
    name: row.name,
    ...(schema === undefined ? {} : { schema }),
    body: withoutSemicolon(row.body),
    ...(options === undefined ? {} : { options }),
    ...(indexes.length === 0 ? {} : { indexes: Object.freeze([...indexes]) }),
    ...(row.comment === null ? {} : { comment: row.comment }),
  }) as ViewSpec;
}

/** The DDL of views and materialized views. */
export function viewDdl(w: PgWriter): ObjectDdl {
  const keyword = (kind: ObjectRef['kind']) => (kind === 'materializedView' ? 'MATERIALIZED VIEW' : 'VIEW');
  const create = (o: ViewSpec, ctx: CompileContext, orReplace: boolean): string[] => {
    const name = w.name(o.name, o.schema, ctx);
    const replace = orReplace && o.kind === 'view' ? 'OR REPLACE ' : '';
    const out = [`CREATE ${replace}${keyword(o.kind)} ${name}${withOptions(o.options)} AS\n${withoutSemicolon(o.body)}`];
    for (const ix of o.indexes ?? []) out.push(...w.createIndex(ix, o.name, o.schema, ctx));
    if (o.comment !== undefined) out.push(w.comment(`${keyword(o.kind)} ${name}`, o.comment));
    return out;
  };
  return {
    create: (o, ctx, orReplace) => create(o as ViewSpec, ctx, orReplace),
    drop: (ref, ctx, { ifExists, cascade }) =>
      [`DROP ${keyword(ref.kind)} ${ifExists ? 'IF EXISTS ' : ''}${w.name(ref.name, ref.schema, ctx)}${cascade ? ' CASCADE' : ''}`],
    // A plain view's new query replaces the old one in place (the diff asks for it only when the
    // output columns stay the same); the rest is dropped and created again.
    alter(from, to, ctx) {
      const a = from as ViewSpec;
      const b = to as ViewSpec;
      if (a.kind !== 'view' || b.kind !== 'view' || JSON.stringify(a.options ?? {}) !== JSON.stringify(b.options ?? {})) return undefined;
      const name = w.name(b.name, b.schema, ctx);
      const out = [`CREATE OR REPLACE VIEW ${name}${withOptions(b.options)} AS\n${withoutSemicolon(b.body)}`];
      if ((a.comment ?? null) !== (b.comment ?? null)) out.push(w.comment(`VIEW ${name}`, b.comment));
      return out;
    },
  };
}
