/**
 * What every run pays before its real work. `current` and an upgrade with nothing to do load no
 * Kysely (it is the scripts' `db`, made when a script is about to run),
 * and connecting to PostgreSQL costs no request of its own (the handshake is the check). The CLI
 * carries mysql2 and pg in its own bundle: a run resolves no module of either package, and pg's
 * workers probe loads no fetch.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';
import { whileCalling } from '../support/spy.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIRST: RevisionSpec = { id: 'fc0000000001', down: null, message: 'create a', upgrade: "  await op.execute('CREATE TABLE fc_a (n INT)');" };
const SECOND: RevisionSpec = { id: 'fc0000000002', down: 'fc0000000001', message: 'create b', upgrade: "  await op.execute('CREATE TABLE fc_b (n INT)');" };

/**
 * A loader hook that appends every module URL resolved to `trace`; `--import` the returned
 * file's URL to register it.
 */
function resolveTracer(dir: string, trace: string): string {
  writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  appendFileSync(${JSON.stringify(trace)}, found.url + '\\n');
  return found;
}`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});`);
  return pathToFileURL(join(dir, 'register.mjs')).href;
}

/**
 * Run `calls` (library calls on `retort`, in order) in a process of their own on the built
 * library, and return for each whether Kysely had been loaded once it was done (module
 * resolutions seen by a loader hook).
 */
function kyselyLoadedAfter(project: TestProject, calls: readonly string[]): boolean[] {
  const dir = mkdtempSync(join(tmpdir(), 'retort-fixed-'));
  try {
    const trace = join(dir, 'resolved.txt');
    const register = resolveTracer(dir, trace);
    writeFileSync(join(dir, 'main.mjs'), `import { appendFileSync } from 'node:fs';
const { createRetort } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/index.js')).href)});
const retort = createRetort({ cwd: ${JSON.stringify(project.dir)} });
for (const call of ${JSON.stringify(calls)}) {
  await retort[call === 'current' ? 'current' : 'upgrade']();
  appendFileSync(${JSON.stringify(trace)}, 'DONE ' + call + '\\n');
}`);
    const run = spawnSync(process.execPath, ['--import', register, join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const lines = readFileSync(trace, 'utf8').split('\n');
    return calls.map((call, i) => {
      const done = lines.findIndex((line, at) => line === `DONE ${call}` && lines.slice(0, at).filter((l) => l.startsWith('DONE ')).length === i);
      return lines.slice(0, done).some((line) => line.includes('/node_modules/kysely/'));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the fixed cost of a run', () => {
  const dbs: TestDatabase[] = [];
  const projects: TestProject[] = [];
  afterAll(async () => {
    for (const p of projects) p.cleanup();
    for (const db of dbs) await db.drop();
  });

  it.each(['sqlite', 'postgres', 'mysql'] as const)('%s: current and a no-op upgrade load no Kysely; an upgrade that runs a script does', async (dialect) => {
    const db = await createTestDatabase(dialect, 'retort_fc');
    dbs.push(db);
    const project = createTestProject({ url: db.url }, [FIRST]);
    projects.push(project);
    await project.retort.upgrade('head');
    project.write(SECOND);
    // current and a no-op are checked at head: the last upgrade runs SECOND.
    expect(kyselyLoadedAfter(project, ['current', 'upgrade'])).toEqual([false, true]);
    expect(kyselyLoadedAfter(project, ['current', 'upgrade'])).toEqual([false, false]);
  }, 60_000);

  // Loading a driver's CommonJS files one by one cost every run tens of ms of CPU more than the
  // same code from the bundle (scripts/bundle-cli.mjs): ~100 files for mysql2, ~30 for pg.
  it.each([['mysql', 'mysql2'], ['postgres', 'pg']] as const)('%s: the CLI runs on the %s of its own bundle (no module of the package resolved), and loads no fetch', async (dialect, driver) => {
    const db = await createTestDatabase(dialect, 'retort_fc');
    dbs.push(db);
    const project = createTestProject({ url: db.url }, [FIRST, SECOND]);
    projects.push(project);
    const dir = mkdtempSync(join(tmpdir(), 'retort-fixed-'));
    try {
      const trace = join(dir, 'resolved.txt');
      // pg asks for `navigator` when it loads, and on Node 20 (none) builds a Response whose use
      // loads all of fetch (undici, ~80 ms of CPU): driver-load.ts answers the probe during the
      // import, which must still hold when the driver's code is evaluated from the bundle.
      writeFileSync(join(dir, 'exit.cjs'), `process.on('exit', () => require('node:fs').appendFileSync(${JSON.stringify(trace)},
  'UNDICI ' + process.moduleLoadList.some((m) => m.includes('undici')) + '\\n'));`);
      const run = spawnSync(process.execPath, ['--require', join(dir, 'exit.cjs'), '--import', resolveTracer(dir, trace), BIN, '-q', 'upgrade', 'head'], { cwd: project.dir, encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      const resolved = readFileSync(trace, 'utf8').split('\n');
      // The run did reach the server through the driver: both revisions are applied.
      expect(await rawQuery<{ version_num: string }>(db, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: SECOND.id }]);
      expect(resolved.filter((url) => url.includes(`/node_modules/${driver}/`))).toEqual([]);
      expect(resolved).toContain('UNDICI false');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('postgres: connecting sends no request of its own', async () => {
    const db = await createTestDatabase('postgres', 'retort_fc');
    dbs.push(db);
    const project = createTestProject({ url: db.url }, [FIRST]);
    projects.push(project);
    await project.retort.upgrade('head');
    const sent: string[] = [];
    await whileCalling(pg.Client.prototype, 'query', ([request]) => {
      sent.push(typeof request === 'string' ? request : String((request as { text?: string } | undefined)?.text));
    }, () => project.retort.current());
    // The session's setting, then the two reads of `current`: no `SELECT 1` first.
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatch(/^SET client_connection_check_interval/);
    expect(sent).not.toContain('SELECT 1');
  });
});
