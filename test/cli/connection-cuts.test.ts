/**
 * Connections cut under a running `retort` (separate processes, through the TCP fault proxy) on
 * PostgreSQL and MariaDB: in the middle of a statement, while the script waits between
 * statements, during the connect and the lock connection's handshake, and in a fleet run. Each
 * ends in exit 1 with one `--json` error (`ConnectionLost` naming the target, the revision and the
 * statement; `ConnectionFailed` at connect), nothing unhandled; a fleet run finishes the other
 * targets and its summary; the rerun on a healthy connection finds a truthful database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRetort } from '../support/cli-async.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { cleanUpFaults, expectJsonFailure, faultSetup, FIRST, onCleanUp, pausePoint, queryMessage, SECOND, sentSleep, type ServerDialect } from '../support/faults.js';

afterEach(cleanUpFaults);

const setup = faultSetup;

const rowsOf = async (db: TestDatabase) => (await rawQuery<{ n: number }>(db, 'SELECT n FROM t ORDER BY n')).map((r) => Number(r.n));

describe.each(['postgres', 'mysql'] as const)('%s', (dialect) => {
  it('a cut in the middle of a statement: ConnectionLost naming target, revision and statement; the rerun is truthful', async () => {
    const { db, project, proxy } = await setup(dialect);
    const fired = proxy.when({ sent: queryMessage(dialect, sentSleep(dialect)) }, { cut: 'rst' });
    const run = await startRetort(project.dir, ['--url', proxy.url(db.url), 'upgrade', 'head', '--json']).done;
    await fired;
    const error = expectJsonFailure(run, 1, 'ConnectionLost');
    expect(error).toMatchObject({ target: 'default', revision: SECOND });
    expect(error.statement).toBe(sentSleep(dialect));
    expect(error.message).toContain(sentSleep(dialect));

    const rerun = await startRetort(project.dir, ['upgrade', 'head', '--json']).done;
    if (dialect === 'postgres') {
      // The revision's transaction died with its connection: it runs again, whole, once.
      expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
      expect(await rowsOf(db)).toEqual([2, 3]);
    } else {
      // Its first INSERT committed (MariaDB DDL and statements commit one by one): the rerun
      // refuses until a person resolves it, and nothing ran twice.
      expectJsonFailure(rerun, 2, 'UnresolvedFailure');
      expect(await rowsOf(db)).toEqual([2]);
    }
  });

  it('a cut while the script waits between statements: the next statement fails with ConnectionLost, nothing crashes', async () => {
    const { db, project, proxy } = await setup(dialect);
    const pause = pausePoint(project);
    const running = startRetort(project.dir, ['--url', proxy.url(db.url), 'upgrade', 'head', '--json', ...pause.args]);
    await pause.reached();
    // The run's session (the pool's first connection; the lock has the second) is idle: the end
    // arrives with no query waiting for it.
    proxy.cut('fin', { connection: 1 });
    // The script goes on once retort's process has read the end (on a loaded machine it could
    // otherwise write the next statement before its event loop saw the FIN: statementSent true).
    await proxy.clientClosed({ connection: 1 });
    pause.go();
    const run = await running.done;
    const error = expectJsonFailure(run, 1, 'ConnectionLost');
    expect(error).toMatchObject({ target: 'default', revision: SECOND, statement: sentSleep(dialect), statementSent: false, statementIndex: 2 });
    expect(error.message).toContain(`Upgrade of revision ${SECOND}, statement 2: `);
    const rerun = await startRetort(project.dir, ['upgrade', 'head', '--json']).done;
    if (dialect === 'postgres') {
      expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
      expect(await rowsOf(db)).toEqual([2, 3]);
    } else {
      // MariaDB committed the first INSERT on its own; the history must say exactly that: one
      // statement for certain (the next is announced as possible only: a running row cannot
      // know it was never sent), the version table not claiming the revision.
      const refusal = expectJsonFailure(rerun, 2, 'UnresolvedFailure');
      const [row] = await rawQuery<{ status: string; statements: number }>(db, `SELECT status, statements FROM retort_history WHERE revision = '${SECOND}' ORDER BY id DESC`);
      expect(refusal).toMatchObject({ revision: SECOND, status: row!.status, statementsApplied: 1, versionTableClaims: false });
      expect(Number(row!.statements)).toBe(1);
      expect(refusal.statementMayHaveCommitted).toBe(2);
      expect(await rowsOf(db)).toEqual([2]);
    }
  });

  it('a cut during the connect, or during the lock connection\'s handshake: exit 1, ConnectionFailed, nothing ran', async () => {
    const { db, project, proxy } = await setup(dialect);
    for (const connection of [1, 2]) {
      const fired = proxy.when({ connection: proxy.connections().length + connection }, { cut: 'rst' });
      const run = await startRetort(project.dir, ['--url', proxy.url(db.url), 'upgrade', 'head', '--json']).done;
      await fired;
      const error = expectJsonFailure(run, 1, 'ConnectionFailed');
      expect(error.port).toBe(proxy.port);
    }
    const tables = dialect === 'postgres'
      ? await rawQuery(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
      : await rawQuery(db, 'SHOW TABLES');
    expect(tables).toEqual([]);
  });

  it('a fleet run: one target\'s cut fails that target; the others finish and the summary is printed', async () => {
    const { db, project, proxy } = await setup(dialect);
    const other = await createTestDatabase(dialect, 'retort_cut');
    onCleanUp(() => other.drop());
    const { writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    rmSync(join(project.dir, 'retort.config.json'));
    writeFileSync(join(project.dir, 'retort.config.json'), JSON.stringify({
      migrations: './migrations',
      targets: { cut: { url: proxy.url(db.url) }, healthy: { url: other.url } },
    }));
    const fired = proxy.when({ sent: queryMessage(dialect, sentSleep(dialect)) }, { cut: 'rst' });
    const run = await startRetort(project.dir, ['upgrade', 'head', '--all-targets', '--concurrency', '2', '--json']).done;
    await fired;
    expect(run.stderr).not.toMatch(/Unhandled|node:internal/);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const summary = JSON.parse(run.stdout) as { ok: boolean; targets: Array<{ target: string; status: string; error?: { code: string; fields?: Record<string, unknown> } }> };
    expect(summary.ok).toBe(false);
    expect(summary.targets.map((t) => [t.target, t.status, t.error?.code])).toEqual([
      ['cut', 'failed', 'ConnectionLost'],
      ['healthy', 'ok', undefined],
    ]);
    expect(await rowsOf(other)).toEqual([2, 3]);

    const text = await startRetort(project.dir, ['upgrade', 'head', '--all-targets']).done;
    expect(text.stdout).toMatch(/Summary: 2 targets/);
  });
});

describe('mysql', () => {
  it('a cut between the version-table change and the history update (issue 11, item 3): neither is claimed, the refusal says so; resolved as told', async () => {
    const { db, project, proxy } = await setup('mysql');
    // The first revision's bookkeeping is the version INSERT and the history UPDATE (with the
    // next revision's running row), together: on MariaDB one request (a compound statement), on
    // MySQL BEGIN, each statement, COMMIT. The cut holds back the bytes that complete the
    // version INSERT, so the server never has the whole of it.
    const fired = proxy.when({ sent: 'INSERT INTO `retort_version`', at: 'before' }, { cut: 'rst' });
    const run = await startRetort(project.dir, ['--url', proxy.url(db.url), 'upgrade', 'head', '--json']).done;
    await fired;
    expect(expectJsonFailure(run, 1, 'ConnectionLost').revision).toBe(FIRST);
    const versions = async () => (await rawQuery<{ v: string }>(db, 'SELECT version_num AS v FROM retort_version')).map((r) => r.v);
    // The transaction died with its connection: the version table does not claim FIRST, and the
    // refusal says so, with the statement count its history row holds (the CREATE TABLE committed).
    expect(await versions()).toEqual([]);
    const refusal = expectJsonFailure(await startRetort(project.dir, ['upgrade', 'head', '--json']).done, 2, 'UnresolvedFailure');
    const [row] = await rawQuery<{ statements: number }>(db, `SELECT statements FROM retort_history WHERE revision = '${FIRST}' ORDER BY id DESC`);
    expect(refusal).toMatchObject({ revision: FIRST, versionTableClaims: false, statementsApplied: Number(row!.statements) });
    expect(await rawQuery(db, "SHOW TABLES LIKE 't'")).toHaveLength(1);
    // Its one statement is there: resolved as applied, the version table moves (never skipped:
    // the next upgrade starts after FIRST, at SECOND).
    const resolved = await startRetort(project.dir, ['resolve', FIRST, '--applied', '--json']).done;
    expect(resolved.code, resolved.stdout + resolved.stderr).toBe(0);
    expect(await versions()).toEqual([FIRST]);
  });
});
