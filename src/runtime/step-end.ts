/**
 * How a revision ends once its script is done: the version-table change and the history row that
 * says `ok`, as few round trips and commits as the dialect and the channel allow, never one that
 * lets the version table claim a revision the history does not (or the reverse).
 *
 * In order of preference, where no transaction is open (MySQL/MariaDB, `transaction: 'none'`):
 * - a unit (Channel.runUnit: one request, one commit) holding the version change, the `ok` and,
 *   when another revision follows, that revision's `running` row. Per revision that leaves its
 *   own statements plus one request and one commit, the same count as a tool that keeps no
 *   history (the `running` row no longer needs a request and a commit of its own);
 * - one statement changing both tables (bookkeeping.ts), atomic by itself;
 * - BEGIN, the statements, COMMIT (OperationRunner.runFinalUnit).
 * Inside the revision's transaction the statements simply join it (the COMMIT follows), and a
 * combined statement that checks its own count travels with that COMMIT.
 */
import type { Dialect, RevisionActivity } from '../dialects/dialect.js';
import type { MigrationStep, VersionChange } from '../script/graph/index.js';
import { combinedSuccessSql } from './bookkeeping.js';
import type { Channel, Transactions } from './channel.js';
import { runFlush, type DeferredBookkeeping } from './deferred-bookkeeping.js';
import type { HistoryRecorder } from './history-recorder.js';
import type { OperationRunner } from './operation-runner.js';
import { versionChangeSql, type VersionTableRef } from './version-table.js';

/** What the end of one revision needs. */
export interface RevisionEnd {
  readonly dialect: Dialect;
  readonly channel: Channel;
  readonly transactions: Transactions;
  readonly history: HistoryRecorder | undefined;
  readonly runner: OperationRunner;
  readonly versionTable: VersionTableRef;
  readonly step: MigrationStep;
  /** The version-table changes of the step (one, or several at a merge or a branch point). */
  readonly changes: readonly VersionChange[];
  /** The revision that runs next, when there is one and the run is not being stopped. */
  readonly following: MigrationStep | undefined;
  /** Milliseconds since the revision started, for its history row. */
  readonly elapsed: () => number;
  /** True when the revision's own transaction is committed right after (one per revision): its COMMIT may go with the end. */
  readonly commits: boolean;
  /** `transaction: 'all'` where DDL is transactional: the bookkeeping that waits for a flush. */
  readonly deferred?: DeferredBookkeeping;
  /** What the revision did (whether its end must flush what waits). */
  readonly activity: RevisionActivity;
}

/**
 * Write the end of `end.step`. Returns true when the next revision's `running` row was opened
 * with it (its HistoryRecorder.start then writes nothing).
 */
export async function endRevision(end: RevisionEnd): Promise<boolean> {
  const { deferred } = end;
  if (deferred === undefined) return writeEnd(end);
  // A `running` row (op.noTransaction committed part of the revision) is updated at the end as
  // without deferral; what waited was written before that commit.
  if (end.transactions.isOpen && end.history?.isRunning(end.step) !== true) {
    await deferEnd(end, deferred);
    return false;
  }
  await runFlush(end.channel, end.runner, end.step.revision, deferred.take());
  const opened = await writeEnd(end);
  deferred.wrote(end.changes);
  return opened;
}

/**
 * `transaction: 'all'`: the revision's version change and history row wait (deferred-bookkeeping.ts),
 * written now only when the revision calls for it.
 */
async function deferEnd(end: RevisionEnd, deferred: DeferredBookkeeping): Promise<void> {
  const { runner, step, history } = end;
  // Its version changes count as its last statements, as where they run at its end (one each;
  // one for a statement that also writes the history row, which only a single change makes).
  runner.statementsApplied += end.changes.length;
  const row = history === undefined ? undefined : await history.successRow(step, runner.statementsApplied, end.elapsed());
  deferred.add(end.changes, row);
  if (deferred.mustFlush(end.activity, end.following === undefined)) await runFlush(end.channel, runner, step.revision, deferred.take());
}

/** The end of a revision written at once (see the file's comment). */
async function writeEnd(end: RevisionEnd): Promise<boolean> {
  const { dialect, channel, transactions, history, runner, step } = end;
  const versionSql = end.changes.map((change) => versionChangeSql(dialect, end.versionTable, change));
  const change = end.changes.length === 1 ? end.changes[0] : undefined;
  // The `ok` of a revision whose version change is one statement: runner.statementsApplied + 1.
  // Made here only for a dialect that can combine it with the version change (else the branches
  // below make their own: this one would be built for nothing, and take a reserved history id).
  const combinable = dialect.capabilities.combinedBookkeeping !== undefined;
  const success = history === undefined || change === undefined || !combinable ? undefined : await history.successStatement(step, runner.statementsApplied + 1, end.elapsed());
  const combined = success === undefined || change === undefined ? undefined
    : combinedSuccessSql(dialect, { version: end.versionTable, history: history!.table }, change, success.parts);
  if (history !== undefined && !transactions.isOpen && channel.runUnit !== undefined) {
    const opening = end.following === undefined ? undefined : await history.opening(end.following);
    // A combined statement alone is as good as a unit of one.
    if (combined === undefined || opening !== undefined) {
      const own = combined === undefined ? versionSql.map((sql) => ({ sql, expectedRows: 1 })) : [{ sql: combined.sql, expectedRows: combined.expectedRows }];
      const ok = combined !== undefined ? undefined : success ?? await history.successStatement(step, runner.statementsApplied + versionSql.length, end.elapsed());
      const rows = [...(ok === undefined ? [] : [{ sql: ok.sql, ...(ok.expectOneRow ? { expectedRows: 1 } : {}) }]), ...(opening === undefined ? [] : [opening])];
      const id = await runner.runUnit(own, rows);
      history.succeeded(step);
      if (opening === undefined || end.following === undefined) return false;
      history.opened(end.following, id);
      return true;
    }
  }
  if (combined !== undefined && combined.checksItself && end.commits && transactions.isOpen) {
    // One statement that fails by itself on a wrong count, so it goes with the revision's
    // COMMIT in one round trip where the session can (PostgreSQL).
    await runner.runCombinedAndCommit(combined);
    history!.succeeded(step);
  } else if (combined !== undefined) {
    // The version change and the history row in one statement, where the dialect can.
    await runner.runCombined(combined);
    history!.succeeded(step);
  } else if (transactions.isOpen) {
    // The version-table change is the revision's last statement: history.succeed() below
    // writes the final count, so no progress update is sent for it.
    for (const sql of versionSql) await runner.runStatement(sql, { announce: false, bookkeeping: true });
    await history?.succeed(step, runner.statementsApplied, end.elapsed());
  } else {
    // Nothing open to commit them with: the version change and the history's `ok` go
    // together in a small transaction of their own.
    await runner.runFinalUnit(versionSql, async (n) => (history === undefined ? undefined : history.successStatement(step, n, end.elapsed())));
    history?.succeeded(step);
  }
  return false;
}
