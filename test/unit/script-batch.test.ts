/**
 * The revisions of a run loaded from one batch (script-batch.ts): a later process runs them from
 * the batch and its code cache without compiling anything; errors and lint findings name the
 * revision's own file and line with and without the code cache; a module keeps its own scope
 * although esbuild's helpers are shared; a broken batch costs time, never a wrong result. Runs the
 * built CLI (offline: `--sql` and lint open no database).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { cutHelpers } from '../../src/script/batch-helpers.js';
import { retort } from '../support/cli.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const root = mkdtempSync(join(tmpdir(), 'retort-batch-'));
const projects: TestProject[] = [];
afterAll(() => {
  projects.forEach((p) => p.cleanup());
  rmSync(root, { recursive: true, force: true });
});

/** A project with its own cache folder, so that what the runs cache can be looked at. */
function project(url: string, specs: readonly RevisionSpec[]) {
  const p = createTestProject({ url }, specs);
  projects.push(p);
  const cache = join(root, `cache-${projects.length}`);
  const entries = (name: string, ext: string) => (existsSync(join(cache, 'retort', name)) ? readdirSync(join(cache, 'retort', name)).filter((f) => f.endsWith(ext)) : []);
  return {
    p,
    cache: (name: string) => join(cache, 'retort', name),
    entries,
    run: (...args: string[]) => retort(p.dir, args, { XDG_CACHE_HOME: cache }),
  };
}

/** A `--sql` script without the history rows' start times. */
const script = (run: { stdout: string }) => run.stdout.replace(/'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?'/g, "'T'");

/** The 1-based line of the line holding `marker` in `path`. */
function lineOf(path: string, marker: string): number {
  return readFileSync(path, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
}

const chain = (second: Partial<RevisionSpec>): RevisionSpec[] => [
  { id: 'b1', down: null, message: 'first', imports: ['integer'], upgrade: "  await op.createTable('t', { id: integer().primaryKey(), a: integer() });", downgrade: "  await op.dropTable('t');" },
  { id: 'b2', down: 'b1', message: 'second', upgrade: "  await op.execute('UPDATE t SET a = 2');", downgrade: "  await op.execute('UPDATE t SET a = 1');", ...second },
  { id: 'b3', down: 'b2', message: 'third', upgrade: "  await op.execute('UPDATE t SET a = 3');", downgrade: "  await op.execute('UPDATE t SET a = 2');" },
];

describe('revision scripts run from one batch', () => {
  it('a later run loads them from the batch and its code cache, compiling nothing', () => {
    const t = project('sqlite::memory:', chain({}));
    const first = t.run('upgrade', 'head', '--sql');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('UPDATE t SET a = 3');
    // The code cache is written once every module of the batch has run.
    expect(t.entries('batches', '.js')).toHaveLength(1);
    expect(t.entries('batches', '.v8')).toHaveLength(1);
    rmSync(t.cache('scripts'), { recursive: true, force: true });
    const second = t.run('upgrade', 'head', '--sql');
    expect(second.code, second.stderr).toBe(0);
    expect(script(second)).toBe(script(first));
    // Nothing was compiled one by one (that writes a per-file entry).
    expect(existsSync(t.cache('scripts'))).toBe(false);
  });

  it('a cold run caches batched modules in their batch only; a run sliced otherwise takes them from it, compiling nothing', () => {
    const t = project('sqlite::memory:', chain({}));
    const first = t.run('upgrade', 'head', '--sql');
    expect(first.code, first.stderr).toBe(0);
    // No entry per module (2,000 small files written and read back, cold).
    expect(existsSync(t.cache('scripts'))).toBe(false);
    // b1:head runs b2 and b3: another slice, so another batch, built from the first batch's
    // modules. esbuild cannot start here: any compiling would fail the run.
    const noEsbuild = { XDG_CACHE_HOME: join(t.cache('scripts'), '..', '..'), ESBUILD_BINARY_PATH: '/bin/false' };
    const later = retort(t.p.dir, ['upgrade', 'b1:head', '--sql'], noEsbuild);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).toContain('UPDATE t SET a = 3');
    expect(later.stdout).not.toContain('CREATE TABLE t');
    expect(t.entries('batches', '.js')).toHaveLength(2);
    // The same without the batches: the run needs esbuild, and says so.
    rmSync(t.cache('batches'), { recursive: true, force: true });
    expect(retort(t.p.dir, ['upgrade', 'b1:head', '--sql'], noEsbuild).code).not.toBe(0);
  });

  it('a process with other V8 flags keeps code caches of its own: neither rejects and rewrites the other\'s', () => {
    // V8 rejects a code cache made under other flags; as the CLI (bin.ts sets some), a program
    // using the library (none) and `node --cpu-prof` differ, each rewrote the other's every run.
    const t = project('sqlite::memory:', chain({}));
    expect(t.run('upgrade', 'head', '--sql').code).toBe(0);
    const [cli] = t.entries('batches', '.v8');
    const file = join(t.cache('batches'), cli!);
    const made = { bytes: readFileSync(file), at: statSync(file).mtimeMs };
    const otherFlags = { XDG_CACHE_HOME: join(t.cache('batches'), '..', '..'), NODE_OPTIONS: '--stack-trace-limit=20' };
    for (let run = 0; run < 2; run++) {
      const other = retort(t.p.dir, ['upgrade', 'head', '--sql'], otherFlags);
      expect(other.code, other.stderr).toBe(0);
      expect(t.run('upgrade', 'head', '--sql').code).toBe(0);
    }
    expect(t.entries('batches', '.v8')).toHaveLength(2);
    expect(readFileSync(file).equals(made.bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(made.at);
  });

  it('a throw in a batched revision names its file, line and column, without and with the code cache', () => {
    const t = project('sqlite::memory:', chain({ upgrade: "  await op.execute('UPDATE t SET a = 2');\n  if (x.boom) throw new Error('boom in b2'); // @boom" }));
    const line = lineOf(join(t.p.dir, 'migrations', 'b2_second.ts'), '// @boom');
    const expected = `the script threw at migrations/b2_second.ts:${line}:21: boom in b2`;
    const cold = t.run('upgrade', 'head', '--sql', '-x', 'boom=1');
    expect(cold.code).toBe(1);
    expect(cold.stderr).toContain(expected);
    // A run through every revision writes the batch's code cache; the failing run then uses it.
    expect(t.run('upgrade', 'head', '--sql').code).toBe(0);
    expect(t.entries('batches', '.v8')).toHaveLength(1);
    const warm = t.run('upgrade', 'head', '--sql', '-x', 'boom=1', '-v');
    expect(warm.code).toBe(1);
    expect(warm.stderr).toContain(expected);
    // The stack printed with -v names the revision's file, not the batch.
    expect(warm.stderr).toMatch(new RegExp(`at Object\\.upgrade \\(/.*/migrations/b2_second\\.ts:${line}:21\\)`));
    expect(warm.stderr).not.toContain('retort-batch');
  });

  it('lint findings name the line in the revision, without and with the code cache', () => {
    const t = project('postgres://lint@127.0.0.1:1/none', chain({ upgrade: "  await op.createIndex('ix_t_a', 't', ['a']); // @idx" }));
    const line = lineOf(join(t.p.dir, 'migrations', 'b2_second.ts'), '// @idx');
    const found = (run: ReturnType<typeof t.run>) => run.json().findings.filter((f: { rule: string }) => f.rule === 'index-not-concurrent');
    const cold = t.run('lint', '--json');
    expect(cold.code, cold.stderr).toBe(3);
    expect(found(cold)).toMatchObject([{ revision: 'b2', line }]);
    expect(t.entries('batches', '.v8')).toHaveLength(1);
    const warm = t.run('lint', '--json');
    expect(warm.json()).toEqual(cold.json());
  });

  it('a run longer than a batch: batches of 64, 128, 256 then 500 revisions, and findings in each name their lines', () => {
    const index = "  await op.createIndex('ix_t_a', 't', ['a']); // @idx";
    const specs: RevisionSpec[] = chain({ upgrade: index }).slice(0, 2);
    for (let i = 3; i <= 502; i++) specs.push({ id: `c${i}`, down: i === 3 ? 'b2' : `c${i - 1}`, message: `n${i}`, upgrade: i === 502 ? index : "  await op.execute('SELECT 1');", downgrade: "  await op.execute('SELECT 1');" });
    const t = project('postgres://lint@127.0.0.1:1/none', specs);
    const line = lineOf(join(t.p.dir, 'migrations', 'b2_second.ts'), '// @idx');
    const lastLine = lineOf(join(t.p.dir, 'migrations', 'c502_n502.ts'), '// @idx');
    const found = (run: ReturnType<typeof t.run>) => run.json().findings.filter((f: { rule: string }) => f.rule === 'index-not-concurrent').map((f: { revision: string; line: number }) => [f.revision, f.line]);
    const cold = t.run('lint', '--json');
    expect(cold.code, cold.stderr).toBe(3);
    expect(found(cold)).toEqual([['b2', line], ['c502', lastLine]]);
    // 64 + 128 + 256 + 54: a cold run waits for the compiling of the first 64 only (script-batch.ts).
    expect(t.entries('batches', '.js')).toHaveLength(4);
    expect(t.entries('batches', '.v8')).toHaveLength(4);
    expect(t.run('lint', '--json').json()).toEqual(cold.json());
  });

  it('a name imported from retort-migrate that it does not export names the batched file and line', () => {
    const t = project('sqlite::memory:', chain({ imports: ['integer', 'tinyintt'], upgrade: "  await op.addColumn('t', 'b', tinyintt());" }));
    const run = t.run('upgrade', 'head', '--sql');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/ERROR \[BadImport\] \/.*\/b2_second\.ts:3: `tinyintt` is imported from 'retort-migrate', which exports no such name\./);
  });

  it("esbuild's helpers are shared, yet a module sees only its own names: a global named like a helper stays the global", () => {
    const t = project('sqlite::memory:', chain({
      preamble: "declare const __create: string;\n(globalThis as Record<string, unknown>).__create = 'the global';",
      upgrade: '  await op.execute(`SELECT \'${__create}\'`);',
    }));
    const run = t.run('upgrade', 'head', '--sql');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("SELECT 'the global'");
  });

  it("esbuild's service collects garbage less often (GOGC=400), and the run's own environment is left as it was", () => {
    // The revision reads the environment of this process's esbuild service (Linux: /proc).
    const t = project('sqlite::memory:', chain({
      preamble: "import { execSync } from 'node:child_process';\nimport { readFileSync } from 'node:fs';",
      upgrade: [
        "  const pid = execSync(`pgrep -P ${process.pid} esbuild`, { encoding: 'utf8' }).trim();",
        "  const gogc = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\\0').find((v) => v.startsWith('GOGC='));",
        "  await op.execute(`SELECT '${gogc}', '${process.env.GOGC}'`);",
      ].join('\n'),
    }));
    const run = t.run('upgrade', 'head', '--sql');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("SELECT 'GOGC=400', 'undefined'");
  });

  it('a corrupt batch or code cache is replaced, and the run is the same', () => {
    const t = project('sqlite::memory:', chain({}));
    const first = t.run('upgrade', 'head', '--sql');
    const [js] = t.entries('batches', '.js');
    const [v8] = t.entries('batches', '.v8');
    writeFileSync(join(t.cache('batches'), v8!), 'garbage');
    const second = t.run('upgrade', 'head', '--sql');
    expect(script(second)).toBe(script(first));
    expect(readFileSync(join(t.cache('batches'), v8!), 'utf8')).not.toBe('garbage');
    writeFileSync(join(t.cache('batches'), js!), '// not a batch\n[]');
    const third = t.run('upgrade', 'head', '--sql');
    expect(script(third)).toBe(script(first));
    expect(readFileSync(join(t.cache('batches'), js!), 'utf8')).toContain('b3');
  });
});

describe("cutting esbuild's helpers", () => {
  it('cuts every helper esbuild writes for exports, default imports and re-exports, keeping each line in place', () => {
    for (const source of [
      'export const a = 1;',
      "import x from 'some-cjs-package';\nexport const a = x;",
      "export * from 'node:path';\nexport const b = 2;",
    ]) {
      const code = transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20' }).code;
      const written = [...code.matchAll(/^var (__\w+) = /gm)].map((m) => m[1]);
      const cut = cutHelpers(code);
      expect(cut.names).toEqual(written);
      expect(cut.code.split('\n')).toHaveLength(code.split('\n').length);
      expect(cut.code).not.toMatch(/^var __\w+ = /m);
    }
  });
});
