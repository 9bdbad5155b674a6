/**
 * A MySQL / MariaDB catalog for round-trip tests, read by the same reader as `retort test`
 * (src/dialects/mysql/catalog-snapshot.ts, straight from `information_schema`), retort's own
 * tables left out. {@link catalogDifferences} names every attribute that differs.
 */
import { readMysqlCatalog, type Catalog, type CatalogObject } from '../../src/dialects/mysql/catalog-snapshot.js';
import type { TestDatabase } from './databases.js';
import { rawQuery } from './databases.js';

export type { Catalog, CatalogObject };

/** The catalog of `db` (retort's own tables left out). */
export async function mysqlCatalog(db: TestDatabase): Promise<Catalog> {
  return readMysqlCatalog((sql, params) => rawQuery(db, sql, [...(params ?? [])]), db.name, { prefix: 'retort_' });
}

/** `kind key: field` of every object or attribute that differs, with both values. */
export function catalogDifferences(a: Catalog, b: Catalog): string[] {
  const out: string[] = [];
  for (const kind of Object.keys(a)) {
    const left = a[kind] as ReadonlyMap<string, CatalogObject>;
    const right = (b[kind] ?? new Map()) as ReadonlyMap<string, CatalogObject>;
    for (const [key, x] of left) {
      const y = right.get(key);
      if (y === undefined) {
        out.push(`${kind} ${key}: only in the first`);
        continue;
      }
      for (const field of Object.keys(x)) {
        if (JSON.stringify(x[field]) !== JSON.stringify(y[field])) out.push(`${kind} ${key}: ${field} ${JSON.stringify(x[field])} vs ${JSON.stringify(y[field])}`);
      }
    }
    for (const key of right.keys()) if (!left.has(key)) out.push(`${kind} ${key}: only in the second`);
  }
  return out;
}

/** How many objects of each kind a catalog holds. */
export function catalogCounts(c: Catalog): Record<string, number> {
  return Object.fromEntries(Object.entries(c).map(([kind, objects]) => [kind, objects.size]));
}
