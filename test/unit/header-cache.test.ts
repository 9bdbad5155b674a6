import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { scanVersionDirectoriesSync } from '../../src/script/directory.js';
import { RetortError } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'retort-hcache-'));
const cacheHome = join(root, 'cache');
process.env['XDG_CACHE_HOME'] = cacheHome;
afterAll(() => rmSync(root, { recursive: true, force: true }));

const revision = (id: string, down: string | null, message: string) => `/** ${message} */
export const revision = '${id}';
export const downRevision = ${down === null ? 'null' : `'${down}'`};
export async function upgrade() {}
`;

let dir: string;
let n = 0;
beforeEach(() => {
  dir = join(root, `migrations-${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'a1_first.ts'), revision('a1', null, 'first'));
  writeFileSync(join(dir, 'b2_second.ts'), revision('b2', 'a1', 'second'));
  writeFileSync(join(dir, 'helpers.ts'), 'export const x = 1;\n');
});

const cacheFiles = () => readdirSync(join(cacheHome, 'retort', 'headers')).map((f) => join(cacheHome, 'retort', 'headers', f));
const summary = () => scanVersionDirectoriesSync([dir]).map((h) => `${h.revision}<${h.downRevisions.join(',')}:${h.message}@${h.path.slice(dir.length + 1)}`);

describe('the revision header cache', () => {
  it('gives the same headers from the cache as from the files', () => {
    const first = summary();
    expect(first).toEqual(['a1<:first@a1_first.ts', 'b2<a1:second@b2_second.ts']);
    expect(cacheFiles().length).toBeGreaterThan(0);
    expect(summary()).toEqual(first);
  });

  it('answers an unchanged file from the cache without reading it', () => {
    summary();
    // Rewrite the cached message of a1: an unchanged file must be answered with it.
    for (const file of cacheFiles()) writeFileSync(file, readFileSync(file, 'utf8').replace('"first"', '"from the cache"'));
    expect(summary()[0]).toBe('a1<:from the cache@a1_first.ts');
  });

  it('reads a file again when it changed, even to the same size', () => {
    summary();
    const path = join(dir, 'a1_first.ts');
    writeFileSync(path, revision('a1', null, 'FIRST'));
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(summary()[0]).toBe('a1<:FIRST@a1_first.ts');
  });

  it('forgets removed files and sees new ones', () => {
    summary();
    rmSync(join(dir, 'b2_second.ts'));
    writeFileSync(join(dir, 'c3_third.ts'), revision('c3', 'a1', 'third'));
    expect(summary()).toEqual(['a1<:first@a1_first.ts', 'c3<a1:third@c3_third.ts']);
  });

  it('never caches a broken file: the error comes back on every run', () => {
    writeFileSync(join(dir, 'd4_broken.ts'), 'export async function upgrade() {}\n');
    for (let i = 0; i < 2; i++) {
      const error = (() => {
        try {
          summary();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(RetortError);
      expect((error as RetortError).code).toBe('BadRevisionFile');
    }
  });

  it('ignores a corrupt cache file', () => {
    summary();
    for (const file of cacheFiles()) writeFileSync(file, '{"version": 1, "entries": ');
    expect(summary()).toEqual(['a1<:first@a1_first.ts', 'b2<a1:second@b2_second.ts']);
  });

  it('is off with RETORT_CACHE=0', () => {
    process.env['RETORT_CACHE'] = '0';
    try {
      rmSync(join(cacheHome, 'retort', 'headers'), { recursive: true, force: true });
      expect(summary()).toHaveLength(2);
      expect(() => cacheFiles()).toThrow();
    } finally {
      delete process.env['RETORT_CACHE'];
    }
  });
});
