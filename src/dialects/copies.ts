/**
 * Named databases next to a configured one, and copies of them: the template a test suite
 * migrates once and the per-worker copies `retort-migrate/testing` hands out. Each dialect says
 * how it copies (PostgreSQL `CREATE DATABASE ... TEMPLATE`, MySQL / MariaDB table by table,
 * SQLite a file copy); the naming, the existence check and the drop of server databases are
 * shared here.
 */
import { parseUrl } from '../config/url.js';
import type { Connection, ConnectionUrl, Session } from './dialect.js';
import type { ScratchDatabase } from './snapshot.js';

/** How a dialect keeps named databases and copies them. */
export interface DatabaseCopies {
  /** The database `name` next to `url`'s (it need not exist): its URL and how to drop it. */
  named(url: string, name: string): ScratchDatabase;
  /** Whether database `name` exists next to `url`'s. */
  exists(url: string, name: string): Promise<boolean>;
  /** Make database `name` next to `url`'s, empty (a server database; nothing for a file the first connection creates). */
  create(url: string, name: string): Promise<ScratchDatabase>;
  /**
   * A new database `name` holding what database `from` holds, schema and rows; undefined when
   * this dialect cannot copy what `from` holds (the caller then migrates `name` instead). `from`
   * must have no open connection of this process.
   */
  copy(url: string, from: string, name: string): Promise<ScratchDatabase | undefined>;
  /**
   * The URL of the database whose run lock guards the making of template `name`: the configured
   * database on a server (so every process of a test run, whatever its worker, waits on the same
   * lock), a guard file next to the template for SQLite.
   */
  lockUrl(url: string, name: string): string;
}

/** The statements a server dialect runs for {@link DatabaseCopies}. */
export interface ServerDatabaseSql {
  connect(url: ConnectionUrl): Promise<Connection>;
  quoteIdentifier(name: string): string;
  /** A query of one row or none: does database `$1` / `?` exist. */
  readonly existsSql: string;
  /** What follows `DROP DATABASE IF EXISTS name` (PostgreSQL: `WITH (FORCE)`). */
  readonly dropSuffix?: string;
  /**
   * A query of one row, `{ n }`: how many sessions other than this one are connected to database
   * `$1` / `?`. Where a drop terminates them (PostgreSQL's FORCE), it is polled first for up to
   * {@link DROP_SETTLE_MS}, so that a connection that is closing ends on its own.
   */
  readonly otherSessionsSql?: string;
  /**
   * Copy database `from` into the new database `name`, over `session` (a connection to the
   * configured database); false when it cannot (nothing made then).
   */
  copy(session: Session, from: string, name: string): Promise<boolean>;
}

/** Run `fn` on a session of `url`, then close the connection. */
export async function onServer<T>(sql: Pick<ServerDatabaseSql, 'connect'>, url: string, fn: (session: Session) => Promise<T>): Promise<T> {
  const connection = await sql.connect(parseUrl(url));
  try {
    return await connection.withSession(fn);
  } finally {
    await connection.close();
  }
}

/** The URL of database `name` on `url`'s server: only the path differs (same user, host, TLS, timeouts). */
export function siblingUrl(url: string, name: string): string {
  const sibling = new URL(url);
  sibling.pathname = `/${encodeURIComponent(name)}`;
  return sibling.toString();
}

/**
 * How long a drop waits for the other sessions of the database to end before it terminates them
 * ({@link ServerDatabaseSql.otherSessionsSql}). A test's `afterAll` ends its pool and then drops
 * its worker's copy, and pg's `Pool.end()` resolves before its clients' connections have closed:
 * terminated mid-close, such a client got PostgreSQL's "terminating connection due to
 * administrator command" and the pool, with no listener for it, crashed the test worker.
 */
export const DROP_SETTLE_MS = 1_000;
const SETTLE_POLL_MS = 20;

/** Resolves once no other session is connected to database `name`, or after {@link DROP_SETTLE_MS}. */
async function settle(session: Session, otherSessionsSql: string, name: string): Promise<void> {
  const deadline = Date.now() + DROP_SETTLE_MS;
  for (;;) {
    const [row] = await session.query<{ n: number | string }>(otherSessionsSql, [name]);
    if (Number(row?.n ?? 0) === 0 || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}

/** Database `name` on `url`'s server (it need not exist): its URL, and a drop that is safe to call twice. */
export function serverDatabase(sql: Pick<ServerDatabaseSql, 'connect' | 'quoteIdentifier' | 'dropSuffix' | 'otherSessionsSql'>, url: string, name: string): ScratchDatabase {
  let dropped = false;
  return {
    url: siblingUrl(url, name),
    name,
    drop: async () => {
      if (dropped) return;
      const suffix = sql.dropSuffix === undefined ? '' : ` ${sql.dropSuffix}`;
      await onServer(sql, url, async (s) => {
        if (sql.otherSessionsSql !== undefined) await settle(s, sql.otherSessionsSql, name);
        await s.execute(`DROP DATABASE IF EXISTS ${sql.quoteIdentifier(name)}${suffix}`);
      });
      dropped = true;
    },
  };
}

/** {@link DatabaseCopies} of a server dialect. */
export function serverDatabaseCopies(sql: ServerDatabaseSql): DatabaseCopies {
  const named = (url: string, name: string) => serverDatabase(sql, url, name);
  return Object.freeze({
    named,
    exists: (url: string, name: string) => onServer(sql, url, async (s) => (await s.query(sql.existsSql, [name])).length > 0),
    create: async (url: string, name: string) => {
      await onServer(sql, url, (s) => s.execute(`CREATE DATABASE ${sql.quoteIdentifier(name)}`));
      return named(url, name);
    },
    copy: async (url: string, from: string, name: string) => ((await onServer(sql, url, (s) => sql.copy(s, from, name))) ? named(url, name) : undefined),
    lockUrl: (url: string) => url,
  });
}
