/**
 * Connections that stall without closing under a running `retort` (separate processes, through
 * the TCP fault proxy) on PostgreSQL and MariaDB. Before this, each of these waited forever:
 * - a connect whose handshake never completes: `ConnectTimeout` after `connectTimeout` (config)
 *   or `connect_timeout` (URL, which wins);
 * - the lock connection's handshake: `LockTimeout` (exit 4) within `--lock-timeout`, saying the
 *   server did not answer;
 * - a statement whose answer never comes: after `statementIdleTimeout` of silence the server is
 *   asked on a new connection; it reports the session idle, so the session is ended server-side
 *   and the run fails with `ConnectionLost`; a read-only command (`current`) too;
 * - the whole server unreachable: `ConnectionLost`, and the run still ends;
 * while a long statement that the server reports running is waited for (exit 0), its connections
 * kept alive by TCP keepalive (checked in the kernel's socket table).
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startRetort, waitFor } from '../support/cli-async.js';
import { rawQuery, type TestDatabase } from '../support/databases.js';
import { cleanUpFaults, expectJsonFailure, faultSetup, queryMessage, SECOND, sentSleep, type ServerDialect } from '../support/faults.js';

/** Short timeouts, so that each fault is noticed in about a second. */
const FAST = { connectTimeout: 1, statementIdleTimeout: 0.5 };

afterEach(cleanUpFaults);

const setup = (dialect: ServerDialect, config: Record<string, unknown> = FAST) => faultSetup(dialect, config);

/** The server sessions connected to `db` (retort's, or a zombie left behind a stalled proxy). */
async function sessionsOn(db: TestDatabase): Promise<number> {
  const rows = db.dialect === 'postgres'
    ? await rawQuery<{ n: number }>(db, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
    : await rawQuery<{ n: number }>(db, 'SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()');
  return Number(rows[0]!.n);
}

/** How many established TCP sockets of the process (`pid=N,` as `ss -p` prints it) have a keepalive timer. */
function keepaliveSockets(pid: string): number {
  const lines = execFileSync('ss', ['-tnopH', 'state', 'established'], { encoding: 'utf8' }).split('\n');
  return lines.filter((line) => line.includes(pid) && line.includes('timer:(keepalive')).length;
}

describe.each(['postgres', 'mysql'] as const)('%s', (dialect) => {
  it('a handshake that never completes: ConnectTimeout (config connectTimeout; the URL\'s connect_timeout wins)', async () => {
    const { db, project, proxy } = await setup(dialect, { connectTimeout: 600 });
    const stalled = proxy.when({ connection: 1 }, { stall: 'both' });
    const url = `${proxy.url(db.url)}?connect_timeout=1`;
    const run = await startRetort(project.dir, ['--url', url, 'upgrade', 'head', '--json']).done;
    await stalled;
    const error = expectJsonFailure(run, 1, 'ConnectTimeout');
    expect(error.message).toMatch(/within 1 s/);
  });

  it('a stalled handshake of the lock connection counts against --lock-timeout: exit 4, the server did not answer', async () => {
    const { db, project, proxy } = await setup(dialect, { connectTimeout: 600 });
    const stalled = proxy.when({ connection: 2 }, { stall: 'both' });
    const run = await startRetort(project.dir, ['--url', proxy.url(db.url), 'upgrade', 'head', '--json', '--lock-timeout', '1']).done;
    await stalled;
    const error = expectJsonFailure(run, 4, 'LockTimeout');
    expect(error).toMatchObject({ target: 'default', lockTimeoutSeconds: 1, serverAnswered: false, holder: null });
    expect(error.message).toMatch(/did not answer/);
    expect(await rawQuery(db, dialect === 'postgres' ? "SELECT 1 FROM pg_tables WHERE tablename = 't'" : "SHOW TABLES LIKE 't'")).toEqual([]);
  });

  it('a statement whose answer never comes: ConnectionLost after the silence, its server session ended; the rerun is truthful', async () => {
    const { db, project, proxy } = await setup(dialect);
    const stalled = proxy.when({ sent: queryMessage(dialect, sentSleep(dialect)) }, { stall: 'down' });
    const run = await startRetort(project.dir, ['--url', proxy.url(db.url), 'upgrade', 'head', '--json']).done;
    await stalled;
    const error = expectJsonFailure(run, 1, 'ConnectionLost');
    expect(error).toMatchObject({ target: 'default', revision: SECOND, statement: sentSleep(dialect) });
    expect(error.reason).toMatch(/reports the session idle/);
    // The session behind the stalled proxy was ended by retort: no zombie holds its transaction.
    await waitFor('the stalled session to be gone', async () => (await sessionsOn(db)) === 0, 5_000);
    const rerun = await startRetort(project.dir, ['upgrade', 'head', '--json']).done;
    if (dialect === 'postgres') expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    else expectJsonFailure(rerun, 2, 'UnresolvedFailure');
  });

  it('a long statement that the server reports running is waited for; every connection has TCP keepalive on', async () => {
    const { db, project, proxy } = await setup(dialect);
    const running = startRetort(project.dir, ['--url', proxy.url(db.url), 'upgrade', 'head', '--json', '-x', 'sleep=2']);
    // While the statement runs, the kernel's view of the run's sockets: the pool's and the lock's
    // (at least) carry a keepalive timer (`ss -o`), so a peer that vanished is noticed when idle.
    const pid = `pid=${running.child.pid},`;
    await waitFor('two keepalive sockets', () => keepaliveSockets(pid) >= 2, 10_000);
    const run = await running.done;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // Each silence of 0.5 s opened a probe connection (the pool and the lock are the first two).
    expect(proxy.connections().length).toBeGreaterThan(2);
  });
});

describe('postgres', () => {
  it('the whole server unreachable mid-statement: ConnectionLost (no new connection gets through), and the run ends', async () => {
    const { db, project, proxy } = await setup('postgres');
    const fired = proxy.when({ sent: queryMessage('postgres', sentSleep('postgres')) }, { stall: 'both', all: true });
    const running = startRetort(project.dir, ['--url', proxy.url(db.url), 'upgrade', 'head', '--json']);
    await fired;
    proxy.stall('both');
    const error = expectJsonFailure(await running.done, 1, 'ConnectionLost');
    expect(error.reason).toMatch(/could not reach it/);
  });

  it('a read-only command (current) whose query stalls: ConnectionLost', async () => {
    const { db, project, proxy } = await setup('postgres');
    expect((await startRetort(project.dir, ['upgrade', 'head']).done).code).toBe(0);
    const stalled = proxy.when({ sent: 'retort_version' }, { stall: 'down' });
    const run = await startRetort(project.dir, ['--url', proxy.url(db.url), 'current', '--json']).done;
    await stalled;
    const error = expectJsonFailure(run, 1, 'ConnectionLost');
    expect(error.statementSent).toBe(true);
  });
});
