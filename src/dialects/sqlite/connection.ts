/**
 * The SQLite connection: one better-sqlite3 handle per run, shared by retort's own statements and
 * by the Kysely instance revision scripts receive, so that the BEGIN/COMMIT retort issues as SQL
 * text enclose what the scripts do. better-sqlite3 is synchronous, so nothing can interleave.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { isRetortError, RetortError } from '../../errors.js';
import type { Connection, ConnectionUrl, Session } from '../dialect.js';
import { BUSY_TIMEOUT_MS, fileFailure } from './errors.js';
import { openSqliteLock } from './lock.js';

/** The file path of a `sqlite:` URL: `sqlite:./a.db`, `sqlite:/abs/a.db`, `sqlite::memory:`. */
export function sqlitePath(url: ConnectionUrl): string {
  if (url.database !== undefined && url.database !== '') return url.database;
  // Fallback for URLs parsed without a database: strip the scheme (and an empty authority).
  const rest = url.raw.replace(/^[a-z0-9+.-]+:/i, '');
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

/** The page cache in KiB, as SQLite spells it (negative: a size, not a page count). */
const PAGE_CACHE_KIB = -2000;

/** better-sqlite3 binds numbers, strings, bigints, Buffers and null; booleans become 1 / 0. */
function bindable(params: readonly unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

/** Open the database file (created if missing, as SQLite does; its directory must exist). */
export async function connectSqlite(url: ConnectionUrl): Promise<Connection> {
  const path = sqlitePath(url);
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) {
    const directory = dirname(resolve(path));
    // better-sqlite3 would fail with a bare "directory does not exist"; and creating the
    // directory silently would hide a mistyped path, so say exactly what is missing.
    if (!existsSync(directory) || !statSync(directory).isDirectory()) {
      throw new RetortError('ConnectionFailed', `Cannot open the SQLite database ${path}: the directory ${directory} does not exist.`, {
        fields: { path, directory },
        hint: 'Create the directory, or correct the path in the URL.',
      });
    }
  }
  let handle: Database.Database | undefined;
  try {
    handle = new Database(inMemory ? ':memory:' : path, { timeout: BUSY_TIMEOUT_MS });
    // SQLite's own default page cache (2 MB, as the sqlite3 shell has), not better-sqlite3's
    // 16 MB: a run creating a table per revision touches each new table's page once and never
    // again, and a 16 MB cache kept all of them (about 4 KB of resident memory per table, 8 MB
    // at 2,000 tables). Only memory: what is written and when it is synced do not change.
    handle.pragma(`cache_size = ${PAGE_CACHE_KIB}`);
    handle.prepare('SELECT 1').get();
  } catch (error) {
    // Another process's exclusive lock makes even the first read wait: say so, not "permissions".
    const explained = fileFailure(error, path, handle);
    if (handle?.open) handle.close();
    if (explained !== error) throw explained;
    throw new RetortError('ConnectionFailed', `Cannot open the SQLite database ${path}: ${(error as Error).message}.`, {
      fields: { path },
      hint: 'Check that the path is a SQLite database file and that it is readable and writable.',
      cause: error,
    });
  }
  const open = handle;
  let db: Promise<Kysely<any>> | undefined;
  /** `fn`, with a busy or full database file said as such (see errors.ts). */
  const onFile = <T>(sqlText: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      const explained = fileFailure(error, path, open, sqlText);
      // The run ends on it: its bookkeeping after the failure (the history's failed row) should
      // not wait out the busy timeout a second time behind the same holder.
      if (isRetortError(explained) && explained.code === 'DatabaseBusy') open.pragma('busy_timeout = 0');
      throw explained;
    }
  };
  const session: Session = {
    kysely: () => (db ??= import('kysely').then(({ Kysely, SqliteDialect }) => new Kysely<any>({ dialect: new SqliteDialect({ database: open }) }))),
    async execute(sqlText: string): Promise<void> {
      // exec() runs every statement of the text, so a raw op.execute may hold several.
      onFile(sqlText, () => open.exec(sqlText));
    },
    async executeCounting(sqlText: string): Promise<number> {
      return onFile(sqlText, () => open.prepare(sqlText).run().changes);
    },
    async executeInsert(sqlText: string): Promise<number> {
      return onFile(sqlText, () => Number(open.prepare(sqlText).run().lastInsertRowid));
    },
    async query<R>(sqlText: string, params: readonly unknown[] = []): Promise<R[]> {
      return onFile(sqlText, () => {
        const statement = open.prepare(sqlText);
        if (statement.reader) return statement.all(...bindable(params)) as R[];
        statement.run(...bindable(params));
        return [];
      });
    },
  };
  let closed = false;
  return {
    async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
      if (closed) throw new RetortError('ConnectionFailed', `The SQLite connection to ${path} is closed.`);
      return fn(session);
    },
    // A lock file beside the database (see lock.ts); no other process can reach `:memory:`.
    openLock: async () => (inMemory ? undefined : openSqliteLock(path)),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Kysely's SqliteDriver closes the better-sqlite3 handle it was given; close it
      // ourselves when Kysely never opened it (no query went through `db`, or no `db` was made).
      if (db !== undefined) await (await db).destroy();
      if (open.open) open.close();
    },
  };
}
