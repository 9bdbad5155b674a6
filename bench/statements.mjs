/**
 * A load-independent figure of the upgrade benchmark: the requests (round trips) retort sends to
 * the server per revision, counted by a preload that wraps the drivers (trace-preload.mjs). A
 * chain of `small` and one of `small * 2` revisions are upgraded from empty; the difference over
 * `small` is the steady per-revision cost, the rest is the fixed cost of a run (connect, lock,
 * version and history tables). One revision's requests are printed as sent.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dialects } from './floor.mjs';
import { BIN, ROOT, timeProcess, workdir, writeChain } from './lib.mjs';

function trace(dialect, url, dir, env, extra) {
  const file = join(dir, `trace-${Math.random().toString(36).slice(2)}.jsonl`);
  timeProcess(process.execPath, ['--import', join(ROOT, 'bench/trace-preload.mjs'), BIN, ...extra, '--url', url, '-q', 'upgrade', 'head'], {
    cwd: dir, env: { ...env, RETORT_BENCH_TRACE: file, RETORT_BENCH_ROOT: ROOT },
  });
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  rmSync(file);
  return lines;
}

/** Requests per revision on `dialect`, and the requests around one revision in steady state. */
export async function countStatements({ log, dialect, small = 10, extra = [], label = '' }) {
  const db = dialects[dialect];
  const counts = [];
  let sample = [];
  for (const n of [small, small * 2]) {
    const { dir, remove } = workdir(`statements-${dialect}`);
    const made = await db.create(dir, `retort_bench_st_${process.pid}_${n}`);
    try {
      writeChain(dir, n);
      if (extra.length > 0) (await import('node:fs')).writeFileSync(join(dir, 'retort.all.json'), JSON.stringify({ migrations: './migrations', transaction: 'all' }));
      const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
      const lines = trace(dialect, made.url, dir, env, extra);
      counts.push(lines.length);
      const at = (i) => lines.findIndex((l) => new RegExp(`CREATE TABLE (?:"public"\\.)?[\`"]?t${i}[\`"]?[\\s(]`).test(l.sql));
      const from = at(small + 4);
      const to = at(small + 5);
      if (n === small * 2 && from >= 0 && to >= 0) sample = lines.slice(from, to);
    } finally {
      await made.drop().catch(() => undefined);
      remove();
    }
  }
  const per = (counts[1] - counts[0]) / small;
  log(`${dialect}${label}: ${per} requests per revision (fixed cost of a run: ${counts[0] - per * small}); from one revision's CREATE to the next:`);
  for (const l of sample) log(`    [conn ${l.conn}] ${l.sql.replace(/\s+/g, ' ').slice(0, 150)}`);
  return per;
}

/** Every dialect, per-migration transactions and (where DDL is transactional) `transaction: 'all'`. */
export async function benchStatements({ log, dialects: wanted = [] }) {
  for (const dialect of ['sqlite', 'postgres', 'mysql']) {
    if (wanted.length > 0 && !wanted.includes(dialect)) continue;
    await countStatements({ log, dialect });
    if (dialect !== 'mysql') await countStatements({ log, dialect, extra: ['-c', 'retort.all.json'], label: " (transaction: 'all')" });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchStatements({ log: (line) => console.log(line), dialects: process.argv.slice(2) });
}
