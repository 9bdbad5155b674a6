/**
 * `init`, `list-templates`, `revision`, `merge`, and the autogenerate seams `check` and `pull`.
 */
import { relative, resolve } from 'node:path';
import { createRetort } from '../../api/retort.js';
import type { RevisionOptions } from '../../api/authoring.js';
import type { RevisionFileResult } from '../../api/results.js';
import { initProject, listTemplates as templates } from '../../script/templates.js';
import type { CommandContext } from '../context.js';

function printRevision(ctx: CommandContext, result: RevisionFileResult): void {
  ctx.output.result(result, () => `Generating ${result.path} ... done`);
}

/** `retort init [DIR] [--template NAME]` */
export async function init(ctx: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  const dir = resolve(String(args[0] ?? '.'));
  const result = initProject(dir, String(options.template ?? 'default'));
  ctx.output.result({ dir, files: result.files }, () => [
    ...result.files.map((file) => `Creating ${relative(process.cwd(), file) || file} ... done`),
    `Edit ${relative(process.cwd(), resolve(dir, 'retort.config.ts')) || 'retort.config.ts'} to point at your database (and, if you prefer 0001-style or date ids to random ones, set \`revisionIds\` there), then \`retort revision -m "..."\`.`,
  ]);
}

/** `retort list-templates` */
export async function listTemplates(ctx: CommandContext): Promise<void> {
  const list = templates();
  ctx.output.result({ templates: list.map((t) => ({ name: t.name, description: t.description })) }, () => [
    'Available templates:',
    '',
    ...list.map((t) => `${t.name} - ${t.description}`),
    '',
    'Templates are used via `retort init --template NAME [DIR]`.',
  ]);
}

/** `retort revision -m MSG ...` */
export async function revision(ctx: CommandContext, _args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  const revisionOptions: RevisionOptions = {
    message: String(options.message ?? ''),
    ...(typeof options.head === 'string' ? { head: options.head } : {}),
    splice: options.splice === true,
    ...(typeof options.branchLabel === 'string' ? { branchLabel: options.branchLabel } : {}),
    ...(Array.isArray(options.dependsOn) ? { dependsOn: options.dependsOn as string[] } : {}),
    ...(typeof options.revId === 'string' ? { revId: options.revId } : {}),
    ...(typeof options.versionPath === 'string' ? { versionPath: options.versionPath } : {}),
    ...(options.sqlFile === true ? { format: 'sql' as const } : {}),
  };
  if (options.autogenerate === true) {
    const { autogenerateRevision } = await import('./autogenerate.js');
    await autogenerateRevision(ctx, { ...revisionOptions, allowEmptySchema: options.allowEmptySchema === true });
    return;
  }
  printRevision(ctx, await createRetort(ctx.options).revision(revisionOptions));
}

/** `retort merge REVS... -m MSG` */
export async function merge(ctx: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  const result = await createRetort(ctx.options).merge((args[0] as string[]).map(String), {
    message: String(options.message ?? ''),
    ...(typeof options.branchLabel === 'string' ? { branchLabel: options.branchLabel } : {}),
    ...(typeof options.revId === 'string' ? { revId: options.revId } : {}),
  });
  printRevision(ctx, result);
}

/** `retort check` */
export async function check(ctx: CommandContext, _args: readonly unknown[], options: Record<string, unknown>): Promise<number> {
  const { runCheck } = await import('./autogenerate.js');
  return runCheck(ctx, options.strict === true);
}

/** `retort pull [--out FILE]` */
export async function pull(ctx: CommandContext, _args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  const { runPull } = await import('./autogenerate.js');
  await runPull(ctx, typeof options.out === 'string' ? options.out : undefined, options.force === true);
}
