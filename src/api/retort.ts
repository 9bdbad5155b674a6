/**
 * The library entry: `const retort = createRetort(); await retort.upgrade('head')`. Every method
 * loads the config (found from `cwd` upward, as the CLI does) and returns a result object; errors
 * are RetortErrors with stable codes. The CLI is a thin printer over these same methods.
 */
import { createMerge, createRevision, type MergeOptions, type RevisionOptions } from './authoring.js';
import type { AutogenerateResult, CheckOptions, CheckResult, CompareOptions, PullResult } from './autogenerate.js';
import * as inspect from './inspect.js';
import type { BaselineOptions, BaselineResult } from './baseline.js';
import type { AcceptResult, AppliedHistoryResult, ResolveResult } from './integrity.js';
import type { MigrateOptions, StampOptions } from './migrate.js';
import type { LintOptions, LintResult } from './lint.js';
import type { RetortOptions } from './options.js';
import { fleetMethods, type FleetMethods } from './fleet-api.js';
import { openProject, type Project } from './project.js';
import type { CurrentResult, RevisionFileResult, RevisionInfo, RunResult } from './results.js';
import type { StairwayOptions, StairwayResult } from './stairway.js';
import type { SquashOptions, SquashResult } from './squash.js';

/** The operations of retort as a library (the `...All` methods run on every target: see {@link FleetMethods}). */
export interface Retort extends FleetMethods<Retort> {
  /** Apply revisions up to `target` (default `head`). */
  upgrade(target?: string, options?: MigrateOptions): Promise<RunResult>;
  /** Revert revisions down to `target` (`-1`, `base`, a revision...). */
  downgrade(target: string, options?: MigrateOptions): Promise<RunResult>;
  /** Set the version table to `revisions` without running scripts. */
  stamp(revisions: string | readonly string[], options?: StampOptions): Promise<RunResult>;
  /** The revisions the database holds. */
  current(): Promise<CurrentResult>;
  /** The heads of the revision graph. */
  heads(): Promise<RevisionInfo[]>;
  /** The branch points of the revision graph. */
  branches(): Promise<RevisionInfo[]>;
  /** Revisions newest first, within `range` (`START:END`), optionally marking the current ones. */
  history(options?: { range?: string; indicateCurrent?: boolean }): Promise<RevisionInfo[]>;
  /** The revisions `spec` names. */
  show(spec: string): Promise<RevisionInfo[]>;
  /** Write a new revision file. */
  revision(options: RevisionOptions): Promise<RevisionFileResult>;
  /** Write a merge revision of `revisions` (`heads` for all heads). */
  merge(revisions: readonly string[], options: MergeOptions): Promise<RevisionFileResult>;
  /** Write a revision whose upgrade turns the database into the declared schema. */
  autogenerate(options: RevisionOptions & CompareOptions): Promise<AutogenerateResult>;
  /** Compare the declared schema and the database, and whether the database is at head. */
  check(options?: CheckOptions): Promise<CheckResult>;
  /** Write the TypeScript schema module of the live database. */
  pull(options?: { out?: string; force?: boolean }): Promise<PullResult>;
  /** Write the live schema as the first revision and stamp it (a database no tool managed). */
  baseline(options?: BaselineOptions): Promise<BaselineResult>;
  /**
   * `baseline` for a database another tool managed (`from`: `alembic`, `knex`...): its version
   * table is read first, to confirm and report where it stands, and left in place.
   */
  adopt(from: string, options?: BaselineOptions): Promise<BaselineResult>;
  /** The history table's rows, newest first (`history --applied`). */
  appliedHistory(): Promise<AppliedHistoryResult>;
  /** Record the current hash of an applied revision whose file was edited (after a person checked it). */
  accept(revision: string): Promise<AcceptResult>;
  /** Close a revision that failed half-way: `applied` (its effect is complete) or `rolled-back` (undone by hand). */
  resolve(revision: string, resolution: 'applied' | 'rolled-back'): Promise<ResolveResult>;
  /**
   * `retort test`: every revision up, down (catalog restored?) and up again on a scratch database,
   * then the head compared with the schema module. A result object; `ok` false names the first
   * revision that failed and how.
   */
  stairway(options?: StairwayOptions): Promise<StairwayResult>;
  /** Risky operations of revisions (no database needed): each with its rule, file:line, reason and fix. */
  lint(options?: LintOptions): Promise<LintResult>;
  /**
   * Replace the linear range `FROM:TO` with one revision whose upgrade builds the same catalog
   * (checked on scratch databases); a database at TO is then at the squash.
   */
  squash(range: string, options: SquashOptions): Promise<SquashResult>;
}

/** A retort bound to a project (config found from `options.cwd`, default the working directory). */
export function createRetort(options: RetortOptions = {}): Retort {
  return bindRetort(() => openProject(options), options);
}

// Loaded on first use, so that `heads` on 5,000 revisions (and a config file importing
// `defineConfig`) does not load the run path, the diff engine or the history code.
const migrate = () => import('./migrate.js');
const autogen = () => import('./autogenerate.js');
const integrity = () => import('./integrity.js');
const stairway = () => import('./stairway.js');
const linter = () => import('./lint.js');
const takeover = () => import('./baseline.js');
const squasher = () => import('./squash.js');

/** A retort on the project `project` gives (a fleet binds one per target, sharing config and graph). */
export function bindRetort(project: () => Promise<Project>, options: RetortOptions): Retort {
  return Object.freeze({
    ...fleetMethods(options, (one: Project) => bindRetort(async () => one, { ...options, target: one.target.name })),
    upgrade: async (target = 'head', opts: MigrateOptions = {}) => (await migrate()).upgrade(await project(), target, opts, options),
    downgrade: async (target: string, opts: MigrateOptions = {}) => (await migrate()).downgrade(await project(), target, opts, options),
    stamp: async (revisions: string | readonly string[], opts: StampOptions = {}) =>
      (await migrate()).stamp(await project(), typeof revisions === 'string' ? [revisions] : revisions, opts, options),
    current: async () => inspect.current(await project()),
    heads: async () => inspect.heads(await project()),
    branches: async () => inspect.branches(await project()),
    history: async (opts: { range?: string; indicateCurrent?: boolean } = {}) => inspect.history(await project(), opts),
    show: async (spec: string) => inspect.show(await project(), spec),
    revision: async (opts: RevisionOptions) => createRevision(await project(), opts),
    merge: async (revisions: readonly string[], opts: MergeOptions) => createMerge(await project(), revisions, opts),
    autogenerate: async (opts: RevisionOptions & CompareOptions) => (await autogen()).autogenerate(await project(), opts),
    check: async (opts: CheckOptions = {}) => (await autogen()).check(await project(), opts),
    pull: async (opts: { out?: string; force?: boolean } = {}) => (await autogen()).pull(await project(), opts),
    baseline: async (opts: BaselineOptions = {}) => (await takeover()).baseline(await project(), opts, options),
    adopt: async (from: string, opts: BaselineOptions = {}) => (await takeover()).baseline(await project(), opts, options, from),
    appliedHistory: async () => (await integrity()).appliedHistory(await project()),
    accept: async (revision: string) => (await integrity()).accept(await project(), revision, options),
    resolve: async (revision: string, resolution: 'applied' | 'rolled-back') => (await integrity()).resolve(await project(), revision, resolution, options),
    stairway: async (opts: StairwayOptions = {}) => (await stairway()).stairway(await project(), opts, options),
    lint: async (opts: LintOptions = {}) => (await linter()).lint(await project(), opts, options),
    squash: async (range: string, opts: SquashOptions) => (await squasher()).squash(await project(), range, opts, options),
  });
}
