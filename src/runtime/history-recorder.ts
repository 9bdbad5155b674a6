/**
 * Writes a run's history rows as its revisions run. Two regimes, chosen once per run:
 *
 * - Transactional (PostgreSQL, SQLite, unless `transaction: 'none'`): the `ok` row is inserted
 *   inside the revision's transaction, just before COMMIT, so the row exists exactly when the
 *   revision's effect does. A failed revision is rolled back first; its `failed` row is then its
 *   own statement (it would be rolled back with the revision otherwise).
 * - Not transactional (MySQL/MariaDB, where DDL commits at once, or `transaction: 'none'`): a
 *   `running` row is inserted BEFORE the first statement and its count of statements is updated
 *   after each one, so that a process killed half-way leaves a row saying how far it got. At the
 *   end the row becomes `ok`, or `failed` with the count of statements that committed.
 *   A transactional revision that commits part of itself (`op.noTransaction`) switches to this
 *   regime at that commit.
 *
 * The same statements go online and into an offline script (only the timing values differ), so a
 * DBA applying `--sql` output keeps the history too.
 */
import type { Dialect, UnitStatement } from '../dialects/dialect.js';
import type { MigrationStep } from '../script/graph/index.js';
import { redactSecrets } from '../util/redact.js';
import { isRetortError, RetortError } from '../errors.js';
import type { Channel } from './channel.js';
import { retryOnConflict } from './conflict-retry.js';
import type { HistorySuccess } from './bookkeeping.js';
import { insertHistorySql, updateRunningSql, type HistoryTableRef, type NewHistoryRow } from './history-table.js';

/** What the recorder needs from the run. */
export interface HistoryRecorderOptions {
  readonly dialect: Dialect;
  readonly channel: Channel;
  readonly table: HistoryTableRef;
  /** True when each revision runs inside a transaction that rolls its DDL back. */
  readonly transactional: boolean;
  /** sha256 of the revision's file (null when there is no file). */
  readonly checksumOf: (revision: string) => Promise<string | null>;
  /** retort's version, for the row. */
  readonly version: string;
  /** Passwords to mask in the error text the row keeps (the target's, from its URL). */
  readonly secrets?: readonly string[];
  /** The rows the run expects to insert (one per step): the size of the block of ids it reserves. */
  readonly plannedRows?: number;
}

/** The final statement of a revision's history: its SQL, and whether it must match exactly one row. */
export interface SuccessStatement {
  readonly sql: string;
  /** An UPDATE of the run's own row by id: 0 rows matched means the row is not what this run wrote. */
  readonly expectOneRow: boolean;
  /** The same row as parts, for a statement that changes the version table too (bookkeeping.ts). */
  readonly parts: HistorySuccess;
}

/** The history rows of one run. */
export class HistoryRecorder {
  /**
   * The `running` row open now (not transactional, or since an op.noTransaction commit): its
   * revision, and its id where the session could tell it (always online), so every later
   * UPDATE addresses this run's own row and nothing else.
   */
  private running: { readonly revision: string; readonly id: number | undefined } | undefined;
  /**
   * The `running` row the last {@link partialCommit} opened. In one transaction for the whole run,
   * the UPDATE that makes it `ok` runs inside the run's transaction: a later failure rolls it back
   * and the row is closed by {@link failPartial}.
   */
  private partial: { readonly revision: string; readonly id: number | undefined } | undefined;
  private startedAt: Date | undefined;
  /**
   * The count of statements done that the `running` row does not say yet: written just before
   * the revision's next statement ({@link flushProgress}), or folded into the row's final UPDATE.
   */
  private unwritten: number | undefined;
  /** The deferred count's write, started once the script went on to something else (see {@link progress}). */
  private flushing: Promise<void> | undefined;
  /** Ids reserved for this run's rows ({@link Dialect.reserveHistoryIds}): the next one to give and the last. */
  private ids: { next: number; readonly last: number } | undefined;
  /**
   * True while rows take ids from a reserved block: only in the transactional regime, where the
   * block is reserved in the transaction of the row that first uses it. Off after a failure (its
   * transaction, and with it the block, may have been rolled back).
   */
  private reserving: boolean;
  /** Rows still expected: the size of the next block. */
  private rowsLeft: number;

  constructor(private readonly options: HistoryRecorderOptions) {
    this.reserving = options.transactional && !options.channel.offline && options.dialect.reserveHistoryIds !== undefined;
    this.rowsLeft = Math.max(1, options.plannedRows ?? 1);
  }

  /** The history table this recorder writes. */
  get table(): HistoryTableRef {
    return this.options.table;
  }

  /** A revision is about to run its first statement (its `running` row may be open already: {@link opening}). */
  async start(step: MigrationStep): Promise<void> {
    this.startedAt = new Date();
    if (this.options.transactional || this.running?.revision === step.revision) return;
    await this.openRunning(step, 0);
  }

  /**
   * Not transactional: the INSERT of `next`'s `running` row, for the unit that ends the revision
   * before it (steps.ts), so that row costs no round trip and no commit of its own. It commits
   * with the previous revision's `ok`, before any statement of `next` runs: a process killed
   * after it leaves `next` running with 0 statements, as one killed just after {@link start}.
   * Undefined in the transactional regime (no `running` row there). Call {@link opened} once
   * the unit committed.
   */
  async opening(next: MigrationStep): Promise<UnitStatement | undefined> {
    if (this.options.transactional) return undefined;
    const row = await this.newRow(next, { status: 'running', statements: 0, durationMs: null, error: null });
    // No expected count: an INSERT of one VALUES row (no IGNORE, no ON DUPLICATE KEY) writes that
    // row or fails, so a check of its count would be one more step the server runs per revision.
    return { sql: insertHistorySql(this.options.dialect, this.options.table, { ...row, startedAt: new Date() }, this.options.version) };
  }

  /** The unit holding {@link opening}'s INSERT committed; `id`: the row's, from the unit's reply. */
  opened(next: MigrationStep, id: number | undefined): void {
    this.running = { revision: next.revision, id };
  }

  /**
   * Transactional regime, `op.noTransaction`: the revision is about to commit `statements` of
   * itself, so it can no longer roll back whole. From here it is recorded as the
   * non-transactional regime does: a `running` row (committed with those statements), kept
   * current, then `ok` or `failed` with what committed. A process killed inside the block thus
   * leaves a row that the next run refuses to run over until `retort resolve`.
   */
  async partialCommit(step: MigrationStep, statements: number): Promise<void> {
    if (this.running?.revision === step.revision) return;
    await this.openRunning(step, statements);
    this.partial = this.running;
  }

  /**
   * One transaction for the whole run: `step` committed the run part-way ({@link partialCommit})
   * and ended, and a later revision failed, so the rollback took `step`'s end (its `ok`) with it.
   * Its row, still `running` with the count last committed, becomes `failed` with the
   * `committed` statements that stay (those up to the end of its op.noTransaction block).
   * Best effort and never throws, as {@link fail}. Returns whether the row was written.
   */
  async failPartial(step: MigrationStep, committed: number, durationMs: number, error: string): Promise<boolean> {
    const partial = this.partial;
    if (partial?.revision !== step.revision) return false;
    const message = redactSecrets(error, this.options.secrets ?? []);
    try {
      const row = partial.id === undefined ? { revision: step.revision } : { id: partial.id };
      const duration = this.options.channel.offline ? null : durationMs;
      await this.write(step, updateRunningSql(this.options.dialect, this.options.table, row, {
        status: 'failed', statements: committed, durationMs: duration, error: message,
      }));
      this.partial = undefined;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A statement of the revision took effect (not transactional: the count is kept current). The
   * count is not written at once: where the script's last statement is followed at once by the
   * revision's end, it rides on the final UPDATE (a round trip and a commit saved per revision).
   * Otherwise it is written before the revision's next statement ({@link flushProgress}), or as
   * soon as the script waits on anything else (a timer, a query of its own: the event loop turns),
   * so a row left by a dead run says what committed for certain, as when it was written at once.
   */
  async progress(step: MigrationStep, statements: number): Promise<void> {
    if (this.running?.revision !== step.revision) return;
    this.unwritten = statements;
    if (this.options.channel.offline || this.flushing !== undefined) return;
    const flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writeUnwritten(step));
    this.flushing = flushing;
    // Its failure is reported by the next flushProgress or successStatement, never unhandled.
    flushing.catch(() => undefined).finally(() => {
      if (this.flushing === flushing) this.flushing = undefined;
    });
  }

  /** Before a statement of the revision: write the count of those done, if the row does not say it yet. */
  async flushProgress(step: MigrationStep): Promise<void> {
    await this.settleFlushing();
    await this.writeUnwritten(step);
  }

  private async writeUnwritten(step: MigrationStep): Promise<void> {
    const statements = this.unwritten;
    if (statements === undefined || this.running?.revision !== step.revision) return;
    this.unwritten = undefined;
    await this.write(step, updateRunningSql(this.options.dialect, this.options.table, this.rowOf(step), { statements }));
  }

  /** Wait for a deferred count's write in flight; throws its error (a lost lock or connection). */
  private async settleFlushing(): Promise<void> {
    const flushing = this.flushing;
    if (flushing === undefined) return;
    this.flushing = undefined;
    await flushing;
  }

  /** True while `step` has a `running` row (its end is then an UPDATE of that row). */
  isRunning(step: MigrationStep): boolean {
    return this.running?.revision === step.revision;
  }

  /**
   * The statement that records the revision's success with `statements` done: the UPDATE of its
   * `running` row, or (transactional) the INSERT of its `ok` row. The caller runs it: in the
   * revision's transaction, or together with the version-table change in a transaction of its
   * own (see steps.ts), then calls {@link succeeded}.
   */
  async successStatement(step: MigrationStep, statements: number, durationMs: number): Promise<SuccessStatement> {
    this.unwritten = undefined;
    await this.settleFlushing();
    const duration = this.options.channel.offline ? null : durationMs;
    const { dialect, table, version } = this.options;
    if (this.running?.revision === step.revision) {
      const row = this.rowOf(step);
      const set = { status: 'ok', statements, durationMs: duration } as const;
      return { sql: updateRunningSql(dialect, table, row, set), expectOneRow: 'id' in row, parts: { kind: 'update', row, set } };
    }
    const row = await this.successRow(step, statements, durationMs);
    return { sql: insertHistorySql(dialect, table, row, version), expectOneRow: false, parts: { kind: 'insert', row, version } };
  }

  /**
   * Transactional regime, no `running` row for `step`: the `ok` row that {@link successStatement}
   * inserts, as values, for a statement that inserts the rows of several revisions at once
   * (deferred-bookkeeping.ts). Its id, where the run reserves them, is taken now, in run order.
   */
  async successRow(step: MigrationStep, statements: number, durationMs: number): Promise<NewHistoryRow> {
    this.unwritten = undefined;
    await this.settleFlushing();
    const duration = this.options.channel.offline ? null : durationMs;
    return this.withId(await this.newRow(step, { status: 'ok', statements, durationMs: duration, error: null }));
  }

  /** retort's version, as the rows of this run record it. */
  get version(): string {
    return this.options.version;
  }

  /** The success statement of `step` ran. */
  succeeded(step: MigrationStep): void {
    if (this.running?.revision === step.revision) this.running = undefined;
  }

  /** The revision's statements and version-table change are done; before COMMIT. */
  async succeed(step: MigrationStep, statements: number, durationMs: number): Promise<void> {
    await this.write(step, (await this.successStatement(step, statements, durationMs)).sql);
    this.succeeded(step);
  }

  /**
   * The revision failed and its transaction (if any) is rolled back: record it, with the count of
   * statements that stayed committed. Never throws: the run's own error matters more, and a
   * connection that is gone cannot take the row anyway (a `running` row then tells the story).
   * Returns whether the row was written.
   */
  async fail(step: MigrationStep, committed: number, durationMs: number, error: string): Promise<boolean> {
    // A driver's message can quote a connection string: the table is read by people and tools.
    const message = redactSecrets(error, this.options.secrets ?? []);
    this.unwritten = undefined;
    // The block may have gone with the rolled-back transaction: this row takes the database's id,
    // which is above any block that was committed.
    this.reserving = false;
    this.ids = undefined;
    await this.settleFlushing().catch(() => undefined);
    try {
      const duration = this.options.channel.offline ? null : durationMs;
      if (this.running?.revision === step.revision) {
        const row = this.rowOf(step);
        await this.write(step, updateRunningSql(this.options.dialect, this.options.table, row, {
          status: 'failed', statements: committed, durationMs: duration, error: message,
        }));
        this.running = undefined;
        return true;
      }
      await this.write(step, await this.insert(step, { status: 'failed', statements: committed, durationMs: duration, error: message }));
      return true;
    } catch {
      // See above: best effort.
      return false;
    }
  }

  private rowOf(step: MigrationStep): { id: number } | { revision: string } {
    const id = this.running?.revision === step.revision ? this.running.id : undefined;
    return id === undefined ? { revision: step.revision } : { id };
  }

  /** Insert the `running` row of `step` and learn its id (from the INSERT's own reply where the session can). */
  private async openRunning(step: MigrationStep, statements: number): Promise<void> {
    const { channel, dialect } = this.options;
    let value: number | undefined;
    await this.write(step, await this.insert(step, { status: 'running', statements, durationMs: null, error: null }), async (sql) => {
      value = await channel.runInsert(sql);
    });
    if (value === undefined && channel.session !== undefined && dialect.lastInsertIdSql !== undefined) {
      value = Number((await channel.session.query<{ id: unknown }>(dialect.lastInsertIdSql))[0]?.id);
    }
    const id = value !== undefined && Number.isSafeInteger(value) && value > 0 ? value : undefined;
    this.running = { revision: step.revision, id };
  }

  /**
   * One history statement. Outside a transaction (the non-transactional regime: no transaction is
   * ever open there) a write the server rolled back for a concurrent write to the row is run
   * again (see conflict-retry.ts). A failure is reported as the history write it is, naming the
   * revision and the statement, never as the script's.
   */
  private async write(step: MigrationStep, sql: string, run = (text: string) => this.options.channel.run(text)): Promise<void> {
    const { dialect } = this.options;
    const what = `the history row of revision ${step.revision}`;
    try {
      if (this.options.transactional) await run(sql);
      else await retryOnConflict(dialect, what, sql, () => run(sql));
    } catch (error) {
      if (isRetortError(error)) throw error;
      throw new RetortError('HistoryWriteFailed', `Writing ${what} to the history table failed: ${(error as Error).message ?? String(error)}. Statement: ${sql}`, {
        fields: { revision: step.revision, statement: sql },
        hint: '`retort history --applied` and `retort current` show what the database holds.',
        cause: error,
      });
    }
  }

  private async insert(step: MigrationStep, row: RowValues): Promise<string> {
    const { dialect, table, version } = this.options;
    return insertHistorySql(dialect, table, await this.withId(await this.newRow(step, row)), version);
  }

  /** `row` with the next id of the run's block, reserving a block first when none is left; `row` as it is where ids are not reserved. */
  private async withId(row: NewHistoryRow): Promise<NewHistoryRow> {
    const { dialect, channel, table } = this.options;
    if (!this.reserving || channel.session === undefined || dialect.reserveHistoryIds === undefined) return row;
    if (this.ids === undefined || this.ids.next > this.ids.last) {
      const count = this.rowsLeft;
      const first = await dialect.reserveHistoryIds(channel.session, table, count);
      if (first === undefined) {
        this.reserving = false;
        return row;
      }
      this.ids = { next: first, last: first + count - 1 };
    }
    this.rowsLeft = Math.max(1, this.rowsLeft - 1);
    return { ...row, id: this.ids.next++ };
  }

  private async newRow(step: MigrationStep, row: RowValues): Promise<NewHistoryRow> {
    // One literal, no spreads: this runs for every revision of a run.
    return {
      revision: step.revision,
      direction: step.direction,
      checksum: await this.options.checksumOf(step.revision),
      // Offline, the server's clock when the DBA applies the script.
      startedAt: this.options.channel.offline ? undefined : this.startedAt,
      status: row.status,
      statements: row.statements,
      durationMs: row.durationMs,
      error: row.error,
    };
  }
}

/** The values of a row that differ between its INSERTs. */
interface RowValues {
  readonly status: 'running' | 'ok' | 'failed';
  readonly statements: number;
  readonly durationMs: number | null;
  readonly error: string | null;
}
