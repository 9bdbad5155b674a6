/**
 * Issue 11, on the three-node Galera cluster (scripts/galera/ensure-cluster.sh; ports as in
 * test/support/galera.ts, RETORT_TEST_GALERA_PORTS to point elsewhere):
 * - the run lock: retort's lease (open, take, release, close: a row written in a certified
 *   autocommit transaction) against `GET_LOCK` + `RELEASE_LOCK` on a new connection to one node,
 *   and against retort's own `GET_LOCK` lock on the standalone server, in one process each;
 * - a 50-revision `upgrade head` through node 1 as a whole process, against the mariadb client
 *   running the minimal SQL (floor.mjs) there, and retort's own `--sql` output there.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { chainCreates, MY_ADMIN, mysqlArgs, writeFloorSql } from './floor.mjs';
import { BIN, ROOT, checkLoad, measureProcess, medianOf, revId, workdir, writeChain } from './lib.mjs';

const PORTS = (process.env.RETORT_TEST_GALERA_PORTS ?? '3341,3342,3343').split(',').map(Number);
const nodeUrl = (database) => `mysql://root@127.0.0.1:${PORTS[0]}/${database}`;

async function admin(sql) {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: PORTS[0], user: 'root' }).catch((e) => {
    throw new Error(`Galera node 1 is not reachable on port ${PORTS[0]} (${e.message}): run scripts/galera/ensure-cluster.sh`);
  });
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The median milliseconds of `times` runs of the async `fn`. */
async function medianMs(times, fn) {
  const ms = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  return medianOf(ms);
}

async function benchLease(log, database, times) {
  const { parseUrl } = await import(join(ROOT, 'dist/config/url.js'));
  const { connectMysql } = await import(join(ROOT, 'dist/dialects/mysql/connection.js'));
  const scope = { versionTable: 'retort_version' };
  const cycle = async (conn) => {
    const lock = await conn.openLock(scope, { leaseSeconds: 30 });
    if (!(await lock.tryAcquire())) throw new Error(`${lock.name} was not free`);
    await lock.release();
  };
  const galera = await connectMysql(parseUrl(nodeUrl(database)));
  const single = await connectMysql(parseUrl(MY_ADMIN));
  try {
    await cycle(galera); // the first lease creates the lease table and its row
    const rows = [
      ['GET_LOCK + RELEASE_LOCK on one node (mysql2, new connection)', async () => {
        const c = await mysql.createConnection({ host: '127.0.0.1', port: PORTS[0], user: 'root', database });
        await c.query("SELECT GET_LOCK('retort_bench', 0)");
        await c.query("SELECT RELEASE_LOCK('retort_bench')");
        await c.end();
      }],
      ["retort's GET_LOCK run lock, standalone MariaDB", () => cycle(single)],
      ["retort's lease on the cluster (through node 1)", () => cycle(galera)],
    ];
    const figures = [];
    // Alternating rounds, so that a change in the machine's load touches every row alike.
    const samples = rows.map(() => []);
    for (let round = 0; round < times; round++) {
      for (let i = 0; i < rows.length; i++) samples[i].push(await medianMs(1, rows[i][1]));
    }
    rows.forEach((_, i) => figures.push(medianOf(samples[i])));
    log(`run lock: open + acquire + release + close, median of ${times} alternating rounds (in one process):`);
    rows.forEach(([name], i) => log(`  ${name.padEnd(62)} ${figures[i].toFixed(1).padStart(6)} ms = ${(figures[i] / figures[0]).toFixed(2)}x GET_LOCK`));
  } finally {
    await galera.close();
    await single.close();
  }
}

async function benchUpgrade(log, count, runs) {
  const { dir, remove } = workdir('galera');
  const made = [];
  const fresh = async () => {
    const name = `retort_bench_gl_${process.pid}_${made.length}`;
    await admin(`CREATE DATABASE \`${name}\``);
    made.push(name);
    return nodeUrl(name);
  };
  try {
    writeChain(dir, count);
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
    const node = process.execPath;
    const offline = measureProcess(node, [BIN, '--url', await fresh(), 'upgrade', 'head', '--sql'], { cwd: dir, env }).stdout;
    const retortSql = join(dir, 'retort.sql');
    writeFileSync(retortSql, offline);
    const creates = chainCreates(offline);
    const floorSql = writeFloorSql(dir, 'mysql', creates, creates.map((_, i) => revId(i)));
    const client = (url, file) => measureProcess('sh', ['-c', `exec ${mysqlArgs(url).map((a) => `'${a}'`).join(' ')} < '${file}'`]);
    const tools = [
      ['mariadb client, minimal SQL (floor)', (url) => client(url, floorSql)],
      ["mariadb client, retort's --sql output", (url) => client(url, retortSql)],
      ['retort upgrade head (warm)', (url) => measureProcess(node, [BIN, '--url', url, '-q', 'upgrade', 'head'], { cwd: dir, env })],
    ];
    const samples = tools.map(() => []);
    for (let round = 0; round < runs; round++) {
      for (let t = 0; t < tools.length; t++) samples[t].push(tools[t][1](await fresh()).seconds);
    }
    const floor = medianOf(samples[0]);
    log(`upgrade head of ${count} revisions through Galera node 1 (whole processes, median of ${runs} alternating rounds, fresh database each):`);
    tools.forEach(([name], t) => {
      const s = medianOf(samples[t]);
      log(`  ${name.padEnd(40)} ${s.toFixed(3).padStart(7)} s = ${(s / floor).toFixed(2)}x floor`);
    });
  } finally {
    for (const name of made) await admin(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
    remove();
  }
}

export async function benchGalera({ log, count = 50, runs = 3, lockRounds = 15 }) {
  checkLoad(log);
  const database = `retort_bench_lease_${process.pid}`;
  await admin(`CREATE DATABASE \`${database}\``);
  try {
    await benchLease(log, database, lockRounds);
  } finally {
    await admin(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
  }
  await benchUpgrade(log, count, runs);
}
