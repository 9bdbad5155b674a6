/**
 * `history --applied`, `accept REV`, `resolve REV --applied|--rolled-back`: the history table as
 * a user reads and acts on it.
 */
import type { HistoryRow } from '../../runtime/history-table.js';
import { createRetort } from '../../api/retort.js';
import { RetortError } from '../../errors.js';
import type { CommandContext } from '../context.js';

/** `retort history [--applied]`: the history table's rows with --applied, else the graph's history. */
export async function history(ctx: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  if (options.applied !== true) return (await import('./graph.js')).history(ctx, args, options);
  const result = await createRetort(ctx.options).appliedHistory();
  ctx.output.result({ applied: result.applied }, () =>
    result.applied.length === 0 ? '(no history: nothing has run on this database yet)' : result.applied.map((row) => appliedLine(row, ctx.verbose)));
}

/** `2026-01-31T12:00:00.000Z  up     1f2a3b4c5d6e  ok  3 statements  12 ms  postgres@10.0.0.5  sha256 ab12cd34ef56` */
function appliedLine(row: HistoryRow, verbose: boolean): string {
  const parts = [
    row.startedAt ?? '(no time)',
    row.direction.padEnd(5),
    row.revision,
    row.status,
    `${row.statements} statement(s)`,
    row.durationMs === null ? '(offline)' : `${row.durationMs} ms`,
    `${row.dbUser ?? '?'}@${row.dbHost ?? '?'}`,
    row.checksum === null ? '' : `sha256 ${verbose ? row.checksum : row.checksum.slice(0, 12)}`,
  ];
  const line = parts.filter((p) => p !== '').join('  ');
  return row.error === null ? line : `${line}\n    error: ${row.error.split('\n')[0]}`;
}

/** `retort accept REV` */
export async function accept(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const result = await createRetort(ctx.options).accept(String(args[0]));
  ctx.output.result(result, () =>
    `Accepted ${result.revision} (${result.file}): recorded sha256 ${result.checksum}${result.previous === null ? '' : ` (was ${result.previous})`}.`);
}

/** `retort resolve REV --applied | --rolled-back` */
export async function resolve(ctx: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  const applied = options.applied === true;
  const rolledBack = options.rolledBack === true;
  if (applied === rolledBack) {
    throw new RetortError('BadArgument', 'resolve needs exactly one of --applied (the revision\'s effect is complete) and --rolled-back (you undid it).', {
      fields: { revision: String(args[0]) },
      hint: `retort resolve ${String(args[0])} --applied   or   retort resolve ${String(args[0])} --rolled-back`,
    });
  }
  const result = await createRetort(ctx.options).resolve(String(args[0]), applied ? 'applied' : 'rolled-back');
  ctx.output.result(result, () => {
    const at = result.current.length === 0 ? 'base (no revision)' : result.current.join(', ');
    return `Resolved ${result.revision} as ${result.resolution}: the database is at ${at}.`;
  });
}
