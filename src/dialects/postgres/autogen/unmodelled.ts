/**
 * What a PostgreSQL database holds that the neutral model cannot describe: listed by `pull`,
 * autogenerate and `check` on every run, so nothing is left out in silence.
 *
 * One query whatever the number of objects: one `SELECT` per kind of catalog object, joined with
 * UNION ALL. Each returns the kind (as a person says it), the schema, the name and, for objects
 * that belong to a table (rules, grants on a table's columns, partitions), the table. Objects
 * that an extension created (`pg_depend.deptype = 'e'`) are the extension's and left out, as are
 * PostgreSQL's own (in `pg_catalog`, `information_schema`, or with a system oid below 16384).
 *
 * When a kind becomes part of the model, its `SELECT` leaves this list.
 */
import type { UnmodelledObject } from '../../../schema/model.js';
import type { ReadSchemaOptions, Session } from '../../dialect.js';
import { MODELLED_ROUTINE } from '../objects/functions.js';
import { serialSequence } from '../catalog-sql.js';

/**
 * `NOT EXISTS` an extension owning the object `oid` of the catalog `catalog`, or an object it is
 * an internal part of (deptype 'i': an identity column's sequence, a range type's constructor
 * functions and multirange cast): those come and go with their owner.
 */
export function notExtensionMember(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.${catalog}'::regclass ` +
    `AND dep.objid = ${oid} AND dep.deptype IN ('e', 'i'))`;
}

/** The objects of a catalog with a name and a namespace column, in the schemas read, not an extension's. */
function namespaced(kind: string, catalog: string, name: string, namespace: string): string {
  return `SELECT '${kind}', n.nspname, x.${name}, NULL, NULL
   FROM pg_catalog.${catalog} x JOIN pg_catalog.pg_namespace n ON n.oid = x.${namespace}
   WHERE n.nspname = ANY($1::text[]) AND ${notExtensionMember(catalog, 'x.oid')}`;
}

// $1: the schemas read. Rows: kind, schema, name, tbl (the table an object belongs to), detail.
const PARTS: readonly string[] = [
  // Relations other than tables, views and sequences, in the schemas read. (Sequences are objects
  // of the model; a serial column's or an identity's is its column's.)
  `SELECT 'foreign table', n.nspname, c.relname, NULL, NULL
   FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = ANY($1::text[]) AND c.relkind = 'f'
     AND ${notExtensionMember('pg_class', 'c.oid')}`,
  // Partitions and inheritance children of the tables read that live in a schema not read (those
  // in the schemas read are tables of the model, with their bound or parents).
  `SELECT CASE WHEN c.relispartition THEN 'partition' ELSE 'inheritance' END, pn.nspname,
          CASE WHEN n.oid = pn.oid THEN c.relname::text ELSE n.nspname || '.' || c.relname END, p.relname,
          CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END
   FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
   JOIN pg_catalog.pg_class p ON p.oid = i.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE pn.nspname = ANY($1::text[]) AND (c.relkind = 'f' OR NOT n.nspname = ANY($1::text[]))`,
  // Aggregates, window functions, and the functions and procedures the model does not hold (C
  // or internal language, SQL-standard bodies: objects/functions.ts).
  `SELECT CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                         WHEN 'w' THEN 'window function' END,
          n.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', NULL, NULL
   FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = ANY($1::text[]) AND NOT ${MODELLED_ROUTINE('p')} AND ${notExtensionMember('pg_proc', 'p.oid')}`,
  // Rules (not a view's _RETURN) on relations read. (Triggers are modelled: objects/triggers.ts.)
  `SELECT 'rule', n.nspname, r.rulename, c.relname, NULL
   FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = ANY($1::text[]) AND r.rulename <> '_RETURN' AND ${notExtensionMember('pg_rewrite', 'r.oid')}`,
  // (Row-level security is modelled: policies are objects, ENABLE / FORCE a table option.)
  // Types other than enums, domains and composite types (objects of the model): ranges and base
  // types (not the array types PostgreSQL makes for each type, nor a range's multirange).
  `SELECT CASE t.typtype WHEN 'r' THEN 'range type' WHEN 'b' THEN 'base type' END,
          n.nspname, t.typname, NULL, NULL
   FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
   WHERE n.nspname = ANY($1::text[]) AND t.typtype IN ('r', 'b')
     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid)
     AND ${notExtensionMember('pg_type', 't.oid')}`,
  // Operators, operator classes and families, collations, conversions, text search objects and
  // statistics objects of the schemas read.
  `SELECT 'operator', n.nspname, o.oprname || '(' || pg_catalog.format_type(o.oprleft, NULL) || ', ' ||
          pg_catalog.format_type(o.oprright, NULL) || ')', NULL, NULL
   FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
   WHERE n.nspname = ANY($1::text[]) AND ${notExtensionMember('pg_operator', 'o.oid')}`,
  namespaced('operator class', 'pg_opclass', 'opcname', 'opcnamespace'),
  namespaced('operator family', 'pg_opfamily', 'opfname', 'opfnamespace'),
  namespaced('collation', 'pg_collation', 'collname', 'collnamespace'),
  namespaced('conversion', 'pg_conversion', 'conname', 'connamespace'),
  namespaced('text search configuration', 'pg_ts_config', 'cfgname', 'cfgnamespace'),
  namespaced('text search dictionary', 'pg_ts_dict', 'dictname', 'dictnamespace'),
  namespaced('text search parser', 'pg_ts_parser', 'prsname', 'prsnamespace'),
  namespaced('text search template', 'pg_ts_template', 'tmplname', 'tmplnamespace'),
  `SELECT 'statistics object', n.nspname, s.stxname, c.relname, NULL
   FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
   JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid
   WHERE n.nspname = ANY($1::text[])`,
  // The comment of a serial column's sequence (the sequence is part of its column: serial.ts).
  `SELECT 'serial sequence comment', n.nspname, c.relname, NULL, NULL
   FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   JOIN pg_catalog.pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = 0
   WHERE n.nspname = ANY($1::text[]) AND c.relkind = 'S' AND ${serialSequence('c.oid')}`,
  // Grants: an ACL that is not the default (NULL) on a relation, a column, a function, a type.
  `SELECT 'grant', n.nspname, c.relname, NULL, c.relacl::text
   FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = ANY($1::text[]) AND c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')`,
  `SELECT 'grant', n.nspname, a.attname, c.relname, a.attacl::text
   FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = ANY($1::text[]) AND a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped`,
  `SELECT 'grant', n.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', NULL, p.proacl::text
   FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = ANY($1::text[]) AND p.proacl IS NOT NULL AND ${notExtensionMember('pg_proc', 'p.oid')}`,
  `SELECT 'grant', n.nspname, t.typname, NULL, t.typacl::text
   FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
   WHERE n.nspname = ANY($1::text[]) AND t.typacl IS NOT NULL AND ${notExtensionMember('pg_type', 't.oid')}`,
  `SELECT 'default privileges', n.nspname, pg_catalog.pg_get_userbyid(d.defaclrole), NULL, d.defaclacl::text
   FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
   WHERE d.defaclnamespace = 0 OR n.nspname = ANY($1::text[])`,
  // Database-wide objects (extensions are objects of the model): publications, event
  // triggers, and the user-defined casts, languages, access methods, transforms, foreign-data
  // wrappers, foreign servers and user mappings.
  `SELECT 'publication', NULL, p.pubname, NULL, NULL FROM pg_catalog.pg_publication p`,
  `SELECT 'event trigger', NULL, e.evtname, NULL, NULL
   FROM pg_catalog.pg_event_trigger e WHERE ${notExtensionMember('pg_event_trigger', 'e.oid')}`,
  `SELECT 'cast', NULL, pg_catalog.format_type(c.castsource, NULL) || ' AS ' || pg_catalog.format_type(c.casttarget, NULL), NULL, NULL
   FROM pg_catalog.pg_cast c WHERE c.oid >= 16384 AND ${notExtensionMember('pg_cast', 'c.oid')}`,
  `SELECT 'language', NULL, l.lanname, NULL, NULL
   FROM pg_catalog.pg_language l WHERE l.oid >= 16384 AND ${notExtensionMember('pg_language', 'l.oid')}`,
  `SELECT 'access method', NULL, a.amname, NULL, NULL
   FROM pg_catalog.pg_am a WHERE a.oid >= 16384 AND ${notExtensionMember('pg_am', 'a.oid')}`,
  `SELECT 'transform', NULL, pg_catalog.format_type(t.trftype, NULL), NULL, NULL
   FROM pg_catalog.pg_transform t WHERE ${notExtensionMember('pg_transform', 't.oid')}`,
  `SELECT 'foreign-data wrapper', NULL, w.fdwname, NULL, NULL
   FROM pg_catalog.pg_foreign_data_wrapper w WHERE ${notExtensionMember('pg_foreign_data_wrapper', 'w.oid')}`,
  `SELECT 'foreign server', NULL, s.srvname, NULL, NULL FROM pg_catalog.pg_foreign_server s`,
  `SELECT 'user mapping', NULL, u.usename || '@' || u.srvname, NULL, NULL FROM pg_catalog.pg_user_mappings u`,
];

/** The catalog query: every part, one round trip. */
export const UNMODELLED_SQL = `SELECT kind, schema, name, tbl, detail FROM (\n${PARTS.map((p) => `(${p})`).join('\nUNION ALL\n')}\n) AS x(kind, schema, name, tbl, detail)
ORDER BY kind, schema NULLS FIRST, tbl NULLS FIRST, name`;

interface Row {
  kind: string;
  schema: string | null;
  name: string;
  tbl: string | null;
  detail: string | null;
}

/**
 * The objects of the database that the model has no place for. Objects of a table that
 * `include` leaves out are left out with it (the user chose not to compare that table).
 * @param home - the schema whose objects carry no `schema` in the model (named here anyway: a report names things fully)
 */
export async function readPostgresUnmodelled(
  session: Session,
  schemas: readonly string[],
  include: ReadSchemaOptions['include'],
  home: string,
): Promise<UnmodelledObject[]> {
  const rows = await session.query<Row>(UNMODELLED_SQL, [schemas]);
  const modelSchema = (schema: string | null) => (schema === null || schema === home ? undefined : schema);
  return rows
    .filter((r) => r.tbl === null || include === undefined || include(r.tbl, modelSchema(r.schema)))
    .map((r) => Object.freeze({
      kind: r.kind,
      ...(r.schema === null ? {} : { schema: r.schema }),
      name: r.name,
      ...(r.tbl === null ? {} : { table: r.tbl }),
      ...(r.detail === null ? {} : { detail: r.detail }),
    }));
}
