/**
 * The fleet methods of {@link Retort}: `upgradeAll`, `downgradeAll`, `stampAll`, `currentAll`,
 * `checkAll` and the generic `forEachTarget`, each over every target of the config.
 */
import { loadConfig, selectTargets } from '../config/index.js';
import { RetortError } from '../errors.js';
import type { CheckOptions, CheckResult } from './autogenerate.js';
import { fleetProjects, runFleet, type FleetOptions, type FleetResult } from './fleet.js';
import * as inspect from './inspect.js';
import type { MigrateOptions, StampOptions } from './migrate.js';
import type { RetortOptions } from './options.js';
import type { Project } from './project.js';
import type { CurrentResult, RunResult } from './results.js';

/** The fleet methods, merged into {@link Retort}. */
export interface FleetMethods<R> {
  /** `upgrade` on every target; failures are per target (see {@link FleetResult}). */
  upgradeAll(target?: string, options?: MigrateOptions & FleetOptions): Promise<FleetResult<RunResult>>;
  /** `downgrade` on every target. */
  downgradeAll(target: string, options?: MigrateOptions & FleetOptions): Promise<FleetResult<RunResult>>;
  /** `stamp` on every target. */
  stampAll(revisions: string | readonly string[], options?: StampOptions & FleetOptions): Promise<FleetResult<RunResult>>;
  /** `current` of every target. */
  currentAll(options?: FleetOptions): Promise<FleetResult<CurrentResult>>;
  /** `check` of every target; a target that is not at head or differs from the schema fails with `CheckFailed`. */
  checkAll(options?: FleetOptions): Promise<FleetResult<CheckResult>>;
  /** Any operation on every target, given a retort bound to that target. */
  forEachTarget<T>(operation: (retort: R, target: string) => Promise<T>, options?: FleetOptions): Promise<FleetResult<T>>;
}

/** The projects of every target (`--all-targets`), sharing one graph per set of version directories. */
export async function openFleet(options: RetortOptions): Promise<Project[]> {
  const config = await loadConfig({
    cwd: options.cwd ?? process.cwd(),
    ...(options.config === undefined ? {} : { configPath: options.config }),
    ...(options.url === undefined ? {} : { url: options.url }),
    xArgs: options.x ?? {},
  });
  return fleetProjects(config, await selectTargets(config, { target: options.target, all: true }));
}

// Loaded on first use (see retort.ts): a config importing `defineConfig` must stay light.
const migrate = () => import('./migrate.js');
const autogen = () => import('./autogenerate.js');

/** A `check` that fails (rather than returning `ok: false`), so a fleet counts it as failed. */
export async function checkOrFail(project: Project, options: CheckOptions = {}): Promise<CheckResult> {
  const result = await (await autogen()).check(project, options);
  if (result.ok) return result;
  const differs = result.operations.length > 0 || result.checksumMismatches.length > 0;
  const blocked = result.unresolved[0];
  const what = blocked !== undefined ? `has an unresolved failure of revision ${blocked.revision} (every upgrade refuses until \`retort resolve\`)`
    : result.notAtHead ? `is at ${result.current.join(', ') || 'base'}, not at head (${result.heads.join(', ')})`
    : differs ? 'differs from the declared schema' : `holds ${result.unmodelled.length} object(s) retort does not model (--strict)`;
  throw new RetortError('CheckFailed', `The database ${what}${result.operations.length > 0 ? `; autogenerate would emit ${result.operations.length} operation(s)` : ''}.`, {
    fields: { notAtHead: result.notAtHead, unresolved: result.unresolved.map((u) => u.revision), operations: result.operations.length, current: result.current, heads: result.heads, unmodelled: result.unmodelled.length },
    hint: 'Run `retort check --target NAME` for the details.',
  });
}

/**
 * The fleet methods of a retort made with `options`; `bind` makes a retort on one project (for
 * {@link FleetMethods.forEachTarget}).
 */
export function fleetMethods<R>(options: RetortOptions, bind: (project: Project) => R): FleetMethods<R> {
  const all = async <T>(operation: (project: Project) => Promise<T>, fleet: FleetOptions = {}) =>
    runFleet(await openFleet(options), operation, { ...fleet, signal: fleet.signal ?? options.signal });
  return {
    upgradeAll: (target = 'head', opts = {}) => all(async (p) => (await migrate()).upgrade(p, target, opts, options), opts),
    downgradeAll: (target, opts = {}) => all(async (p) => (await migrate()).downgrade(p, target, opts, options), opts),
    stampAll: (revisions, opts = {}) => all(async (p) => (await migrate()).stamp(p, typeof revisions === 'string' ? [revisions] : revisions, opts, options), opts),
    currentAll: (opts = {}) => all((p) => inspect.current(p), opts),
    checkAll: (opts = {}) => all(checkOrFail, opts),
    forEachTarget: (operation, opts = {}) => all((p) => operation(bind(p), p.target.name), opts),
  };
}
