/**
 * PostgreSQL, one transaction per revision: the bookkeeping statement (version change, history
 * row, count check) goes as ONE prepared statement per run, its COMMIT pipelined after it in the
 * same round trip. What a user checks: two requests per revision still, one Parse of it per run,
 * the rows it writes are those the text form wrote, and after a failure mid-chain (the check
 * refusing a changed version table, a script that dropped every prepared statement) the version
 * table and the history say exactly what the database holds.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, versions } from '../support/assertions.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';
import { whileCalling } from '../support/spy.js';

const chain = (count: number, body: (i: number) => string): RevisionSpec[] => Array.from({ length: count }, (_, k) => {
  const i = k + 1;
  return { id: `pb${String(i).padStart(10, '0')}`, down: i === 1 ? null : `pb${String(i - 1).padStart(10, '0')}`, message: `step ${i}`, upgrade: body(i) };
});

/** The requests (pg `Client.query` calls) and the named Parse messages of the run's session while `body` runs. */
async function traffic(body: () => Promise<unknown>): Promise<{ requests: string[]; namedParses: string[] }> {
  const requests: string[] = [];
  const namedParses: string[] = [];
  const connection = (pg as unknown as { Connection: { prototype: object } }).Connection.prototype;
  await whileCalling(pg.Client.prototype, 'query', ([request]) => {
    const named = typeof request === 'object' && request !== null && typeof (request as { name?: unknown }).name === 'string';
    requests.push(named ? `prepared ${String((request as { text: string }).text).slice(0, 34)}` : typeof request === 'string' ? request : String((request as { text?: string }).text));
  }, () => whileCalling(connection, 'parse', ([message]) => {
    const name = (message as { name?: string }).name;
    if (name) namedParses.push(name);
  }, body));
  return { requests, namedParses };
}

describe('postgres: the bookkeeping statement as one prepared statement per run', () => {
  let db: TestDatabase;
  let project: TestProject | undefined;
  beforeEach(async () => {
    db = await createTestDatabase('postgres', 'retort_pb');
  });
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db.drop();
  });

  it('sends two requests per revision and parses the bookkeeping once, writing the same rows', async () => {
    project = createTestProject({ url: db.url }, chain(6, (i) => `  await op.execute('CREATE TABLE pb_${i} (n INT)');`));
    await project.retort.upgrade('pb0000000001');
    const { requests, namedParses } = await traffic(() => project!.retort.upgrade('head'));
    const from = requests.findIndex((r) => r.startsWith('BEGIN;\nCREATE TABLE pb_2'));
    expect(requests.slice(from, -1)).toEqual([2, 3, 4, 5, 6].flatMap((i) => [`BEGIN;\nCREATE TABLE pb_${i} (n INT)`, 'prepared WITH "retort_version_changed" AS (']));
    // Five revisions of the same shape (an UPDATE of the version row): one Parse.
    expect(namedParses).toHaveLength(1);
    expect(await versions(db)).toEqual(['pb0000000006']);
    const rows = await rawQuery<{ revision: string; direction: string; status: string; statements: number; checksum: string | null; late: boolean; error: string | null }>(db,
      "SELECT revision, direction, status, statements, checksum, started_at > now() AT TIME ZONE 'UTC' AS late, error FROM retort_history ORDER BY id");
    expect(rows.map((r) => [r.revision, r.direction, r.status, r.statements, r.late, r.error])).toEqual(
      [1, 2, 3, 4, 5, 6].map((i) => [`pb${String(i).padStart(10, '0')}`, 'up', 'ok', 2, false, null]));
    // The prepared row and the text row (revision 1, inserted with the version table's first row) carry their file's checksum alike.
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum ?? ''))).toBe(true);
  });

  it('stops at a version table changed under the run: the check fails the prepared statement, the COMMIT after it never runs', async () => {
    project = createTestProject({ url: db.url }, [...chain(2, (i) => `  await op.execute('CREATE TABLE pb_${i} (n INT)');`), {
      id: 'pb0000000003', down: 'pb0000000002', message: 'meddles',
      upgrade: "  await op.execute('CREATE TABLE pb_3 (n INT)');\n  await op.execute(\"UPDATE retort_version SET version_num = 'someone-else'\");",
    }]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('VersionTableMismatch');
    expect(error.fields).toMatchObject({ revision: 'pb0000000003', rowsMatched: 0, statementIndex: 3, statementsApplied: 2, statementsCommitted: 0 });
    // Named as the text a user can read and run, not the placeholders.
    expect(String(error.fields.statement)).toContain("SET \"version_num\" = 'pb0000000003' WHERE \"version_num\" = 'pb0000000002'");
    expect(await versions(db)).toEqual(['pb0000000002']);
    const tables = await rawQuery<{ n: number }>(db, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'pb_3'");
    expect(tables[0]!.n).toBe(0);
    const rows = await rawQuery<{ revision: string; status: string }>(db, 'SELECT revision, status FROM retort_history ORDER BY id');
    expect(rows).toEqual([{ revision: 'pb0000000001', status: 'ok' }, { revision: 'pb0000000002', status: 'ok' }, { revision: 'pb0000000003', status: 'failed' }]);
  });

  it('parses it again after a script dropped every prepared statement of the session (DEALLOCATE ALL)', async () => {
    project = createTestProject({ url: db.url }, chain(5, (i) => (i === 3
      ? "  await op.execute('DEALLOCATE ALL');\n  await op.execute('CREATE TABLE pb_3 (n INT)');"
      : `  await op.execute('CREATE TABLE pb_${i} (n INT)');`)));
    await project.retort.upgrade('pb0000000001');
    const { namedParses } = await traffic(() => project!.retort.upgrade('head'));
    expect(namedParses).toHaveLength(2);
    expect(await versions(db)).toEqual(['pb0000000005']);
    const rows = await rawQuery<{ status: string; n: number }>(db, 'SELECT status, count(*)::int AS n FROM retort_history GROUP BY status');
    expect(rows).toEqual([{ status: 'ok', n: 5 }]);
  });
});
