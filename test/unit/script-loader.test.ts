/**
 * The fast path for revision scripts: compiled once to CommonJS and cached by content, with a V8
 * code cache beside it; a broken cache entry costs time, never a wrong result. Needs the built CLI.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScript } from '../../src/script/script-loader.js';
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
});
