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
import type { Dialect } from '../dialects/dialect.js';
import type { MigrationStep } from '../script/graph/index.js';
import { redactSecrets } from '../util/redact.js';
import { isRetortError, RetortError } from '../errors.js';
import type { Channel } from './channel.js';
import { retryOnConflict } from './conflict-retry.js';
import { insertHistorySql, updateRunningSql, type HistoryTableRef } from './history-table.js';

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
}

/** The history rows of one run. */
export class HistoryRecorder {
  /** The revision whose `running` row is open (not transactional, or since an op.noTransaction commit). */
  private running: string | undefined;
  private startedAt: Date | undefined;

  constructor(private readonly options: HistoryRecorderOptions) {}

  /** A revision is about to run its first statement. */
  async start(step: MigrationStep): Promise<void> {
    this.startedAt = new Date();
    if (this.options.transactional) return;
    await this.write(step, await this.insert(step, { status: 'running', statements: 0, durationMs: null, error: null }));
    this.running = step.revision;
  }

  /**
   * Transactional regime, `op.noTransaction`: the revision is about to commit `statements` of
   * itself, so it can no longer roll back whole. From here it is recorded as the
   * non-transactional regime does: a `running` row (committed with those statements), kept
   * current, then `ok` or `failed` with what committed. A process killed inside the block thus
   * leaves a row that the next run refuses to run over until `retort resolve`.
   */
  async partialCommit(step: MigrationStep, statements: number): Promise<void> {
    if (this.running === step.revision) return;
    await this.write(step, await this.insert(step, { status: 'running', statements, durationMs: null, error: null }));
    this.running = step.revision;
  }

  /** A statement of the revision took effect (not transactional: the count is kept current). */
  async progress(step: MigrationStep, statements: number): Promise<void> {
    if (this.running !== step.revision) return;
    await this.write(step, updateRunningSql(this.options.dialect, this.options.table, step.revision, { statements }));
  }

  /** The revision's statements and version-table change are done; before COMMIT. */
  async succeed(step: MigrationStep, statements: number, durationMs: number): Promise<void> {
    const duration = this.options.channel.offline ? null : durationMs;
    if (this.running === step.revision) {
      this.running = undefined;
      await this.write(step, updateRunningSql(this.options.dialect, this.options.table, step.revision, { status: 'ok', statements, durationMs: duration }));
      return;
    }
    await this.write(step, await this.insert(step, { status: 'ok', statements, durationMs: duration, error: null }));
  }

  /**
   * The revision failed and its transaction (if any) is rolled back: record it, with the count of
   * statements that stayed committed. Never throws: the run's own error matters more, and a
   * connection that is gone cannot take the row anyway (a `running` row then tells the story).
   */
  async fail(step: MigrationStep, committed: number, durationMs: number, error: string): Promise<void> {
    // A driver's message can quote a connection string: the table is read by people and tools.
    const message = redactSecrets(error, this.options.secrets ?? []);
    try {
      const duration = this.options.channel.offline ? null : durationMs;
      if (this.running === step.revision) {
        this.running = undefined;
        await this.write(step, updateRunningSql(this.options.dialect, this.options.table, step.revision, {
          status: 'failed', statements: committed, durationMs: duration, error: message,
        }));
        return;
      }
      await this.write(step, await this.insert(step, { status: 'failed', statements: committed, durationMs: duration, error: message }));
    } catch {
      // See above: best effort.
    }
  }

  /**
   * One history statement. Outside a transaction (the non-transactional regime: no transaction is
   * ever open there) a write the server rolled back for a concurrent write to the row is run
   * again (see conflict-retry.ts). A failure is reported as the history write it is, naming the
   * revision and the statement, never as the script's.
   */
  private async write(step: MigrationStep, sql: string): Promise<void> {
    const { channel, dialect } = this.options;
    const what = `the history row of revision ${step.revision}`;
    try {
      if (this.options.transactional) await channel.run(sql);
      else await retryOnConflict(dialect, what, sql, () => channel.run(sql));
    } catch (error) {
      if (isRetortError(error)) throw error;
      throw new RetortError('HistoryWriteFailed', `Writing ${what} to the history table failed: ${(error as Error).message ?? String(error)}. Statement: ${sql}`, {
        fields: { revision: step.revision, statement: sql },
        hint: '`retort history --applied` and `retort current` show what the database holds.',
        cause: error,
      });
    }
  }

  private async insert(step: MigrationStep, row: { status: 'running' | 'ok' | 'failed'; statements: number; durationMs: number | null; error: string | null }): Promise<string> {
    const { dialect, table, channel } = this.options;
    return insertHistorySql(dialect, table, {
      revision: step.revision,
      direction: step.direction,
      checksum: await this.options.checksumOf(step.revision),
      // Offline, the server's clock when the DBA applies the script.
      ...(channel.offline || this.startedAt === undefined ? {} : { startedAt: this.startedAt }),
      ...row,
    }, this.options.version);
  }
}
