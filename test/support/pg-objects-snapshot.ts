/**
 * A snapshot of the PostgreSQL objects beyond tables, straight from the catalog with the
 * server's own deparsers (pg_get_viewdef, pg_get_functiondef, pg_get_triggerdef, ...), not
 * through retort's reader: two databases hold the same objects exactly when their snapshots are
 * equal. One line per object, sorted; `schemas` limits it to some namespaces (default: public).
 * h10-pgtables' table snapshot covers tables, columns, indexes, constraints and partitions.
 */
import type { TestDatabase } from './databases.js';
import { rawQuery } from './databases.js';

const NOT_EXTENSION = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype IN ('e', 'i'))`;

const comment = (oid: string, catalog: string) =>
  `coalesce(' comment=' || (SELECT description FROM pg_description WHERE objoid = ${oid} AND classoid = '${catalog}'::regclass AND objsubid = 0), '')`;

const SNAPSHOT_SQL = `
SELECT line FROM (
  SELECT CASE c.relkind WHEN 'v' THEN 'view ' ELSE 'materialized view ' END || n.nspname || '.' || c.relname || ' ' ||
         coalesce(array_to_string(c.reloptions, ','), '') || ' ' || pg_get_viewdef(c.oid) || ${comment('c.oid', 'pg_class')} AS line
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1) AND c.relkind IN ('v', 'm') AND ${NOT_EXTENSION('pg_class', 'c.oid')}
  UNION ALL
  SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1) AND c.relkind = 'm'
  UNION ALL
  SELECT 'routine ' || pg_get_functiondef(p.oid) || ${comment('p.oid', 'pg_proc')}
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = ANY($1) AND p.prokind IN ('f', 'p') AND ${NOT_EXTENSION('pg_proc', 'p.oid')}
  UNION ALL
  SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text || ${comment('t.oid', 'pg_trigger')}
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1) AND NOT t.tgisinternal
  UNION ALL
  SELECT 'sequence ' || s.schemaname || '.' || s.sequencename || ' ' || s.data_type::text || ' start=' || s.start_value ||
         ' min=' || s.min_value || ' max=' || s.max_value || ' inc=' || s.increment_by || ' cycle=' || s.cycle ||
         ' cache=' || s.cache_size || coalesce(' owned=' || (
           SELECT r.relname || '.' || a.attname FROM pg_depend d JOIN pg_class r ON r.oid = d.refobjid
           JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
           WHERE d.classid = 'pg_class'::regclass AND d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass
             AND d.deptype = 'a' AND d.refobjsubid > 0), '') ||
         ${comment("(quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass", 'pg_class')}
  FROM pg_sequences s WHERE s.schemaname = ANY($1)
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                    AND d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass AND d.deptype = 'i')
  UNION ALL
  SELECT 'extension ' || e.extname || ' ' || e.extversion || ' schema=' || n.nspname || ${comment('e.oid', 'pg_extension')}
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'
  UNION ALL
  SELECT 'domain ' || n.nspname || '.' || t.typname || ' ' || format_type(t.typbasetype, t.typtypmod) ||
         ' notnull=' || t.typnotnull || coalesce(' default=' || t.typdefault, '') ||
         coalesce(' collation=' || (SELECT collname FROM pg_collation WHERE oid = t.typcollation AND t.typcollation <> 100), '') ||
         coalesce(' ' || (SELECT string_agg(co.conname || ' ' || pg_get_constraintdef(co.oid), ', ' ORDER BY co.conname)
                         FROM pg_constraint co WHERE co.contypid = t.oid), '') || ${comment('t.oid', 'pg_type')}
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = ANY($1) AND t.typtype = 'd' AND ${NOT_EXTENSION('pg_type', 't.oid')}
  UNION ALL
  SELECT 'composite ' || n.nspname || '.' || t.typname || ' (' ||
         (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
          FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) || ')' || ${comment('t.oid', 'pg_type')}
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
  WHERE n.nspname = ANY($1) AND t.typtype = 'c' AND c.relkind = 'c' AND ${NOT_EXTENSION('pg_type', 't.oid')}
  UNION ALL
  SELECT 'enum ' || n.nspname || '.' || t.typname || ' ' ||
         (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY($1) AND t.typtype = 'e'
  UNION ALL
  SELECT 'policy ' || p.schemaname || '.' || p.tablename || '.' || p.policyname || ' ' || p.permissive || ' ' || p.cmd ||
         ' roles=' || p.roles::text || coalesce(' using=' || p.qual, '') || coalesce(' check=' || p.with_check, '') ||
         ${comment('pol.oid', 'pg_policy')}
  FROM pg_policies p JOIN pg_policy pol ON pol.polname = p.policyname
  JOIN pg_class c ON c.oid = pol.polrelid AND c.relname = p.tablename
  JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = p.schemaname
  WHERE p.schemaname = ANY($1)
  UNION ALL
  SELECT 'rls ' || n.nspname || '.' || c.relname || ' enabled=' || c.relrowsecurity || ' forced=' || c.relforcerowsecurity
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY($1) AND (c.relrowsecurity OR c.relforcerowsecurity)
) AS s ORDER BY line`;

/** The objects beyond tables of `db`, one line each, sorted. */
export async function pgObjectsSnapshot(db: TestDatabase, schemas: readonly string[] = ['public']): Promise<string[]> {
  const rows = await rawQuery<{ line: string }>(db, SNAPSHOT_SQL, [schemas]);
  return rows.map((r) => r.line);
}
