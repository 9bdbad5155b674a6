/**
 * An online run loads the next revision's module while the current one waits on the server
 * (runtime/steps.ts, prefetch). Checked on MariaDB, where that wait is a network round trip: each
 * module is still evaluated once per run, and a module that fails to load is reported when its
 * revision starts, after the revision before it was recorded, as without the prefetch.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { versions } from '../support/assertions.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const id = (i: number) => `p${String(i).padStart(5, '0')}`;
/** Revision i counts its module's evaluations in a global; `broken` throws at the top level instead. */
const revision = (i: number, broken = false): RevisionSpec => ({
  id: id(i),
  down: i === 0 ? null : id(i - 1),
  upgrade: `  await op.createTable('t${i}', { id: integer().primaryKey() });`,
  imports: ['integer'],
  preamble: broken
    ? `throw new Error('module ${id(i)} cannot load');`
    : `const seen = globalThis as { prefetchLoads?: string[] };\n(seen.prefetchLoads ??= []).push('${id(i)}');`,
});

describe('the next revision module, loaded while the current revision waits', () => {
  let db: TestDatabase;
  let project: TestProject | undefined;
  beforeEach(async () => {
    db = await createTestDatabase('mysql', 'retort_prefetch');
    (globalThis as { prefetchLoads?: string[] }).prefetchLoads = [];
  });
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db.drop();
  });

  it('evaluates each module once, in order', async () => {
    project = createTestProject({ url: db.url }, [0, 1, 2, 3].map((i) => revision(i)));
    await project.retort.upgrade('head');
    expect((globalThis as { prefetchLoads?: string[] }).prefetchLoads).toEqual([id(0), id(1), id(2), id(3)]);
    expect(await versions(db)).toEqual([id(3)]);
  });

  it('a module that cannot load fails its own revision, after the one before it is recorded', async () => {
    project = createTestProject({ url: db.url }, [revision(0), revision(1, true), revision(2)]);
    const error = await project.retort.upgrade('head').then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toContain(`module ${id(1)} cannot load`);
    expect(await versions(db)).toEqual([id(0)]);
    const rows = await rawQuery<{ revision: string; status: string }>(db, 'SELECT revision, status FROM retort_history ORDER BY id');
    expect(rows.map((r) => [r.revision, r.status])).toEqual([[id(0), 'ok'], [id(1), 'failed']]);
  });
});
