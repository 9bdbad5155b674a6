/**
 * Where a run's statements go. Online, each statement is executed on the run's one session;
 * offline (`--sql`), each is appended to the script the DBA will read. Both receive exactly the
 * same statement text, so the offline SQL is what an online run executes.
 */
import type { BatchOutcome, Dialect, ParameterizedStatement, Session, UnitOutcome, UnitStatement } from '../dialects/dialect.js';

/** The sink of a run's SQL, online or offline. */
export interface Channel {
  /** True for `--sql`: nothing is executed and no catalog can be read. */
  readonly offline: boolean;
  /** The session of an online run (undefined offline). */
  readonly session: Session | undefined;
  /**
   * Execute (or print) one statement. Online, only while the run lock is held: the lock is
   * checked before each statement, and once it is lost nothing more is written.
   */
  run(sql: string): Promise<void>;
  /**
   * {@link run} for an INSERT/UPDATE/DELETE of retort's own tables, returning the rows it matched;
   * undefined offline or where the session cannot count.
   */
  runCounting(sql: string): Promise<number | undefined>;
  /**
   * {@link run} for an INSERT into retort's own tables, returning the id of the row it made where
   * the session reads it from the statement's reply; undefined offline or where it cannot.
   */
  runInsert(sql: string): Promise<number | undefined>;
  /**
   * Online, where the session can ({@link Session.executeUnit}): retort's own row changes as one
   * transaction in one request. Each statement is observed as if sent alone (the `-v` lines and
   * an offline script show the same statements). Absent offline and where the session cannot.
   */
  readonly runUnit?: (statements: readonly UnitStatement[]) => Promise<UnitOutcome>;
  /**
   * {@link run} for a statement that may travel with the session's next request, in the same
   * round trip (BEGIN with the revision's first statement), where the session can defer it
   * ({@link Session.defer}); executed at once elsewhere. Offline it is printed in its place.
   */
  runDeferred(sql: string): Promise<void>;
  /**
   * Execute (or print) `statements` in order, in one round trip where the session can
   * ({@link Session.executeAll}), stopping at the first that fails. Never rejects for a failure:
   * it resolves with how many completed and the error (a lost lock: none completed). `forms`:
   * the parameterized form of some of them (same index), which the session may run instead
   * (observed and printed is always the text).
   */
  runAll(statements: readonly string[], forms?: readonly (ParameterizedStatement | undefined)[]): Promise<BatchOutcome>;
  /** Execute (or print) a statement that only undoes (ROLLBACK): sent even after the lock was lost. */
  runUnguarded(sql: string): Promise<void>;
  /** A comment for the offline script (ignored online). */
  comment(text: string): void;
}

/** What an online channel does around each statement. */
export interface OnlineChannelOptions {
  /** Told each statement before it runs (the CLI's `-v`). */
  readonly observe?: (sql: string) => void;
  /** Throws `LockLost` once the run lock is gone (the run lock's `ensureHeld`); awaited before each statement. */
  readonly ensureHeld?: () => Promise<void>;
}

/**
 * A channel that executes on `session`. Every statement, the script's and retort's own history
 * and version-table writes alike, passes the run lock's check first, so a run that lost its lock
 * (a dead lock connection, a Galera lease taken over after this process was paused) stops before
 * it writes anything more.
 */
export function onlineChannel(session: Session, options: OnlineChannelOptions = {}): Channel {
  const { observe, ensureHeld } = options;
  const execute = (sql: string) => {
    observe?.(sql);
    return session.execute(sql);
  };
  return {
    offline: false,
    session,
    run: async (sql) => {
      await ensureHeld?.();
      return execute(sql);
    },
    runCounting: async (sql) => {
      await ensureHeld?.();
      if (session.executeCounting === undefined) return execute(sql).then(() => undefined);
      observe?.(sql);
      return session.executeCounting(sql);
    },
    runInsert: async (sql) => {
      await ensureHeld?.();
      if (session.executeInsert === undefined) return execute(sql).then(() => undefined);
      observe?.(sql);
      return session.executeInsert(sql);
    },
    ...(session.executeUnit === undefined ? {} : {
      runUnit: async (statements: readonly UnitStatement[]) => {
        await ensureHeld?.();
        for (const statement of statements) observe?.(statement.sql);
        return session.executeUnit!(statements);
      },
    }),
    runDeferred: async (sql) => {
      await ensureHeld?.();
      if (session.defer === undefined) return execute(sql);
      observe?.(sql);
      session.defer(sql);
    },
    runAll: async (statements, forms) => {
      try {
        await ensureHeld?.();
      } catch (error) {
        return { completed: 0, error };
      }
      if (session.executeAll !== undefined) {
        for (const sql of statements) observe?.(sql);
        return forms === undefined ? session.executeAll(statements) : session.executeAll(statements, forms);
      }
      return oneByOne(statements, execute);
    },
    runUnguarded: execute,
    comment: () => {},
  };
}

/** {@link Channel.runAll} where the session sends one statement per round trip. */
async function oneByOne(statements: readonly string[], run: (sql: string) => Promise<void>): Promise<BatchOutcome> {
  let completed = 0;
  try {
    for (const sql of statements) {
      await run(sql);
      completed += 1;
    }
  } catch (error) {
    return { completed, error };
  }
  return { completed };
}

/** A channel that collects SQL text; read it with `text()`. */
export interface OfflineChannel extends Channel {
  /** The whole script: each statement followed by `;`, comments as `-- ...`. */
  text(): string;
  /** The statements alone, in order (for tests comparing offline with online). */
  readonly statements: readonly string[];
}

/**
 * A channel that prints instead of executing.
 * @param scriptStatement - how the dialect prints one statement for its client (default `sql;`)
 */
export function offlineChannel(scriptStatement: (sql: string) => string = (sql) => `${sql};`): OfflineChannel {
  const lines: string[] = [];
  const statements: string[] = [];
  return {
    offline: true,
    session: undefined,
    statements,
    async run(sql) {
      statements.push(sql);
      lines.push(`${scriptStatement(sql)}\n`);
    },
    async runCounting(sql) {
      await this.run(sql);
      return undefined;
    },
    async runInsert(sql) {
      await this.run(sql);
      return undefined;
    },
    runDeferred(sql) {
      return this.run(sql);
    },
    runAll(statements) {
      return oneByOne(statements, (sql) => this.run(sql));
    },
    runUnguarded(sql) {
      return this.run(sql);
    },
    comment(text) {
      lines.push(`-- ${text}\n`);
    },
    text: () => lines.join('\n'),
  };
}

/**
 * Transaction control of a run. Transactions are opened only where the dialect has
 * transactional DDL: on MySQL every DDL statement commits implicitly, so a BEGIN there would
 * promise an atomicity the server does not give (and Alembic prints none offline either).
 */
export class Transactions {
  private open = false;

  constructor(
    private readonly channel: Channel,
    private readonly dialect: Dialect,
  ) {}

  /** Whether this run uses transactions at all. */
  get enabled(): boolean {
    return this.dialect.capabilities.transactionalDdl;
  }

  /** True while a transaction is open. */
  get isOpen(): boolean {
    return this.open;
  }

  /**
   * Open a transaction (no-op where DDL is not transactional, or one is open). Its BEGIN may
   * travel with the session's next request ({@link Channel.runDeferred}): nothing happens in
   * between that a transaction would cover.
   */
  async begin(): Promise<void> {
    if (!this.enabled || this.open) return;
    await this.channel.runDeferred(this.dialect.beginSql);
    this.open = true;
  }

  /** Commit the open transaction, if any. */
  async commit(): Promise<void> {
    if (!this.open) return;
    // Mark closed first: if COMMIT itself fails the transaction is gone either way.
    this.open = false;
    await this.channel.run(this.dialect.commitSql);
  }

  /**
   * Run `statements` as the open transaction's last ones and commit it, all in one round trip
   * where the channel can ({@link Channel.runAll}). Resolves with how many of `statements`
   * completed and the error, if one of them or the COMMIT failed (the COMMIT's when all of
   * `statements` completed). With no transaction open, only `statements` run. The server stops
   * at the first failure, so a failed statement leaves the transaction open, aborted, for
   * {@link rollback}. `forms`: see {@link Channel.runAll}.
   */
  async commitAfter(statements: readonly string[], forms?: readonly (ParameterizedStatement | undefined)[]): Promise<BatchOutcome> {
    if (!this.open) return this.channel.runAll(statements, forms);
    const outcome = await this.channel.runAll([...statements, this.dialect.commitSql], forms);
    // The COMMIT ran (and ended the transaction, committed or not) once every statement before it completed.
    if (outcome.completed >= statements.length) this.open = false;
    return { completed: Math.min(outcome.completed, statements.length), ...(outcome.error === undefined ? {} : { error: outcome.error }) };
  }

  /** Roll back the open transaction, if any; never throws (the original error matters more). */
  async rollback(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    try {
      await this.channel.runUnguarded(this.dialect.rollbackSql);
    } catch {
      // The connection may be gone; the server rolls back an abandoned transaction itself.
    }
  }
}
