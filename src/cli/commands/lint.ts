/**
 * `retort lint [RANGE] [--since REV | --pending]`: prints each finding as `file:line rule (severity)`, the
 * operation, the reason and the fix; acknowledged ones with the script's reason. Exit 3 when a
 * finding is not acknowledged, 0 otherwise.
 */
import { relative, isAbsolute } from 'node:path';
import { createRetort } from '../../api/retort.js';
import type { LintFinding } from '../../lint/types.js';
import { EXIT_CODES } from '../../errors.js';
import type { CommandContext } from '../context.js';

/** A path relative to the working directory when it is inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function lines(f: LintFinding): string[] {
  return [
    `${shown(f.file)}:${f.line} ${f.rule} (${f.severity}) ${f.direction === 'downgrade' ? 'in the downgrade: ' : ''}${f.operation}`,
    `  ${f.message}`,
    ...(f.acknowledged === undefined ? [`  fix: ${f.fix}`] : [`  acknowledged: ${f.acknowledged}`]),
  ];
}

/** `retort lint [RANGE] [--since REV | --pending] [--json]` */
export async function lint(ctx: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<number> {
  const range = typeof args[0] === 'string' ? args[0] : undefined;
  const result = await createRetort(ctx.options).lint({
    ...(range === undefined ? {} : { range }),
    ...(typeof options.since === 'string' ? { since: options.since } : {}),
    ...(options.pending === true ? { pending: true } : {}),
  });
  const json = {
    findings: result.findings, acknowledged: result.acknowledged, revisions: result.revisions, dialect: result.dialect,
    ...(result.current === undefined ? {} : { current: result.current }),
  };
  const at = result.current === undefined ? '' : ` pending on a database at ${result.current.length === 0 ? 'base' : result.current.join(', ')}`;
  ctx.output.result(json, () => [
    ...result.findings.flatMap(lines),
    ...result.acknowledged.flatMap(lines),
    `${result.findings.length} finding(s), ${result.acknowledged.length} acknowledged, in ${result.revisions} revision(s)${at} (${result.dialect} rules).`,
  ]);
  return result.findings.length === 0 ? EXIT_CODES.ok : EXIT_CODES.check;
}
