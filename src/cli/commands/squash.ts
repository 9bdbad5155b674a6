/**
 * `retort squash FROM:TO -m MSG`: print what the library's squash did.
 */
import { relative } from 'node:path';
import { createRetort } from '../../api/retort.js';
import type { CommandContext } from '../context.js';

const shown = (path: string) => relative(process.cwd(), path) || path;

/** `retort squash FROM:TO -m MSG [--rev-id ID] [--keep-data]` */
export async function squash(ctx: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  const result = await createRetort(ctx.options).squash(String(args[0] ?? ''), {
    message: typeof options.message === 'string' ? options.message : '',
    ...(typeof options.revId === 'string' ? { revId: options.revId } : {}),
    keepData: options.keepData === true,
  });
  for (const warning of result.warnings) ctx.output.warn(warning);
  ctx.output.result(result, () => [
    `Generating ${shown(result.file)} ... done`,
    `${result.revision} replaces ${result.replaces.length} revisions (${result.replaces[0]} .. ${result.replaces[result.replaces.length - 1]}); the catalog it builds was compared with the range's on scratch databases: equal.`,
    `Removed ${result.removed.length} revision files (git keeps them).`,
    ...(result.children.length === 0 ? [] : [`${result.children.join(', ')} now stand(s) on ${result.revision} (their files are unchanged: the graph reads ${result.replaces[result.replaces.length - 1]} as ${result.revision}).`]),
    `A database at ${result.replaces[result.replaces.length - 1]} is at ${result.revision}; one inside the range must first be upgraded to ${result.replaces[result.replaces.length - 1]} with the old files.`,
  ]);
}
