/**
 * `retort upgrade head` of a generated chain (one 5-column table per revision) as a whole
 * process, against the floor (floor.mjs: the dialect's own client running only each CREATE plus
 * one version-row INSERT, one transaction per revision) measured in the same run, on fresh
 * databases, as medians of `runs` rounds in which every tool runs once in turn.
 *
 * Beside the floor, a line that is no tool (driver-floor.mjs): the Node driver retort uses running
 * the same minimal SQL in one Node process, in as few requests as it allows. Every Node tool
 * starts from it, so its ratio is the lowest any of them can reach; a goal under it is not reachable
 * by a tool written in Node.
 *
 * Measured per tool: wall time and peak RSS (the child's maxRSS). retort runs warm (its
 * compiled-script cache filled, a CI's second run) and cold (an empty cache folder: CI, a fresh
 * container, a deploy), and in `transaction: 'all'` mode; the peers (bench/peers) are kysely's
 * Migrator, knex, umzug (committing per migration, as retort), drizzle-orm's migrator and, on
 * PostgreSQL, node-pg-migrate, each with its own default transactions. Then the
 * status command (`retort current`) and a no-op `upgrade head`, against the client reading the
 * version table once.
 *
 * Chain length: `BENCH_REVISIONS` (default 500 on SQLite and PostgreSQL, 200 on MariaDB, so that
 * `npm run bench` stays short on a shared machine; the figures use 2,000 and 500).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainCreates, dialects, writeFloorSql, writeStatusSql } from './floor.mjs';
import { BIN, ROOT, checkLoad, ensurePeers, measureProcess, medianOf, rangeOf, revId, workdir, writeChain } from './lib.mjs';

const WARM = 'retort, warm (scripts cached)';
const COLD = 'retort, cold (empty script cache)';
/** The driver retort uses on each dialect (the driver-floor line). */
const DRIVERS = { sqlite: 'better-sqlite3', postgres: 'pg', mysql: 'mysql2' };
const DEFAULT_COUNTS = { sqlite: 500, postgres: 500, mysql: 200 };
const GOALS = { sqlite: 'within 1.2x warm, 1.3x cold', postgres: 'within 1.15x warm, 1.3x cold', mysql: 'within 1.15x warm, 1.3x cold' };

/** The peer tools, each a script in bench/peers run as its own process on the same CREATEs. */
const PEERS = [
  { name: 'knex migrate.latest (one batch transaction)', script: 'knex.mjs', dialects: ['sqlite', 'postgres', 'mysql'] },
  { name: 'umzug (a transaction per migration)', script: 'umzug.mjs', dialects: ['sqlite', 'postgres', 'mysql'] },
  { name: 'drizzle-orm migrate() (its default)', script: 'drizzle.mjs', dialects: ['sqlite', 'postgres', 'mysql'] },
  { name: 'node-pg-migrate (a transaction each)', script: 'node-pg-migrate.mjs', dialects: ['postgres'] },
];

/** The line of a failed run that says why (the database's message), for the table. */
function failureReason(error) {
  const text = error instanceof Error ? error.message : String(error);
  const known = /out of shared memory/i.exec(text);
  if (known) return `${known[0]} (PostgreSQL's default max_locks_per_transaction cannot hold every table's locks in one transaction)`;
  return text.split('\n').find((line) => /error|fail/i.test(line))?.trim().slice(0, 160) ?? 'exited non-zero';
}

/** One table row: the median seconds and peak RSS of a tool, as a ratio to the floor. */
function row(name, samples, floorSeconds) {
  const seconds = medianOf(samples.map((s) => s.seconds));
  const rss = medianOf(samples.map((s) => s.rssMb));
  // The range of the rounds: on a 2-core VM one tool's time moves by a fifth between rounds, so a
  // ratio whose range overlaps another tool's does not rank them.
  const range = rangeOf(samples.map((s) => s.seconds), 2);
  return `| ${name.padEnd(44)} | ${seconds.toFixed(3).padStart(7)} | ${(seconds / floorSeconds).toFixed(2).padStart(5)}x | ${range.padStart(11)} | ${rss.toFixed(0).padStart(4)} MB |`;
}

export async function benchUpgrade({ log, dialect, count = Number(process.env.BENCH_REVISIONS ?? DEFAULT_COUNTS[dialect]), runs = 3 }) {
  const db = dialects[dialect];
  const { dir, remove } = workdir(`upgrade-${dialect}`);
  const live = new Set();
  let serial = 0;
  const fresh = async () => {
    const made = await db.create(dir, `retort_bench_${process.pid}_${serial++}`);
    live.add(made);
    return made;
  };
  const drop = async (made) => {
    live.delete(made);
    await made.drop();
  };
  try {
    ensurePeers(log);
    checkLoad(log);
    writeChain(dir, count);
    writeFileSync(join(dir, 'retort.all.json'), JSON.stringify({ migrations: './migrations', transaction: 'all' }));
    const warmEnv = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache-warm') };
    const coldCache = join(dir, 'cache-cold');
    const coldEnv = { ...process.env, XDG_CACHE_HOME: coldCache };
    const node = process.execPath;
    const retort = (url, env, extra = []) => measureProcess(node, [BIN, ...extra, '--url', url, '-q', 'upgrade', 'head'], { cwd: dir, env });

    // The offline run loads every script: it fills the warm cache, and its CREATEs are the chain's DDL.
    const probe = await fresh();
    const offline = measureProcess(node, [BIN, '--url', probe.url, 'upgrade', 'head', '--sql'], { cwd: dir, env: warmEnv }).stdout;
    await drop(probe);
    const creates = chainCreates(offline);
    if (creates.length !== count) throw new Error(`expected ${count} CREATE TABLE statements in retort's --sql output, found ${creates.length}`);
    const floorSql = writeFloorSql(dir, dialect, creates, creates.map((_, i) => revId(i)));
    const createsJson = join(dir, 'creates.json');
    writeFileSync(createsJson, JSON.stringify(creates));

    const tools = [
      [`${db.client}, minimal SQL (floor)`, (url) => db.run(url, floorSql)],
      // No tool: the driver retort uses, running the same SQL in one Node process (driver-floor.mjs).
      // Every Node tool starts from it, so a goal under its ratio is out of any Node tool's reach.
      [`${DRIVERS[dialect]} in Node, minimal SQL (no tool)`, (url) => measureProcess(node, [join(ROOT, 'bench/driver-floor.mjs'), dialect, url, floorSql])],
      [WARM, (url) => retort(url, warmEnv)],
      [COLD, (url) => {
        rmSync(coldCache, { recursive: true, force: true });
        mkdirSync(coldCache);
        return retort(url, coldEnv);
      }],
      ["retort, transaction: 'all', warm", (url) => retort(url, warmEnv, ['-c', 'retort.all.json'])],
      ['kysely Migrator (its default transactions)', (url) => measureProcess(node, [join(ROOT, 'bench/peer-kysely.mjs'), dialect, url, createsJson])],
      ...PEERS.filter((peer) => peer.dialects.includes(dialect)).map((peer) =>
        [peer.name, (url) => measureProcess(node, [join(ROOT, 'bench/peers', peer.script), dialect, url, createsJson])]),
    ];
    const samples = tools.map(() => []);
    const failures = tools.map(() => undefined);
    let statusDb;
    for (let round = 0; round < runs; round++) {
      for (let t = 0; t < tools.length; t++) {
        if (failures[t] !== undefined) continue;
        const target = await fresh();
        try {
          samples[t].push(tools[t][1](target.url));
        } catch (error) {
          // One tool failing (2,000 tables in one transaction exceed PostgreSQL's default lock
          // table, say) is a figure too: print why, keep measuring the others.
          failures[t] = failureReason(error);
          await drop(target);
          continue;
        }
        // Keep one database retort upgraded (warm) for the status and no-op figures.
        if (tools[t][0] === WARM && statusDb === undefined) statusDb = target;
        else await drop(target);
      }
    }
    const floor = medianOf(samples[0].map((s) => s.seconds));
    log(`upgrade head of ${count} revisions on ${dialect}: median of ${runs} rounds, tools alternating, a fresh database each; goal: ${GOALS[dialect]}`);
    log(`| ${'tool'.padEnd(44)} | seconds | x floor | rounds, s   | peak RSS |`);
    tools.forEach(([name], t) => log(failures[t] === undefined ? row(name, samples[t], floor) : `| ${name.padEnd(44)} | failed: ${failures[t]} |`));
    const secondsOf = (name) => medianOf(samples[tools.findIndex(([n]) => n === name)].map((s) => s.seconds));
    const warm = secondsOf(WARM);
    const cold = secondsOf(COLD);
    log(`  cold / warm: ${(cold / warm).toFixed(2)}x`);

    // Status and no-op: the same database, already at head.
    const statusSql = writeStatusSql(dir, dialect);
    const status = [[`${db.client} reading the version table`, () => db.run(statusDb.url, statusSql)],
      ['retort current', () => measureProcess(node, [BIN, '--url', statusDb.url, 'current'], { cwd: dir, env: warmEnv })],
      ['retort upgrade head, nothing to do (warm)', () => retort(statusDb.url, warmEnv)]];
    const statusSamples = status.map(() => []);
    for (let round = 0; round < runs; round++) status.forEach(([, fn], i) => statusSamples[i].push(fn()));
    const base = medianOf(statusSamples[0].map((s) => s.seconds));
    log(`status on ${dialect} at head (${count} revisions), median of ${runs}:`);
    log(`| ${'tool'.padEnd(44)} | seconds |  x base | rounds, s   | peak RSS |`);
    status.forEach(([name], i) => log(row(name, statusSamples[i], base)));
  } finally {
    for (const made of live) await made.drop().catch(() => undefined);
    remove();
  }
}
