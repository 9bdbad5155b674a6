/**
 * Issue 12: `retort lint` over a 2,000-revision chain as a whole process (against Node reading
 * the same files), and a per-worker database copied from the template (`workerDatabase()`)
 * against the same database migrated from empty (CREATE DATABASE, then `upgrade heads`), on each
 * dialect, in-process, the template made once beforehand as a test run's globalSetup does.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BIN, checkLoad, cpuProcess, medianOf, report, ROOT, timeProcess, workdir, writeChain } from './lib.mjs';

const READ_FILES = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
let n = 0;
for (const f of readdirSync(process.argv[1])) n += readFileSync(join(process.argv[1], f), 'utf8').length;
console.log(n);
`;

async function benchLint(log, count, runs) {
  const { dir, remove } = workdir('lint');
  try {
    const migrations = writeChain(dir, count);
    // PostgreSQL's rules (the most numerous); lint opens no database, the URL only picks them.
    const args = [BIN, '--url', 'postgres://bench@127.0.0.1:1/unused', 'lint'];
    timeProcess(process.execPath, args, { cwd: dir });
    // Alternating, so that a load change hits both alike; wall time, and CPU time (user + sys).
    const baseline = [];
    const lint = [];
    for (let i = 0; i < runs; i++) {
      baseline.push(cpuProcess(process.execPath, ['-e', READ_FILES, migrations]));
      lint.push(cpuProcess(process.execPath, args, { cwd: dir }));
    }
    const wall = (all) => medianOf(all.map((r) => r.seconds));
    const cpu = (all) => medianOf(all.map((r) => r.cpu));
    log(`retort lint on a ${count}-revision chain (median of ${runs} whole processes, warm):`);
    report(log, '  retort lint, wall', wall(lint), 'node reading the files', wall(baseline), 'under 1 s');
    report(log, '  retort lint, CPU (user+sys)', cpu(lint), 'node reading the files', cpu(baseline));
  } finally {
    remove();
  }
}

const URLS = {
  sqlite: (dir) => `sqlite:${join(dir, 'bench.db')}`,
  postgres: () => process.env.RETORT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mysql: () => process.env.RETORT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
};

async function benchWorkerDatabase(log, dialect, count, runs) {
  const { dir, remove } = workdir(`tpl-${dialect}`);
  const testing = await import(pathToFileURL(join(ROOT, 'dist/testing.js')).href);
  const { createRetort } = await import(pathToFileURL(join(ROOT, 'dist/index.js')).href);
  const { dialectFor } = await import(pathToFileURL(join(ROOT, 'dist/dialects/registry.js')).href);
  const { parseUrl } = await import(pathToFileURL(join(ROOT, 'dist/config/url.js')).href);
  writeChain(dir, count);
  const url = URLS[dialect](dir);
  writeFileSync(join(dir, 'retort.config.json'), JSON.stringify({ url, migrations: './migrations' }));
  rmSync(join(dir, 'retort.config.ts'));
  const copies = (await dialectFor(parseUrl(url))).copies;
  let template;
  try {
    template = await testing.migratedTemplate({ cwd: dir });
    const copyTimes = [];
    const migrateTimes = [];
    for (let i = 0; i < runs; i++) {
      // Alternating, so that a load change hits both alike.
      let started = performance.now();
      const copy = await testing.workerDatabase({ cwd: dir, worker: 'bench' });
      copyTimes.push((performance.now() - started) / 1000);
      await copy.drop();
      const name = `bench_empty_${randomBytes(3).toString('hex')}`;
      started = performance.now();
      const made = await copies.create(url, name);
      await createRetort({ cwd: dir, url: made.url }).upgrade('heads');
      migrateTimes.push((performance.now() - started) / 1000);
      await made.drop();
    }
    log(`${dialect}: a worker's database of a ${count}-revision chain (${count} tables; median of ${runs}, template made once before):`);
    report(log, '  from the template (workerDatabase)', medianOf(copyTimes), 'migrating from empty', medianOf(migrateTimes));
  } finally {
    await copies?.named(url, template?.name ?? 'none').drop().catch(() => undefined);
    remove();
  }
}

export async function benchTestkit({ log, lintCount = 2000, chain = 50, runs = 5 }) {
  checkLoad(log);
  await benchLint(log, lintCount, runs);
  for (const dialect of ['sqlite', 'postgres', 'mysql']) await benchWorkerDatabase(log, dialect, chain, 3);
}
