/**
 * Opening a target's database for one run: parse the URL, load the dialect, connect, pin one
 * session, run the dialect's session hooks, and always close, whatever happens.
 */
import { parseUrl } from '../config/url.js';
import type { CompileContext, Dialect, Session } from '../dialects/dialect.js';
import { dialectFor } from '../dialects/registry.js';
import { acquireRunLock, type HeldLock, type LockRequest } from '../runtime/lock.js';
import type { ResolvedTarget } from '../config/index.js';
import { RetortError } from '../errors.js';

/** An open database for one run. */
export interface OpenDatabase {
  readonly dialect: Dialect;
  readonly session: Session;
  readonly compileContext: CompileContext;
  /**
   * Throws `LockLost` once the run lock is gone (see {@link HeldLock.ensureHeld}); resolves at once
   * for a run that took no lock. The online channel calls it before every statement.
   */
  readonly ensureHeld: () => Promise<void>;
}

/** The dialect of a target, without connecting (for offline mode). */
export async function dialectOf(target: ResolvedTarget): Promise<Dialect> {
  return dialectFor(parseUrl(target.url));
}

/** The compile context of a target, offline (no catalog) or online. */
export function compileContextFor(target: ResolvedTarget, dialect: Dialect, session?: Session): CompileContext {
  return {
    ...(target.dbSchema === undefined ? {} : { defaultSchema: target.dbSchema }),
    // MySQL and MariaDB spell some DDL differently by version; offline, the compiler's fallbacks apply.
    ...(session?.serverVersion === undefined ? {} : { serverVersion: session.serverVersion }),
    ...(session === undefined ? {} : { readTable: (table: string, schema?: string) => dialect.readTable(session, table, schema ?? target.dbSchema) }),
  };
}

/** Options of {@link withDatabase}. */
export interface WithDatabaseOptions {
  /**
   * Take the run lock first (runs that change the database). It is taken before `fn` reads
   * anything, and released after the session's last statement, whatever happens.
   */
  readonly lock?: Omit<LockRequest, 'scope' | 'target' | 'leaseSeconds'>;
  /** Told the connection's notices once connected (runs that change the database pass it). */
  readonly onNotice?: (message: string) => void;
}

/**
 * A configured `dbSchema` that does not exist: created when the config says `createDbSchema`,
 * else `SchemaNotFound` with the statement to run (the database would otherwise answer the
 * version table's CREATE with an error that names neither the setting nor the fix).
 */
async function ensureDbSchema(dialect: Dialect, session: Session, target: ResolvedTarget): Promise<void> {
  const name = target.dbSchema;
  if (name === undefined || !dialect.capabilities.schemas) return;
  const found = await session.query(`SELECT schema_name FROM information_schema.schemata WHERE schema_name = ${dialect.quoteString(name)}`);
  if (found.length > 0) return;
  const create = `CREATE SCHEMA ${dialect.quoteIdentifier(name)}`;
  if (target.createDbSchema) {
    await session.execute(`CREATE SCHEMA IF NOT EXISTS ${dialect.quoteIdentifier(name)}`);
    return;
  }
  throw new RetortError('SchemaNotFound', `The database has no schema '${name}' (the config's dbSchema${target.name === 'default' ? '' : ` of target '${target.name}'`}), where retort keeps its version table and your tables.`, {
    fields: { dbSchema: name, target: target.name, sql: create },
    hint: `Create it (\`${create};\`), or set \`createDbSchema: true\` in the config so that runs create it, or fix \`dbSchema\`.`,
  });
}

/** Run `fn` with the target's database open on one pinned session. */
export async function withDatabase<T>(target: ResolvedTarget, fn: (db: OpenDatabase) => Promise<T>, options: WithDatabaseOptions = {}): Promise<T> {
  const url = parseUrl(target.url);
  const dialect = await dialectFor(url);
  // A run's lock connection opens while this one completes its handshake (acquireRunLock waits
  // for both): one connect's time less per run.
  const connection = await dialect.connect(url, { target: target.name, timeouts: target.timeouts, early: options.lock !== undefined });
  let lock: HeldLock | undefined;
  try {
    for (const notice of connection.notices ?? []) options.onNotice?.(notice);
    if (options.lock !== undefined) {
      const scope = { versionTable: target.versionTable, ...(target.dbSchema === undefined ? {} : { schema: target.dbSchema }) };
      lock = await acquireRunLock(connection, { ...options.lock, scope, target: target.name, leaseSeconds: target.lockLeaseSeconds });
    }
    return await connection.withSession(async (session) => {
      // Session hooks run outside any transaction (SQLite ignores its foreign_keys pragma inside one).
      for (const sql of dialect.hooks.sessionStart ?? []) await session.execute(sql);
      // A run that writes creates its tables in dbSchema: a missing one is said plainly (or made).
      if (options.lock !== undefined) await ensureDbSchema(dialect, session, target);
      try {
        const ensureHeld = lock === undefined ? async () => undefined : () => lock!.ensureHeld();
        return await fn({ dialect, session, compileContext: compileContextFor(target, dialect, session), ensureHeld });
      } finally {
        for (const sql of dialect.hooks.sessionEnd ?? []) await session.execute(sql).catch(() => undefined);
      }
    });
  } finally {
    // Unlock before closing: the session's work is committed or rolled back by now.
    await lock?.release();
    await connection.close();
  }
}
