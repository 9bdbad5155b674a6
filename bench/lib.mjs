/**
 * Shared pieces of the benchmarks: generated revision chains, timing of whole processes, and
 * ratio printing. Every figure is printed against a baseline measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'dist/cli/bin.js');

/** A fresh folder under the system temp dir; removed by the returned function. */
export function workdir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `retort-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Revision id n of a chain: 12 hex characters, as retort makes them. */
export function revId(n) {
  return (0x100000000000 + n * 7919).toString(16).slice(-12);
}

/**
 * Write a chain of `count` revisions, each creating one 5-column table, with the headers the
 * contract shows (an Alembic-style docstring and the four exports).
 */
export function writeChain(dir, count) {
  const migrations = join(dir, 'migrations');
  mkdirSync(migrations, { recursive: true });
  writeFileSync(join(dir, 'retort.config.ts'), `import { defineConfig } from 'retort-migrate';\nexport default defineConfig({ url: 'sqlite:./bench.db', migrations: './migrations' });\n`);
  for (let i = 0; i < count; i++) {
    const id = revId(i);
    const down = i === 0 ? 'null' : `'${revId(i - 1)}'`;
    writeFileSync(join(migrations, `${id}_create_table_${i}.ts`), `/**
 * create table t${i}
 *
 * Revision ID: ${id}
 * Revises: ${i === 0 ? '' : revId(i - 1)}
 */
import type { MigrationContext } from 'retort-migrate';
import { bigint, integer, text, varchar, timestamp } from 'retort-migrate';

export const revision = '${id}';
export const downRevision: string | string[] | null = ${down};
export const branchLabels: string[] = [];
export const dependsOn: string[] = [];

export async function upgrade({ op }: MigrationContext) {
  await op.createTable('t${i}', {
    id: bigint().primaryKey().autoIncrement(),
    name: varchar(64).notNull(),
    body: text(),
    amount: integer().default(0),
    created_at: timestamp(),
  });
}

export async function downgrade({ op }: MigrationContext) {
  await op.dropTable('t${i}');
}
`);
  }
  return migrations;
}

/** Run a command; throws with its output when it fails. Returns seconds taken. */
export function timeProcess(command, args, options = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}\n${result.stdout?.slice(0, 2000)}`);
  }
  return { seconds, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Run a command under `/usr/bin/time` (GNU time), which prints the child's own figures (CPU time,
 * peak RSS) to stderr after the child's output: its wall time, the result and those figures.
 * The wrapper adds about a millisecond, alike for every tool measured.
 */
function underTime(command, args, options) {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'RETORT_BENCH_TIME=%U %S %M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}\n${result.stdout?.slice(0, 2000)}`);
  }
  const figures = /RETORT_BENCH_TIME=([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr ?? '');
  return {
    seconds,
    stdout: result.stdout,
    cpu: figures ? Number(figures[1]) + Number(figures[2]) : NaN,
    rssMb: figures ? Number(figures[3]) / 1024 : NaN,
  };
}

/**
 * A command's wall time and its CPU time (user + sys), in seconds. CPU time says more than wall
 * time on a shared, busy machine.
 */
export function cpuProcess(command, args, options = {}) {
  const { seconds, cpu } = underTime(command, args, options);
  return { seconds, cpu };
}

/** The median of `runs` timings of `fn()` (which returns seconds). */
export function median(runs, fn) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(fn());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Print one figure as a ratio against its baseline, with the goal. */
export function report(log, name, seconds, baselineName, baselineSeconds, goal) {
  const ratio = seconds / baselineSeconds;
  log(`${name}: ${seconds.toFixed(3)} s = ${ratio.toFixed(2)}x ${baselineName} (${baselineSeconds.toFixed(3)} s)${goal ? `   goal: ${goal}` : ''}`);
  return ratio;
}

/** The median of some figures. */
export function medianOf(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** The lowest and highest of some figures, as `low-high` with `digits` decimals (a bench prints it beside a median). */
export function rangeOf(values, digits) {
  return `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;
}

/** A command's wall time and peak resident set (maxRSS), in MB, with its stdout. */
export function measureProcess(command, args, options = {}) {
  const { seconds, rssMb, stdout } = underTime(command, args, options);
  return { seconds, rssMb, stdout };
}

/**
 * Print the machine's load (1-minute average) and warn above 1.5: on a busy machine every figure,
 * the floor's too, is noise. Returns the load.
 */
export function checkLoad(log) {
  const [one, five] = loadavg();
  log(`machine load: ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) on ${cpus().length} cores`);
  if (one > 1.5) log('  WARNING: load above 1.5: the machine is busy and the figures below are noisy; rerun when it is quiet.');
  return one;
}

/**
 * Install the peer tools the upgrade benchmark compares against (bench/peers/package.json, its
 * own lock file and node_modules: never dependencies of retort-migrate), on first use.
 */
export function ensurePeers(log) {
  const peers = join(ROOT, 'bench/peers');
  if (existsSync(join(peers, 'node_modules/knex'))) return;
  log('installing the peer tools (npm ci in bench/peers) ...');
  timeProcess('npm', ['ci', '--no-audit', '--no-fund', '--prefix', peers]);
}
