/**
 * `current`, `history`, `heads`, `branches`, `show`.
 */
import { createRetort } from '../../api/retort.js';
import type { RevisionInfo } from '../../api/results.js';
import type { CommandContext } from '../context.js';
import { historyLine, shortLine, verboseBlock } from '../format.js';
import { GRAPH_FORMATS, graphText, type GraphFormat } from '../graph-text.js';
import { RetortError } from '../../errors.js';

function lines(ctx: CommandContext, revisions: readonly RevisionInfo[], short: (r: RevisionInfo) => string): string[] {
  return revisions.map((r) => (ctx.verbose ? verboseBlock(r) : short(r)));
}

/** `retort current` */
export async function current(ctx: CommandContext): Promise<void> {
  const result = await createRetort(ctx.options).current();
  ctx.output.result({ current: result.current, ...(result.effectiveHeads.length === 0 ? {} : { effectiveHeads: result.effectiveHeads }) }, () =>
    result.revisions.length === 0 ? '(no revision: the database is at base)' : lines(ctx, result.revisions, shortLine));
}

/** `retort history [-r RANGE] [-i]` */
export async function history(ctx: CommandContext, _args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  const range = options.revRange as string | undefined;
  const revisions = await createRetort(ctx.options).history({
    ...(range === undefined ? {} : { range }),
    indicateCurrent: options.indicateCurrent === true,
  });
  ctx.output.result({ revisions: revisions.map(historyJson) }, () => lines(ctx, revisions, historyLine));
}

/** `retort heads` */
export async function heads(ctx: CommandContext): Promise<void> {
  const revisions = await createRetort(ctx.options).heads();
  ctx.output.result({ heads: revisions.map((r) => r.revision) }, () => lines(ctx, revisions, shortLine));
}

/** `retort branches` */
export async function branches(ctx: CommandContext): Promise<void> {
  const revisions = await createRetort(ctx.options).branches();
  ctx.output.result({ branches: revisions.map(historyJson) }, () =>
    revisions.map((r) => (ctx.verbose ? verboseBlock(r) : `${historyLine(r)}\n${r.nextRevisions.map((n) => `    -> ${n}`).join('\n')}`)));
}

/** `retort show REV` */
export async function show(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const revisions = await createRetort(ctx.options).show(String(args[0]));
  ctx.output.result({ revisions: revisions.map(historyJson) }, () => revisions.map(verboseBlock));
}

/** `retort graph [--format mermaid|dot]` */
export async function graph(ctx: CommandContext, _args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  const format = String(options.format ?? 'mermaid');
  if (!(GRAPH_FORMATS as readonly string[]).includes(format)) {
    throw new RetortError('BadArgument', `Unknown graph format '${format}'.`, { fields: { format }, hint: `Pass --format ${GRAPH_FORMATS.join(' or ')}.` });
  }
  const revisions = await createRetort(ctx.options).history();
  const text = graphText(revisions, format as GraphFormat);
  ctx.output.result({ format, text, revisions: revisions.map(historyJson) }, () => text);
}

/** The contract's JSON shape of one revision. */
function historyJson(r: RevisionInfo): Record<string, unknown> {
  return {
    revision: r.revision,
    downRevisions: r.downRevisions,
    message: r.message,
    branchLabels: r.branchLabels,
    dependsOn: r.dependsOn,
    isHead: r.isHead,
    isBranchPoint: r.isBranchPoint,
    isMergePoint: r.isMergePoint,
    path: r.path,
    ...(r.isCurrent === undefined ? {} : { isCurrent: r.isCurrent }),
  };
}
