/**
 * Runs the operations of one revision script in order: compiles each for the dialect, sends the
 * statements to the channel, counts them, and catches the classic mistake of a forgotten `await`
 * (a second operation starting while the first is still running, or the script returning while
 * one is still running).
 */
import type { CompileContext, Dialect, FailureExplanation, UnitError, UnitStatement } from '../dialects/dialect.js';
import { isRetortError, RetortError } from '../errors.js';
import { buildOp, type Op } from '../ops/facade.js';
import type { Operation } from '../ops/operations.js';
import type { Channel, Transactions } from './channel.js';
import { formatLocation, userLocation, type SourceLocation } from '../script/stack-map.js';
import { retryOnConflict } from './conflict-retry.js';
import { selfCheckFailure, versionTableMismatch, type CombinedStatement } from './bookkeeping.js';
import { transactionControlError, transactionControlIn } from './transaction-control.js';

/** Describes the statement that failed, for the error and the history. */
export interface FailedStatement {
  readonly sql: string;
  /** 1-based position of the statement within the revision. */
  readonly index: number;
  /** What the dialect found out about the failure from the server, when it could tell more. */
  readonly explanation?: FailureExplanation;
}

/** Optional hooks of a run around each statement (history progress, interruption). */
export interface StatementHooks {
  /** Called before each statement of the script's operations; throws to stop the run (a signal). */
  readonly beforeStatement?: () => void;
  /** Called after each statement took effect, with the revision's count so far. */
  readonly afterStatement?: (statements: number) => Promise<void>;
  /**
   * Called before each statement of the script's operations, after {@link beforeStatement}: the
   * history writes the count it deferred (see HistoryRecorder.progress).
   */
  readonly beforeWrite?: () => Promise<void>;
  /**
   * Called inside the revision's open transaction just before `op.noTransaction` commits it,
   * with the count of statements that are about to become permanent (the history's chance to
   * commit a `running` row along with them).
   */
  readonly beforePartialCommit?: (statements: number) => Promise<void>;
  /** The script's file: errors name the line of the operation call in it. */
  readonly file?: string;
  /** Times a statement that gave up waiting for its lock runs again (see OperationRunner.runScriptStatement). */
  readonly lockWaitRetries?: number;
  /** The configured lock wait, for messages. */
  readonly lockWaitMs?: number;
  /** Told before each such retry, with a sentence for the user. */
  readonly onLockRetry?: (message: string) => void;
}

/** A statement that gave up waiting for its lock and ran again. */
export interface LockRetry {
  readonly statement: string;
  /** The attempt that failed (1: the first run). */
  readonly attempt: number;
  /** The pause before the next attempt. */
  readonly pauseMs: number;
}

/** First pause before a retry, doubled each time up to LONGEST_PAUSE_MS, jittered. */
const FIRST_PAUSE_MS = 500;
const LONGEST_PAUSE_MS = 8000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Where an operation was called: a stack captured at the call, formatted only if an error needs it. */
interface CallSite {
  stack?: string;
}

/** Runs one revision's operations. */
export class OperationRunner {
  /** Statements executed so far in this revision. */
  statementsApplied = 0;
  /**
   * Of those, the statements that stay whatever happens next: each one that ran with no
   * transaction open (every one where DDL is not transactional), and all those before an
   * `op.noTransaction` commit. A failure rolls back only the others.
   */
  statementsCommitted = 0;
  /** The statement that failed, when one did. */
  failed: FailedStatement | undefined;
  /** The script's line whose operation failed, when one did. */
  get failedAt(): SourceLocation | undefined {
    return this.failedSite === undefined ? undefined : this.locate(this.failedSite);
  }
  private failedSite: CallSite | undefined;
  private pending: { op: Operation; promise: Promise<void>; site: CallSite } | undefined;
  /** Statements that timed out waiting for their lock and ran again. */
  readonly lockRetries: LockRetry[] = [];
  /** The kinds of the operations run so far (for the dialect's verify hook). */
  readonly operations: Operation['kind'][] = [];

  /** The `op` facade handed to the script. */
  readonly op: Op;

  constructor(
    private readonly dialect: Dialect,
    private readonly channel: Channel,
    private readonly transactions: Transactions,
    private readonly compileContext: CompileContext,
    private readonly revision: string,
    private readonly hooks: StatementHooks = {},
  ) {
    this.op = buildOp((op) => this.submit(op), (body) => this.outsideTransaction(body));
  }

  /**
   * Execute one statement that is part of the revision (also used for version-table rows).
   * `announce: false` skips the afterStatement hook, for the revision's last bookkeeping statement
   * whose count the history's final row records anyway (on MySQL that saves a round trip and a
   * commit per revision). `bookkeeping`: retort's own write (the version-table change), run again
   * when the server rolled it back for a concurrent write to the row, where no transaction is open
   * (see conflict-retry.ts), and required to match exactly one row.
   */
  async runStatement(sql: string, { announce = true, bookkeeping = false }: { announce?: boolean; bookkeeping?: boolean } = {}): Promise<void> {
    try {
      if (bookkeeping && !this.transactions.isOpen) await retryOnConflict(this.dialect, 'the version-table change', sql, () => this.runMatching(sql, 1));
      else if (bookkeeping) await this.runMatching(sql, 1);
      else await this.channel.run(sql);
    } catch (error) {
      this.failed = { sql, index: this.statementsApplied + 1 };
      if (!bookkeeping) {
        const explanation = await this.explain(error, sql);
        if (explanation !== undefined) this.failed = { ...this.failed, explanation };
      }
      throw error;
    }
    this.statementsApplied += 1;
    if (!this.transactions.isOpen) this.statementsCommitted = this.statementsApplied;
    if (announce) await this.hooks.afterStatement?.(this.statementsApplied);
  }

  /** The dialect's explanation of an SQL error, asked only where no transaction is open (an aborted one cannot answer). */
  private async explain(error: unknown, sql: string): Promise<FailureExplanation | undefined> {
    const session = this.channel.session;
    if (session === undefined || this.dialect.explainFailure === undefined || this.transactions.isOpen || isRetortError(error)) return undefined;
    return this.dialect.explainFailure(session, error, sql).catch(() => undefined);
  }

  /**
   * Where no transaction is open (MySQL/MariaDB, `transaction: 'none'`): the version-table change
   * and the history row that says the revision is done, committed together in one transaction of
   * their own (both are row changes, which every engine retort supports can roll back), so a
   * process killed or a connection lost in between never leaves a version table that claims the
   * revision beside a history row still `running`. A conflict rolls back the whole unit, which is
   * then run again as a whole.
   */
  async runFinalUnit(versionSql: readonly string[], history: (statements: number) => Promise<{ sql: string; expectOneRow: boolean } | undefined>): Promise<void> {
    const count = this.statementsApplied + versionSql.length;
    const tail = await history(count);
    const statements = [...versionSql.map((sql) => ({ sql, expectOneRow: true })), ...(tail === undefined ? [] : [tail])];
    const { dialect, channel } = this;
    try {
      await retryOnConflict(dialect, 'the version-table change and its history row', statements.map((s) => s.sql).join('; '), async () => {
        await channel.run(dialect.beginSql);
        try {
          for (const [i, statement] of statements.entries()) {
            this.failed = { sql: statement.sql, index: this.statementsApplied + Math.min(i + 1, versionSql.length) };
            if (statement.expectOneRow) await this.runMatching(statement.sql, 1);
            else await channel.run(statement.sql);
          }
          this.failed = undefined;
          await channel.run(dialect.commitSql);
        } catch (error) {
          await channel.runUnguarded(dialect.rollbackSql).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      this.failed ??= { sql: dialect.commitSql, index: count };
      throw error;
    }
    this.statementsApplied = count;
    this.statementsCommitted = count;
  }

  /**
   * The end of a revision as ONE request where the channel can ({@link Channel.runUnit}): `own`,
   * its version-table change (or the statement that also writes its history row), counted as the
   * revision's last statement(s), then `history`, the rows that go with it (its own `ok`, the next
   * revision's `running` row). All commit together or none does, as in {@link runFinalUnit}, with
   * one round trip and one commit for all. A statement that matched other rows than it must
   * stops the run (`VersionTableMismatch`); a write conflict rolled all of it back, so it is run
   * again as a whole. Returns the id of the row the last statement inserted.
   */
  async runUnit(own: readonly UnitStatement[], history: readonly UnitStatement[]): Promise<number | undefined> {
    const statements = [...own, ...history];
    const count = this.statementsApplied + own.length;
    // Statement i's place in the revision: its own number, or (a history row) the last one's.
    const named = (i: number): FailedStatement => ({ sql: statements[i]!.sql, index: this.statementsApplied + Math.min(i + 1, own.length) });
    let insertId: number | undefined;
    try {
      await retryOnConflict(this.dialect, 'the version-table change and its history rows', statements.map((s) => s.sql).join('; '), async () => {
        try {
          const outcome = await this.channel.runUnit!(statements);
          if (!outcome.committed) {
            this.failed = named(outcome.index);
            throw versionTableMismatch(this.revision, statements[outcome.index]!.sql, outcome.rows, statements[outcome.index]!.expectedRows ?? 0);
          }
          insertId = outcome.insertId;
        } catch (error) {
          const at = (error as UnitError | undefined)?.unitIndex;
          if (at !== undefined) this.failed = named(at);
          throw error;
        }
      });
    } catch (error) {
      this.failed ??= named(0);
      throw error;
    }
    this.failed = undefined;
    this.statementsApplied = count;
    this.statementsCommitted = count;
    return insertId;
  }

  /**
   * The revision's version-table change and its history row as one statement (bookkeeping.ts):
   * counted as the version change, the revision's last statement, which it names when it fails.
   * Where no transaction is open it commits on its own, and a write conflict (MySQL 1213) rolled
   * all of it back, so it is run again as a whole.
   */
  async runCombined(statement: CombinedStatement): Promise<void> {
    const { sql } = statement;
    try {
      if (this.transactions.isOpen) await this.runCombinedOnce(statement);
      else await retryOnConflict(this.dialect, 'the version-table change and its history row', sql, () => this.runCombinedOnce(statement));
    } catch (error) {
      this.failed = { sql, index: this.statementsApplied + 1 };
      throw error;
    }
    this.statementsApplied += 1;
    if (!this.transactions.isOpen) this.statementsCommitted = this.statementsApplied;
  }

  private async runCombinedOnce({ sql, expectedRows, checksItself }: CombinedStatement): Promise<void> {
    if (!checksItself) return this.runMatching(sql, expectedRows);
    try {
      await this.channel.run(sql);
    } catch (error) {
      throw selfCheckFailure(error, this.revision, sql, expectedRows);
    }
  }

  /**
   * The revision's last statement, a combined bookkeeping statement that checks its own count
   * ({@link CombinedStatement.checksItself}), and the COMMIT of the revision's open transaction,
   * sent together in one round trip where the channel can: the statement fails by itself when
   * the version table does not hold what the run read, and the server then never runs the
   * COMMIT. A failure names the one of the two that failed (the statement: with
   * `VersionTableMismatch` for a wrong count; the COMMIT: e.g. a deferred constraint).
   */
  async runCombinedAndCommit(statement: CombinedStatement): Promise<void> {
    const { completed, error } = await this.transactions.commitAfter([statement.sql], statement.parameterized === undefined ? undefined : [statement.parameterized]);
    if (completed >= 1) this.statementsApplied += 1;
    if (error === undefined) return;
    if (completed === 0) {
      this.failed = { sql: statement.sql, index: this.statementsApplied + 1 };
      throw selfCheckFailure(error, this.revision, statement.sql, statement.expectedRows);
    }
    this.failed = { sql: this.dialect.commitSql, index: this.statementsApplied + 1 };
    throw error;
  }

  /**
   * One of retort's own row changes that must match exactly `expected` rows. An UPDATE or DELETE
   * of the version table matching none means the table no longer holds what this run read under
   * its lock (another run, or a person, changed it): committing it would claim a move that never
   * happened, so the run stops here.
   */
  private async runMatching(sql: string, expected: number): Promise<void> {
    const rows = await this.channel.runCounting(sql);
    if (rows === undefined || rows === expected) return;
    throw versionTableMismatch(this.revision, sql, rows, expected);
  }

  /** Throws MissingAwait if an operation is still running once the script has returned. */
  async assertSettled(): Promise<void> {
    const pending = this.pending;
    if (pending === undefined) return;
    await pending.promise.catch(() => undefined);
    throw this.missingAwait(pending, 'the script returned');
  }

  /** Wait for a running operation to end (before a rollback), ignoring its outcome. */
  async drain(): Promise<void> {
    await this.pending?.promise.catch(() => undefined);
  }

  private submit(op: Operation): Promise<void> {
    // V8 captures the frames now and formats them only if an error reads `stack`: about a
    // microsecond per operation, for the line of a forgotten await or a failing statement.
    const site: CallSite = {};
    Error.captureStackTrace(site);
    if (this.pending !== undefined) {
      // Throwing synchronously makes the script's own call fail at the line that forgot nothing:
      // the message names the earlier operation, whose `await` is the one missing.
      throw this.missingAwait(this.pending, `op.${opName(op)} was called`);
    }
    const promise = this.execute(op, site).finally(() => {
      if (this.pending?.promise === promise) this.pending = undefined;
    });
    this.pending = { op, promise, site };
    return promise;
  }

  private async execute(op: Operation, site: CallSite): Promise<void> {
    this.operations.push(op.kind);
    try {
      const statements = await this.dialect.compiler.compile(op, this.compileContext);
      // Raw SQL may carry its own BEGIN/COMMIT: refused inside retort's transaction (transaction-control.ts).
      if (op.kind === 'execute' && this.transactions.isOpen) this.refuseTransactionControl(statements);
      for (const sql of statements) {
        // Only the script's own statements stop on a signal: the version-table change that ends a
        // revision always runs, so a revision is either done and recorded or stopped part-way.
        this.hooks.beforeStatement?.();
        try {
          await this.hooks.beforeWrite?.();
        } catch (error) {
          // Stopped before this statement was sent (a lost lock, a history write that failed):
          // the error names the statement it stopped, as when the statement itself is refused.
          this.failed = { sql, index: this.statementsApplied + 1 };
          throw error;
        }
        await this.runScriptStatement(sql);
      }
    } catch (error) {
      this.failedSite ??= site;
      throw error;
    }
  }

  /** Throws `TransactionControl` for the first of `statements` that would open or end the revision's transaction. */
  private refuseTransactionControl(statements: readonly string[]): void {
    for (const sql of statements) {
      const control = transactionControlIn(sql);
      if (control === undefined) continue;
      this.failed = { sql, index: this.statementsApplied + 1 };
      throw transactionControlError(control);
    }
  }

  /**
   * One statement of the script, run again when it gave up waiting for its lock (lock_timeout,
   * lock_wait_timeout), a bounded number of times with a doubling pause, but only where that is
   * safe: when no transaction is open, so the statement is alone in its own (autocommit)
   * transaction. There the timed-out statement took no effect and nothing else was undone with
   * it, and during the pause this session holds no lock at all, so the application's queries run.
   *
   * Inside the revision's transaction it is not retried: PostgreSQL has aborted the transaction
   * (every earlier statement of the revision is lost with it), and a retry through a savepoint
   * would keep the locks the earlier statements took while it waits and pauses, blocking the
   * very queries lock_timeout protects. The safe retry there is the whole revision after its
   * rollback, which retort does not do yet: the run fails with `LockWaitTimeout` (exit 1), the
   * revision rolled back. The safe forms autogenerate writes run under op.noTransaction, so
   * their statements are retried.
   */
  private async runScriptStatement(sql: string): Promise<void> {
    const limits = this.dialect.statementLimits;
    const retries = this.hooks.lockWaitRetries ?? 0;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.runStatement(sql);
        return;
      } catch (error) {
        if (limits === undefined || !limits.isLockWaitTimeout(error)) throw error;
        const alone = !this.transactions.isOpen;
        if (!alone || attempt > retries) throw this.lockWaitGivenUp(sql, attempt, alone, error);
        const pauseMs = Math.round(Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (attempt - 1)) * (0.75 + Math.random() / 2));
        this.lockRetries.push(Object.freeze({ statement: sql, attempt, pauseMs }));
        this.hooks.onLockRetry?.(`Revision ${this.revision}: statement ${this.statementsApplied + 1} gave up waiting for its lock after ` +
          `${(this.hooks.lockWaitMs ?? 0) / 1000} s (attempt ${attempt} of ${retries + 1}); running it again in ${pauseMs} ms: ${sql}`);
        this.failed = undefined;
        await sleep(pauseMs);
        for (const cleanup of limits.beforeRetry?.(sql) ?? []) await this.channel.run(cleanup);
      }
    }
  }

  private lockWaitGivenUp(sql: string, attempts: number, alone: boolean, error: unknown): RetortError {
    const waited = `${(this.hooks.lockWaitMs ?? 0) / 1000} s`;
    const why = alone
      ? `it waited more than ${waited} for its lock ${attempts} time(s) and was not run again`
      : `it waited more than ${waited} for its lock inside the revision's transaction, where running it again alone is not safe (the transaction is aborted), so the revision was rolled back`;
    return new RetortError('LockWaitTimeout', `Revision ${this.revision}: statement ${this.statementsApplied + 1} gave up: ${why}. Statement: ${sql}`, {
      fields: { revision: this.revision, statement: sql, attempts, lockWaitMs: this.hooks.lockWaitMs ?? 0 },
      hint: 'Another session holds a lock on the table (a long query or transaction: see pg_stat_activity / SHOW PROCESSLIST). Run again at a quieter moment, or raise lockWaitTimeout / lockWaitRetries in the config.',
      cause: error,
    });
  }

  private locate(site: CallSite): SourceLocation | undefined {
    return this.hooks.file === undefined ? undefined : userLocation(site.stack, this.hooks.file);
  }

  /**
   * `op.noTransaction`: commit what the revision did so far, run `body` outside any
   * transaction (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE refuse to run inside one),
   * then open a new transaction for the rest of the revision.
   */
  private async outsideTransaction(body: () => Promise<void>): Promise<void> {
    const wasOpen = this.transactions.isOpen;
    if (wasOpen) {
      // From here the revision can no longer roll back whole: let the history say so first,
      // in the same transaction as the statements it counts.
      await this.hooks.beforePartialCommit?.(this.statementsApplied);
      await this.transactions.commit();
      this.statementsCommitted = this.statementsApplied;
    }
    this.channel.comment(`no transaction: ${this.revision}`);
    await body();
    if (wasOpen) await this.transactions.begin();
  }

  private missingAwait(pending: { op: Operation; site: CallSite }, when: string): RetortError {
    const name = `op.${opName(pending.op)}`;
    const at = this.locate(pending.site);
    const where = at === undefined ? '' : ` (${formatLocation(at)})`;
    return new RetortError(
      'MissingAwait',
      `Revision ${this.revision}: ${when} while ${name} was still running. An \`await\` is missing before ${name}${where}.`,
      {
        fields: { revision: this.revision, operation: pending.op.kind, ...(at === undefined ? {} : { file: at.file, line: at.line, column: at.column }) },
        hint: at === undefined ? 'Put `await` before every op.* call in the script.' : `Write \`await ${name}(...)\` at line ${at.line}; every op.* call must be awaited.`,
      },
    );
  }
}

function opName(op: Operation): string {
  return op.kind === 'addConstraint' ? `create${capitalise(op.constraint.kind)}` : op.kind;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
