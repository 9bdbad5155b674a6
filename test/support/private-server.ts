/**
 * Private database servers for tests that stop a server or change its settings: a PostgreSQL
 * cluster made with `initdb` and run with `pg_ctl`, or a `mariadbd` on an empty data directory,
 * each in a temporary folder, on a free port of 127.0.0.1, removed afterwards. The shared servers
 * are never stopped or reconfigured.
 *
 * As root (CI containers), PostgreSQL runs as the `postgres` OS user (initdb refuses root) and
 * mariadbd with `--user=root`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { waitFor } from './cli-async.js';

/** A private server: its port, a URL for a database on it, and control over its life. */
export interface PrivateServer {
  readonly port: number;
  /** A URL for `database` on this server (root / postgres, no password). */
  url(database: string): string;
  /** Stop the server: `fast` (PostgreSQL's fast shutdown; MariaDB's SIGTERM) or `immediate` (SIGKILL-like). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Start it again on the same port and data. */
  start(): Promise<void>;
  /** Stop it and remove its folder. */
  destroy(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The folder of initdb and pg_ctl (the newest installed PostgreSQL on Debian, else PATH). */
function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  }
  return name;
}

/** Run a PostgreSQL server program, as the `postgres` OS user when this process is root. */
function runPg(name: string, args: readonly string[]): void {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', pgBin(name), ...args]] : [pgBin(name), [...args]];
  execFileSync(cmd, argv, { stdio: 'pipe', timeout: 60_000 });
}

/** A fresh PostgreSQL cluster (trust auth for `postgres` on 127.0.0.1), started, with a database `test`. */
export async function startPrivatePostgres(): Promise<PrivateServer> {
  const dir = mkdtempSync(join(tmpdir(), 'retort-pg-'));
  if (isRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const data = join(dir, 'data');
  const port = await freePort();
  runPg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-N']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=8MB -c max_connections=20`;
  const start = async () => runPg('pg_ctl', ['-D', data, '-o', options, '-w', '-t', '60', '-l', join(dir, 'log'), 'start']);
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  await start();
  const admin = new pg.Client({ connectionString: url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE test');
  await admin.end();
  let running = true;
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    runPg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
    running = false;
  };
  return {
    port,
    url,
    stop,
    start: async () => {
      await start();
      running = true;
    },
    destroy: async () => {
      await stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Options of {@link startPrivateMariadb}. */
export interface PrivateMariadbOptions {
  /** Extra server options, e.g. its TLS files (`--ssl-ca=...`, `--ssl-cert=...`, `--ssl-key=...`). */
  readonly args?: readonly string[];
}

/**
 * A mariadbd on an empty data directory with `--skip-grant-tables` (root, any password; no
 * install step), started, with a database `test`.
 */
export async function startPrivateMariadb(options: PrivateMariadbOptions = {}): Promise<PrivateServer & { readonly dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'retort-mariadb-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const url = (database: string) => `mysql://root@127.0.0.1:${port}/${database}`;
  const answers = async () => {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' }).catch(() => undefined);
    if (conn === undefined) return false;
    await conn.end();
    return true;
  };
  const start = async () => {
    child = spawn('/usr/sbin/mariadbd', [
      '--no-defaults', `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${join(dir, 'sock')}`,
      `--pid-file=${join(dir, 'pid')}`, '--skip-grant-tables', '--skip-log-bin', '--innodb-buffer-pool-size=16M',
      '--innodb-log-file-size=8M', `--log-error=${join(dir, 'error.log')}`, ...(isRoot ? ['--user=root'] : []), ...(options.args ?? []),
    ], { stdio: 'ignore' });
    await waitFor('the private MariaDB to answer', answers, 60_000);
  };
  await start();
  const admin = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
  await admin.query('CREATE DATABASE test');
  await admin.end();
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(mode === 'fast' ? 'SIGTERM' : 'SIGKILL');
    await exited;
    child = undefined;
  };
  return {
    dir,
    port,
    url,
    stop,
    start,
    destroy: async () => {
      await stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
