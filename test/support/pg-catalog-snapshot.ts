/**
 * A PostgreSQL catalog snapshot, object by object, for round-trip proofs: what the server itself
 * prints for each object (pg_get_indexdef, pg_get_constraintdef, format_type, pg_get_expr...),
 * keyed by the object's qualified name, so two databases compare kind by kind and a difference
 * names the object. Independent of retort's reader: it checks the reader, it does not reuse it.
 *
 * Adding a kind (views, functions, triggers...): add an entry to SNAPSHOT_KINDS whose query takes
 * the schema list as $1 (text[]) and returns rows `(key, value)`; `key` unique within the kind
 * (qualify it with the schema), `value` the server's own text for the object. Nothing else changes.
 */
import pg from 'pg';

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

/** Kind → (key → value). */
export type CatalogSnapshot = Record<string, Map<string, string>>;

/** Read the snapshot of `schemas` in the database at `url`. */
export async function catalogSnapshot(url: string, schemas: readonly string[] = ['public'], kinds = SNAPSHOT_KINDS): Promise<CatalogSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: CatalogSnapshot = {};
    for (const [kind, sqlText] of Object.entries(kinds)) {
      const { rows } = await client.query<{ key: string; value: string }>(sqlText, [schemas]);
      out[kind] = new Map(rows.map((r) => [r.key, r.value]));
    }
    return out;
  } finally {
    await client.end();
  }
}

/** How two snapshots differ in one kind. */
export interface KindComparison {
  readonly matched: number;
  readonly onlyInFirst: string[];
  readonly onlyInSecond: string[];
  /** `key: first value ≠ second value`. */
  readonly differing: string[];
}

/** Compare two snapshots kind by kind. */
export function compareSnapshots(a: CatalogSnapshot, b: CatalogSnapshot): Record<string, KindComparison> {
  const out: Record<string, KindComparison> = {};
  for (const kind of Object.keys(a)) {
    const x = a[kind] ?? new Map<string, string>();
    const y = b[kind] ?? new Map<string, string>();
    let matched = 0;
    const differing: string[] = [];
    for (const [key, value] of x) {
      const other = y.get(key);
      if (other === undefined) continue;
      if (other === value) matched++;
      else differing.push(`${key}: ${value} ≠ ${other}`);
    }
    out[kind] = {
      matched,
      onlyInFirst: [...x.keys()].filter((k) => !y.has(k)).sort(),
      onlyInSecond: [...y.keys()].filter((k) => !x.has(k)).sort(),
      differing: differing.sort(),
    };
  }
  return out;
}

/** The differences of two snapshots as lines (none when they are equal), for readable assertions. */
export function differenceLines(comparison: Record<string, KindComparison>, a: CatalogSnapshot, b: CatalogSnapshot): string[] {
  return Object.entries(comparison).flatMap(([kind, c]) => [
    ...c.onlyInFirst.map((k) => `${kind}: only in the first: ${k}: ${a[kind]?.get(k) ?? ''}`),
    ...c.onlyInSecond.map((k) => `${kind}: only in the second: ${k}: ${b[kind]?.get(k) ?? ''}`),
    ...c.differing.map((d) => `${kind}: ${d}`),
  ]);
}
