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
 *
 * retort's own bookkeeping statement (the version change and the history row, bookkeeping.ts)
 * has the same text for every revision of a run once its values are parameters, so it goes as a
 * prepared statement ({@link PgRequests.sendAll} with its parameterized form): Parse once per
 * run, then per revision only Bind and Execute, followed by the COMMIT, all before one Sync, in
 * one round trip. The server skips everything after a failed message up to the Sync, so the
 * COMMIT never runs after a failed bookkeeping statement, as in one simple-protocol text.
 * Parsing and planning that CTE on every revision cost the server about 0.3 ms a revision
 * (500 revisions, interleaved: 1.19-1.59 ms per request as text against 0.88-1.18 ms prepared).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { BatchOutcome, ParameterizedStatement } from '../dialect.js';
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

/**
 * One prepared statement (`name`, `text`, `values`: pg parses it only the first time the
 * connection sees the name) with plain statements before and after it, all through the extended
 * protocol and before one Sync: one round trip. Each plain statement is a single statement (the
 * extended protocol takes one per Parse). Counts the statements that completed, as
 * {@link CountedQuery} does.
 */
class PipelinedQuery extends CountedQuery {
  constructor(config: { name: string; text: string; values: unknown[] }, private readonly before: readonly string[], private readonly after: readonly string[]) {
    super(config);
  }

  prepare(connection: PgConnection): void {
    for (const sql of this.before) sendUnnamed(connection, sql);
    (pg.Query.prototype as unknown as { prepare: (c: PgConnection) => void }).prepare.call(this, connection);
  }

  // pg calls this to execute the prepared statement's portal and end the pipeline with Sync.
  _getRows(connection: PgConnection): void {
    connection.execute({ portal: '' });
    for (const sql of this.after) sendUnnamed(connection, sql);
    connection.sync();
  }
}

/** The parts of pg's connection a {@link PipelinedQuery} writes to. */
interface PgConnection {
  parse(message: { text: string; name?: string }): void;
  bind(message: Record<string, unknown>): void;
  execute(message: { portal: string }): void;
  sync(): void;
  parsedStatements: Record<string, string | undefined>;
}

/** `sql` as an unnamed statement of the extended protocol: Parse, Bind, Execute. */
function sendUnnamed(connection: PgConnection, sql: string): void {
  connection.parse({ text: sql });
  connection.bind({});
  connection.execute({ portal: '' });
}

/** A statement that drops prepared statements on the server: the names known before are gone (or may be). */
const DROPS_PREPARED = /\b(?:deallocate|discard)\b/i;

/** What a multi-statement request returned: one result per statement that has one. */
type Results = pg.QueryResult[];

/**
 * `statements` as one simple-protocol text. A statement ending in a line comment gets its
 * separator on a line of its own, or the comment would swallow it.
 */
function joined(statements: readonly string[]): string {
  return statements.map((sql, i) => `${sql}${separatorAfter(statements, i)}`).join('');
}

/** What {@link joined} puts after statement `i`: nothing after the last. */
function separatorAfter(statements: readonly string[], i: number): string {
  if (i === statements.length - 1) return '';
  return statements[i]!.includes('--') ? '\n;\n' : ';\n';
}

/**
 * The server counts an error's position (1-based, in characters) in the whole text it was sent:
 * when {@link joined} put statements ahead of the failed one (its revision's BEGIN), the position
 * is moved to count in the failed statement alone, the text a failure report shows. A position
 * outside every statement (in a separator) is left as it is.
 */
function positionInStatement(error: unknown, statements: readonly string[]): void {
  const e = error as { position?: unknown } | null;
  if (statements.length < 2 || typeof e !== 'object' || e === null || typeof e.position !== 'string' || !/^\d+$/.test(e.position)) return;
  const at = Number(e.position) - 1;
  let start = 0;
  for (const [i, sql] of statements.entries()) {
    const length = Array.from(sql).length;
    if (at >= start && at < start + length) {
      e.position = String(at - start + 1);
      return;
    }
    start += length + separatorAfter(statements, i).length;
  }
}

/** The requests of one client: see the module comment. */
export class PgRequests {
  private deferred: string[] = [];
  /**
   * Part of every prepared statement's name: bumped when a statement may have dropped them
   * (DEALLOCATE, DISCARD) or a pipeline failed, so a name is never used again without its Parse.
   */
  private generation = 0;
  /** The name of each prepared statement's text in the current generation (hashed once, not per revision). */
  private names = new Map<string, string>();

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
    if (DROPS_PREPARED.test(text)) this.generation += 1;
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
  async sendAll(statements: readonly string[], forms?: readonly (ParameterizedStatement | undefined)[]): Promise<BatchOutcome> {
    const ahead = this.take();
    const all = [...ahead, ...statements];
    const at = forms === undefined ? -1 : forms.findIndex((form) => form !== undefined);
    const pipelined = at < 0 ? undefined : this.pipeline(all, ahead.length + at, forms![at]!);
    const { completed, error } = await this.batch(all, (done) => all[Math.min(done, all.length - 1)]!, pipelined);
    const own = Math.max(0, completed - ahead.length);
    return error === undefined ? { completed: own } : { completed: own, error };
  }

  /**
   * `all` as one {@link PipelinedQuery}, statement `index` prepared as `form`; undefined when a
   * plain statement holds several statements (the extended protocol takes one per message) or
   * another one has a form too: then the texts go as one simple-protocol message.
   */
  private pipeline(all: readonly string[], index: number, form: ParameterizedStatement): PipelinedQuery | undefined {
    const before = all.slice(0, index);
    const after = all.slice(index + 1);
    if ([...before, ...after].some((sql) => sql.includes(';'))) return undefined;
    let name = this.names.get(form.text);
    if (name === undefined || !name.startsWith(`retort_${this.generation}_`)) {
      name = `retort_${this.generation}_${createHash('sha256').update(form.text).digest('hex').slice(0, 16)}`;
      this.names.set(form.text, name);
    }
    return new PipelinedQuery({ name, text: form.text, values: [...form.values] }, before, after);
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
  private async batch(
    statements: readonly string[], named: (completed: number) => string, prepared?: PipelinedQuery,
  ): Promise<{ results: Results; completed: number; error?: unknown }> {
    if (statements.some((sql) => DROPS_PREPARED.test(sql))) this.generation += 1;
    const query = prepared ?? new CountedQuery(joined(statements));
    try {
      const result = await this.guard.run(() => named(query.completed), () => new Promise<pg.QueryResult | Results>((resolve, reject) => {
        (query as unknown as { callback: (error: Error | undefined, result: pg.QueryResult | Results) => void }).callback =
          (error, result) => (error ? reject(error) : resolve(result));
        this.client.query(query);
      }));
      return { results: Array.isArray(result) ? result : [result], completed: query.completed };
    } catch (error) {
      // The prepared statement may not exist now (its Parse failed, or the session was reset):
      // the next one is parsed under a new name.
      if (prepared !== undefined) this.generation += 1;
      // A pipeline's statements each go in their own Parse: the server counts in each alone.
      else positionInStatement(error, statements);
      return { results: [], completed: query.completed, error };
    }
  }
}
