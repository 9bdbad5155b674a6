/**
 * `revision --autogenerate`, `check` and `pull`: the schema module compared with the live database.
 * A possible rename (a dropped and an added column alike) is asked about in a terminal; without
 * one it stays a drop and an add, with a loud warning, so CI never hangs on a prompt.
 */
import { createInterface } from 'node:readline/promises';
import type { RevisionOptions } from '../../api/authoring.js';
import type { UnresolvedRevision } from '../../api/integrity.js';
import { createRetort } from '../../api/retort.js';
import type { RenameCandidate, RenameDecision } from '../../autogen/types.js';
import { EXIT_CODES } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { unmodelledLines } from '../unmodelled.js';

async function askRenames(candidates: readonly RenameCandidate[]): Promise<readonly RenameDecision[]> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const decisions: RenameDecision[] = [];
    for (const c of candidates) {
      if (decisions.some((d) => d.table === c.table && (d.from === c.from || d.to === c.to))) continue;
      const answer = await rl.question(`Column ${c.table}.${c.from} is gone and ${c.table}.${c.to} is new, with the same type. Was it renamed? [y/N] `);
      if (/^y(es)?$/i.test(answer.trim())) decisions.push(c);
    }
    return decisions;
  } finally {
    rl.close();
  }
}

/** `retort revision --autogenerate -m MSG` */
export async function autogenerateRevision(ctx: CommandContext, revisionOptions: RevisionOptions & { allowEmptySchema?: boolean }): Promise<void> {
  const retort = createRetort(ctx.options);
  // Only a person at a terminal is asked; otherwise a look-alike drop and add stay as they are,
  // with the warning below, so CI never waits on a prompt.
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true && !ctx.json;
  const result = await retort.autogenerate({ ...revisionOptions, ...(interactive ? { decideRenames: askRenames } : {}) });
  for (const warning of result.diff.warnings) {
    if (warning.direction === 'upgrade') ctx.output.warn(warning.message);
  }
  ctx.output.result(
    { revision: result.revision, path: result.path, downRevisions: result.downRevisions, message: result.message, empty: result.empty, operations: result.diff.upgrade, warnings: result.diff.warnings, unmodelled: result.unmodelled },
    () => [
      ...(result.empty ? ['No changes detected: the revision is empty.'] : result.diff.upgrade.map((op) => `Detected ${describeOp(op)}`)),
      `Generating ${result.path} ... done`,
      ...unmodelledLines(result.unmodelled, 'neither compared nor written', ctx.output.options.verbose),
    ],
  );
}

function describeOp(op: { kind: string; table?: string; name?: string; column?: unknown }): string {
  const column = typeof op.column === 'string' ? `.${op.column}` : op.column && typeof op.column === 'object' && 'name' in op.column ? `.${String((op.column as { name: string }).name)}` : '';
  const subject = op.table ?? op.name ?? '';
  return `${op.kind} ${subject}${column}`.trim();
}

/**
 * `retort check`: exit 3 when the schema and the database differ or the database is not at head.
 * What the database holds beyond the model is named on every run; it makes the exit 3 only with
 * `--strict` (the schema module has no way to declare it, so by default it cannot "differ").
 */
export async function runCheck(ctx: CommandContext, strict = false): Promise<number> {
  const result = await createRetort(ctx.options).check({ strict });
  const json = { ok: result.ok, operations: result.operations, notAtHead: result.notAtHead, current: result.current, heads: result.heads, checksumMismatches: result.checksumMismatches, handWritten: result.handWritten, unresolved: result.unresolved, unmodelled: result.unmodelled };
  ctx.output.result(json, () => {
    const blind = unmodelledLines(result.unmodelled, 'not compared', ctx.output.options.verbose);
    if (result.ok) {
      return blind.length === 0 ? 'OK: the database is at head and matches the schema.'
        : ['OK: the database is at head and matches the schema in everything retort models.', ...blind];
    }
    const lines: string[] = result.unresolved.map(unresolvedLine);
    if (result.notAtHead) lines.push(`The database is at ${result.current.join(', ') || 'base'}, not at head (${result.heads.join(', ')}).`);
    for (const m of result.checksumMismatches) lines.push(`Revision ${m.revision} changed since it ran: ${m.file} was ${m.recorded}, is ${m.actual} (\`retort accept ${m.revision}\` once checked).`);
    if (result.operations.length > 0 || result.handWritten.length > 0) lines.push(`The schema differs from the database; autogenerate would write:`, '', result.rendered);
    if (strict && blind.length > 0) lines.push('With --strict, objects retort does not model fail the check.');
    return [...lines, ...blind];
  });
  return result.ok ? EXIT_CODES.ok : EXIT_CODES.check;
}

/** What `check` says of a revision whose failure blocks every `upgrade`, and what to run. */
function unresolvedLine(u: UnresolvedRevision): string {
  const verb = u.direction === 'down' ? 'downgrade' : 'upgrade';
  const state = u.status === 'running'
    ? `is \`running\` in the history with ${u.statements} statement(s) recorded: a run is in progress, or it died`
    : `failed during ${verb} with ${u.statements} statement(s) committed`;
  return `Revision ${u.revision} ${state}; every upgrade refuses until it is resolved. If no run is in progress: clean up by hand, then \`retort resolve ${u.revision} --applied\` if its effect is complete, or \`retort resolve ${u.revision} --rolled-back\` if you undid it (\`retort history --applied\` shows what happened).`;
}

/** `retort pull [--out FILE] [--force]` */
export async function runPull(ctx: CommandContext, out: string | undefined, force = false): Promise<void> {
  const result = await createRetort(ctx.options).pull({ ...(out === undefined ? {} : { out }), force });
  ctx.output.result(result, () => [
    `Wrote ${result.path} (${result.tables.length} tables).`,
    ...unmodelledLines(result.unmodelled, 'not written into the schema module', ctx.output.options.verbose),
  ]);
}
