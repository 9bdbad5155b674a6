/**
 * The requests of one guarded `pg` client, in as few round trips as the protocol allows.
 *
 * A query without parameters goes to the server as one simple-protocol Query message, which may
 * hold several statements: the server runs them in order, stops at the first that fails, and
 * answers once. A run uses that to halve its round trips per revision: the revision's BEGIN rides
 * ahead of its first statement ({@link PgRequests.defer}), and its bookkeeping statement goes with
 * its COMMIT ({@link PgRequests.sendAll}). On a loaded machine a round trip costs the client more
 * than the statements: each one is a socket write that wakes the server and a wait for its answer.
 *
 * A query with parameters goes through the extended protocol, one statement per message: a
 * deferred statement is then sent on its own first.
 */
import pg from 'pg';
import type { BatchOutcome } from '../dialect.js';
import type { ConnectionGuard } from '../net/guard.js';

/** A `pg` Query that counts the statements of a multi-statement text that completed. */
class CountedQuery extends pg.Query {
  completed = 0;

  // pg calls this once per statement that completed (its Submittable interface, also used by pg-cursor).
  handleCommandComplete(...args: unknown[]): void {
    this.completed += 1;
    (pg.Query.prototype as unknown as { handleCommandComplete: (...a: unknown[]) => void }).handleCommandComplete.apply(this, args);
  }
}

/** What a multi-statement request returned: one result per statement that has one. */
type Results = pg.QueryResult[];

/**
 * `statements` as one simple-protocol text. A statement ending in a line comment gets its
 * separator on a line of its own, or the comment would swallow it.
 */
function joined(statements: readonly string[]): string {
  return statements.map((sql, i) => (i < statements.length - 1 && sql.includes('--') ? `${sql}\n` : sql)).join(';\n');
}

/** The requests of one client: see the module comment. */
export class PgRequests {
  private deferred: string[] = [];

  constructor(private readonly client: pg.Client, private readonly guard: ConnectionGuard) {}

  /** Queue `sql` (a statement that fails only with the connection: BEGIN) to go ahead of the next request. */
  defer(sql: string): void {
    this.deferred.push(sql);
  }

  /**
   * One request, as `client.query(text, params)` would send it, carrying what was deferred.
   * Errors as from the client (a lost connection: `ConnectionLost` naming `text`).
   */
  async query(text: string, params?: readonly unknown[]): Promise<pg.QueryResult | Results> {
    const ahead = this.take();
    if (ahead.length > 0 && params !== undefined && params.length > 0) await this.sendAhead(ahead.splice(0));
    if (ahead.length === 0) return this.guard.run(text, () => this.client.query(text, params === undefined ? undefined : [...params]));
    const { results, error } = await this.batch([...ahead, text], () => text);
    if (error !== undefined) throw error;
    const own = results.slice(ahead.length);
    // What the client alone returns: one result, or one per statement of a multi-statement text.
    return own.length === 1 ? own[0]! : own;
  }

  /**
   * `statements` (after anything deferred) in one round trip. Never rejects for a failure: how
   * many of `statements` completed, and the error of the one after them (a lost connection:
   * `ConnectionLost` naming the statement it was lost during).
   */
  async sendAll(statements: readonly string[]): Promise<BatchOutcome> {
    const ahead = this.take();
    const all = [...ahead, ...statements];
    const { completed, error } = await this.batch(all, (done) => all[Math.min(done, all.length - 1)]!);
    const own = Math.max(0, completed - ahead.length);
    return error === undefined ? { completed: own } : { completed: own, error };
  }

  /** Send what was deferred now, alone (before a request that cannot carry it). */
  async flush(): Promise<void> {
    const ahead = this.take();
    if (ahead.length > 0) await this.sendAhead(ahead);
  }

  private take(): string[] {
    const ahead = this.deferred;
    if (ahead.length > 0) this.deferred = [];
    return ahead;
  }

  private async sendAhead(ahead: readonly string[]): Promise<void> {
    const { error } = await this.batch(ahead, (done) => ahead[Math.min(done, ahead.length - 1)]!);
    if (error !== undefined) throw error;
  }

  /**
   * `statements` as one request, through the guard (the statement it names when the connection
   * is lost: `named(completed so far)`).
   */
  private async batch(statements: readonly string[], named: (completed: number) => string): Promise<{ results: Results; completed: number; error?: unknown }> {
    const query = new CountedQuery(joined(statements));
    try {
      const result = await this.guard.run(() => named(query.completed), () => new Promise<pg.QueryResult | Results>((resolve, reject) => {
        (query as unknown as { callback: (error: Error | undefined, result: pg.QueryResult | Results) => void }).callback =
          (error, result) => (error ? reject(error) : resolve(result));
        this.client.query(query);
      }));
      return { results: Array.isArray(result) ? result : [result], completed: query.completed };
    } catch (error) {
      return { results: [], completed: query.completed, error };
    }
  }
}
