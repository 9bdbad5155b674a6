/**
 * Issue 14: memory flat in the chain's length. `upgrade head` of a long chain (default 20,000
 * revisions, `BENCH_MEMORY_REVISIONS`) on SQLite in `transaction: 'all'` mode (no fsync per
 * revision: memory, not the disk, is measured), in process through the library, with the script
 * cache warm. After every tenth of the chain the heap is measured after a full GC: the live set.
 * Printed as a ratio to the live set after the first tenth (flat: about 1.0), with the peak RSS of
 * the whole process (V8 grows its heap lazily, so RSS says less than the live set).
 * Measured twice: as the CLI runs (V8's compilation cache off, as src/cli/process-flags.ts sets
 * it), and with V8's defaults, as in a program using the library. That cache keeps every compiled
 * script's source and top-level code in the old space (4-7 KB a revision) until memory pressure or
 * age clears it, so a full GC does not free it; retort holds nothing per revision itself.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkLoad, ROOT, workdir, writeChain } from './lib.mjs';

/** The measuring child: upgrades the chain in `dir` and prints one JSON line of figures. */
async function child(dir, count) {
  const { createRetort } = await import(pathToFileURL(join(ROOT, 'dist/index.js')).href);
  const points = [];
  const every = Math.max(1, Math.floor(count / 10));
  let done = 0;
  const retort = createRetort({
    cwd: dir,
    onEvent: (event) => {
      if (event.type !== 'step-done') return;
      done += 1;
      if (done % every === 0) {
        globalThis.gc();
        points.push({ steps: done, heapMb: process.memoryUsage().heapUsed / 2 ** 20 });
      }
    },
  });
  await retort.upgrade('head');
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ points, rssMb }));
}

export async function benchMemory({ log, count = Number(process.env.BENCH_MEMORY_REVISIONS ?? 20000) }) {
  const { dir, remove } = workdir('memory');
  try {
    checkLoad(log);
    writeChain(dir, count);
    rmSync(join(dir, 'retort.config.ts')); // the JSON config below is the one read
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
    const run = (db, flags = []) => {
      writeFileSync(join(dir, 'retort.config.json'), JSON.stringify({ url: `sqlite:${join(dir, db)}`, migrations: './migrations', transaction: 'all' }));
      const result = spawnSync(process.execPath, ['--expose-gc', ...flags, join(ROOT, 'bench/memory.mjs'), dir, String(count)], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
      if (result.status !== 0) throw new Error(`memory run failed (${result.status}): ${result.stderr.slice(0, 2000)}`);
      return JSON.parse(result.stdout.trim().split('\n').pop());
    };
    run('warm.db'); // fills the script cache
    // The CLI turns V8's compilation cache off (src/cli/process-flags.ts); a program using the
    // library keeps V8's defaults.
    const runs = [['as the CLI runs it', run('cli.db', ['--no-compilation-cache'])], ['library, V8 defaults', run('library.db')]];
    log(`upgrade head of ${count} revisions (sqlite, transaction: 'all', warm), heap after a full GC:`);
    log(`| revisions | ${runs.map(([name]) => name.padEnd(30)).join(' | ')} |`);
    for (const [, { points }] of runs) if (points.length === 0) throw new Error('a measured run applied no revision');
    runs[0][1].points.forEach((p, i) => {
      const cells = runs.map(([, { points }]) => `${points[i].heapMb.toFixed(1).padStart(6)} MB = ${(points[i].heapMb / points[0].heapMb).toFixed(2)}x`.padEnd(30));
      log(`| ${String(p.steps).padStart(9)} | ${cells.join(' | ')} |`);
    });
    log(`  peak RSS of the process: ${runs.map(([name, r]) => `${r.rssMb.toFixed(0)} MB ${name}`).join(', ')}`);
  } finally {
    remove();
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname && process.argv.length === 4) {
  await child(process.argv[2], Number(process.argv[3]));
}
