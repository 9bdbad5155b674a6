/**
 * Small helpers that integration tests share: the RetortError a call fails with, and the version
 * table's rows.
 */
import { isRetortError, type RetortError } from '../../src/index.js';
import { rawQuery, type TestDatabase } from './databases.js';

/** The RetortError `promise` rejects with; fails the test when it resolves or throws another error. */
export async function failure(promise: Promise<unknown>): Promise<RetortError> {
  try {
    await promise;
  } catch (error) {
    if (isRetortError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** The revisions the version table names, sorted. */
export async function versions(db: TestDatabase, versionTable = 'retort_version'): Promise<string[]> {
  const rows = await rawQuery<{ version_num: string }>(db, `SELECT version_num FROM ${versionTable} ORDER BY version_num`);
  return rows.map((r) => r.version_num);
}
