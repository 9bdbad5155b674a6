/**
 * The TCP fault proxy (test/support/tcp-proxy.ts) against the real servers, with the raw drivers:
 * it forwards, cuts (RST and FIN) so that both the client and the server see the connection go,
 * stalls without closing and resumes with nothing lost, aims at the n-th connection, and fires
 * armed rules after N bytes or when a statement's text passes (before or after it reaches the
 * server).
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/cli-async.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

let proxy: TcpProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** A pg client through the proxy whose 'error' events are collected, not thrown. */
async function pgClient(url: string, errors: Error[] = []): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', (e) => errors.push(e));
  await client.connect();
  return client;
}

/** The outcome of a promise, without waiting for it: 'pending' until it settles. */
function track<T>(promise: Promise<T>): { state: () => 'pending' | 'resolved' | 'rejected'; value: () => T | undefined; error: () => unknown } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let value: T | undefined;
  let error: unknown;
  promise.then(
    (v) => ((state = 'resolved'), (value = v)),
    (e: unknown) => ((state = 'rejected'), (error = e)),
  );
  return { state: () => state, value: () => value, error: () => error };
}

describe('PostgreSQL through the proxy', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres', 'retort_proxy');
    await rawQuery(db, 'CREATE TABLE t (n int)');
  });
  afterAll(async () => db?.drop());

  const backendAlive = async (pid: number) => (await rawQuery(db, 'SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length === 1;

  it('forwards, and an RST cut ends the connection on both sides', async () => {
    proxy = await startTcpProxy({ port: 5432 });
    const errors: Error[] = [];
    const client = await pgClient(proxy.url(db.url), errors);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0]!.pid;
    expect(await backendAlive(pid)).toBe(true);
    proxy.cut('rst');
    await expect(client.query('SELECT 1')).rejects.toThrow();
    await waitFor('the backend to end', async () => !(await backendAlive(pid)));
    expect(proxy.connections()[0]!.closed).toBe(true);
  });

  it('a FIN cut is an unexpected end for the client', async () => {
    proxy = await startTcpProxy({ port: 5432 });
    const errors: Error[] = [];
    const client = await pgClient(proxy.url(db.url), errors);
    const pending = client.query('SELECT pg_sleep(30)');
    await waitFor('the statement to run on the server', async () =>
      (await rawQuery(db, "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'")).length === 1);
    proxy.cut('fin');
    await expect(pending).rejects.toThrow(/Connection terminated unexpectedly/);
  });

  it('a stall holds bytes without closing; resume delivers them', async () => {
    proxy = await startTcpProxy({ port: 5432 });
    const client = await pgClient(proxy.url(db.url));
    proxy.stall('both');
    const query = track(client.query<{ n: number }>('SELECT 41 + 1 AS n'));
    await waitFor('the query to be held', () => proxy!.connections()[0]!.held.up > 0);
    expect(query.state()).toBe('pending');
    expect(proxy.connections()[0]!.closed).toBe(false);
    proxy.resume();
    await waitFor('the answer', () => query.state() !== 'pending');
    expect(query.value()?.rows[0]?.n).toBe(42);
    await client.end();
  });

  it('a stall of the handshake (a rule on the n-th connection) holds the connect until resume', async () => {
    proxy = await startTcpProxy({ port: 5432 });
    const first = await pgClient(proxy.url(db.url));
    const stalled = proxy.when({ connection: 2 }, { stall: 'both' });
    const connecting = track(pgClient(proxy.url(db.url)));
    expect(await stalled).toBe(2);
    await waitFor('the startup packet to be held', () => (proxy!.connections()[1]?.held.up ?? 0) > 0);
    expect(proxy.connections()[1]!.forwarded.up).toBe(0);
    // The first connection is not affected.
    expect((await first.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    expect(connecting.state()).toBe('pending');
    proxy.resume({ connection: 2 });
    await waitFor('the connect', () => connecting.state() !== 'pending');
    expect(connecting.state()).toBe('resolved');
    await Promise.all([first.end(), connecting.value()!.end()]);
  });

  it('a cut aimed at the n-th connection leaves the others alone', async () => {
    proxy = await startTcpProxy({ port: 5432 });
    const one = await pgClient(proxy.url(db.url));
    const two = await pgClient(proxy.url(db.url));
    proxy.cut('rst', { connection: 2 });
    await expect(two.query('SELECT 1')).rejects.toThrow();
    expect((await one.query('SELECT 2 AS two')).rows[0].two).toBe(2);
    await one.end();
  });

  it('a statement rule fires after the text reached the server (it commits) or before (it never runs)', async () => {
    proxy = await startTcpProxy({ port: 5432 });
    const after = await pgClient(proxy.url(db.url));
    const firedAfter = proxy.when({ sent: 'INSERT INTO t VALUES (1)' }, { cut: 'rst' });
    const inserted = after.query('INSERT INTO t VALUES (1)');
    await expect(inserted).rejects.toThrow();
    expect(await firedAfter).toBe(1);
    await waitFor('the row to commit', async () => (await rawQuery(db, 'SELECT count(*)::int AS c FROM t WHERE n = 1'))[0]!.c === 1);

    const before = await pgClient(proxy.url(db.url));
    const firedBefore = proxy.when({ sent: 'INSERT INTO t VALUES (2)', at: 'before' }, { cut: 'rst' });
    await expect(before.query('INSERT INTO t VALUES (2)')).rejects.toThrow();
    expect(await firedBefore).toBe(2);
    expect(await rawQuery(db, 'SELECT count(*)::int AS c FROM t WHERE n = 2')).toEqual([{ c: 0 }]);
  });
});

describe('MariaDB through the proxy', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('mysql', 'retort_proxy');
  });
  afterAll(async () => db?.drop());

  it('forwards; a byte-count rule stalls the answer exactly there; a cut ends both sides', async () => {
    proxy = await startTcpProxy({ port: 3306 });
    const conn = await mysql.createConnection(proxy.url(db.url));
    conn.on('error', () => undefined);
    const [rows] = await conn.query('SELECT CONNECTION_ID() AS id');
    const id = (rows as Array<{ id: number }>)[0]!.id;
    const down = proxy.connections()[0]!.forwarded.down;
    const fired = proxy.when({ bytes: down + 5, direction: 'down' }, { stall: 'down' });
    const query = track(conn.query("SELECT REPEAT('x', 100) AS x"));
    await fired;
    await waitFor('the answer to be held', () => proxy!.connections()[0]!.held.down > 0);
    expect(proxy.connections()[0]!.forwarded.down).toBe(down + 5);
    expect(query.state()).toBe('pending');
    proxy.resume();
    await waitFor('the answer', () => query.state() !== 'pending');
    expect(query.state()).toBe('resolved');

    proxy.cut('rst');
    await expect(conn.query('SELECT 1')).rejects.toThrow();
    await waitFor('the server to drop the connection', async () =>
      (await rawQuery(db, 'SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?', [id])).length === 0);
  });
});
