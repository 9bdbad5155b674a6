/**
 * Applies a planned list of steps (upgrade or downgrade) to one database, online or offline:
 * for each revision, load the script, run it through the `op` facade, update the version table,
 * verify, commit. Transactions follow the configured mode: one per migration (default), one for
 * the whole run ('all'), or none.
 */
import { performance } from 'node:perf_hooks';
import type { Kysely, KyselyPlugin } from 'kysely';
import type { CompileContext, Dialect, StatementLimits } from '../dialects/dialect.js';
import { RetortError } from '../errors.js';
import type { MigrationStep, RevisionGraph } from '../script/graph/index.js';
import { applyStep } from '../script/graph/index.js';
import type { Channel } from './channel.js';
import { Transactions } from './channel.js';
import type { MigrationContext, RevisionModule } from './context.js';
import type { HistoryRecorder } from './history-recorder.js';
import { interruptedError, throwIfInterrupted } from './interrupt.js';
import { OperationRunner, type LockRetry } from './operation-runner.js';
import type { VersionTableRef } from './version-table.js';
import { endRevision } from './step-end.js';
import { DeferredBookkeeping, runFlush } from './deferred-bookkeeping.js';
import { stepFailure, type RollbackScope } from './step-failure.js';

/** The outcome of one step, as printed and as in `--json`. */
export interface StepResult {
  readonly direction: 'up' | 'down';
  readonly revision: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly message: string;
  readonly durationMs: number;
  readonly statements: number;
  /**
   * The script ran no operation and no query through `db` (an empty `downgrade`, an `upgrade`
   * not written yet): the version table moved, the schema did not. Absent otherwise.
   */
  readonly ranNothing?: true;
  /** Statements that gave up waiting for their lock and ran again (absent: none). */
  readonly lockRetries?: readonly LockRetry[];
}

/** Transaction mode of the config. */
export type TransactionMode = 'per-migration' | 'all' | 'none';

/** Everything a run of steps needs. */
export interface StepRunOptions {
  readonly dialect: Dialect;
  readonly channel: Channel;
  readonly graph: RevisionGraph;
  readonly versionTable: VersionTableRef;
  readonly transaction: TransactionMode;
  readonly compileContext: CompileContext;
  readonly loadModule: (path: string) => Promise<RevisionModule>;
  /** The `db` handed to scripts (a Kysely on the session; a query-less one offline). */
  readonly db: Kysely<any>;
  readonly x: Readonly<Record<string, string>>;
  readonly tag: string | undefined;
  /** Called before each step starts ("Running upgrade a -> b, message"). */
  readonly onStepStart?: (step: MigrationStep, message: string) => void;
  /** Called once a step is done and committed (progress for the CLI; history rows are {@link history}'s). */
  readonly onStepDone?: (result: StepResult) => void;
  /** Writes the history rows (absent: no history, e.g. a run that predates the table). */
  readonly history?: HistoryRecorder;
  /** Lock-wait limits and retries (absent: statements that time out fail at once). */
  readonly limits?: StatementLimits;
  /** Told each time a statement that gave up waiting for its lock is about to run again. */
  readonly onLockRetry?: (message: string) => void;
  /** Aborted by SIGINT/SIGTERM: the run stops before the next statement of a script. */
  readonly signal?: AbortSignal;
}

/**
 * Run `steps` starting from the database's `heads`. Returns the step results and the new heads.
 * On failure: rolls back the open transaction and throws MigrationFailed (or the RetortError the
 * script raised) naming the revision, the statement and how many statements had been applied.
 */
export async function runSteps(
  steps: readonly MigrationStep[],
  heads: readonly string[],
  options: StepRunOptions,
): Promise<{ results: StepResult[]; heads: string[] }> {
  const { channel, dialect } = options;
  const transactions = new Transactions(channel, dialect);
  const perMigration = options.transaction === 'per-migration';
  let current = [...heads];
  const results: StepResult[] = [];
  const { history, signal } = options;
  // The revision running now, for the failure row and the interruption message.
  let active: { step: MigrationStep; runner: OperationRunner | undefined; started: number } | undefined;
  // The next revision, when the previous one's end also opened its `running` row (see step-end.ts).
  let opened: MigrationStep | undefined;
  // The next revision's module, loaded while this revision waits on the server (see prefetch()).
  let prefetched: Prefetched | undefined;
  // One transaction for the whole run: the version and history rows wait and go together (see deferred-bookkeeping.ts).
  const deferred = options.transaction === 'all' && transactions.enabled
    ? new DeferredBookkeeping(dialect, options.versionTable, history === undefined ? undefined : { table: history.table, version: history.version }, heads)
    : undefined;
  // The heads the database holds once the open transaction is rolled back, as an interruption
  // says: in one transaction for the whole run, those it started from (or reached when an
  // op.noTransaction block committed the run part-way); else those of the last revision done.
  let kept = [...heads];
  // How many of `results` `kept` covers, and the revision whose op.noTransaction committed the
  // run part-way last: the revisions after those are undone by a rollback of the run's one transaction.
  let keptCount = 0;
  let partial: string | undefined;
  // The partial revision once it ended: its statements that stay committed whatever rolls back, and its time.
  let partialEnd: { committed: number; durationMs: number } | undefined;
  const held = () => (deferred === undefined ? current : kept);
  // What a failure's rollback takes with it besides the failed revision (see stepFailure).
  const rollback = (): RollbackScope | undefined => (deferred === undefined ? undefined : {
    undone: results.slice(keptCount).map((r) => r.revision).filter((id) => id !== partial),
    heads: kept,
    ...(partial === undefined || !results.some((r) => r.revision === partial) ? {} : { partlyCommitted: partial }),
  });
  if (options.transaction === 'all') await transactions.begin();
  try {
    for (const [i, step] of steps.entries()) {
      // Between revisions: nothing is half-done, so stop here cleanly (a `running` row opened
      // already for this revision is closed as failed with 0 statements, below).
      throwIfInterrupted(signal, () => interruptedError(signal, { step, current: held(), partial: undefined, committed: 0 }));
      const revision = options.graph.get(step.revision);
      const message = revision?.message ?? '';
      options.onStepStart?.(step, message);
      channel.comment(`Running ${step.direction === 'up' ? 'upgrade' : 'downgrade'} ${step.from.join(', ')} -> ${step.to.join(', ')}, ${message}`);
      const started = performance.now();
      active = { step, runner: undefined, started };
      opened = undefined;
      const path = revision?.path ?? step.revision;
      const module = await (prefetched?.path === path ? prefetched.module : options.loadModule(path));
      prefetched = undefined;
      const fn = step.direction === 'up' ? module.upgrade : module.downgrade;
      if (typeof fn !== 'function') {
        throw new RetortError('BadRevisionFile', `Revision ${step.revision} (${revision?.path}) has no exported ${step.direction === 'up' ? 'upgrade' : 'downgrade'} function.`, {
          fields: { revision: step.revision, file: revision?.path },
          hint: `Export \`async function ${step.direction === 'up' ? 'upgrade' : 'downgrade'}({ op, db })\` from the file.`,
        });
      }
      if (perMigration) await transactions.begin();
      await history?.start(step);
      const runner = new OperationRunner(dialect, channel, transactions, options.compileContext, step.revision, {
        beforeStatement: () => throwIfInterrupted(signal, () => interruptedError(signal, { step, current: held(), partial: runner.statementsApplied, committed: runner.statementsCommitted })),
        ...(history ? {
          afterStatement: (n: number) => history.progress(step, n),
          beforeWrite: () => history.flushProgress(step),
        } : {}),
        ...(history || deferred ? {
          beforePartialCommit: async (n: number) => {
            // What waits commits with the statements before op.noTransaction: it is written first.
            if (deferred) await runFlush(channel, runner, step.revision, deferred.take());
            await history?.partialCommit(step, n);
            kept = current;
            keptCount = results.length;
            partial = step.revision;
            partialEnd = undefined;
          },
        } : {}),
        ...(revision?.path === undefined ? {} : { file: revision.path }),
        ...(options.limits === undefined ? {} : { lockWaitRetries: options.limits.lockWaitRetries, lockWaitMs: options.limits.lockWaitMs }),
        ...(options.onLockRetry === undefined ? {} : { onLockRetry: options.onLockRetry }),
      });
      active.runner = runner;
      const usage = { queried: false };
      let tracked: MigrationContext['db'] | undefined;
      const ctx: MigrationContext = Object.freeze({
        op: runner.op,
        // Made when the script first reads it: most scripts take only `op`, and building a Kysely
        // instance per revision was ~5% of the JavaScript CPU of a `transaction: 'all'` run.
        get db() {
          tracked ??= channel.offline ? options.db : options.db.withPlugin(queryTracker(usage));
          return tracked;
        },
        x: options.x,
        tag: options.tag,
        revision: step.revision,
        direction: step.direction,
        offline: channel.offline,
        dialect: dialect.name,
      });
      const after = steps[i + 1];
      if (!channel.offline && after !== undefined) prefetched = prefetch(options.loadModule, options.graph.get(after.revision)?.path ?? after.revision);
      try {
        await fn.call(module, ctx);
        await runner.assertSettled();
        const next = applyStep(options.graph, current, step);
        if (channel.session && dialect.hooks.verify) {
          await dialect.hooks.verify(channel.session, { operations: runner.operations, queried: usage.queried });
        }
        const following = signal?.aborted ? undefined : steps[i + 1];
        const openedNext = await endRevision({
          dialect, channel, transactions, history, runner, versionTable: options.versionTable, step, changes: next.changes, following, elapsed: () => elapsed(started),
          commits: perMigration, ...(deferred === undefined ? {} : { deferred }), activity: { operations: runner.operations, queried: usage.queried },
        });
        if (openedNext) opened = following;
        current = next.heads;
      } catch (error) {
        await runner.drain();
        throw stepFailure(error, { step, runner, file: revision?.path, dialect, rollback: rollback() });
      }
      try {
        if (perMigration) await transactions.commit();
      } catch (error) {
        // The COMMIT is the revision's last statement: a full disk or a lost connection there
        // names the revision like any of its statements.
        runner.failed ??= { sql: dialect.commitSql, index: runner.statementsApplied + 1 };
        throw stepFailure(error, { step, runner, file: revision?.path, dialect, rollback: rollback() });
      }
      const result: StepResult = {
        direction: step.direction,
        revision: step.revision,
        from: step.from,
        to: step.to,
        message,
        durationMs: elapsed(started),
        statements: runner.statementsApplied,
        ...(runner.operations.length === 0 && !usage.queried ? { ranNothing: true as const } : {}),
        ...(runner.lockRetries.length === 0 ? {} : { lockRetries: runner.lockRetries }),
      };
      results.push(result);
      if (step.revision === partial) partialEnd = { committed: runner.statementsCommitted, durationMs: result.durationMs };
      active = undefined;
      options.onStepDone?.(result);
    }
    await transactions.commit();
  } catch (error) {
    await transactions.rollback();
    if (active && history) {
      // After the rollback: only what ran outside a transaction (or before op.noTransaction) stayed.
      await history.fail(active.step, active.runner?.statementsCommitted ?? 0, elapsed(active.started), error instanceof Error ? error.message : String(error));
    }
    // Only in one transaction for the whole run: per revision, the partial revision's `ok` committed with it.
    const undone = deferred !== undefined && history && partialEnd !== undefined && partial !== active?.step.revision
      ? steps.find((s) => s.revision === partial)
      : undefined;
    if (undone && partialEnd) {
      // Its end (`ok`) went with the rollback: its row says what stays (see rolledBackText).
      const reason = error instanceof Error ? error.message : String(error);
      await history!.failPartial(undone, partialEnd.committed, partialEnd.durationMs, `Rolled back with the run's transaction after ${partialEnd.committed} statement(s) of it committed (op.noTransaction), when a later revision failed: ${reason}`);
    }
    if (opened && history && active?.step !== opened) {
      // Stopped before the revision whose `running` row is open began: none of it ran.
      await history.fail(opened, 0, 0, error instanceof Error ? error.message : String(error));
    }
    throw error;
  }
  return { results, heads: current };
}

/** A module being loaded ahead of its revision. */
interface Prefetched {
  readonly path: string;
  readonly module: Promise<RevisionModule>;
}

/**
 * Load `path`'s module once the current macrotask is done: by then the running revision's script
 * has sent its statement and the run waits on the server, so the load (evaluating the module
 * from its batch, reading the next batch file: about a tenth of a millisecond per revision) runs
 * in that wait instead of between the previous revision's end and the next one's first statement.
 * A failed load is reported when its revision starts, as before; a module of a revision that
 * never runs (the run failed first) was evaluated for nothing, which its top level allows (it
 * only defines functions; a revision's work is in upgrade/downgrade).
 */
function prefetch(load: (path: string) => Promise<RevisionModule>, path: string): Prefetched {
  const module = new Promise<RevisionModule>((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(load(path));
      } catch (error) {
        reject(error);
      }
    });
  });
  // Awaited when its revision starts; unhandled until then, which must not end the process.
  module.catch(() => undefined);
  return { path, module };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/** A Kysely plugin that notes that the script queried through `db` (changes the hooks may need to verify). */
function queryTracker(usage: { queried: boolean }): KyselyPlugin {
  return {
    transformQuery(args) {
      usage.queried = true;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
}
