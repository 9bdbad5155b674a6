import * as esbuild from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const dir = '/tmp/chk/up-sqlite-500/migrations';
const files = readdirSync(dir).map((f) => join(dir, f)).slice(0, Number(process.env.N ?? 500));
const mode = process.argv[2];
const t0 = performance.now();
if (mode === 'transform') {
  let inflight = 0; const q = [...files]; 
  await Promise.all(Array.from({ length: 64 }, async () => { while (q.length) { const f = q.shift(); await esbuild.transform(readFileSync(f, 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: f }); } }));
} else {
  for (let i = 0; i < files.length; i += Number(process.argv[3] ?? 500)) {
    const r = await esbuild.build({ entryPoints: files.slice(i, i + Number(process.argv[3] ?? 500)), bundle: false, write: false, format: 'cjs', target: 'node20', outdir: '/tmp/chk/esbout', logLevel: 'silent' });
    if (i === 0) console.error(r.outputFiles.length, r.outputFiles[0].path);
  }
}
const t1 = performance.now();
await esbuild.stop();
console.log(mode, (t1 - t0).toFixed(0), 'ms');
