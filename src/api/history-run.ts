/**
 * The history table's part in `upgrade`, `downgrade` and `stamp`: its DDL (emitted with the
 * version table's, online and offline), the recorder a run writes rows through, the checks
 * before a run (unresolved failures, changed applied revisions), and the rows of a stamp.
 */
import type { ResolvedTarget } from '../config/index.js';
import type { CompileContext, Dialect, Session } from '../dialects/dialect.js';
import type { Channel } from '../runtime/channel.js';
import { HistoryRecorder } from '../runtime/history-recorder.js';
import {
  createHistoryTableOp,
  fileChecksum,
  insertHistorySql,
  readHistory,
  retortVersion,
  type HistoryTableRef,
} from '../runtime/history-table.js';
import { preflight } from '../runtime/integrity.js';
import type { RevisionGraph, StampStep } from '../script/graph/index.js';
import { passwordOf } from '../util/redact.js';

/** Where the target's history table lives (`historyTable` in `dbSchema`, like the version table). */
export function historyTableOf(target: ResolvedTarget): HistoryTableRef {
  return { name: target.historyTable, ...(target.dbSchema === undefined ? {} : { schema: target.dbSchema }) };
}

/** CREATE TABLE IF NOT EXISTS of the history table, through the dialect's compiler (offline scripts; online runs: run-tables.ts). */
export async function emitHistoryTableDdl(dialect: Dialect, channel: Channel, target: ResolvedTarget, compileContext: CompileContext): Promise<void> {
  for (const sql of await dialect.compiler.compile(createHistoryTableOp(historyTableOf(target)), compileContext)) await channel.run(sql);
}

/** The sha256 of a revision's file, or null for a revision the graph has no file for. */
export function checksumLookup(graph: RevisionGraph): (revision: string) => Promise<string | null> {
  return async (revision) => {
    const path = graph.get(revision)?.path;
    return path === undefined ? null : fileChecksum(path).catch(() => null);
  };
}

/** The recorder of one run. */
export async function recorderFor(
  dialect: Dialect, channel: Channel, target: ResolvedTarget, graph: RevisionGraph,
  run: { readonly plannedRows?: number; readonly checksum?: (path: string) => string | undefined } = {},
): Promise<HistoryRecorder> {
  const { plannedRows, checksum } = run;
  const lookup = checksumLookup(graph);
  return new HistoryRecorder({
    dialect,
    channel,
    table: historyTableOf(target),
    // 'none' runs each statement on its own even where DDL is transactional.
    transactional: dialect.capabilities.transactionalDdl && target.transaction !== 'none',
    // The checksum of the bytes the run compiled and runs, where it read them (prepareScripts).
    checksumOf: checksum === undefined ? lookup : async (revision) => {
      const path = graph.get(revision)?.path;
      return (path === undefined ? undefined : checksum(path)) ?? lookup(revision);
    },
    version: await retortVersion(),
    secrets: [passwordOf(target.url) ?? ''].filter((s) => s !== ''),
    ...(plannedRows === undefined ? {} : { plannedRows }),
  });
}

/**
 * Before an online upgrade or downgrade (under the run lock): refuse over an unresolved failure,
 * and, for an upgrade, over an applied revision whose file changed.
 */
export async function checkBeforeRun(args: {
  readonly dialect: Dialect;
  readonly session: Session;
  readonly channel: Channel;
  readonly target: ResolvedTarget;
  readonly graph: RevisionGraph;
  readonly heads: readonly string[];
  readonly direction: 'up' | 'down';
}): Promise<void> {
  const table = historyTableOf(args.target);
  // The run has just created the table if it was missing: no catalog lookup needed.
  const rows = await readHistory(args.dialect, args.session, table, true);
  await preflight({ ...args, table, rows, target: args.target.name, checksums: args.direction === 'up' });
}

/**
 * The history rows of a stamp: one per revision the step lands on (`base` when it empties the
 * table), with that file's checksum, so a stamped database is checked like a migrated one.
 */
export async function stampHistorySql(dialect: Dialect, target: ResolvedTarget, graph: RevisionGraph, steps: readonly StampStep[], online: boolean): Promise<string[]> {
  const version = await retortVersion();
  const checksumOf = checksumLookup(graph);
  const out: string[] = [];
  for (const step of steps) {
    for (const revision of step.to.length === 0 ? ['base'] : step.to) {
      out.push(insertHistorySql(dialect, historyTableOf(target), {
        revision, direction: 'stamp', checksum: await checksumOf(revision),
        ...(online ? { startedAt: new Date() } : {}),
        durationMs: online ? 0 : null, status: 'ok', statements: 0, error: null,
      }, version));
    }
  }
  return out;
}
