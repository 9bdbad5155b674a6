/**
 * The catalog queries behind both readers: `readTable` (one table, for the compiler) and
 * `readSchema` (every table of some schemas at once, for autogenerate). Each query takes the
 * tables' oids as one `oid[]` parameter (one element for readTable), so the two readers can never
 * drift apart.
 *
 * The oids are joined as a relation (`unnest($1::oid[])`), not filtered with `= ANY($1)`: with
 * 2,000 tables the ANY form compares every catalog row with every array element (a seq scan of
 * pg_attribute times 2,000), while the join probes the catalogs' own (attrelid, ...) indexes. Every row carries its table's oid (`relid`) for grouping.
 *
 * pg_catalog rather than information_schema: it has identity, enum labels, index predicates and
 * expressions, and it shows tables the current role does not own.
 */

/**
 * True when no column default but one takes the values of the sequence `seq` (an oid expression):
 * a sequence shared by several defaults (GitLab's `packages_packages_id_seq`, taken by two tables)
 * is an object of the model even when one of those columns owns it, so it is created before
 * either table.
 */
export function soleDefault(seq: string): string {
  // The probe must use pg_depend's reference index (refclassid, refobjid, refobjsubid; a default
  // depends on the whole sequence, subid 0). Left to itself the planner probed the depender index
  // on classid alone, reading every default's dependency for each sequence (0.3-0.6 ms a serial
  // column: 1.3 s of a 2,000-table check); comparing classid as int8 keeps it off that index.
  return `(SELECT count(*) FROM pg_catalog.pg_depend sx WHERE sx.refclassid = 'pg_catalog.pg_class'::regclass
    AND sx.refobjid = ${seq} AND sx.refobjsubid = 0 AND sx.classid::int8 = 'pg_catalog.pg_attrdef'::regclass::oid::int8) = 1`;
}

/**
 * True when the sequence `seq` (an oid expression) is a serial column's: owned (OWNED BY, deptype
 * 'a') by a column whose default takes its values, and no other default takes them
 * ({@link soleDefault}). Such a sequence is part of its column (read as `serial`); any other
 * sequence is an object of the model.
 *
 * A scalar subquery, not EXISTS: the planner turns a correlated EXISTS over pg_depend into one
 * hashed subplan joining every default with every ownership (73 s on 2,000 tables with fresh
 * catalog statistics); a scalar subquery runs per row, on the catalogs' indexes.
 */
export function serialSequence(seq: string): string {
  // Nested so that each step starts from an index with a known key (the owner of the sequence, its
  // default, the default's dependency): as one join, fresh statistics led the planner to scan every
  // default's dependencies for each sequence.
  return `(COALESCE((SELECT bool_or((SELECT count(*) > 0 FROM pg_catalog.pg_depend su
        WHERE su.classid = 'pg_catalog.pg_attrdef'::regclass AND su.objid = sd.oid
          AND su.refclassid = 'pg_catalog.pg_class'::regclass AND su.refobjid = so.objid))
    FROM pg_catalog.pg_depend so
    JOIN pg_catalog.pg_attrdef sd ON sd.adrelid = so.refobjid AND sd.adnum = so.refobjsubid
    WHERE so.classid = 'pg_catalog.pg_class'::regclass AND so.objid = ${seq} AND so.deptype = 'a'
      AND so.refclassid = 'pg_catalog.pg_class'::regclass AND so.refobjsubid > 0), false) AND ${soleDefault(seq)})`;
}

/**
 * Columns, in table order. Comments come from a join on pg_description rather than
 * col_description() per row: one hash join instead of one index probe per column. A collation
 * is named only when it is not the type's own; `local` is false for a column a child table
 * inherits (INHERITS), which its parent declares.
 */
export const COLUMNS_SQL = `
SELECT a.attrelid AS relid, a.attnum AS num, a.attname AS name, t.typname, t.typtype, a.atttypmod AS typmod,
       format_type(a.atttypid, a.atttypmod) AS formatted,
       CASE WHEN t.typtype = 'e' THEN ARRAY(
         SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder
       ) END AS enum_values,
       a.attnotnull AS not_null, a.attidentity AS identity,
       -- A default cannot name a column, so it deparses without its table (relid 0): seven times
       -- faster, as no relation context is built per row. A generation expression names columns:
       -- it is deparsed with its table.
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0) END AS default_sql,
       -- A serial column's sequence (one its default takes that this very column owns: see
       -- serialSequence): name, schema, type and settings. Each step starts from an index with a
       -- known key (the default's dependencies, the sequence's owner), run only for a default.
       -- Every default depends on its own table's column too: that dependency is left out first,
       -- or each plain default (DEFAULT 0) was probed through pg_class and the owner index
       -- (20,248 -> 8,238 buffers for 2,000 tables with one plain default each).
       CASE WHEN d.oid IS NOT NULL AND a.attgenerated = '' THEN (
         SELECT ARRAY[sc.relname::text, sn.nspname::text, pg_catalog.format_type(sq.seqtypid, NULL), sq.seqstart::text,
                      sq.seqincrement::text, sq.seqmin::text, sq.seqmax::text, sq.seqcache::text, sq.seqcycle::text]
         FROM pg_catalog.pg_depend dq
         JOIN pg_catalog.pg_depend so ON so.classid = 'pg_catalog.pg_class'::regclass AND so.objid = dq.refobjid AND so.deptype = 'a'
           AND so.refclassid = 'pg_catalog.pg_class'::regclass AND so.refobjid = a.attrelid AND so.refobjsubid = a.attnum
         JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = dq.refobjid
         JOIN pg_catalog.pg_class sc ON sc.oid = dq.refobjid
         JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace
         WHERE dq.classid = 'pg_catalog.pg_attrdef'::regclass AND dq.objid = d.oid
           AND dq.refclassid = 'pg_catalog.pg_class'::regclass AND dq.refobjid <> a.attrelid AND ${soleDefault('sq.seqrelid')}
         LIMIT 1) END AS serial,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid, true) END AS generated_sql,
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN co.collname END AS collation,
       a.attislocal AS local,
       ds.description AS comment
FROM unnest($1::oid[]) AS rel(oid)
JOIN pg_catalog.pg_attribute a ON a.attrelid = rel.oid
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description ds
  ON ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

// Key columns come as attnum arrays, named in JavaScript from the columns already read: a
// correlated ARRAY(SELECT ... unnest ...) per constraint cost more than the rest of the query.
// Check conditions and index predicates are pretty-printed (pg_get_expr's third argument) so
// they read as a person writes them: `price >= 0::numeric`, not `price >= (0)::numeric`.
// `inherited`: a constraint a partition or child table has from its parent (cloned keys have a
// conparentid, inherited checks an inhcount); the parent declares it, not the child.
/** Primary key, unique, foreign-key, check and exclusion constraints, by name. */
export const CONSTRAINTS_SQL = `
SELECT con.conrelid AS relid, con.conname AS name, con.contype AS type,
       con.conkey AS keys, con.confrelid AS ref_relid, con.confkey AS ref_keys,
       rc.relname AS ref_table, rn.nspname AS ref_schema,
       con.confdeltype AS on_delete, con.confupdtype AS on_update, con.confmatchtype AS match,
       con.condeferrable AS deferrable, con.condeferred AS deferred, con.convalidated AS validated,
       con.connoinherit AS no_inherit, con.conindid AS index_oid,
       (con.conparentid <> 0 OR con.coninhcount > 0) AS inherited,
       CASE WHEN con.contype = 'x' THEN ARRAY(
         SELECT o.oprname::text FROM unnest(con.conexclop) WITH ORDINALITY AS x(op, n)
         JOIN pg_catalog.pg_operator o ON o.oid = x.op ORDER BY x.n) END AS operators,
       pg_get_expr(con.conbin, con.conrelid, true) AS check_sql
FROM unnest($1::oid[]) AS rel(oid)
JOIN pg_catalog.pg_constraint con ON con.conrelid = rel.oid
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x')
ORDER BY con.conrelid, con.conname`;

// Every index of the tables, those behind a constraint too (their INCLUDE, WITH and, for an
// exclusion, their elements belong to the constraint). The element options (operator class,
// COLLATE, DESC, NULLS) are read from pg_get_indexdef's own text, where PostgreSQL has already
// decided which are defaults (an operator class is printed only when it is not the default of
// the element's type, binary-coercible types and polymorphic classes included); `keys` gives each
// key element bare, so the options are what follows it. `inherited`: an index of a partition
// attached to its parent's index (relispartition), which the parent declares; `parent_index`,
// `parent_options` and `attnames` (the index's own attribute names, which PostgreSQL builds
// its generated names from) tell whether it has a name or storage parameters of its own.
// `definition` is NULL for an index whose key columns all take their defaults (ASC NULLS LAST,
// the column's own collation, the default operator class of exactly the column's type): it
// would print no option, and deparsing it was a third of the query (relcache work per index).
// Anything else, binary-coercible classes included, is read from the deparsed text as before.
/** Indexes with their elements, INCLUDE columns, options and predicate. */
export const INDEXES_SQL = `
SELECT ix.indrelid AS relid, ix.indexrelid AS oid, ic.relname AS name, ix.indisunique AS unique,
       pg_get_expr(ix.indpred, ix.indrelid, true) AS predicate,
       CASE WHEN ix.indexprs IS NULL AND NOT EXISTS (
         SELECT 1 FROM generate_series(0, ix.indnkeyatts - 1) AS s
         JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[s]
         JOIN pg_catalog.pg_opclass opc ON opc.oid = ix.indclass[s]
         WHERE ix.indoption[s] <> 0 OR ix.indcollation[s] <> a.attcollation
            OR NOT opc.opcdefault OR opc.opcintype <> a.atttypid)
       THEN NULL ELSE pg_get_indexdef(ix.indexrelid, 0, true) END AS definition,
       am.amname AS method, ix.indnullsnotdistinct AS nulls_not_distinct, ic.reloptions AS options,
       ic.relispartition AS inherited,
       pi.relname AS parent_index, pi.reloptions AS parent_options,
       ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = ix.indexrelid AND a.attnum > 0 ORDER BY a.attnum) AS attnames,
       EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
               WHERE c.conrelid = ix.indrelid AND c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x')) AS constraint,
       ARRAY(
         SELECT CASE WHEN ix.indkey[s] = 0 THEN 'E:' || pg_get_indexdef(ix.indexrelid, s + 1, true)
                     ELSE 'C:' || (SELECT a.attname::text FROM pg_catalog.pg_attribute a
                           WHERE a.attrelid = ix.indrelid AND a.attnum = ix.indkey[s]) END
         FROM generate_series(0, ix.indnatts - 1) AS s ORDER BY s
       ) AS elements,
       ix.indnkeyatts AS key_count
FROM unnest($1::oid[]) AS rel(oid)
JOIN pg_catalog.pg_index ix ON ix.indrelid = rel.oid
JOIN pg_catalog.pg_class ic ON ic.oid = ix.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
LEFT JOIN pg_catalog.pg_inherits ih ON ih.inhrelid = ix.indexrelid
LEFT JOIN pg_catalog.pg_class pi ON pi.oid = ih.inhparent
ORDER BY ix.indrelid, ic.relname`;

/** Names of the columns of tables the other queries did not read (targets of foreign keys). */
export const ATTNAMES_SQL = `
SELECT a.attrelid AS relid, a.attnum AS num, a.attname AS name
FROM unnest($1::oid[]) AS rel(oid)
JOIN pg_catalog.pg_attribute a ON a.attrelid = rel.oid
WHERE a.attnum > 0`;
