/**
 * The server stops under a running `retort` (separate processes; private servers started for this
 * file on their own ports, never the shared ones): a fast shutdown during a statement and while
 * the script waits between statements, on PostgreSQL and MariaDB. Each run ends in exit 1 with
 * one `--json` error naming the revision (`ConnectionLost`, or `LockLost` when the lost run lock
 * is noticed first, before the next statement), nothing unhandled;
 * once the server is back, the rerun finds a truthful database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRetort, waitFor } from '../support/cli-async.js';
import { expectJsonFailure, faultProject, pausePoint, SECOND, sentSleep, type ServerDialect } from '../support/faults.js';
import { startPrivateMariadb, startPrivatePostgres, type PrivateServer } from '../support/private-server.js';
import type { TestProject } from '../support/project.js';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** Rows of `t` and whether the sleep statement is running, read on the private server. */
async function read(dialect: ServerDialect, url: string, sqlText: string): Promise<Record<string, unknown>[]> {
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sqlText)).rows;
    } finally {
      await client.end();
    }
  }
  const conn = await mysql.createConnection(url);
  try {
    return (await conn.query(sqlText))[0] as Record<string, unknown>[];
  } finally {
    await conn.end();
  }
}

const SLEEPING: Record<ServerDialect, string> = {
  postgres: "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND state = 'active'",
  mysql: "SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(30)%'",
};

describe.each(['postgres', 'mysql'] as const)('%s', (dialect) => {
  let server: PrivateServer;
  const projects: TestProject[] = [];
  const newProject = (database: string) => {
    const project = faultProject(dialect, { url: server.url(database) });
    projects.push(project);
    return project;
  };
  beforeAll(async () => {
    server = dialect === 'postgres' ? await startPrivatePostgres() : await startPrivateMariadb();
  }, 120_000);
  afterAll(async () => {
    await server?.destroy();
    for (const project of projects) project.cleanup();
  });

  const rows = async () => (await read(dialect, server.url('test'), 'SELECT n FROM t ORDER BY n')).map((r) => Number(r.n));

  it('stopped during a statement: ConnectionLost naming the revision; after a restart the rerun is truthful', async () => {
    const project = newProject('test');
    const running = startRetort(project.dir, ['upgrade', 'head', '--json', '-x', 'sleep=30']);
    await waitFor('the sleep to run on the server', async () => Number((await read(dialect, server.url('test'), SLEEPING[dialect]))[0]!.n) === 1, 30_000);
    await server.stop('fast');
    const error = expectJsonFailure(await running.done, 1, 'ConnectionLost');
    expect(error).toMatchObject({ target: 'default', revision: SECOND, statement: sentSleep(dialect, 30) });
    await server.start();
    const rerun = await startRetort(project.dir, ['upgrade', 'head', '--json']).done;
    if (dialect === 'postgres') {
      expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
      expect(await rows()).toEqual([2, 3]);
    } else {
      expectJsonFailure(rerun, 2, 'UnresolvedFailure');
      expect(await rows()).toEqual([2]);
    }
  });

  it('stopped while the script waits between statements: the run stops before its next statement (LockLost, saying why), nothing crashes', async () => {
    await read(dialect, server.url('test'), 'CREATE DATABASE second');
    const project = newProject('second');
    const pause = pausePoint(project);
    const running = startRetort(project.dir, ['upgrade', 'head', '--json', ...pause.args]);
    await pause.reached();
    await server.stop('fast');
    pause.go();
    // Every connection went with the server, the run lock's too: checked before each statement,
    // the lost lock stops the run first, and says the server ended its connection.
    const error = expectJsonFailure(await running.done, 1, 'LockLost');
    expect(error).toMatchObject({ revision: SECOND });
    expect(error.message).toMatch(dialect === 'postgres' ? /The server ended the session|the server ended the session/ : /closed the connection|shutting down|ended the session/);
    await server.start();
  });
});
