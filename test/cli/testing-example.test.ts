/**
 * The README's Vitest example (examples/vitest-workers) is run as users run it: its own vitest
 * config, a `globalSetup` that migrates the template, a setup file that gives each worker its own
 * copy, four test files on three worker processes writing the same ids at the same moment. On
 * each dialect, next to a fresh database the example's config points at; afterwards only the
 * template is left (kept for the next run, which reuses it), and this test drops it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, MYSQL_ADMIN_URL, PG_ADMIN_URL, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const example = join(root, 'examples/vitest-workers');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `vitest run` in the example folder, without this run's own Vitest variables. */
function runExample(databaseUrl: string, reportDir: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
  const run = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run'], {
    cwd: example, encoding: 'utf8', timeout: 120_000,
    env: { ...env, DATABASE_URL: databaseUrl, EXAMPLE_REPORT_DIR: reportDir, NO_COLOR: '1' },
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The databases (or SQLite files) whose names start with `prefix`, template included. */
async function databasesNamed(dialect: TestDialect, prefix: string, sqliteDir: string): Promise<string[]> {
  if (dialect === 'sqlite') return readdirSync(sqliteDir).filter((f) => f.startsWith(prefix) && f.endsWith('.db')).map((f) => join(sqliteDir, f));
  const admin: TestDatabase = { dialect, url: dialect === 'postgres' ? PG_ADMIN_URL : MYSQL_ADMIN_URL, name: 'admin', drop: async () => undefined };
  const sql = dialect === 'postgres' ? 'SELECT datname AS n FROM pg_database WHERE starts_with(datname, $1)' : 'SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, CHAR_LENGTH(?)) = ?';
  return (await rawQuery<{ n: string }>(admin, sql, dialect === 'postgres' ? [prefix] : [prefix, prefix])).map((r) => r.n);
}

describe.each(DIALECTS)('%s: the vitest globalSetup example', (dialect) => {
  it('runs green on three workers, each on its own copy of the template; only the template is left', async () => {
    const db = await createTestDatabase(dialect, 'retort_ex');
    cleanups.push(() => db.drop());
    const reports = mkdtempSync(join(tmpdir(), 'retort-example-'));
    cleanups.push(() => rmSync(reports, { recursive: true, force: true }));
    const sqliteDir = join(tmpdir(), `retort-databases-${process.getuid?.() ?? 'user'}`);

    const run = runExample(db.url, reports);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/template \S+_tpl_[0-9a-f]{12}(\.db)?: migrated/);
    expect(run.output).toContain('Test Files  4 passed (4)');
    const facts = readdirSync(reports).map((f) => JSON.parse(readFileSync(join(reports, f), 'utf8')));
    expect(facts.map((f) => f.file).sort()).toEqual(['books-1', 'books-2', 'books-3', 'books-4']);
    expect(new Set(facts.map((f) => f.worker)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(facts.map((f) => f.database)).size).toBeGreaterThanOrEqual(2);

    const prefix = db.name.slice(0, 30);
    const left = await databasesNamed(dialect, `${prefix}_`, sqliteDir);
    expect(left).toEqual([expect.stringMatching(/_tpl_[0-9a-f]{12}(\.db)?$/)]);
    cleanups.push(async () => {
      if (dialect === 'sqlite') {
        for (const f of readdirSync(sqliteDir).filter((n) => n.startsWith(`${prefix}_tpl_`))) rmSync(join(sqliteDir, f), { force: true });
      } else {
        const name = left[0]!.replace(/^.*\//, '');
        await rawQuery({ ...db, url: dialect === 'postgres' ? PG_ADMIN_URL : MYSQL_ADMIN_URL },
          `DROP DATABASE IF EXISTS ${dialect === 'postgres' ? `"${name}" WITH (FORCE)` : `\`${name}\``}`);
      }
    });

  }, 150_000);
});
