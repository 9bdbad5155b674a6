/**
 * The catalog queries behind both readers: `readTable` (one table, for the compiler) and
 * `readSchema` (every table of some schemas at once, for autogenerate). Each query is written
 * once over a relation filter, `$1::oid` for one table or `= ANY($1::oid[])` for many, so the two
 * readers can never drift apart. Every row carries its table's oid (`relid`) for grouping.
 *
 * pg_catalog rather than information_schema: it has identity, enum labels, index predicates and
 * expressions, and it shows tables the current role does not own.
 */

/** Column names of an attnum array, in the array's order. */
const attnames = (array: string, rel: string) => `ARRAY(
  SELECT a.attname::text FROM unnest(${array}) WITH ORDINALITY k(num, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.num ORDER BY k.ord)`;

/**
 * Columns, in table order. Comments come from a join on pg_description rather than
 * col_description() per row: one hash join instead of one index probe per column.
 */
export function columnsSql(relFilter: string): string {
  return `
SELECT a.attrelid AS relid, a.attname AS name, t.typname, t.typtype, a.atttypmod AS typmod,
       format_type(a.atttypid, a.atttypmod) AS formatted,
       CASE WHEN t.typtype = 'e' THEN ARRAY(
         SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder
       ) END AS enum_values,
       a.attnotnull AS not_null, a.attidentity AS identity,
       pg_get_expr(d.adbin, d.adrelid) AS default_sql,
       ds.description AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description ds
  ON ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = a.attnum
WHERE a.attrelid ${relFilter} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;
}

// Check conditions and index predicates are pretty-printed (pg_get_expr's third argument) so
// they read as a person writes them: `price >= 0::numeric`, not `price >= (0)::numeric`.
/** Primary key, unique, foreign-key and check constraints, by name. */
export function constraintsSql(relFilter: string): string {
  return `
SELECT con.conrelid AS relid, con.conname AS name, con.contype AS type,
       ${attnames('con.conkey', 'con.conrelid')} AS columns,
       ${attnames('con.confkey', 'con.confrelid')} AS ref_columns,
       rc.relname AS ref_table, rn.nspname AS ref_schema,
       con.confdeltype AS on_delete, con.confupdtype AS on_update,
       pg_get_expr(con.conbin, con.conrelid, true) AS check_sql
FROM pg_catalog.pg_constraint con
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.conrelid ${relFilter} AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.conrelid, con.conname`;
}

// Indexes that back a constraint (primary key, unique, exclusion) are read as the constraint.
/** Indexes that are not a constraint's, with their elements and predicate. */
export function indexesSql(relFilter: string): string {
  return `
SELECT ix.indrelid AS relid, ic.relname AS name, ix.indisunique AS unique,
       pg_get_expr(ix.indpred, ix.indrelid, true) AS predicate,
       ARRAY(
         SELECT CASE WHEN ix.indkey[s] = 0 THEN 'E:' || pg_get_indexdef(ix.indexrelid, s + 1, true)
                     ELSE 'C:' || (SELECT a.attname::text FROM pg_catalog.pg_attribute a
                           WHERE a.attrelid = ix.indrelid AND a.attnum = ix.indkey[s]) END
         FROM generate_series(0, ix.indnkeyatts - 1) AS s ORDER BY s
       ) AS elements
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class ic ON ic.oid = ix.indexrelid
WHERE ix.indrelid ${relFilter}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x'))
ORDER BY ix.indrelid, ic.relname`;
}
