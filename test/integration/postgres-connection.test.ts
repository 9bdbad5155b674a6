/**
 * Connecting to PostgreSQL: failures give the right code and never show the password; a session
 * pins one backend, so BEGIN/COMMIT as text, the advisory lock and the scripts' `db` share it.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUrl } from '../../src/config/url.js';
import { isRetortError } from '../../src/errors.js';
import type { RetortError } from '../../src/errors.js';
import type { Connection } from '../../src/dialects/dialect.js';
import { postgresDialect } from '../../src/dialects/postgres/index.js';
import { dialectFor } from '../../src/dialects/registry.js';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

const PASSWORD = 'S3cr@t:pa/ss';
const ENCODED = encodeURIComponent(PASSWORD);

let database: TestDatabase;
let connection: Connection;

beforeAll(async () => {
  database = await createTestDatabase('postgres', 'retort_pgconn');
  connection = await postgresDialect.connect(parseUrl(database.url));
});

afterAll(async () => {
  await connection?.close();
  await database?.drop();
});

/** The RetortError `connect(url)` fails with. */
async function connectError(url: string): Promise<RetortError> {
  const error = await postgresDialect.connect(parseUrl(url)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isRetortError(error)) throw new Error(`expected a RetortError, got ${String(error)}`);
  return error;
}

/** Everything a user could see of an error: message, hint, JSON, string form. */
function shown(error: RetortError): string {
  return [error.message, error.hint ?? '', JSON.stringify(error.toJSON()), String(error)].join('\n');
}

function expectNoPassword(error: RetortError): void {
  const text = shown(error);
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(ENCODED);
  expect(text).not.toContain('S3cr');
}

/** A port on 127.0.0.1 that nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * A stand-in for a server that checks passwords. The shared test server trusts every
 * connection from 127.0.0.1 (pg_hba `trust`), so a wrong password cannot fail there; this
 * listener speaks the protocol's first exchange exactly as PostgreSQL does for a bad password
 * (AuthenticationCleartextPassword, then ErrorResponse 28P01) to the real `pg` driver, and
 * records the password the driver sent.
 */
async function passwordCheckingServer(received: string[]): Promise<Server> {
  const server = createServer((socket) => {
    let stage: 'startup' | 'password' = 'startup';
    let buffer = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (stage === 'startup' && buffer.length >= 4 && buffer.length >= buffer.readInt32BE(0)) {
        buffer = buffer.subarray(buffer.readInt32BE(0));
        stage = 'password';
        const ask = Buffer.alloc(9);
        ask.write('R', 0);
        ask.writeInt32BE(8, 1);
        ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
        socket.write(ask);
      }
      if (stage === 'password' && buffer.length >= 5 && buffer.length >= 1 + buffer.readInt32BE(1)) {
        received.push(buffer.subarray(5, 1 + buffer.readInt32BE(1) - 1).toString('utf8'));
        const fields = Buffer.from('SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "app"\0\0', 'utf8');
        const head = Buffer.alloc(5);
        head.write('E', 0);
        head.writeInt32BE(4 + fields.length, 1);
        socket.end(Buffer.concat([head, fields]));
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

describe('PostgreSQL connection failures', () => {
  it('server down (refused): ConnectionFailed naming host and port, exit kind migration', async () => {
    const port = await closedPort();
    const error = await connectError(`postgres://app:${ENCODED}@127.0.0.1:${port}/db`);
    expect(error.code).toBe('ConnectionFailed');
    expect(error.kind).toBe('migration');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('connection refused');
    expect(error.fields).toMatchObject({ host: '127.0.0.1', port, user: 'app', database: 'db', driverCode: 'ECONNREFUSED' });
    expect(error.fields['url']).toBe(`postgres://app:***@127.0.0.1:${port}/db`);
    expectNoPassword(error);
  });

  it('wrong password: ConnectionFailed saying authentication failed for the user', async () => {
    const received: string[] = [];
    const server = await passwordCheckingServer(received);
    try {
      const { port } = server.address() as AddressInfo;
      const error = await connectError(`postgres://app:${ENCODED}@127.0.0.1:${port}/db`);
      expect(received).toEqual([PASSWORD]); // the driver really sent it, decoded
      expect(error.code).toBe('ConnectionFailed');
      expect(error.message).toBe(`Cannot connect to PostgreSQL at 127.0.0.1:${port}: password authentication failed for user "app".`);
      expect(error.fields['driverCode']).toBe('28P01');
      expectNoPassword(error);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it('missing database: DatabaseNotFound with a createdb hint', async () => {
    const url = new URL(database.url);
    url.pathname = `/${database.name}_missing`;
    url.username = 'postgres';
    url.password = ENCODED;
    const error = await connectError(url.toString());
    expect(error.code).toBe('DatabaseNotFound');
    expect(error.kind).toBe('migration');
    expect(error.message).toContain(`"${database.name}_missing"`);
    expect(error.message).toContain('127.0.0.1:5432');
    expect(error.hint).toContain(`createdb -h 127.0.0.1 -p 5432 ${database.name}_missing`);
    expectNoPassword(error);
  });
});

describe('PostgreSQL sessions', () => {
  it('is the dialect the registry loads for postgres:// and postgresql:// URLs', async () => {
    expect(await dialectFor(parseUrl(database.url))).toBe(postgresDialect);
    expect(await dialectFor(parseUrl(database.url.replace(/^postgres:/, 'postgresql:')))).toBe(postgresDialect);
  });

  it('pins one backend for execute, query and the scripts\' Kysely db', async () => {
    await connection.withSession(async (s) => {
      const [viaQuery] = await s.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const viaDb = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(await s.kysely());
      expect(viaDb.rows[0]?.pid).toBe(viaQuery?.pid);
    });
  });

  it('BEGIN and ROLLBACK sent as text cover what the scripts\' db did', async () => {
    await connection.withSession(async (s) => {
      await s.execute('CREATE TABLE pinned (id integer)');
      await s.execute(postgresDialect.beginSql);
      await (await s.kysely()).insertInto('pinned').values({ id: 1 }).execute();
      expect(await s.query('SELECT id FROM pinned')).toEqual([{ id: 1 }]);
      await s.execute(postgresDialect.rollbackSql);
      expect(await s.query('SELECT id FROM pinned')).toEqual([]);
    });
  });

  it('holds a session-level advisory lock on its backend until released', async () => {
    await connection.withSession(async (s) => {
      const [me] = await s.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await s.query('SELECT pg_advisory_lock($1)', [4242]);
      const holders = await rawQuery<{ pid: number }>(database, `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND granted`);
      expect(holders).toEqual([{ pid: me?.pid }]);
      await s.query('SELECT pg_advisory_unlock($1)', [4242]);
    });
    expect(await rawQuery(database, `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242`)).toEqual([]);
  });

  it('returns a client without an open transaction when the session fails', async () => {
    await expect(
      connection.withSession(async (s) => {
        await s.execute('BEGIN');
        await s.execute('INSERT INTO pinned VALUES (7)');
        throw new Error('script failed');
      }),
    ).rejects.toThrow('script failed');
    await connection.withSession(async (s) => {
      // Not inside the failed transaction: this is a fresh, idle state, and the row is gone.
      expect(await s.query(`SELECT count(*)::int AS n FROM pinned`)).toEqual([{ n: 0 }]);
      expect(await s.query(`SELECT now() = statement_timestamp() AS autocommit`)).toEqual([{ autocommit: true }]);
    });
  });
});
