/**
 * `upgrade`, `downgrade`, `stamp`.
 */
import { createRetort } from '../../api/retort.js';
import type { RunResult } from '../../api/results.js';
import type { CommandContext } from '../context.js';
import { runJson } from '../format.js';
import { catchSignals } from '../signals.js';
import { RUN_V8_FLAGS } from '../process-flags.js';
import { setV8Flag } from '../../util/v8-flags.js';

/** Collect the old generation sooner during runs (cli/process-flags.ts's RUN_V8_FLAGS says why). */
function collectSooner(): void {
  for (const flag of RUN_V8_FLAGS) setV8Flag(flag.set);
}

function print(ctx: CommandContext, result: RunResult, verb: string): void {
  if (result.sql !== undefined && !ctx.json) {
    // Offline: the SQL is the result, on stdout, ready for `> deploy.sql`.
    process.stdout.write(result.sql);
    return;
  }
  if (result.note !== undefined && !ctx.json) ctx.output.warn(result.note);
  if (!ctx.json) for (const warning of result.warnings ?? []) ctx.output.warn(warning);
  ctx.output.result({
    ...runJson(result),
    ...(result.versionTableCreated === undefined ? {} : { versionTableCreated: result.versionTableCreated }),
    ...(result.sql === undefined ? {} : { sql: result.sql }),
    ...(result.note === undefined ? {} : { note: result.note }),
    ...(result.warnings === undefined ? {} : { warnings: result.warnings }),
  }, () => {
    const at = result.current.length === 0 ? 'base (no revision)' : result.current.join(', ');
    const created = result.versionTableCreated === undefined ? [] : [`Created the version table ${result.versionTableCreated}.`];
    return [...created, result.steps.length === 0 ? `Nothing to ${verb}: the database is at ${at}.` : `Done: the database is now at ${at}.`];
  });
}

/** `retort upgrade [TARGET] [--sql] [--tag T]` */
export async function upgrade(ctx: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  collectSooner();
  // SIGINT/SIGTERM stop the run after the statement in flight, with its state recorded.
  const signals = catchSignals(ctx.output);
  try {
    const result = await createRetort({ ...ctx.options, signal: signals.signal }).upgrade(String(args[0] ?? 'head'), {
      sql: options.sql === true,
      ...(typeof options.tag === 'string' ? { tag: options.tag } : {}),
    });
    print(ctx, result, 'upgrade');
  } finally {
    signals.dispose();
  }
}

/** `retort downgrade TARGET [--sql] [--tag T]` */
export async function downgrade(ctx: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  collectSooner();
  // SIGINT/SIGTERM stop the run after the statement in flight, with its state recorded.
  const signals = catchSignals(ctx.output);
  try {
    const result = await createRetort({ ...ctx.options, signal: signals.signal }).downgrade(String(args[0]), {
      sql: options.sql === true,
      ...(typeof options.tag === 'string' ? { tag: options.tag } : {}),
    });
    print(ctx, result, 'downgrade');
  } finally {
    signals.dispose();
  }
}

/** `retort stamp REV... [--purge] [--sql]` */
export async function stamp(ctx: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  const revisions = (args[0] as string[]).map(String);
  const result = await createRetort(ctx.options).stamp(revisions, { purge: options.purge === true, sql: options.sql === true });
  print(ctx, result, 'stamp');
}
