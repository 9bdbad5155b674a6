/**
 * Fleet runs: one operation (upgrade, downgrade, stamp, current, check...) over many targets (one
 * database or schema per tenant, shards, a main and an analytics database), with a concurrency
 * limit, each target on its own connection, and a result per target. A failing target does not
 * stop the others unless `failFast`.
 *
 * Why the projects are built here rather than with `openProject` per target: the config (and a
 * computed `targets` function, which may run a query) is loaded once, and the revision graph is
 * parsed once per distinct set of version directories, so 200 tenants sharing one migrations
 * folder scan it once, not 200 times. Script modules are evaluated once per fleet run (the
 * script loader's `withSharedModules`).
 */
import { performance } from 'node:perf_hooks';
import type { LoadedConfig, ResolvedTarget } from '../config/index.js';
import { isRetortError, type ErrorCode, type ErrorKind } from '../errors.js';
import type { StepResult } from '../runtime/steps.js';
import { scanVersionDirectories } from '../script/directory.js';
import { withSharedModules } from '../script/script-loader.js';
import { RevisionGraph } from '../script/graph/index.js';
import type { RetortOptions } from './options.js';
import type { Project } from './project.js';

/** The default number of targets run at once: small, so a fleet run never floods a server. */
export const DEFAULT_FLEET_CONCURRENCY = 4;

/** How a fleet run proceeds. */
export interface FleetOptions {
  /** Targets run at once (default {@link DEFAULT_FLEET_CONCURRENCY}). */
  readonly concurrency?: number;
  /** Stop starting targets after the first failure; running ones finish, the rest are `skipped`. */
  readonly failFast?: boolean;
  /** Progress of the run (a target started or finished), for displays. */
  readonly onProgress?: (event: FleetEvent) => void;
  /**
   * Aborting it (Ctrl-C) starts no new target: the rest are `skipped`. The running ones see the
   * same signal through {@link RetortOptions.signal} and stop as a single run does.
   */
  readonly signal?: AbortSignal | undefined;
}

/** A failure of one target, as JSON can carry it. */
export interface FleetError {
  readonly code: ErrorCode | 'InternalError';
  /** Decides the exit code of the run (see {@link fleetExitKind}). */
  readonly kind: ErrorKind;
  readonly message: string;
  readonly hint?: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** What happened on one target. */
export interface FleetTargetResult<T = unknown> {
  /** The target's name. */
  readonly target: string;
  readonly status: 'ok' | 'failed' | 'skipped';
  /** True when the operation succeeded on this target. */
  readonly ok: boolean;
  /** The revisions the database held before the run (known for upgrade, downgrade, stamp). */
  readonly from: readonly string[];
  /** The revisions it holds afterwards (for a failed target: unknown, empty). */
  readonly current: readonly string[];
  /** The steps taken (empty for read-only operations). */
  readonly steps: readonly StepResult[];
  /** The run's warnings (a revision whose script ran nothing: see RunResult), absent when none. */
  readonly warnings?: readonly string[];
  readonly durationMs: number;
  /** The operation's own result, when it succeeded. */
  readonly value?: T;
  /** Why it failed. */
  readonly error?: FleetError;
}

/** The result of a fleet run: `ok` when every target succeeded. */
export interface FleetResult<T = unknown> {
  readonly ok: boolean;
  /** One entry per target, in the order of the config (not of completion). */
  readonly targets: readonly FleetTargetResult<T>[];
}

/** Progress of a fleet run. */
export type FleetEvent =
  | { readonly type: 'start'; readonly target: string; readonly counts: FleetCounts }
  | { readonly type: 'finish'; readonly result: FleetTargetResult; readonly counts: FleetCounts };

/** Where a fleet run stands. */
export interface FleetCounts {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  readonly skipped: number;
}

/**
 * Projects for `targets` of one loaded config, sharing one revision graph per distinct list of
 * version directories.
 */
export function fleetProjects(config: LoadedConfig, targets: readonly ResolvedTarget[]): Project[] {
  const graphs = new Map<string, Promise<RevisionGraph>>();
  return targets.map((target) => {
    const key = JSON.stringify(target.migrations);
    return {
      config,
      target,
      graph: () => {
        let graph = graphs.get(key);
        if (graph === undefined) {
          graph = scanVersionDirectories(target.migrations).then((headers) => RevisionGraph.build(headers));
          graphs.set(key, graph);
        }
        return graph;
      },
    };
  });
}

/**
 * Run `operation` on every project, at most `concurrency` at once, and collect one result per
 * target. Never throws for a target's failure: it is recorded in that target's result.
 */
export async function runFleet<T>(projects: readonly Project[], operation: (project: Project) => Promise<T>, options: FleetOptions = {}): Promise<FleetResult<T>> {
  // The targets run the same scripts: each is evaluated once for the whole fleet, not per target.
  return withSharedModules(() => runTargets(projects, operation, options));
}

async function runTargets<T>(projects: readonly Project[], operation: (project: Project) => Promise<T>, options: FleetOptions): Promise<FleetResult<T>> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_FLEET_CONCURRENCY));
  const results: (FleetTargetResult<T> | undefined)[] = new Array(projects.length);
  const counts = { total: projects.length, done: 0, failed: 0, running: 0, skipped: 0 };
  let next = 0;
  let stop = false;

  const runOne = async (project: Project): Promise<FleetTargetResult<T>> => {
    const started = performance.now();
    try {
      const value = await operation(project);
      return { ...summarise(value), target: project.target.name, status: 'ok', ok: true, durationMs: elapsed(started), value };
    } catch (error) {
      return { target: project.target.name, status: 'failed', ok: false, from: [], current: [], steps: [], durationMs: elapsed(started), error: fleetError(error) };
    }
  };

  const worker = async (): Promise<void> => {
    while (next < projects.length) {
      const index = next++;
      const project = projects[index]!;
      if (stop || options.signal?.aborted === true) {
        results[index] = skipped(project.target.name);
        counts.skipped++;
        continue;
      }
      counts.running++;
      options.onProgress?.({ type: 'start', target: project.target.name, counts: { ...counts } });
      const result = await runOne(project);
      counts.running--;
      counts.done++;
      if (!result.ok) {
        counts.failed++;
        // Running targets finish (stopping one half-way would leave it in a worse state); no new one starts.
        if (options.failFast) stop = true;
      }
      results[index] = result;
      options.onProgress?.({ type: 'finish', result, counts: { ...counts } });
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, projects.length) }, worker));
  const targets = results.map((r, i) => r ?? skipped<T>(projects[i]!.target.name));
  return { ok: targets.every((t) => t.ok), targets };
}

/** The error kind that decides a fleet run's exit code: the first failed target's, in target order. */
export function fleetExitKind(result: FleetResult): ErrorKind | undefined {
  return result.targets.find((t) => t.status === 'failed')?.error?.kind;
}

function skipped<T>(target: string): FleetTargetResult<T> {
  return { target, status: 'skipped', ok: false, from: [], current: [], steps: [], durationMs: 0 };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/**
 * The heads before and after, and the steps, of an operation's result: a run result has `steps`
 * and `current`; `current` and `check` have `current` only.
 */
function summarise(value: unknown): Pick<FleetTargetResult, 'from' | 'current' | 'steps' | 'warnings'> {
  const shape = (value ?? {}) as { steps?: unknown; current?: unknown; warnings?: unknown };
  const current = Array.isArray(shape.current) ? (shape.current as string[]) : [];
  const steps = Array.isArray(shape.steps) ? (shape.steps as StepResult[]) : [];
  const warnings = Array.isArray(shape.warnings) && shape.warnings.length > 0 ? { warnings: shape.warnings as string[] } : {};
  return { from: headsBefore(current, steps), current, steps, ...warnings };
}

/** The heads before `steps`: undo each step's move on the heads after it, last step first. */
export function headsBefore(after: readonly string[], steps: readonly StepResult[]): string[] {
  const heads = new Set(after);
  for (const step of [...steps].reverse()) {
    for (const rev of step.to) heads.delete(rev);
    for (const rev of step.from) heads.add(rev);
  }
  return [...heads];
}

/** A failure as a fleet result records it: RetortErrors keep their code and fields. */
export function fleetError(error: unknown): FleetError {
  if (isRetortError(error)) {
    return { code: error.code, kind: error.kind, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }), fields: error.fields };
  }
  // Not a RetortError: a bug or an unexpected driver failure; it counts as a failed migration.
  return { code: 'InternalError', kind: 'migration', message: error instanceof Error ? error.message : String(error), fields: {} };
}
