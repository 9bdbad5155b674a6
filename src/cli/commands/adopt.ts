/**
 * `adopt --from TOOL` and `baseline`: print what the library's baseline did (or, with `--sql`,
 * would do). The JSON carries the contract's fields: `revision`, `file`, `stamped`, `from`.
 */
import { relative } from 'node:path';
import type { BaselineResult } from '../../api/baseline.js';
import { createRetort } from '../../api/retort.js';
import type { CommandContext } from '../context.js';
import { unmodelledLines } from '../unmodelled.js';

function baselineOptions(options: Record<string, unknown>) {
  return { ...(typeof options.message === 'string' ? { message: options.message } : {}), sql: options.sql === true, ...(typeof options.lockTimeout === 'number' ? { lockTimeout: options.lockTimeout } : {}) };
}

/** `retort baseline [-m MSG] [--sql]` */
export async function baseline(ctx: CommandContext, _args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  print(ctx, await createRetort(ctx.options).baseline(baselineOptions(options)));
}

/** `retort adopt --from TOOL [-m MSG] [--sql]` */
export async function adopt(ctx: CommandContext, _args: readonly unknown[], options: Record<string, unknown>): Promise<void> {
  const scripts = typeof options.alembicScripts === 'string' ? { alembicScripts: options.alembicScripts } : {};
  print(ctx, await createRetort(ctx.options).adopt(String(options.from ?? ''), { ...baselineOptions(options), ...scripts }));
}

const shown = (path: string) => relative(process.cwd(), path) || path;

/** `adopt --alembic-scripts`: the converted files, the rows stamped, and what is left to port. */
function convertedLines(result: BaselineResult, revisions: NonNullable<BaselineResult['revisions']>): string[] {
  const rows = result.stamped.length === 0 ? 'base (alembic_version is empty)' : result.stamped.join(', ');
  if (!result.written) {
    return [`-- would convert ${revisions.length} Alembic script(s):`, '', result.script ?? '', '', '-- would stamp the database:', result.sql ?? ''];
  }
  return [
    ...revisions.map((r) => `Converted ${shown(r.source)} -> ${shown(r.file)}`),
    ...(result.schemaModule === undefined ? [] : [`Wrote the schema module ${shown(result.schemaModule)} from the database.`]),
    `Stamped the database at ${rows}, as alembic_version holds it.`,
    'The bodies are stubs that throw UnportedRevision, with the Python in a comment: port those a database built from scratch must run.',
  ];
}

function print(ctx: CommandContext, result: BaselineResult): void {
  for (const warning of result.warnings) ctx.output.warn(warning.message);
  ctx.output.result(result, () => {
    const lines: string[] = [];
    if (result.tool !== undefined) {
      const t = result.tool;
      const at = t.latest.length === 0 ? 'no migration recorded' : `at ${t.latest.join(', ')}`;
      lines.push(`Found ${t.table}: ${t.rows} row(s), ${at}.`);
      if (t.failed > 0) lines.push(`Warning: ${t.table} records ${t.failed} failed or unfinished migration(s): the schema may be half-way through one. Check it before relying on the baseline.`);
    }
    if (result.revisions !== undefined) lines.push(...convertedLines(result, result.revisions));
    else if (!result.written) {
      lines.push(`-- would write ${shown(result.file)} (${result.tables.length} tables):`, '', result.script ?? '', '', '-- would stamp the database:', result.sql ?? '');
    } else {
      lines.push(`Generating ${shown(result.file)} (${result.tables.length} tables) ... done`);
      if (result.schemaModule !== undefined) lines.push(`Wrote the schema module ${shown(result.schemaModule)} from the database.`);
      lines.push(`Stamped the database at ${result.stamped.join(', ')}.`);
    }
    if (result.tool !== undefined) {
      lines.push(`${result.tool.table} was left in place. Once you no longer need to go back to the old tool, drop: ${result.tool.tables.join(', ')}.`);
    }
    return [...lines, ...unmodelledLines(result.unmodelled, 'not in the baseline', ctx.output.options.verbose)];
  });
}
