/**
 * The `retort` executable compiles its bundle with a V8 code cache (src/cli/bin.ts): one file per
 * command under `$XDG_CACHE_HOME/retort/cli`, made at the end of the first run, accepted by the
 * next ones (which then leave it as it is: a refused cache is written again). A corrupt cache, or
 * none (`RETORT_CACHE=0`), changes nothing a user sees.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, retort, type CliRun } from '../support/cli.js';
import { createTestProject, type TestProject } from '../support/project.js';

const FIRST = 'c1000000000a';

let project: TestProject;
let cacheHome: string;
const cliCache = () => join(cacheHome, 'retort', 'cli');
const entries = () => (existsSync(cliCache()) ? readdirSync(cliCache()).sort() : []);
const run = (args: string[], env: Record<string, string> = {}): CliRun => retort(project.dir, args, { XDG_CACHE_HOME: cacheHome, ...env });

beforeAll(() => {
  project = createTestProject({ url: 'sqlite:./cache.db' }, [
    { id: FIRST, down: null, message: 'create notes', upgrade: "  await op.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY)');", downgrade: "  await op.execute('DROP TABLE notes');" },
  ]);
  cacheHome = mkdtempSync(join(tmpdir(), 'retort-cli-cache-'));
  expect(run(['upgrade', 'head']).code).toBe(0);
});

afterAll(() => {
  project?.cleanup();
  if (cacheHome !== undefined) rmSync(cacheHome, { recursive: true, force: true });
});

describe('the CLI bundle runs from a V8 code cache', () => {
  it('writes one cache per command at the end of its first run, and the next run accepts it (leaves it unwritten)', () => {
    // upgrade's, from beforeAll: the bundle's, and the kysely part's (a revision ran, so the run
    // built the `db` handed to scripts).
    expect(entries()).toHaveLength(2);
    // A run sets a V8 flag of its own (process-flags.ts's RUN_V8_FLAGS), undone before its cache is made.
    const upgradeCaches = entries().map((name) => join(cliCache(), name));
    const madeAt = upgradeCaches.map((file) => statSync(file).mtimeMs);
    // Down and up again: the upgrade runs its revision, so it requires the kysely part again, now
    // under the run's flags, and both caches must still be accepted.
    expect(run(['downgrade', 'base'])).toMatchObject({ code: 0 });
    const downgradeCaches = entries().filter((name) => !upgradeCaches.includes(join(cliCache(), name)));
    expect(downgradeCaches).toHaveLength(2);
    expect(run(['upgrade', 'head'])).toMatchObject({ code: 0 });
    expect(upgradeCaches.map((file) => statSync(file).mtimeMs)).toEqual(madeAt);
    const first = run(['current']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(FIRST);
    const made = entries();
    // current's own (it never reads the kysely part), beside upgrade's two and downgrade's two.
    expect(made).toHaveLength(5);
    expect(made.every((name) => /^[0-9a-f]{16}\.v8$/.test(name))).toBe(true);
    const times = made.map((name) => statSync(join(cliCache(), name)).mtimeMs);
    const again = run(['current']);
    expect(again).toMatchObject({ code: 0, stdout: first.stdout, stderr: '' });
    expect(entries()).toEqual(made);
    expect(made.map((name) => statSync(join(cliCache(), name)).mtimeMs)).toEqual(times);
  });

  it('runs the same from a corrupt cache, and writes a good one in its place', () => {
    const expected = run(['current']);
    for (const name of entries()) writeFileSync(join(cliCache(), name), 'not a code cache');
    const corrupt = run(['current']);
    expect(corrupt).toMatchObject({ code: 0, stdout: expected.stdout, stderr: '' });
    const rewritten = entries().map((name) => readFileSync(join(cliCache(), name), 'latin1'));
    expect(rewritten.filter((text) => text === 'not a code cache')).toHaveLength(4); // upgrade's and downgrade's, not run since
    expect(rewritten.filter((text) => text.length > 10_000)).toHaveLength(1);
    expect(run(['current'])).toMatchObject({ code: 0, stdout: expected.stdout, stderr: '' });
  });

  it('compiles files that are ASCII only (else V8 holds each as a two-byte string: 4 MB, not 2) and already wrapped', () => {
    const dir = dirname(BIN);
    for (const name of ['retort-cli.cjs', 'retort-mysql2.cjs', 'retort-kysely.cjs', 'retort-mysql2-rare.cjs']) {
      const text = readFileSync(join(dir, name), 'utf8');
      expect(text.length).toBeGreaterThan(500_000);
      expect(text.startsWith('(function (exports, require, module, __filename, __dirname) {')).toBe(true);
      expect([...text.matchAll(/[^\x00-\x7f]/gu)].map((m) => m.index)).toEqual([]);
    }
  });

  it('writes nothing with RETORT_CACHE=0, and prints the same', () => {
    const expected = run(['history']);
    rmSync(cliCache(), { recursive: true, force: true });
    const off = run(['history'], { RETORT_CACHE: '0' });
    expect(off).toMatchObject({ code: 0, stdout: expected.stdout, stderr: '' });
    expect(existsSync(cliCache())).toBe(false);
  });
});
