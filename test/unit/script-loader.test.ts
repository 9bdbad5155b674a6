/**
 * The fast path for revision scripts: compiled once to CommonJS and cached by content, with a V8
 * code cache beside it; a broken cache entry costs time, never a wrong result. Needs the built CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScript, loadScriptOnce, prepareScripts, withSharedModules } from '../../src/script/script-loader.js';
import { retort } from '../support/cli.js';
import { createTestProject } from '../support/project.js';

const root = mkdtempSync(join(tmpdir(), 'retort-sloader-'));
process.env['XDG_CACHE_HOME'] = join(root, 'cache');
afterAll(() => rmSync(root, { recursive: true, force: true }));
const scriptsCache = join(root, 'cache', 'retort', 'scripts');

function revision(name: string, body: string): string {
  mkdirSync(join(root, 'migrations'), { recursive: true });
  const path = join(root, 'migrations', name);
  writeFileSync(path, `import { integer } from 'retort-migrate';\nexport const revision: string = '${name.slice(0, 4)}';\n${body}\n`);
  return path;
}

const entries = (ext: string) => readdirSync(scriptsCache).filter((f) => f.endsWith(ext));

describe('loadScript (compiled revision cache)', () => {
  it('caches the compiled module without a source map, and its V8 code cache', async () => {
    const path = revision('a1a1_first.ts', 'export const column = integer().notNull();');
    const loaded = await loadScript(path);
    expect(loaded['revision']).toBe('a1a1');
    expect(loaded['column']).toMatchObject({ spec: { nullable: false } });
    expect(entries('.cjs')).toHaveLength(1);
    expect(entries('.v8')).toHaveLength(1);
    // Node applies no source map to code run through vm.Script: none is kept.
    expect(readFileSync(join(scriptsCache, entries('.cjs')[0]!), 'utf8')).not.toContain('sourceMappingURL');
  });

  it('ignores a corrupt code cache in the next process and writes a good one', () => {
    // In one process V8's own compilation cache answers first: the code cache matters from the next.
    const project = createTestProject({ url: 'sqlite::memory:' }, [
      { id: 'b2b2', down: null, message: 'second', upgrade: "  await op.execute('CREATE TABLE b (id INTEGER)');" },
    ]);
    try {
      const env = { XDG_CACHE_HOME: join(root, 'cli-cache') };
      const first = retort(project.dir, ['upgrade', 'head', '--sql'], env);
      expect(first.code, first.stderr).toBe(0);
      const dir = join(root, 'cli-cache', 'retort', 'scripts');
      const codeCaches = readdirSync(dir).filter((f) => f.endsWith('.v8')).map((f) => join(dir, f));
      expect(codeCaches.length).toBeGreaterThan(0);
      for (const f of codeCaches) writeFileSync(f, 'garbage');
      const second = retort(project.dir, ['upgrade', 'head', '--sql'], env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('CREATE TABLE b (id INTEGER)');
      for (const f of codeCaches) expect(readFileSync(f, 'utf8')).not.toBe('garbage');
    } finally {
      project.cleanup();
    }
  });

  it('compiles a changed file anew (a new content key)', async () => {
    const path = revision('c3c3_third.ts', 'export const version: number = 1;');
    expect((await loadScript(path))['version']).toBe(1);
    writeFileSync(path, "export const revision: string = 'c3c3';\nexport const version: number = 2;\n");
    expect((await loadScript(path))['version']).toBe(2);
  });

  it('evaluates a script once per fleet scope, and anew per run outside one (nothing kept between runs)', async () => {
    // Each evaluation counts itself on a global: a module kept between runs would not count again.
    const path = revision('d4d4_fourth.ts', 'const g = globalThis as { d4d4?: number };\ng.d4d4 = (g.d4d4 ?? 0) + 1;\nexport const evaluations: number = g.d4d4;');
    const first = await loadScriptOnce(path);
    const second = await loadScriptOnce(path);
    expect([first['evaluations'], second['evaluations']]).toEqual([1, 2]);
    const shared = await withSharedModules(async () => {
      const a = await loadScriptOnce(path);
      const b = await withSharedModules(async () => loadScriptOnce(path));
      return [a, b];
    });
    expect(shared[0]).toBe(shared[1]);
    expect(shared[0]!['evaluations']).toBe(3);
  });

  it('never prunes the cache below the scripts of the running chain', async () => {
    // 7,000 entries of a 7,000-revision chain written by earlier runs (runs of one revision write
    // one; batched revisions are cached in their batches), the oldest, then 14,000 newer entries
    // of other projects: 21,000, above the 20,000 limit. The next process that writes an entry
    // prunes once; pruning to 80% of the fixed limit removed 5,000 of the chain's own entries,
    // compiled again on every run. It must keep them all.
    const dir = join(root, 'prune-floor');
    const cache = join(dir, 'cache');
    const scripts = join(cache, 'retort', 'scripts');
    mkdirSync(join(dir, 'm'), { recursive: true });
    mkdirSync(scripts, { recursive: true });
    const paths: string[] = [];
    for (let i = 0; i < 7_000; i++) {
      const path = join(dir, 'm', `r${i}.ts`);
      writeFileSync(path, `export const n: number = ${i};\n`);
      paths.push(path);
      writeFileSync(join(scripts, `chain${i}.cjs`), '');
    }
    const chain = readdirSync(scripts);
    expect(chain).toHaveLength(7_000);
    const old = new Date('2020-01-01T00:00:00Z');
    for (const f of chain) utimesSync(join(scripts, f), old, old);
    for (let i = 0; i < 14_000; i++) writeFileSync(join(scripts, `other${i}.cjs`), '');
    // One new revision: the next run (in a process of its own) prepares the chain, then compiles
    // the new one alone and writes its entry (and prunes).
    const added = join(dir, 'm', 'r7000.ts');
    writeFileSync(added, 'export const n: number = 7000;\n');
    const loader = pathToFileURL(join(process.cwd(), 'dist/script/script-loader.js')).href;
    // The list goes through a file: one argument of 7,001 paths is above Linux's 128 KB limit.
    const list = join(dir, 'paths.json');
    writeFileSync(list, JSON.stringify([...paths, added]));
    const child = spawnSync(process.execPath, ['--input-type=module', '-e',
      `import { readFileSync } from 'node:fs'; const { prepareScripts, loadScript } = await import(${JSON.stringify(loader)}); await prepareScripts(JSON.parse(readFileSync(${JSON.stringify(list)}, 'utf8'))); await loadScript(${JSON.stringify(added)});`,
    ], { env: { ...process.env, XDG_CACHE_HOME: cache }, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const left = new Set(readdirSync(scripts));
    expect(chain.filter((f) => !left.has(f))).toEqual([]);
    expect(left.size).toBe(7_000 + 14_000 + 2); // the new one: its compiled code and V8 code cache
  }, 60_000);
});
