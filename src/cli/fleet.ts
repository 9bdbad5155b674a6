/**
 * `--all-targets`: a command run on every target of the config through the fleet runner, with
 * `--concurrency N` and `--fail-fast`, progress on stderr, and a summary at the end (per target:
 * from which revisions to which, how long, ok or failed and why). The exit code is 0 when every
 * target succeeded, else the exit code of the first failed target's error kind, in the order of
 * the config (so the same failures give the same code whatever the timing).
 */
import type { Command } from 'commander';
import { DEFAULT_FLEET_CONCURRENCY, fleetExitKind, runFleet, type FleetCounts, type FleetResult, type FleetTargetResult } from '../api/fleet.js';
import { checkOrFail, openFleet } from '../api/fleet-api.js';
import type { RetortOptions } from '../api/options.js';
import type { Project } from '../api/project.js';
import type { RevisionInfo } from '../api/results.js';
import { EXIT_CODES, RetortError } from '../errors.js';
import { printEvent, type CommandContext } from './context.js';
import { fleetProgress, targetLine } from './fleet-progress.js';
import { catchSignals } from './signals.js';
import { historyLine, runJson, shortLine } from './format.js';

type Operation = (project: Project) => Promise<unknown>;

/** The options of the fleet run, from the global options. */
function fleetSettings(command: Command): { concurrency: number; failFast: boolean } {
  const globals = command.optsWithGlobals<{ concurrency?: string; failFast?: boolean }>();
  const raw = globals.concurrency;
  const concurrency = raw === undefined ? DEFAULT_FLEET_CONCURRENCY : Number(raw);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RetortError('BadArgument', `--concurrency must be a whole number of at least 1, got '${raw}'.`, {
      fields: { option: 'concurrency', value: raw },
      hint: `Pass for example --concurrency ${DEFAULT_FLEET_CONCURRENCY}.`,
    });
  }
  return { concurrency, failFast: globals.failFast === true };
}

/** The per-target operation of `command`; commands that do not run per target are refused. */
async function operationOf(name: string, args: readonly unknown[], options: Record<string, unknown>, run: RetortOptions): Promise<Operation> {
  if (options.sql === true) {
    throw new RetortError('BadArgument', `${name} --sql does not run per target.`, {
      fields: { command: name },
      hint: 'Print the SQL of one target at a time with --target NAME.',
    });
  }
  const tag = typeof options.tag === 'string' ? { tag: options.tag } : {};
  const migrate = await import('../api/migrate.js');
  const inspect = await import('../api/inspect.js');
  switch (name) {
    case 'upgrade': return (p) => migrate.upgrade(p, String(args[0] ?? 'head'), tag, run);
    case 'downgrade': return (p) => migrate.downgrade(p, String(args[0]), tag, run);
    case 'stamp': return (p) => migrate.stamp(p, (args[0] as string[]).map(String), { purge: options.purge === true }, run);
    case 'current': return (p) => inspect.current(p);
    case 'check': return (p) => checkOrFail(p, { strict: options.strict === true });
    case 'heads': return (p) => inspect.heads(p);
    case 'history': {
      const range = options.revRange as string | undefined;
      return (p) => inspect.history(p, { ...(range === undefined ? {} : { range }), indicateCurrent: options.indicateCurrent === true });
    }
    default:
      throw new RetortError('BadArgument', `\`${name}\` does not run per target: --all-targets works with upgrade, downgrade, stamp, current, check, history and heads.`, {
        fields: { command: name },
        hint: 'Name one target with --target NAME.',
      });
  }
}

/** Run `command` on every target and print the summary; resolves to the exit code. */
export async function runFleetCommand(ctx: CommandContext, command: Command, args: readonly unknown[], options: Record<string, unknown>): Promise<number> {
  const settings = fleetSettings(command);
  const progress = fleetProgress(ctx.output);
  // Ctrl-C: running targets stop after their statement in flight, no new target starts.
  const signals = catchSignals(ctx.output);
  const run: RetortOptions = {
    ...ctx.options,
    signal: signals.signal,
    // Several targets print at once: each step line names its target.
    onEvent: (event) => progress.line(() => printEvent(ctx.output, event, ctx.verbose, `[${event.target}] `)),
  };
  let result: FleetResult;
  const started = Date.now();
  try {
    const operation = await operationOf(command.name(), args, options, run);
    result = await runFleet(await openFleet(run), operation, { ...settings, signal: signals.signal, onProgress: (event) => progress.onEvent(event) });
  } finally {
    signals.dispose();
  }
  progress.finish(countsOf(result));
  // As a single target's run says them (commands/migrate.ts), each named with its target.
  if (!ctx.json) for (const t of result.targets) for (const warning of t.warnings ?? []) ctx.output.warn(`[${t.target}] ${warning}`);
  ctx.output.result(fleetJson(result), () => summary(result, Date.now() - started, command.name() === 'heads' ? shortLine : historyLine));
  if (result.ok) return EXIT_CODES.ok;
  const kind = fleetExitKind(result);
  return kind === undefined ? EXIT_CODES.migration : EXIT_CODES[kind];
}

function countsOf(result: FleetResult): FleetCounts {
  const failed = result.targets.filter((t) => t.status === 'failed').length;
  const skipped = result.targets.filter((t) => t.status === 'skipped').length;
  return { total: result.targets.length, done: result.targets.length - skipped, failed, running: 0, skipped };
}

/** `--json`: `{"targets": [{"target", "ok", "status", "from", "steps", "current", "durationMs", "error"?}], "ok"}`. */
export function fleetJson(result: FleetResult): Record<string, unknown> {
  return {
    targets: result.targets.map((t) => ({
      target: t.target,
      ok: t.ok,
      status: t.status,
      from: t.from,
      ...runJson({ target: t.target, steps: t.steps, current: t.current }),
      ...(t.warnings === undefined ? {} : { warnings: t.warnings }),
      durationMs: t.durationMs,
      ...(revisionsOf(t) === undefined ? {} : { revisions: revisionsOf(t)!.map((r) => r.revision) }),
      ...(t.error === undefined ? {} : { error: { code: t.error.code, message: t.error.message, ...(t.error.hint === undefined ? {} : { hint: t.error.hint }), ...t.error.fields } }),
    })),
    ok: result.ok,
  };
}

/** The revisions a `history` / `heads` result lists. */
function revisionsOf(t: FleetTargetResult): readonly RevisionInfo[] | undefined {
  return Array.isArray(t.value) ? (t.value as RevisionInfo[]) : undefined;
}

/** The text summary: one line per target, listings (history, heads) under their target's name. */
function summary(result: FleetResult, ms: number, listLine: (r: RevisionInfo) => string): string[] {
  const counts = countsOf(result);
  const width = Math.max(...result.targets.map((t) => t.target.length), 6);
  const lines: string[] = [];
  for (const t of result.targets) {
    const revisions = revisionsOf(t);
    if (revisions === undefined) continue;
    lines.push(`== ${t.target}`, ...revisions.map(listLine), '');
  }
  lines.push(`Summary: ${counts.total} target${counts.total === 1 ? '' : 's'}, ${counts.done - counts.failed} ok, ${counts.failed} failed, ${counts.skipped} skipped (${(ms / 1000).toFixed(1)} s)`);
  for (const t of result.targets) lines.push(`  ${t.target.padEnd(width)}  ${targetLine(t)}`);
  return lines;
}
