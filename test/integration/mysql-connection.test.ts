/**
 * Connecting to MySQL / MariaDB: failures map to stable codes and never show the password; a
 * session pins one connection (GET_LOCK and BEGIN/COMMIT depend on it).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUrl } from '../../src/config/url.js';
import { mysqlDialect } from '../../src/dialects/mysql/index.js';
import { isRetortError } from '../../src/errors.js';
import type { RetortError } from '../../src/errors.js';
import { MYSQL_ADMIN_URL, createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

let db: TestDatabase;
const user = `retort_u_${randomBytes(3).toString('hex')}`;
const password = 'S3cret p@ss/%word';
const admin = new URL(MYSQL_ADMIN_URL);

/** A URL for the test database with another user, password or port. */
function urlWith(parts: { user?: string; password?: string; port?: number; database?: string; scheme?: string }): string {
  const url = new URL(db.url);
  if (parts.user !== undefined) url.username = encodeURIComponent(parts.user);
  if (parts.password !== undefined) url.password = encodeURIComponent(parts.password);
  if (parts.port !== undefined) url.port = String(parts.port);
  if (parts.database !== undefined) url.pathname = `/${parts.database}`;
  const text = url.toString();
  return parts.scheme === undefined ? text : text.replace(/^mysql:/, `${parts.scheme}:`);
}

async function connectError(url: string): Promise<RetortError> {
  try {
    const connection = await mysqlDialect.connect(parseUrl(url));
    await connection.close();
  } catch (error) {
    if (isRetortError(error)) return error;
    throw error;
  }
  throw new Error('expected the connection to fail');
}

/** Every text a user could see of an error: message, hint, JSON, and the kept cause. */
function visibleText(error: RetortError): string {
  return [error.message, error.hint ?? '', JSON.stringify(error.toJSON()), String((error as { cause?: unknown }).cause ?? '')].join('\n');
}

function expectNoPassword(error: RetortError, secret: string): void {
  const text = visibleText(error);
  for (const form of [secret, encodeURIComponent(secret)]) expect(text).not.toContain(form);
}

beforeAll(async () => {
  db = await createTestDatabase('mysql', 'retort_myconn');
  for (const host of ['%', 'localhost', '127.0.0.1']) {
    await rawQuery(db, `CREATE USER '${user}'@'${host}' IDENTIFIED BY '${password}'`);
    await rawQuery(db, `GRANT ALL ON \`${db.name}\`.* TO '${user}'@'${host}'`);
  }
});

afterAll(async () => {
  if (db !== undefined) {
    for (const host of ['%', 'localhost', '127.0.0.1']) await rawQuery(db, `DROP USER IF EXISTS '${user}'@'${host}'`);
    await db.drop();
  }
});

describe('mysql connect', () => {
  it('connects with a password, over mysql:// and mariadb://, and reads the server version', async () => {
    for (const scheme of ['mysql', 'mariadb']) {
      const connection = await mysqlDialect.connect(parseUrl(urlWith({ user, password, scheme })));
      try {
        const row = await connection.withSession(async (session) => {
          expect(session.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
          return (await session.query<{ u: string; d: string }>('SELECT CURRENT_USER() AS u, DATABASE() AS d'))[0];
        });
        expect(row).toEqual({ u: expect.stringContaining(user), d: db.name });
      } finally {
        await connection.close();
      }
    }
  });

  it('reports a server that does not answer as ConnectionFailed naming host and port', async () => {
    const error = await connectError(urlWith({ user, password, port: 1 }));
    expect(error.code).toBe('ConnectionFailed');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(`${admin.hostname}:1`);
    expect(error.fields).toMatchObject({ host: admin.hostname, port: 1 });
    expectNoPassword(error, password);
  });

  it('reports a wrong password as an authentication failure for the user, without the password', async () => {
    const wrong = 'Wr0ng p@ss%word';
    const error = await connectError(urlWith({ user, password: wrong }));
    expect(error.code).toBe('ConnectionFailed');
    expect(error.message).toBe(`Authentication failed for user '${user}' on the MySQL server at ${admin.hostname}:${admin.port || 3306}.`);
    expectNoPassword(error, wrong);
    expectNoPassword(error, password);
  });

  it('reports a missing database as DatabaseNotFound with a hint', async () => {
    // The admin user may see every database, so the server says plainly that it is missing.
    const error = await connectError(urlWith({ database: 'no_such_db_retort' }));
    expect(error.code).toBe('DatabaseNotFound');
    expect(error.fields['database']).toBe('no_such_db_retort');
    expect(error.hint).toContain('CREATE DATABASE `no_such_db_retort`');
  });

  it('reports a database the user may not see as ConnectionFailed, hinting at both causes', async () => {
    // To an unprivileged user MySQL says "access denied" (1044) whether or not the database exists.
    const error = await connectError(urlWith({ user, password, database: 'no_such_db_retort' }));
    expect(error.code).toBe('ConnectionFailed');
    expect(error.fields['driverCode']).toBe('ER_DBACCESS_DENIED_ERROR');
    expect(error.hint).toMatch(/exists.*grant/i);
    expectNoPassword(error, password);
  });
});

describe('mysql sessions', () => {
  it('pins one connection for the whole session, so GET_LOCK is held by it', async () => {
    const connection = await mysqlDialect.connect(parseUrl(db.url));
    const lockName = `retort_lock_${db.name}`;
    try {
      await connection.withSession(async (session) => {
        const ids = new Set<number>();
        for (let i = 0; i < 5; i++) ids.add(Number((await session.query<{ id: number }>('SELECT CONNECTION_ID() AS id'))[0]?.id));
        // The Kysely `db` a script receives is the same connection.
        const viaDb = await (await session.kysely()).selectNoFrom((eb) => eb.fn<number>('CONNECTION_ID', []).as('id')).executeTakeFirstOrThrow();
        ids.add(Number(viaDb.id));
        expect(ids.size).toBe(1);
        expect(await session.query('SELECT GET_LOCK(?, 0) AS got', [lockName])).toEqual([{ got: 1 }]);
        // Another connection sees the lock taken, by this session's connection.
        const [holder] = await rawQuery<{ holder: number }>(db, 'SELECT IS_USED_LOCK(?) AS holder', [lockName]);
        expect(Number(holder?.holder)).toBe([...ids][0]);
        await session.execute(`DO RELEASE_LOCK('${lockName}')`);
      });
    } finally {
      await connection.close();
    }
  });

  it('runs BEGIN/ROLLBACK as text on the pinned connection', async () => {
    const connection = await mysqlDialect.connect(parseUrl(db.url));
    try {
      await connection.withSession(async (session) => {
        await session.execute('CREATE TABLE tx (n INT)');
        await session.execute(mysqlDialect.beginSql);
        await session.execute('INSERT INTO tx VALUES (1)');
        await session.execute(mysqlDialect.rollbackSql);
        expect(await session.query('SELECT COUNT(*) AS n FROM tx')).toEqual([{ n: 0 }]);
      });
    } finally {
      await connection.close();
    }
  });

  it('refuses several statements in one call', async () => {
    const connection = await mysqlDialect.connect(parseUrl(db.url));
    try {
      const error = await connection.withSession((session) => session.execute('SELECT 1; SELECT 2')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).toMatch(/syntax/i);
    } finally {
      await connection.close();
    }
  });
});
