/**
 * A PostgreSQL catalog snapshot for round-trip proofs, read by the same reader as `retort test`
 * (src/dialects/postgres/catalog-snapshot.ts: the server's own text for each object, keyed by
 * its qualified name), compared kind by kind here so a difference names the object.
 */
import pg from 'pg';
import { OBJECT_SNAPSHOT_KINDS, readPostgresSnapshot, SNAPSHOT_KINDS } from '../../src/dialects/postgres/catalog-snapshot.js';

export { OBJECT_SNAPSHOT_KINDS, SNAPSHOT_KINDS };

/** Kind → (key → value). */
export type CatalogSnapshot = Record<string, Map<string, string>>;

/** Read the snapshot of `schemas` in the database at `url` (the reader `retort test` uses). */
export async function catalogSnapshot(url: string, schemas: readonly string[] = ['public'], kinds = { ...SNAPSHOT_KINDS, ...OBJECT_SNAPSHOT_KINDS }): Promise<CatalogSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const session = { query: async <R>(sqlText: string, params?: readonly unknown[]) => (await client.query(sqlText, params as unknown[])).rows as R[] };
    return (await readPostgresSnapshot(session, { schemas }, kinds)) as CatalogSnapshot;
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
