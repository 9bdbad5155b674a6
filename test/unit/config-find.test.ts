import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findConfig } from '../../src/config/find.js';
import { RetortError } from '../../src/errors.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'retort-find-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh project folder with the given files (contents irrelevant to finding). */
function project(name: string, files: string[]): string {
  const dir = join(root, name);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), '{}');
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

function notFound(fn: () => unknown): RetortError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RetortError);
    expect((error as RetortError).code).toBe('ConfigNotFound');
    return error as RetortError;
  }
  throw new Error('did not throw');
}

describe('findConfig', () => {
  it('finds the config in the working directory', () => {
    const dir = project('cwd', ['retort.config.ts']);
    expect(findConfig(dir)).toBe(join(dir, 'retort.config.ts'));
  });

  it('searches upward from a subfolder', () => {
    const dir = project('upward', ['retort.config.json', 'src/deep/er/.keep']);
    expect(findConfig(join(dir, 'src/deep/er'))).toBe(join(dir, 'retort.config.json'));
  });

  it('prefers .ts, then .js, .mjs, .json in one folder', () => {
    const dir = project('order', ['retort.config.json', 'retort.config.mjs', 'retort.config.js', 'retort.config.ts']);
    expect(findConfig(dir)).toBe(join(dir, 'retort.config.ts'));
    rmSync(join(dir, 'retort.config.ts'));
    expect(findConfig(dir)).toBe(join(dir, 'retort.config.js'));
    rmSync(join(dir, 'retort.config.js'));
    expect(findConfig(dir)).toBe(join(dir, 'retort.config.mjs'));
    rmSync(join(dir, 'retort.config.mjs'));
    expect(findConfig(dir)).toBe(join(dir, 'retort.config.json'));
  });

  it('takes the nearest folder, whatever the extension', () => {
    const dir = project('nearest', ['retort.config.ts', 'pkg/retort.config.json']);
    expect(findConfig(join(dir, 'pkg'))).toBe(join(dir, 'pkg/retort.config.json'));
  });

  it('uses --config relative to the working directory, with any name', () => {
    const dir = project('explicit', ['conf/staging.config.mjs', 'retort.config.ts']);
    expect(findConfig(dir, 'conf/staging.config.mjs')).toBe(join(dir, 'conf/staging.config.mjs'));
    expect(findConfig(join(dir, 'conf'), join(dir, 'conf/staging.config.mjs'))).toBe(join(dir, 'conf/staging.config.mjs'));
  });

  it('looks inside a folder given to --config, not above it', () => {
    const dir = project('explicit-dir', ['retort.config.ts', 'sub/retort.config.json', 'empty/.keep']);
    expect(findConfig(dir, 'sub')).toBe(join(dir, 'sub/retort.config.json'));
    const error = notFound(() => findConfig(dir, 'empty'));
    expect(error.fields['searched']).toEqual([join(dir, 'empty')]);
  });

  it('reports a missing --config file by its path', () => {
    const dir = project('missing', ['retort.config.ts']);
    const error = notFound(() => findConfig(dir, 'nope.config.ts'));
    expect(error.message).toBe(`Config file ${join(dir, 'nope.config.ts')} (from --config) does not exist.`);
    expect(error.hint).toBe('Run `retort init`, or pass --config.');
    expect(error.exitCode).toBe(2);
  });

  it('names where it looked when there is no config at all', () => {
    const dir = project('none/a/b', []);
    const error = notFound(() => findConfig(dir));
    expect(error.message).toContain(dir);
    expect(error.message).toContain('retort.config.ts, retort.config.js, retort.config.mjs, retort.config.json');
    const searched = error.fields['searched'] as string[];
    expect(searched[0]).toBe(dir);
    expect(searched).toContain(join(root, 'none'));
    expect(searched.at(-1)).toBe('/');
    expect(error.hint).toBe('Run `retort init`, or pass --config.');
  });
});
