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
 */
import { createRetort } from './api/retort.js';
import type { RetortOptions } from './api/options.js';
import type { StairwayOptions, StairwayResult } from './api/stairway.js';

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
