/**
 * `retort-migrate/testing`: helpers for your own test runner (Vitest, Jest, node:test).
 *
 * ```ts
 * import { stairway } from 'retort-migrate/testing';
 *
 * it('every revision downgrades cleanly', async () => {
 *   const result = await stairway();          // a scratch database next to the configured one
 *   expect(result.failures).toEqual([]);
 * });
 * ```
 *
 * And a migrated database per test worker (Vitest, Jest): the revisions are migrated once into a
 * template (reused while no revision changes), and each worker gets its own copy:
 *
 * ```ts
 * // test/setup.ts (Vitest `setupFiles`, Jest `setupFilesAfterEnv`)
 * import { workerDatabase } from 'retort-migrate/testing';
 * const db = await workerDatabase();
 * process.env.DATABASE_URL = db.url;
 * afterAll(() => db.drop());
 * ```
 */
import { openProject } from './api/project.js';
import { createRetort } from './api/retort.js';
import type { RetortOptions } from './api/options.js';
import type { StairwayOptions, StairwayResult } from './api/stairway.js';

import type { MigratedTemplate, TemplateOptions, WorkerDatabase, WorkerDatabaseOptions } from './api/template.js';

export type { MigratedTemplate, TemplateOptions, WorkerDatabase, WorkerDatabaseOptions } from './api/template.js';
export type { StairwayFailure, StairwayOptions, StairwayResult } from './api/stairway.js';

/**
 * `retort test` as a function: every revision up, down (the catalog must be restored) and up
 * again, then the head compared with the schema module. By default on a scratch database made
 * next to the configured one and dropped at the end (`scratch: false`: on the configured
 * database, or `url`, which should be empty). Returns the result; never throws for a failing
 * revision (only for bad input, as every retort call).
 */
export async function stairway(options: RetortOptions & StairwayOptions = {}): Promise<StairwayResult> {
  const { scratch, ...retortOptions } = options;
  return createRetort(retortOptions).stairway(scratch === undefined ? {} : { scratch });
}

/**
 * The template database of the project's revisions, next to the configured database: migrated
 * to the heads by this call, or reused when a template of the same revision checksums is at the
 * heads already (its name carries their hash). Other processes asking at the same moment wait
 * for the one that migrates. Call it from a Vitest `globalSetup` (or Jest `globalSetup`) so that
 * a failing revision fails the run once, before any worker starts; the template is kept for the
 * next run.
 */
export async function migratedTemplate(options: RetortOptions & TemplateOptions = {}): Promise<MigratedTemplate> {
  const { templateTimeout, ...retortOptions } = options;
  const { migratedTemplate: make } = await import('./api/template.js');
  return make(await openProject(retortOptions), templateTimeout === undefined ? {} : { templateTimeout }, retortOptions);
}

/**
 * A database of this test worker's own, copied from the template (PostgreSQL `CREATE DATABASE
 * ... TEMPLATE`, MySQL / MariaDB table by table, SQLite a file copy; the template is made first
 * if needed). Its name carries the worker id (`VITEST_POOL_ID`, `JEST_WORKER_ID`) and the process
 * id. Drop it when the worker's tests are done (`afterAll(() => db.drop())`).
 */
export async function workerDatabase(options: RetortOptions & WorkerDatabaseOptions = {}): Promise<WorkerDatabase> {
  const { templateTimeout, worker, ...retortOptions } = options;
  const { workerDatabase: make } = await import('./api/template.js');
  return make(await openProject(retortOptions), {
    ...(templateTimeout === undefined ? {} : { templateTimeout }),
    ...(worker === undefined ? {} : { worker }),
  }, retortOptions);
}
