/**
 * The history as a user acts on it: `history --applied` (read it), `accept REV` (a person checked
 * that the database matches an edited revision file: record the new hash), and
 * `resolve REV --applied | --rolled-back` (a person cleaned up after a revision that failed
 * half-way: say which way it ended). Each writing command takes the run lock, like a run.
 */
import type { Dialect } from '../dialects/dialect.js';
import { RetortError } from '../errors.js';
import type { Channel } from '../runtime/channel.js';
import { onlineChannel } from '../runtime/channel.js';
import { fileChecksum, insertHistorySql, readHistory, retortVersion, type HistoryDirection, type HistoryRow, type HistoryStatus } from '../runtime/history-table.js';
import { appliedRevisions, findChecksumMismatches, isUnresolved, latestRows, recordedChecksums, type ChecksumMismatch } from '../runtime/integrity.js';
import { readHeads, versionChangeSql } from '../runtime/version-table.js';
import { applyStep, type MigrationStep, type RevisionGraph } from '../script/graph/index.js';
import { withDatabase, type OpenDatabase } from './database.js';
import { historyTableOf } from './history-run.js';
import { ensureRunTables } from './run-tables.js';
import type { RetortOptions } from './options.js';
import type { Project } from './project.js';

/** The result of `history --applied`: the rows newest first. */
export interface AppliedHistoryResult {
  readonly target: string;
  readonly applied: readonly HistoryRow[];
}

/** The result of `accept`. */
export interface AcceptResult {
  readonly target: string;
  readonly revision: string;
  readonly file: string;
  /** The checksum the history had (null when it had none). */
  readonly previous: string | null;
  readonly checksum: string;
}

/** The result of `resolve`. */
export interface ResolveResult {
  readonly target: string;
  readonly revision: string;
  readonly resolution: 'applied' | 'rolled-back';
  /** The direction the failed run went. */
  readonly direction: 'up' | 'down';
  /** The heads the database holds afterwards. */
  readonly current: readonly string[];
}

/** accept and resolve write the history and the version table: under the run lock, like a run (and never during one). */
function lockOf(project: Project, run: RetortOptions) {
  return { lock: { timeoutSeconds: run.lockTimeout ?? project.target.lockTimeoutSeconds } };
}

/** The history rows, newest first (an empty list when the table does not exist; creates nothing). */
export async function appliedHistory(project: Project): Promise<AppliedHistoryResult> {
  return withDatabase(project.target, async ({ dialect, session }) => {
    const rows = await readHistory(dialect, session, historyTableOf(project.target));
    return { target: project.target.name, applied: rows.reverse() };
  });
}

/**
 * Run `body` in one transaction: these write a few rows (history, version table), which every
 * engine retort supports rolls back together, even MySQL's where DDL cannot be: all or nothing.
 */
async function atomically<T>(dialect: Dialect, channel: Channel, body: () => Promise<T>): Promise<T> {
  await channel.run(dialect.beginSql);
  try {
    const result = await body();
    await channel.run(dialect.commitSql);
    return result;
  } catch (error) {
    await channel.runUnguarded(dialect.rollbackSql).catch(() => undefined);
    throw error;
  }
}

/**
 * Record the current hash of an applied revision's file (a person decided the database matches
 * it). Refuses a revision the database does not hold: its hash is recorded when it runs.
 */
export async function accept(project: Project, spec: string, run: RetortOptions = {}): Promise<AcceptResult> {
  const graph = await project.graph();
  const revision = graph.resolve(spec);
  const checksum = await fileChecksum(revision.path);
  return withDatabase(project.target, async ({ dialect, session, compileContext, ensureHeld }) => {
    const channel = onlineChannel(session, { ensureHeld });
    await ensureRunTables({ dialect, session, channel, target: project.target, compileContext, createVersionTable: false });
    const heads = await readHeads(dialect, session, { name: project.target.versionTable, ...(project.target.dbSchema === undefined ? {} : { schema: project.target.dbSchema }) });
    if (!appliedRevisions(graph, heads).has(revision.revision)) {
      throw new RetortError('BadArgument', `Revision ${revision.revision} is not applied to this database (it is at ${heads.join(', ') || 'base'}): there is no hash to accept.`, {
        fields: { revision: revision.revision, current: heads },
        hint: 'A revision\'s hash is recorded when it runs; accept is for an applied revision whose file was edited.',
      });
    }
    const rows = await readHistory(dialect, session, historyTableOf(project.target));
    const previous = recordedChecksums(rows).get(revision.revision) ?? null;
    await channel.run(await row(dialect, project, { revision: revision.revision, direction: 'up', checksum, status: 'accepted', statements: 0 }));
    return { target: project.target.name, revision: revision.revision, file: revision.path, previous, checksum };
  }, lockOf(project, run));
}

/**
 * Close a failed (or dead `running`) revision after a person cleaned up by hand. `applied`: its
 * effect is complete, and the version table moves as if it had run (unless it already had moved);
 * `rolled-back`: the person undid it, and the version table stays.
 */
export async function resolve(project: Project, spec: string, resolution: 'applied' | 'rolled-back', run: RetortOptions = {}): Promise<ResolveResult> {
  const graph = await project.graph();
  const revision = graph.resolve(spec);
  const versionTable = { name: project.target.versionTable, ...(project.target.dbSchema === undefined ? {} : { schema: project.target.dbSchema }) };
  return withDatabase(project.target, async ({ dialect, session, compileContext, ensureHeld }) => {
    const channel = onlineChannel(session, { ensureHeld });
    await ensureRunTables({ dialect, session, channel, target: project.target, compileContext, createVersionTable: false });
    const rows = await readHistory(dialect, session, historyTableOf(project.target));
    const last = latestRows(rows).get(revision.revision);
    if (last === undefined || !(isUnresolved(last) || last.status === 'failed')) {
      throw new RetortError('BadArgument', `Revision ${revision.revision} has no failure to resolve (its last history row is ${last === undefined ? 'absent' : `'${last.status}'`}).`, {
        fields: { revision: revision.revision, status: last?.status ?? null },
        hint: '`retort history --applied` shows the history.',
      });
    }
    const direction = last.direction === 'down' ? 'down' : 'up';
    let heads = await readHeads(dialect, session, versionTable);
    await atomically(dialect, channel, async () => {
      // --applied: the version table as if the step ran; --rolled-back: as if it never started
      // (a run that died after moving the table, where the engine could not tie the move to its
      // history row, would otherwise leave the undone revision claimed, and it would never run again).
      heads = await moveAsIfRan(dialect, channel, graph, heads, revision.revision, direction, versionTable, resolution === 'applied');
      const status: HistoryStatus = resolution === 'applied' ? 'resolved-applied' : 'resolved-rolled-back';
      await channel.run(await row(dialect, project, {
        revision: revision.revision, direction, checksum: await fileChecksum(revision.path).catch(() => null), status, statements: last.statements,
      }));
    });
    return { target: project.target.name, revision: revision.revision, resolution, direction, current: heads };
  }, lockOf(project, run));
}

/**
 * Put the version table where the failed step leaves it (`ran`: `resolve --applied`) or where it
 * started (`resolve --rolled-back`). A dead process may have moved the table before its history
 * row said ok, or not: the table is read, and moved only if it is not there already.
 */
async function moveAsIfRan(
  dialect: Dialect, channel: Channel, graph: RevisionGraph, heads: readonly string[], id: string, direction: 'up' | 'down',
  versionTable: { name: string; schema?: string }, ran: boolean,
): Promise<string[]> {
  const revision = graph.resolve(id);
  const isApplied = appliedRevisions(graph, heads).has(id);
  const wantApplied = (direction === 'up') === ran;
  if (isApplied === wantApplied) return [...heads];
  const step: MigrationStep = wantApplied
    ? { direction: 'up', revision: id, from: revision.downRevisions, to: [id] }
    : { direction: 'down', revision: id, from: [id], to: revision.downRevisions };
  const next = applyStep(graph, heads, step);
  for (const change of next.changes) await channel.run(versionChangeSql(dialect, versionTable, change));
  return next.heads;
}

async function row(dialect: Dialect, project: Project, r: { revision: string; direction: 'up' | 'down'; checksum: string | null; status: HistoryStatus; statements: number }): Promise<string> {
  return insertHistorySql(dialect, historyTableOf(project.target), { ...r, startedAt: new Date(), durationMs: 0, error: null }, await retortVersion());
}

/** A revision whose last history row blocks every run until `retort resolve` (for `check`). */
export interface UnresolvedRevision {
  readonly revision: string;
  readonly direction: HistoryDirection;
  /** `running` (a run in progress, or one that died) or `failed` (with statements committed). */
  readonly status: HistoryStatus;
  readonly statements: number;
  readonly error: string | null;
}

/** What `check` reads from the history: what `upgrade` would refuse over. */
export interface HistoryFindings {
  readonly checksumMismatches: readonly ChecksumMismatch[];
  readonly unresolved: readonly UnresolvedRevision[];
}

/**
 * For `check`: applied revisions whose file changed since they ran, and revisions whose failure
 * is not resolved (the same rules `upgrade` refuses by). Reads the history only; creates nothing,
 * takes no lock (so a `running` row may also be a run in progress; `check` says both).
 */
export async function historyFindingsOf(project: Project, heads: readonly string[]): Promise<HistoryFindings> {
  const graph = await project.graph();
  return withDatabase(project.target, (db) => historyFindingsOn(project, graph, db, heads));
}

/** {@link historyFindingsOf} on an open database (`check` reads it on its comparison's connection). */
export async function historyFindingsOn(project: Project, graph: RevisionGraph, { dialect, session }: Pick<OpenDatabase, 'dialect' | 'session'>, heads: readonly string[]): Promise<HistoryFindings> {
  const rows = await readHistory(dialect, session, historyTableOf(project.target));
  const unresolved = [...latestRows(rows).values()].filter(isUnresolved)
    .map((r) => ({ revision: r.revision, direction: r.direction, status: r.status, statements: r.statements, error: r.error }));
  return { checksumMismatches: await findChecksumMismatches(graph, heads, rows), unresolved };
}
