/**
 * PostgreSQL catalog snapshots (see ../snapshot.ts): what the server itself prints for each object
 * (pg_get_indexdef, pg_get_constraintdef, format_type, pg_get_expr...), keyed by the object's
 * qualified name, so two databases compare kind by kind and a difference names the object.
 * Independent of retort's reader (autogen/): it checks the reader, it does not reuse it.
 *
 * Adding a kind (views, functions, triggers...): add an entry to SNAPSHOT_KINDS whose query takes
 * the schema list as $1 (text[]) and returns rows `(key, value)`; `key` unique within the kind
 * (qualify it with the schema), `value` the server's own text for the object. Nothing else changes.
 */
import type { Session } from '../dialect.js';
import type { CatalogSnapshot, CatalogSnapshotReader, SnapshotOptions } from '../snapshot.js';

/** The query of each kind: `$1` is the schemas to read; rows are `{ key, value }`. */
export const SNAPSHOT_KINDS: Record<string, string> = {
  tables: `
    SELECT n.nspname || '.' || c.relname AS key,
           concat_ws(' | ', c.relkind::text, 'persistence=' || c.relpersistence::text,
             'options=' || array_to_string(ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o), ','),
             'partition by ' || pg_get_partkeydef(c.oid),
             CASE WHEN c.relispartition THEN 'partition of ' || (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid)
                  || ' ' || pg_get_expr(c.relpartbound, c.oid) END,
             CASE WHEN NOT c.relispartition THEN 'inherits ' || NULLIF(array_to_string(ARRAY(
               SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid ORDER BY i.inhseqno), ','), '') END,
             'comment=' || obj_description(c.oid, 'pg_class')) AS value
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')`,
  columns: `
    SELECT n.nspname || '.' || c.relname || '.' || a.attname AS key,
           concat_ws(' | ', format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN 'not null' END,
             'default ' || CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
             'generated ' || CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
             'identity ' || NULLIF(a.attidentity::text, ''),
             'collate ' || CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
             'comment=' || col_description(c.oid, a.attnum)) AS value
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
  indexes: `
    SELECT n.nspname || '.' || ic.relname AS key,
           regexp_replace(pg_get_indexdef(ix.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ', 'CREATE \\1INDEX ')
             || CASE WHEN ic.relispartition THEN ' (attached to a parent index)' ELSE '' END AS value
    FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
    WHERE n.nspname = ANY($1::text[])`,
  constraints: `
    SELECT n.nspname || '.' || c.relname || '.' || con.conname AS key,
           con.contype::text || ' ' || pg_get_constraintdef(con.oid) AS value
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1::text[])`,
  enums: `
    SELECT n.nspname || '.' || t.typname AS key,
           array_to_string(ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), ',') AS value
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ANY($1::text[]) AND t.typtype = 'e'`,
};

/** Not an extension's object, nor an internal part of another object (an identity's sequence). */
const OWN = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype IN ('e', 'i'))`;

/** ` | comment=...` of an object. */
const COMMENT = (oid: string, catalog: string) => `'comment=' || obj_description(${oid}, '${catalog}')`;

/**
 * The objects beyond tables (h10-objects): views, materialized views, functions and procedures,
 * triggers, sequences, extensions, domains, composite types, policies and row-level security.
 */
export const OBJECT_SNAPSHOT_KINDS: Record<string, string> = {
  views: `
    SELECT n.nspname || '.' || c.relname AS key,
           concat_ws(' | ', c.relkind::text, 'options=' || array_to_string(c.reloptions, ','), pg_get_viewdef(c.oid), ${COMMENT('c.oid', 'pg_class')}) AS value
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('v', 'm') AND ${OWN('pg_class', 'c.oid')}`,
  routines: `
    SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS key,
           concat_ws(' | ', pg_get_functiondef(p.oid), ${COMMENT('p.oid', 'pg_proc')}) AS value
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ANY($1::text[]) AND p.prokind IN ('f', 'p') AND ${OWN('pg_proc', 'p.oid')}`,
  aggregates: `
    SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS key,
           concat_ws(' | ', a.aggtransfn::regproc::text, format_type(a.aggtranstype, NULL), a.aggfinalfn::regproc::text, a.agginitval,
             ${COMMENT('p.oid', 'pg_proc')}) AS value
    FROM pg_proc p JOIN pg_aggregate a ON a.aggfnoid = p.oid JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ANY($1::text[]) AND ${OWN('pg_proc', 'p.oid')}`,
  triggers: `
    SELECT n.nspname || '.' || c.relname || '.' || t.tgname AS key,
           concat_ws(' | ', pg_get_triggerdef(t.oid), 'enabled=' || t.tgenabled::text, ${COMMENT('t.oid', 'pg_trigger')}) AS value
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1::text[]) AND NOT t.tgisinternal AND t.tgparentid = 0`,
  sequences: `
    SELECT n.nspname || '.' || c.relname AS key,
           concat_ws(' | ', format_type(s.seqtypid, NULL), 'start=' || s.seqstart, 'inc=' || s.seqincrement, 'min=' || s.seqmin,
             'max=' || s.seqmax, 'cache=' || s.seqcache, 'cycle=' || s.seqcycle,
             'owned by ' || (SELECT r.relname || '.' || a.attname FROM pg_depend d JOIN pg_class r ON r.oid = d.refobjid
               JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
               WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a' AND d.refobjsubid > 0),
             ${COMMENT('c.oid', 'pg_class')}) AS value
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1::text[]) AND ${OWN('pg_class', 'c.oid')}`,
  extensions: `
    SELECT e.extname AS key, concat_ws(' | ', e.extversion, 'schema=' || n.nspname, ${COMMENT('e.oid', 'pg_extension')}) AS value
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    -- Database-wide: $1 only keeps the parameter list uniform.
    WHERE e.extname <> 'plpgsql' AND cardinality($1::text[]) >= 0`,
  types: `
    SELECT n.nspname || '.' || t.typname AS key,
           concat_ws(' | ', t.typtype::text,
             CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
             CASE WHEN t.typnotnull THEN 'not null' END, 'default ' || t.typdefault,
             'collate ' || (SELECT collname FROM pg_collation WHERE oid = t.typcollation AND t.typcollation <> 100),
             (SELECT string_agg(co.conname || ' ' || pg_get_constraintdef(co.oid), ', ' ORDER BY co.conname) FROM pg_constraint co WHERE co.contypid = t.oid),
             (SELECT '(' || string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) || ')'
                FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),
             ${COMMENT('t.oid', 'pg_type')}) AS value
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_class c ON c.oid = t.typrelid
    WHERE n.nspname = ANY($1::text[]) AND (t.typtype = 'd' OR (t.typtype = 'c' AND c.relkind = 'c')) AND ${OWN('pg_type', 't.oid')}`,
  policies: `
    SELECT n.nspname || '.' || c.relname || '.' || p.polname AS key,
           concat_ws(' | ', p.polcmd::text, CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END,
             'roles=' || (SELECT string_agg(x, ',' ORDER BY x) FROM (SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END AS x FROM unnest(p.polroles) r) q),
             'using ' || pg_get_expr(p.polqual, p.polrelid), 'check ' || pg_get_expr(p.polwithcheck, p.polrelid),
             ${COMMENT('p.oid', 'pg_policy')}) AS value
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1::text[])`,
  rowLevelSecurity: `
    SELECT n.nspname || '.' || c.relname AS key, 'enabled=' || c.relrowsecurity || ' forced=' || c.relforcerowsecurity AS value
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1::text[]) AND (c.relrowsecurity OR c.relforcerowsecurity)`,
};

/**
 * Leaves out the objects of the excluded tables: keys `schema.table[.part]`, and indexes, whose
 * key is the index's own name, by the table their definition is on.
 */
function excluded(schemas: readonly string[], tables: readonly string[]): (key: string, value: string) => boolean {
  const names = schemas.flatMap((s) => tables.map((t) => `${s}.${t}`));
  return (key, value) => names.some((n) => key === n || key.startsWith(`${n}.`) || value.includes(` ON ${n} USING `));
}

/** Read the snapshot of `schemas` (default: the session's current schema) over one session. */
export async function readPostgresSnapshot(session: Pick<Session, 'query'>, options: SnapshotOptions = {}, kinds = { ...SNAPSHOT_KINDS, ...OBJECT_SNAPSHOT_KINDS }): Promise<CatalogSnapshot> {
  const schemas = options.schemas ?? (await session.query<{ s: string }>('SELECT current_schema() AS s')).map((r) => r.s);
  const skip = excluded(schemas, options.excludeTables ?? []);
  const out: Record<string, Map<string, string>> = {};
  for (const [kind, sqlText] of Object.entries(kinds)) {
    const rows = await session.query<{ key: string; value: string | null }>(sqlText, [schemas]);
    out[kind] = new Map(rows.filter((r) => !skip(r.key, r.value ?? '')).map((r) => [r.key, r.value ?? '']));
  }
  return out;
}

/** The PostgreSQL snapshot reader. */
export const postgresSnapshotReader: CatalogSnapshotReader = Object.freeze({ read: readPostgresSnapshot });
