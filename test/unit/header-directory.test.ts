import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRevisionFileName, scanVersionDirectories } from '../../src/script/directory.js';
import { RetortError } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'retort-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function revision(id: string, down: string | null, message = `rev ${id}`): string {
  return `/** ${message} */
export const revision = '${id}';
export const downRevision = ${down === null ? 'null' : `'${down}'`};
export async function upgrade() {}
export async function downgrade() {}
`;
}

function makeDir(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

describe('isRevisionFileName', () => {
  it.each([
    ['abc_add.ts', true],
    ['abc_add.js', true],
    ['abc_add.mjs', true],
    ['abc_add.mts', true],
    ['script.ts.tmpl', false],
    ['types.d.ts', false],
    ['.abc_add.ts', false],
    ['.#abc_add.ts', false],
    ['README.md', false],
    ['abc_add.ts.bak', false],
  ])('%s -> %s', (name, expected) => {
    expect(isRevisionFileName(name)).toBe(expected);
  });
});

describe('scanVersionDirectories', () => {
  it('reads every revision file of several directories, sorted by path, skipping non-revisions', async () => {
    const a = makeDir('multi/a', {
      '0002_second.ts': revision('0002', '0001'),
      '0001_first.ts': revision('0001', null, 'first one'),
      'script.ts.tmpl': 'export const revision = "{{revision}}";',
      'helpers.ts': 'export function helper() { return 1; }\n',
      'index.d.ts': 'export declare const revision: string;',
      '.0003_hidden.ts': revision('0003', '0002'),
      'notes.md': 'hello',
    });
    const b = makeDir('multi/b', { 'p1_plugin.mjs': revision('p1', null) });
    mkdirSync(join(a, 'sub.ts')); // a directory named like a file
    const headers = await scanVersionDirectories([a, b, a]);
    expect(headers.map((h) => [h.revision, h.downRevisions, h.message, h.path])).toEqual([
      ['0001', [], 'first one', join(a, '0001_first.ts')],
      ['0002', ['0001'], 'rev 0002', join(a, '0002_second.ts')],
      ['p1', [], 'rev p1', join(b, 'p1_plugin.mjs')],
    ]);
  });

  it('refuses a file that exports upgrade but has no revision', async () => {
    const dir = makeDir('broken', { '0001_x.ts': 'export async function upgrade() {}\n' });
    await expect(scanVersionDirectories([dir])).rejects.toMatchObject({
      code: 'BadRevisionFile',
      fields: { path: join(dir, '0001_x.ts') },
    });
  });

  it('refuses a missing directory with a hint', async () => {
    const error = await scanVersionDirectories([join(root, 'nope')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetortError);
    expect(error).toMatchObject({ code: 'ConfigInvalid', fields: { path: join(root, 'nope') } });
    expect((error as RetortError).hint).toMatch(/retort init/);
  });

  it('reads large files completely (the buffer grows)', async () => {
    const big = '// padding\n'.repeat(20_000) + revision('big', null);
    const dir = makeDir('big', { 'big_x.ts': big, 'small_y.ts': revision('small', 'big') });
    const headers = await scanVersionDirectories([dir]);
    expect(headers.map((h) => h.revision)).toEqual(['big', 'small']);
  });

  it('reads 5,000 revision files quickly', async () => {
    const dir = join(root, 'many');
    mkdirSync(dir);
    let previous: string | null = null;
    for (let i = 0; i < 5000; i++) {
      const id = i.toString(16).padStart(12, '0');
      writeFileSync(join(dir, `${id}_step_${i}.ts`), revision(id, previous) + '\n// body\n'.repeat(20));
      previous = id;
    }
    const start = performance.now();
    const headers = await scanVersionDirectories([dir]);
    const ms = performance.now() - start;
    expect(headers).toHaveLength(5000);
    expect(headers[4999]?.downRevisions).toEqual([(4998).toString(16).padStart(12, '0')]);
    // ~80 ms cold on a 2-vCPU machine; speed is measured in `npm run bench`, this bound only
    // catches a hang on a machine as busy as a shared CI runner can be.
    expect(ms).toBeLessThan(10_000);
  });
});
