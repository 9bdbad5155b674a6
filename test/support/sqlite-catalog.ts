/**
 * A SQLite catalog for "the catalog is back exactly" assertions, read by the same reader as
 * `retort test` (src/dialects/sqlite/catalog-snapshot.ts; retort's own tables left out).
 */
import { foldSql, readSqliteCatalog } from '../../src/dialects/sqlite/catalog-snapshot.js';
import type { TestDatabase } from './databases.js';
import { rawQuery } from './databases.js';

export { foldSql };

/** The catalog of a SQLite test database. */
export async function sqliteCatalog(db: TestDatabase): Promise<Record<string, unknown>> {
  const catalog = await readSqliteCatalog((sql, params) => rawQuery(db, sql, [...(params ?? [])]));
  return { tables: catalog.tables, others: catalog.others };
}
