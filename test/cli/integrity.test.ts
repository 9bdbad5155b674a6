/**
 * The history as users meet it through the `retort` executable, each command a separate OS
 * process: `history --applied`, a changed applied revision refused by `upgrade` (exit 2) and
 * reported by `check` (exit 3) until `accept`; a half-applied revision refused until `resolve`;
 * a process SIGKILLed in a long MariaDB revision or inside a PostgreSQL op.noTransaction block;
 * SIGTERM in the middle of a run of many revisions.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, retort } from '../support/cli.js';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase } from '../support/databases.js';
import { versions } from '../support/assertions.js';
import { createTestProject, revisionSource, type RevisionSpec, type TestProject } from '../support/project.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const table = (name: string) => `  await op.createTable('${name}', { id: integer().primaryKey(), note: varchar(20) });`;
const revA: RevisionSpec = { id: 'aaa111', down: null, message: 'create a', upgrade: table('t_a'), downgrade: "  await op.dropTable('t_a');", imports: ['integer', 'varchar'] };

interface Started { readonly child: ReturnType<typeof spawn>; stderr(): string; readonly done: Promise<{ code: number | null; signal: string | null; stderr: string; stdout: string }> }

/** `retort ARGS` as a child process that the test can signal. */
function start(cwd: string, args: readonly string[]): Started {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string; stdout: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout })));
  return { child, stderr: () => stderr, done };
}

async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function tableNames(db: TestDatabase): Promise<string[]> {
  const sqlText =
    db.dialect === 'sqlite' ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't\\_%' ESCAPE '\\'"
    : db.dialect === 'postgres' ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 't\\_%'"
    : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 't\\\\_%'";
  const rows = await rawQuery<Record<string, string>>(db, sqlText);
  return rows.map((r) => String(r.name ?? r.NAME ?? r.TABLE_NAME)).sort();
}

describe.each(DIALECTS)('integrity commands on %s', (dialect) => {
  let db: TestDatabase | undefined;
  let project: TestProject | undefined;
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db?.drop();
    db = undefined;
  });

  it('refuses an edited applied revision in upgrade (exit 2) and check (exit 3) until accept', async () => {
    db = await createTestDatabase(dialect, 'retort_icli');
    project = createTestProject({ url: db.url, schema: './schema.ts' }, [revA]);
    mkdirSync(project.dir, { recursive: true });
    writeFileSync(join(project.dir, 'schema.ts'), [
      "import { defineSchema, table, integer, varchar } from 'retort-migrate';",
      "export const t_a = table('t_a', { id: integer().primaryKey(), note: varchar(20) });",
      'export default defineSchema({ t_a });',
    ].join('\n'));
    const path = project.write(revA);
    expect(retort(project.dir, ['upgrade', 'head']).code).toBe(0);
    expect(retort(project.dir, ['check']).code).toBe(0);
    const recorded = sha(path);
    writeFileSync(path, revisionSource({ ...revA, message: 'create a, reworded' }));
    const actual = sha(path);

    const up = retort(project.dir, ['upgrade', 'head']);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('ChecksumMismatch');
    expect(up.stderr).toContain(path);
    expect(up.stderr).toContain(recorded);
    expect(up.stderr).toContain(actual);
    expect(up.stderr).toContain('retort accept aaa111');
    const check = retort(project.dir, ['--json', 'check']);
    expect(check.code).toBe(3);
    expect(check.json()).toMatchObject({ ok: false, notAtHead: false, operations: [], checksumMismatches: [{ revision: 'aaa111', file: path, recorded, actual }] });
    expect(retort(project.dir, ['check']).stdout).toContain(`aaa111 changed since it ran`);

    const accepted = retort(project.dir, ['--json', 'accept', 'aaa111']);
    expect(accepted.code).toBe(0);
    expect(accepted.json()).toMatchObject({ revision: 'aaa111', previous: recorded, checksum: actual });
    expect(retort(project.dir, ['upgrade', 'head']).code).toBe(0);
    expect(retort(project.dir, ['check']).code).toBe(0);

    const applied = retort(project.dir, ['--json', 'history', '--applied']);
    expect(applied.code).toBe(0);
    expect(applied.json().applied.map((r: { revision: string; status: string; checksum: string }) => [r.revision, r.status, r.checksum])).toEqual([
      ['aaa111', 'accepted', actual],
      ['aaa111', 'ok', recorded],
    ]);
    const text = retort(project.dir, ['history', '--applied']);
    expect(text.stdout.split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\s+up\s+aaa111\s+accepted\s+0 statement\(s\)/);
  });

  it('check exits 3 at head while an unresolved failure blocks every upgrade, and names the resolve commands', async () => {
    db = await createTestDatabase(dialect, 'retort_iblk');
    // transaction 'none': the downgrade's first statement commits on every dialect, then it fails.
    const broken = { ...revA, downgrade: "  await op.execute('INSERT INTO t_a (id) VALUES (1)');\n  await op.execute('DROP TABLE no_such_table_here');" };
    project = createTestProject({ url: db.url, schema: './schema.ts', transaction: 'none' }, [broken]);
    writeFileSync(join(project.dir, 'schema.ts'), [
      "import { defineSchema, table, integer, varchar } from 'retort-migrate';",
      "export const t_a = table('t_a', { id: integer().primaryKey(), note: varchar(20) });",
      'export default defineSchema({ t_a });',
    ].join('\n'));
    expect(retort(project.dir, ['upgrade', 'head']).code).toBe(0);
    expect(retort(project.dir, ['downgrade', 'base']).code).toBe(1);
    expect(await versions(db)).toEqual(['aaa111']); // still at head...
    expect(retort(project.dir, ['upgrade', 'head']).code).toBe(2); // ...yet every upgrade refuses

    const json = retort(project.dir, ['--json', 'check']);
    expect(json.code).toBe(3);
    expect(json.json()).toMatchObject({ ok: false, notAtHead: false, operations: [], unresolved: [{ revision: 'aaa111', direction: 'down', status: 'failed', statements: 1 }] });
    const text = retort(project.dir, ['check']);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('Revision aaa111 failed during downgrade with 1 statement(s) committed; every upgrade refuses until it is resolved.');
    expect(text.stdout).toContain('`retort resolve aaa111 --rolled-back` if you undid it');

    await rawQuery(db, 'DELETE FROM t_a'); // undo the committed statement by hand
    expect(retort(project.dir, ['resolve', 'aaa111', '--rolled-back']).code).toBe(0);
    expect(retort(project.dir, ['check']).code).toBe(0);
  });

  it('stops a run of many revisions on SIGTERM after the current statement, the state truthful', async () => {
    db = await createTestDatabase(dialect, 'retort_isig');
    // Each revision: a table, a pause in the script, then an index on it.
    const revisions: RevisionSpec[] = Array.from({ length: 12 }, (_, i) => ({
      id: `r${String(i + 1).padStart(3, '0')}`,
      down: i === 0 ? null : `r${String(i).padStart(3, '0')}`,
      imports: ['integer', 'varchar'],
      upgrade: `${table(`t_${i + 1}`)}\n  await new Promise((r) => setTimeout(r, 400));\n  await op.createIndex('ix_${i + 1}', 't_${i + 1}', ['note']);`,
    }));
    project = createTestProject({ url: db.url }, revisions);
    const run = start(project.dir, ['upgrade', 'head']);
    await waitFor('the third revision to start', () => run.stderr().includes('Running upgrade r002 -> r003'));
    await new Promise((r) => setTimeout(r, 150)); // inside r003's pause, after its CREATE TABLE
    run.child.kill('SIGTERM');
    const end = await run.done;
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('Interrupted by SIGTERM in revision r003 after 1 statement(s)');
    expect(await versions(db)).toEqual(['r002']);
    const rows = await rawQuery<{ revision: string; status: string; statements: number }>(db, 'SELECT revision, status, statements FROM retort_history ORDER BY id');
    expect(rows.map((r) => [r.revision, r.status])).toEqual([['r001', 'ok'], ['r002', 'ok'], ['r003', 'failed']]);
    if (dialect === 'mysql') {
      // The CREATE TABLE committed: the history says so, and the next run refuses until resolved.
      expect(Number(rows[2]!.statements)).toBe(1);
      expect(await tableNames(db)).toEqual(['t_1', 't_2', 't_3']);
      const refused = retort(project.dir, ['upgrade', 'head']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('retort resolve r003 --rolled-back');
      await rawQuery(db, 'DROP TABLE t_3');
      expect(retort(project.dir, ['resolve', 'r003', '--rolled-back']).code).toBe(0);
    } else {
      expect(Number(rows[2]!.statements)).toBe(0);
      expect(await tableNames(db)).toEqual(['t_1', 't_2']);
    }
    const rest = retort(project.dir, ['upgrade', 'head']);
    expect(rest.code).toBe(0);
    expect(await versions(db)).toEqual(['r012']);
  }, 60_000);

  // MariaDB commits each statement; PostgreSQL commits what came before op.noTransaction.
  const sleepAfterCommit: Record<string, string> = {
    mysql: "  await op.execute('SELECT SLEEP(30)');",
    postgres: "  await op.noTransaction(async () => {\n    await op.execute('SELECT pg_sleep(30)');\n  });",
  };
  if (dialect !== 'sqlite') it('reports a revision whose process was SIGKILLed after a commit as running until resolved', async () => {
    db = await createTestDatabase(dialect, 'retort_ikill');
    const long: RevisionSpec = { id: 'bbb222', down: 'aaa111', message: 'long one', imports: ['integer', 'varchar'], upgrade: `${table('t_long')}\n${sleepAfterCommit[dialect]}` };
    project = createTestProject({ url: db.url }, [revA, long]);
    const run = start(project.dir, ['upgrade', 'head']);
    await waitFor('the CREATE TABLE of the long revision to be recorded', async () => {
      const rows = await rawQuery<{ status: string; statements: number }>(db!, "SELECT status, statements FROM retort_history WHERE revision = 'bbb222'").catch(() => []);
      return rows.length === 1 && rows[0]!.status === 'running' && Number(rows[0]!.statements) === 1;
    });
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');

    const started = Date.now();
    const next = retort(project.dir, ['--json', 'upgrade', 'head']);
    expect(Date.now() - started).toBeLessThan(20_000); // the lock died with the process
    expect(next.code).toBe(2);
    expect(next.json().error).toMatchObject({ code: 'UnresolvedFailure', revision: 'bbb222', status: 'running', statementsApplied: 1, statementMayHaveCommitted: 2, versionTableClaims: false });
    expect(next.json().error.message).toContain('retort resolve bbb222 --applied');
    expect(next.json().error.message).toContain("still says 'running'");
    expect(next.json().error.message).toContain('The version table does not claim bbb222 (it holds aaa111)');
    expect(await versions(db)).toEqual(['aaa111']);
    expect(await tableNames(db)).toEqual(['t_a', 't_long']);
    const applied = retort(project.dir, ['--json', 'history', '--applied']).json().applied;
    // The row stays as the killed run left it: nothing but resolve closes it.
    expect(applied[0]).toMatchObject({ revision: 'bbb222', status: 'running', statements: 1 });
    // Still refused on the next try: nothing resolves it but a person.
    expect(retort(project.dir, ['upgrade', 'head']).code).toBe(2);

    // The table is all the revision does besides sleeping: its effect is complete.
    const resolved = retort(project.dir, ['resolve', 'bbb222', '--applied']);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain('Resolved bbb222 as applied: the database is at bbb222.');
    expect(await versions(db)).toEqual(['bbb222']);
    expect(retort(project.dir, ['upgrade', 'head']).stdout).toContain('Nothing to upgrade');
  }, 90_000);

  if (dialect === 'sqlite') it('exits at once on a second signal', async () => {
    db = await createTestDatabase(dialect, 'retort_isig2');
    project = createTestProject({ url: db.url }, [
      { id: 'slow01', down: null, imports: ['integer'], upgrade: "  await op.createTable('t_slow', { id: integer().primaryKey() });\n  process.stderr.write('script: sleeping\\n');\n  await new Promise((r) => setTimeout(r, 30_000));" },
    ]);
    const run = start(project.dir, ['upgrade', 'head']);
    // Past its first statement, the script is sleeping: only a second signal can end the run now.
    await waitFor('the revision to start', () => run.stderr().includes('script: sleeping'));
    run.child.kill('SIGTERM');
    await waitFor('the first signal to be acknowledged', () => run.stderr().includes('stopping after the current statement'));
    const sent = Date.now();
    run.child.kill('SIGTERM');
    const end = await run.done;
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('SIGTERM again: exiting now.');
    // The revision's transaction died with the process.
    expect(await versions(db)).toEqual([]);
    expect(await tableNames(db)).toEqual([]);
  }, 60_000);

  if (dialect === 'sqlite') it('says how to use resolve when neither or both flags are given', async () => {
    project = createTestProject({ url: 'sqlite::memory:' }, [revA]);
    const both = retort(project.dir, ['resolve', 'aaa111', '--applied', '--rolled-back']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of --applied');
  });
});
