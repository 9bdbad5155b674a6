import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pruneCacheDir } from '../../src/util/cache-prune.js';

const root = mkdtempSync(join(tmpdir(), 'retort-prune-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder of `count` entries named e00..., entry i written i minutes after the first. */
function folderOf(name: string, count: number): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const start = Date.UTC(2026, 0, 1) / 1000;
  for (let i = 0; i < count; i++) {
    const file = join(dir, `e${String(i).padStart(2, '0')}`);
    writeFileSync(file, 'x');
    utimesSync(file, start + i * 60, start + i * 60);
  }
  return dir;
}

describe('pruneCacheDir', () => {
  it('leaves a folder within its limit alone', () => {
    const dir = folderOf('small', 10);
    pruneCacheDir(dir, 10);
    expect(readdirSync(dir)).toHaveLength(10);
  });

  it('removes the oldest entries down to 80% of the limit', () => {
    const dir = folderOf('big', 30);
    pruneCacheDir(dir, 20);
    expect(readdirSync(dir).sort()).toEqual(Array.from({ length: 16 }, (_, i) => `e${String(i + 14).padStart(2, '0')}`));
  });

  it('prunes a folder once per process, and ignores a folder that does not exist', () => {
    const dir = folderOf('once', 5);
    pruneCacheDir(dir, 10);
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, `late${i}`), 'x');
    pruneCacheDir(dir, 10);
    expect(readdirSync(dir)).toHaveLength(25);
    expect(() => pruneCacheDir(join(root, 'missing'), 1)).not.toThrow();
  });
});
