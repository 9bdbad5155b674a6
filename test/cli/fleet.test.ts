/**
 * `--all-targets` as users run it: separate `retort` processes on PostgreSQL tenant schemas listed
 * by a query in a computed `targets` function; the summary, the JSON, the exit code rule (the
 * first failed target's kind, in config order), `--fail-fast`, the plain progress lines off a
 * terminal and the single updating line on one (under `script`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const revId = (i: number) => `c11f1ee70${String(i).padStart(3, '0')}`;
const chain: RevisionSpec[] = Array.from({ length: 5 }, (_, i) => ({
  id: revId(i),
  down: i === 0 ? null : revId(i - 1),
  message: `create t${i}`,
  imports: ['integer'],
  upgrade: `  await op.createTable('t${i}', { id: integer().primaryKey() });`,
  downgrade: `  await op.dropTable('t${i}');`,
}));
const HEAD = revId(4);
const TENANTS = 30;
const names = Array.from({ length: TENANTS }, (_, i) => `tenant_${String(i).padStart(2, '0')}`);
/** Its version table names a revision no file has: bad input, exit 2. */
const UNKNOWN = 'tenant_03';
/** Already has the table the first revision creates: a failed migration, exit 1. */
const CLASH = 'tenant_10';
const PG_MODULE = resolve('node_modules/pg/lib/index.js');

let db: TestDatabase;
let project: TestProject;
beforeAll(async () => {
  db = await createTestDatabase('postgres', 'retort_cli_fleet');
  await rawQuery(db, [
    ...names.map((n) => `CREATE SCHEMA ${n};`),
    `CREATE TABLE ${UNKNOWN}.retort_version (version_num VARCHAR(64) PRIMARY KEY); INSERT INTO ${UNKNOWN}.retort_version VALUES ('0badc0ffee00');`,
    `CREATE TABLE ${CLASH}.t0 (id integer);`,
  ].join('\n'));
  project = createTestProject({}, chain);
  // The README's computed-tenants example: the tenants are the schemas a query lists.
  writeFileSync(join(project.dir, 'retort.config.mjs'), `import pg from ${JSON.stringify(PG_MODULE)};
const url = ${JSON.stringify(db.url)};
export default {
  url,
  migrations: './migrations',
  targets: async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\\\_%' ORDER BY nspname");
      return rows.map((r) => ({ name: r.nspname, dbSchema: r.nspname }));
    } finally {
      await client.end();
    }
  },
};
`);
});
afterAll(async () => {
  project?.cleanup();
  await db?.drop();
});

const run = (args: readonly string[]) => retort(project.dir, ['-c', 'retort.config.mjs', ...args]);

describe('retort --all-targets on PostgreSQL tenant schemas', () => {
  it('upgrades every tenant, names the failures in the JSON, and exits with the first failure\'s code', () => {
    const result = run(['upgrade', 'head', '--all-targets', '--concurrency', '8', '--json']);
    const body = result.json<{ ok: boolean; targets: { target: string; ok: boolean; status: string; steps: unknown[]; current: string[]; durationMs: number; error?: { code: string; message: string } }[] }>();
    expect(body.ok).toBe(false);
    expect(body.targets.map((t) => t.target)).toEqual(names);
    expect(body.targets.filter((t) => !t.ok).map((t) => [t.target, t.error?.code])).toEqual([[UNKNOWN, 'UnknownRevision'], [CLASH, 'MigrationFailed']]);
    const healthy = body.targets.find((t) => t.target === 'tenant_29')!;
    expect(healthy).toMatchObject({ ok: true, status: 'ok', current: [HEAD] });
    expect(healthy.steps).toHaveLength(5);
    expect(healthy.durationMs).toBeGreaterThan(0);
    // tenant_03 (input, exit 2) comes before tenant_10 (migration, exit 1) in the config.
    expect(result.code).toBe(2);
    // Off a terminal: plain start/finish lines, and step lines prefixed with the target.
    expect(result.stderr).toContain('[tenant_29] started');
    expect(result.stderr).toContain(`[tenant_29] ok <base> -> ${HEAD} (5 steps, `);
    expect(result.stderr).toContain(`[tenant_29] Running upgrade  -> ${revId(0)}, create t0`);
    expect(result.stderr).toMatch(/\[tenant_10\] FAILED \[MigrationFailed\] /);
    expect(result.stderr).not.toContain('fleet: ');
  }, 120_000);

  it('leaves each tenant\'s tables and version table in its own schema', async () => {
    const rows = await rawQuery<{ s: string; v: string }>(db, names.map((n) => `SELECT '${n}' AS s, version_num AS v FROM ${n}.retort_version`).join(' UNION ALL '));
    expect(rows.filter((r) => r.v === HEAD).map((r) => r.s)).toEqual(names.filter((n) => n !== UNKNOWN && n !== CLASH));
    const publicTables = await rawQuery(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    expect(publicTables).toEqual([]);
  });

  it('prints a text summary: per target from which revisions to which, or why it failed', () => {
    const result = run(['current', '--all-targets']);
    expect(result.code).toBe(2);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Summary: 30 targets, 29 ok, 1 failed, 0 skipped \(\d+\.\d s\)$/);
    expect(lines).toContain(`  tenant_29  ok at ${HEAD} (${lines.find((l) => l.startsWith('  tenant_29'))!.match(/\((\d+) ms\)/)![1]} ms)`);
    expect(lines.find((l) => l.startsWith(`  ${UNKNOWN}`))).toMatch(/^ {2}tenant_03 {2}FAILED \[UnknownRevision\] The database is at revision 0badc0ffee00, which no revision file has\. \(\d+ ms\)$/);
    expect(lines.find((l) => l.startsWith(`  ${CLASH}`))).toMatch(/ok at <base>/);
  }, 60_000);

  it('--fail-fast starts no target after the first failure; the others are reported as skipped', () => {
    const result = run(['upgrade', 'head', '--all-targets', '--fail-fast', '--concurrency', '1', '--json']);
    expect(result.code).toBe(2);
    const statuses = result.json<{ targets: { status: string }[] }>().targets.map((t) => t.status);
    expect(statuses).toEqual([...Array(3).fill('ok'), 'failed', ...Array(TENANTS - 4).fill('skipped')]);
  }, 60_000);

  it('on a terminal, draws one updating status line instead of per-target lines', () => {
    const command = [process.execPath, BIN, '-c', 'retort.config.mjs', 'current', '--all-targets', '--concurrency', '8'].map((a) => `'${a}'`).join(' ');
    // `script` gives the process a pseudo-terminal; its transcript is what a user would see.
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: project.dir, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('\r\x1b[Kfleet: 30/30 done, 1 failed, 0 running');
    expect(result.stdout).not.toContain('[tenant_29] started');
    expect(result.stdout).toContain('Summary: 30 targets, 29 ok, 1 failed, 0 skipped');
  }, 60_000);

  it('refuses bad fleet arguments as bad input (exit 2)', () => {
    const zero = run(['current', '--all-targets', '--concurrency', '0', '--json']);
    expect([zero.code, zero.json().error.code]).toEqual([2, 'BadArgument']);
    const both = run(['current', '--all-targets', '--target', 'tenant_01', '--json']);
    expect([both.code, both.json().error.code]).toEqual([2, 'BadArgument']);
    const notPerTarget = run(['revision', '-m', 'x', '--all-targets', '--json']);
    expect([notPerTarget.code, notPerTarget.json().error.message]).toEqual([2, expect.stringContaining('does not run per target')]);
    const offline = run(['upgrade', 'head', '--sql', '--all-targets']);
    expect(offline.code).toBe(2);
    expect(offline.stderr).toContain('upgrade --sql does not run per target');
  }, 60_000);
});

describe('retort --all-targets interrupted', () => {
  it('on SIGINT, the running target stops and rolls back, no new target starts, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retort-fleet-sigint-'));
    try {
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(join(dir, 'retort.config.mjs'), `export default { migrations: './migrations', targets: () => ['a', 'b', 'c', 'd'].map((t) => ({ name: t, url: 'sqlite:./' + t + '.db' })) };\n`);
      for (let i = 0; i < 3; i++) {
        // Each revision waits, so the signal lands while a target is running.
        writeFileSync(join(dir, 'migrations', `${revId(i)}_slow.ts`), `/** slow ${i} */
import type { MigrationContext } from 'retort-migrate';
import { integer } from 'retort-migrate';
export const revision = '${revId(i)}';
export const downRevision: string | null = ${i === 0 ? 'null' : `'${revId(i - 1)}'`};
export async function upgrade({ op }: MigrationContext) { await new Promise((r) => setTimeout(r, 400)); await op.createTable('t${i}', { id: integer().primaryKey() }); }
export async function downgrade({ op }: MigrationContext) { await op.dropTable('t${i}'); }
`);
      }
      const child = spawn(process.execPath, [BIN, '-c', 'retort.config.mjs', '--json', 'upgrade', 'head', '--all-targets', '--concurrency', '1'], { cwd: dir });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      const code = await new Promise<number | null>((done) => {
        child.stderr.on('data', (d) => {
          stderr += d;
          // Once the second target has started a revision: the handlers are in place.
          if (stderr.includes('[b] Running upgrade') && !child.killed) child.kill('SIGINT');
        });
        child.on('close', done);
      });
      expect(code).toBe(1);
      const body = JSON.parse(stdout) as { ok: boolean; targets: { target: string; status: string; error?: { code: string } }[] };
      expect(body.ok).toBe(false);
      expect(body.targets.map((t) => [t.target, t.status, t.error?.code])).toEqual([
        ['a', 'ok', undefined], ['b', 'failed', 'Interrupted'], ['c', 'skipped', undefined], ['d', 'skipped', undefined],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
