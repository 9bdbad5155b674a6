/**
 * What the history says about the database's integrity, checked before a run changes anything:
 * a revision that failed half-way and was never resolved, and applied revisions whose file has
 * changed since it ran. Both read the history table only; files are hashed only for revisions the
 * database holds and the history has a checksum of, so a database without history costs one
 * catalog lookup.
 */
import type { Dialect } from '../dialects/dialect.js';
import { RetortError } from '../errors.js';
import type { RevisionGraph } from '../script/graph/index.js';
import type { Channel } from './channel.js';
import { fileChecksum, type HistoryRow, type HistoryTableRef } from './history-table.js';

/** An applied revision whose file differs from the one that ran. */
export interface ChecksumMismatch {
  readonly revision: string;
  readonly file: string;
  /** The sha256 the history recorded (when it ran, was stamped, or was last accepted). */
  readonly recorded: string;
  /** The sha256 of the file now. */
  readonly actual: string;
}

/** Statuses after which a revision's recorded checksum is the file the database reflects. */
const TRUSTED = new Set(['ok', 'accepted', 'resolved-applied']);

/** The last row of each revision, by id. */
export function latestRows(rows: readonly HistoryRow[]): Map<string, HistoryRow> {
  const latest = new Map<string, HistoryRow>();
  for (const row of rows) latest.set(row.revision, row);
  return latest;
}

/**
 * True for a row that leaves the database in a state no one has vouched for: a revision that
 * failed with statements committed, or one still `running`. A `running` row under the caller's
 * run lock belongs to a run that ended without finishing (killed, connection lost, lock lost),
 * and whatever its count says, the statement it was running may have committed on the server
 * after the client was gone: never clean, even with 0 statements recorded.
 */
export function isUnresolved(row: HistoryRow): boolean {
  return row.status === 'running' || (row.status === 'failed' && row.statements > 0);
}

/** The resolve command for `revision`, with `--target` when the config has several. */
function resolveCommand(revision: string, target: string, how: 'applied' | 'rolled-back'): string {
  return `retort resolve ${revision} --${how}${target === 'default' ? '' : ` --target ${target}`}`;
}

/** What the database's version table says about `revision`, read now, for messages that must be true. */
export interface VersionTruth {
  readonly graph: RevisionGraph;
  /** The heads the version table holds now. */
  readonly heads: readonly string[];
}

/**
 * What an unresolved row says, in words that match the row: a `running` row is called running
 * (not failed), its count is what certainly committed, and the statement after it may have.
 */
export function describeUnresolved(row: HistoryRow, truth: VersionTruth | undefined): { text: string; mayHaveCommitted: number | null; versionTableClaims: boolean | null } {
  const verb = row.direction === 'down' ? 'downgrade' : 'upgrade';
  const id = `history row ${row.id}${row.startedAt === null ? '' : `, started ${row.startedAt}`}`;
  const claims = truth === undefined ? null : appliedRevisions(truth.graph, truth.heads).has(row.revision);
  const holds = truth === undefined ? '' : ` (it holds ${truth.heads.length === 0 ? 'no revision: base' : truth.heads.join(', ')})`;
  const version = claims === null ? '' : ` The version table ${claims ? 'claims' : 'does not claim'} ${row.revision}${holds}.`;
  if (row.status === 'running') {
    const next = row.statements + 1;
    return {
      text: `Revision ${row.revision} did not finish its ${verb}: its history row (${id}) still says 'running', and no run holds it ` +
        `(the run that wrote it was killed or lost its connection or lock). ${row.statements} statement(s) of it committed for certain, ` +
        `and statement ${next} may have committed too (the server can finish a statement after its client is gone).${version}`,
      mayHaveCommitted: next,
      versionTableClaims: claims,
    };
  }
  return {
    text: `Revision ${row.revision} failed during ${verb} with ${row.statements} statement(s) committed (${id} says '${row.status}'), and is not resolved.${version}`,
    mayHaveCommitted: null,
    versionTableClaims: claims,
  };
}

/** @throws RetortError `UnresolvedFailure` (exit 2) naming the first unresolved revision. */
export function assertNoUnresolvedFailure(rows: readonly HistoryRow[], target: string, truth?: VersionTruth): void {
  const unresolved = [...latestRows(rows).values()].filter(isUnresolved);
  const row = unresolved[0];
  if (row === undefined) return;
  const verb = row.direction === 'down' ? 'downgrade' : 'upgrade';
  const said = describeUnresolved(row, truth);
  throw new RetortError(
    'UnresolvedFailure',
    `${said.text} Nothing was run. Check the database by hand and finish or undo the revision, then run ` +
      `\`${resolveCommand(row.revision, target, 'applied')}\` if its effect is complete, or \`${resolveCommand(row.revision, target, 'rolled-back')}\` if none of it remains.`,
    {
      fields: {
        revision: row.revision,
        direction: row.direction,
        status: row.status,
        statementsApplied: row.statements,
        statementMayHaveCommitted: said.mayHaveCommitted,
        versionTableClaims: said.versionTableClaims,
        failedAt: row.startedAt,
        failure: row.error,
        historyId: row.id,
        others: unresolved.slice(1).map((r) => r.revision),
      },
      hint: `\`retort history --applied\` shows what happened. ${verb === 'upgrade' ? 'After --rolled-back, the version table is set back to before the revision (if it had moved) and the fixed revision runs again on the next upgrade.' : ''}`.trim(),
    },
  );
}

/** Every revision the heads stand on: the heads, their parents and dependencies, transitively. */
export function appliedRevisions(graph: RevisionGraph, heads: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...heads];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    const revision = graph.get(id);
    if (revision === undefined) continue;
    seen.add(revision.revision);
    stack.push(...revision.downRevisions, ...revision.dependsOn);
  }
  return seen;
}

/** The recorded checksum of each revision: its last row whose status vouches for the file. */
export function recordedChecksums(rows: readonly HistoryRow[]): Map<string, string> {
  const recorded = new Map<string, string>();
  for (const row of rows) if (row.checksum !== null && TRUSTED.has(row.status)) recorded.set(row.revision, row.checksum);
  return recorded;
}

/** Applied revisions whose file's sha256 is not the one the history recorded. */
export async function findChecksumMismatches(graph: RevisionGraph, heads: readonly string[], rows: readonly HistoryRow[]): Promise<ChecksumMismatch[]> {
  const recorded = recordedChecksums(rows);
  if (recorded.size === 0) return [];
  const applied = appliedRevisions(graph, heads);
  const checks = [...recorded].filter(([revision]) => applied.has(revision)).map(async ([revision, hash]) => {
    const file = graph.get(revision)?.path;
    if (file === undefined) return undefined;
    const actual = await fileChecksum(file).catch(() => undefined);
    return actual === undefined || actual === hash ? undefined : { revision, file, recorded: hash, actual };
  });
  return (await Promise.all(checks)).filter((m): m is ChecksumMismatch => m !== undefined);
}

/** @throws RetortError `ChecksumMismatch` (exit 2) naming each changed file and both hashes. */
export function assertNoChecksumMismatch(mismatches: readonly ChecksumMismatch[], target: string): void {
  if (mismatches.length === 0) return;
  const lines = mismatches.map((m) => `  ${m.revision} (${m.file}): recorded ${m.recorded}, now ${m.actual}`);
  const first = mismatches[0]!.revision;
  throw new RetortError(
    'ChecksumMismatch',
    `${mismatches.length} applied revision(s) changed since they ran: nothing was run.\n${lines.join('\n')}`,
    {
      fields: { mismatches: mismatches.map((m) => ({ ...m })), revision: first, file: mismatches[0]!.file },
      hint: `Restore the file as it was, or, once someone has checked that the database matches the new file, \`retort accept ${first}${target === 'default' ? '' : ` --target ${target}`}\`.`,
    },
  );
}

/** Read the history and refuse a run over an unresolved failure or a changed applied revision. */
export async function preflight(args: {
  readonly dialect: Dialect;
  readonly channel: Channel;
  readonly table: HistoryTableRef;
  readonly graph: RevisionGraph;
  readonly heads: readonly string[];
  readonly target: string;
  readonly rows: readonly HistoryRow[];
  /** Checksums are checked for upgrades (downgrades undo what the old file did). */
  readonly checksums: boolean;
}): Promise<void> {
  if (args.rows.length === 0) return;
  // A `running` row stays as its run left it: the refusal below names it, and `resolve` closes it.
  const rows = args.rows;
  assertNoUnresolvedFailure(rows, args.target, { graph: args.graph, heads: args.heads });
  if (args.checksums) assertNoChecksumMismatch(await findChecksumMismatches(args.graph, args.heads, rows), args.target);
}
