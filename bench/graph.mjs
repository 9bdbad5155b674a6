/**
 * Issue 2: `retort heads` and `retort history` on a chain of 5,000 revisions, as whole processes,
 * against Node itself reading the same 5,000 files.
 */
import { BIN, median, report, timeProcess, workdir, writeChain } from './lib.mjs';

const READ_FILES = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const dir = process.argv[1];
let n = 0;
for (const f of readdirSync(dir)) n += readFileSync(join(dir, f), 'utf8').length;
console.log(n);
`;

export async function benchGraph({ log, count = 5000, runs = 7 }) {
  const { dir, remove } = workdir('graph');
  try {
    const migrations = writeChain(dir, count);
    // Warm the OS page cache and retort's config cache once, as a user's second command would.
    timeProcess(process.execPath, [BIN, 'heads'], { cwd: dir });
    const baseline = median(runs, () => timeProcess(process.execPath, ['-e', READ_FILES, migrations]).seconds);
    const heads = median(runs, () => timeProcess(process.execPath, [BIN, 'heads'], { cwd: dir }).seconds);
    const history = median(runs, () => timeProcess(process.execPath, [BIN, 'history'], { cwd: dir }).seconds);
    log(`graph commands on a ${count}-revision chain (median of ${runs} whole processes):`);
    report(log, '  retort heads  ', heads, 'node reading the files', baseline, 'under 0.2 s');
    report(log, '  retort history', history, 'node reading the files', baseline, 'under 0.2 s');
  } finally {
    remove();
  }
}
