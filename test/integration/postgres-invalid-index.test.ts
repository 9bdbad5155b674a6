/**
 * A `CREATE INDEX CONCURRENTLY` killed part-way on PostgreSQL (separate processes): the index
 * stays in the catalog as INVALID (`pg_index.indisvalid = false`), and the rerun of the revision
 * failed with "relation ... already exists" and nothing else. Now, after the refusal for the
 * killed run's `running` row and its `resolve`, the rerun's MigrationFailed names the invalid
 * index and says to `DROP INDEX CONCURRENTLY` it; done as it says, the rerun builds the index.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startRetort, waitFor } from '../support/cli-async.js';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { expectJsonFailure } from '../support/faults.js';
import { createTestProject, type TestProject } from '../support/project.js';

const REV = 'c1c000000001';

describe('postgres: an index left INVALID by a killed CREATE INDEX CONCURRENTLY', () => {
  let db: TestDatabase;
  let project: TestProject;
  afterAll(async () => {
    project?.cleanup();
    await db?.drop();
  });

  it('the rerun names the invalid index and says DROP INDEX CONCURRENTLY; done so, the rerun builds it', async () => {
    db = await createTestDatabase('postgres', 'retort_cic');
    await rawQuery(db, 'CREATE TABLE t (n integer)');
    await rawQuery(db, 'INSERT INTO t SELECT generate_series(1, 100)');
    project = createTestProject({ url: db.url }, [{
      id: REV,
      down: null,
      message: 'index t',
      upgrade: "  await op.noTransaction(async () => {\n    await op.createIndex('ix_t_n', 't', ['n'], { concurrently: true });\n  });",
    }]);

    // An open write transaction on t: the concurrent build registers its (invalid) index, then waits for it.
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('INSERT INTO t VALUES (101)');
      const run = startRetort(project.dir, ['upgrade', 'head', '--json']);
      const building = async () => (await rawQuery<{ pid: number }>(db,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'"))[0]?.pid;
      await waitFor('the concurrent build to wait on the open transaction', async () => (await building()) !== undefined, 20_000);
      const backend = await building();
      run.child.kill('SIGKILL');
      await run.done;
      // The server has not noticed the dead client yet (its backend waits on a lock): an operator ends it.
      await rawQuery(db, 'SELECT pg_terminate_backend($1)', [backend]);
      await writer.query('ROLLBACK');
    } finally {
      await writer.end();
    }
    const left = await rawQuery<{ valid: boolean }>(db, "SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_t_n'");
    expect(left).toEqual([{ valid: false }]);

    // The killed run's row says running: the rerun refuses until resolve; the index is not built, so rolled back.
    expectJsonFailure(await startRetort(project.dir, ['upgrade', 'head', '--json']).done, 2, 'UnresolvedFailure');
    expect(retort(project.dir, ['resolve', REV, '--rolled-back']).code).toBe(0);

    const failed = expectJsonFailure(await startRetort(project.dir, ['upgrade', 'head', '--json']).done, 1, 'MigrationFailed');
    expect(failed).toMatchObject({
      revision: REV,
      statement: 'CREATE INDEX CONCURRENTLY "ix_t_n" ON "public"."t" ("n")',
      invalidIndex: { schema: 'public', name: 'ix_t_n', table: 't' },
      dropStatement: 'DROP INDEX CONCURRENTLY "public"."ix_t_n"',
    });
    expect(failed.message).toContain('relation "ix_t_n" already exists');
    expect(failed.message).toContain('exists but is INVALID (pg_index.indisvalid = false)');
    expect(failed.hint).toBe('Drop the leftover with `DROP INDEX CONCURRENTLY "public"."ix_t_n";`, then run the command again: the revision builds the index anew.');

    await rawQuery(db, failed.dropStatement);
    const rerun = await startRetort(project.dir, ['upgrade', 'head', '--json']).done;
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(await rawQuery(db, "SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_t_n'")).toEqual([{ valid: true }]);
  }, 60_000);
});
