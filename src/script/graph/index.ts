/**
 * The revision graph (pure): build it from revision headers, resolve targets, plan upgrades,
 * downgrades and stamps, list history, and maintain the version table's heads.
 */
export { RevisionGraph, applyStep, MAX_TARGET_LENGTH } from './graph.js';
export type { IterateOptions } from './collect.js';
export type { Ident } from './resolve.js';
export type { MigrationStep, Revision, StampPlan, StampStep, StepOutcome, VersionChange } from './types.js';
export { parseRange, type Range } from './history.js';
