/**
 * A fleet: 500 PostgreSQL tenant schemas x 10 revisions, `retort upgrade head --all-targets` with
 * --concurrency 1, 4 and 16 (one process each), against the baseline of running the targets one
 * after another in separate processes (`retort --target t_i upgrade head`, as a shell loop over
 * Alembic would). The baseline runs a sample of the targets and is extrapolated to all of them
 * (500 processes would take minutes); the output says so.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PG_ADMIN, withDb } from './floor.mjs';
import { BIN, timeProcess, workdir, writeChain } from './lib.mjs';

async function admin(sql) {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh database with `tenants` empty schemas t_0..t_{n-1}; returns its URL and a drop(). */
async function freshFleet(name, tenants) {
  await admin(`CREATE DATABASE "${name}"`);
  const url = withDb(PG_ADMIN, name);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(Array.from({ length: tenants }, (_, i) => `CREATE SCHEMA t_${i};`).join('\n'));
  await c.end();
  return { url, drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export async function benchFleet({ log, tenants = 500, revisions = 10, sample = 20 }) {
  const { dir, remove } = workdir('fleet');
  const made = [];
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
  const configure = (url) =>
    writeFileSync(join(dir, 'retort.config.json'), JSON.stringify({
      url, migrations: './migrations',
      targets: Array.from({ length: tenants }, (_, i) => ({ name: `t_${i}`, dbSchema: `t_${i}` })),
    }));
  try {
    writeChain(dir, revisions);
    const base = `retort_bench_fleet_${process.pid}`;
    // Warm the script cache once (an offline run loads every script), as a deploy's second run finds it.
    const warm = await freshFleet(`${base}_w`, 1);
    made.push(warm);
    configure(warm.url);
    timeProcess(process.execPath, [BIN, '-c', 'retort.config.json', '--target', 't_0', 'upgrade', 'head', '--sql'], { cwd: dir, env });

    // Baseline: one process per target, one after another, on a sample of the targets.
    const baseDb = await freshFleet(`${base}_b`, tenants);
    made.push(baseDb);
    configure(baseDb.url);
    let sampleSeconds = 0;
    for (let i = 0; i < sample; i++) {
      sampleSeconds += timeProcess(process.execPath, [BIN, '-c', 'retort.config.json', '-q', '--target', `t_${i}`, 'upgrade', 'head'], { cwd: dir, env }).seconds;
    }
    const baseline = (sampleSeconds / sample) * tenants;
    log(`fleet of ${tenants} PostgreSQL schemas x ${revisions} revisions (upgrade head; one process per run):`);
    log(`  baseline, one process per target in sequence: ${sample} targets took ${sampleSeconds.toFixed(2)} s (${((sampleSeconds / sample) * 1000).toFixed(0)} ms each); extrapolated to ${tenants}: ${baseline.toFixed(1)} s`);

    for (const concurrency of [1, 4, 16]) {
      const fleet = await freshFleet(`${base}_c${concurrency}`, tenants);
      made.push(fleet);
      configure(fleet.url);
      const { seconds } = timeProcess(process.execPath, [BIN, '-c', 'retort.config.json', '-q', '--json', 'upgrade', 'head', '--all-targets', '--concurrency', String(concurrency)], { cwd: dir, env });
      log(`  --all-targets --concurrency ${String(concurrency).padEnd(2)}: ${seconds.toFixed(1)} s = ${(baseline / seconds).toFixed(1)}x faster than the baseline (${(seconds / tenants * 1000).toFixed(0)} ms per target)`);
      await fleet.drop();
      made.pop();
    }
  } finally {
    for (const m of made) await m.drop().catch(() => undefined);
    remove();
  }
}
