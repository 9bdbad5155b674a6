/**
 * A revision's own BEGIN/COMMIT inside the transaction retort runs it in. On PostgreSQL the
 * COMMIT used to commit retort's transaction part-way: a `.sql` revision `BEGIN; CREATE TABLE a;
 * COMMIT; CREATE TABLE b (x nosuchtype)` left table a behind, and the history said the revision
 * failed with 0 statements. It is now refused before it runs (TransactionControl, exit 2), the
 * revision rolled back whole. Where no transaction of retort's is open (MariaDB, op.noTransaction)
 * the statements run as written, and savepoints are left alone.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { failure, versions } from '../support/assertions.js';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

const userTables = async (db: TestDatabase) => {
  const sql = db.dialect === 'sqlite'
    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'retort%' AND name NOT LIKE 'sqlite%' ORDER BY name"
    : db.dialect === 'postgres'
      ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'retort%' ORDER BY 1"
      : "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'retort%' ORDER BY 1";
  return (await rawQuery<{ name: string }>(db, sql)).map((r) => r.name);
};

describe("a revision's own BEGIN/COMMIT", () => {
  let db: TestDatabase | undefined;
  let project: TestProject | undefined;
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db?.drop();
    db = undefined;
  });
  const setUp = async (dialect: TestDialect, config: Record<string, unknown> = {}) => {
    db = await createTestDatabase(dialect, 'retort_txctl');
    project = createTestProject({ url: db.url, ...config });
    return { db, project };
  };

  it.each(['postgres', 'sqlite'] as const)('%s: in a .sql revision, is refused before it runs and nothing of the revision stays', async (dialect) => {
    const { db, project } = await setUp(dialect);
    writeFileSync(join(project.dir, 'migrations', 'a10000000001_first.sql'), [
      '-- first', '--', '-- Revision ID: a10000000001', '-- Revises: base', '', '-- retort:up',
      'BEGIN;', 'CREATE TABLE a (x int);', 'COMMIT;', 'CREATE TABLE b (x int);', '', '-- retort:down', 'DROP TABLE a;', '',
    ].join('\n'));
    const run = retort(project.dir, ['upgrade', 'head', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    const error = run.json().error as Record<string, any>;
    expect(error).toMatchObject({ code: 'TransactionControl', revision: 'a10000000001', statement: 'BEGIN', statementIndex: 1, line: 7, transactionStatement: 'BEGIN' });
    expect(error.message).toMatch(/^Upgrade of revision a10000000001, statement 1: `BEGIN` would open a transaction inside the transaction retort runs the revision in\./);
    expect(error.hint).toMatch(/^Remove the BEGIN\/COMMIT\/ROLLBACK statements/);
    expect(await userTables(db)).toEqual([]);
    expect(await versions(db)).toEqual([]);
    expect(await rawQuery(db, 'SELECT revision, status, statements FROM retort_history')).toEqual([{ revision: 'a10000000001', status: 'failed', statements: 0 }]);
  });

  it("postgres: a COMMIT inside one op.execute text is refused too, with transaction: 'all'", async () => {
    const { db, project } = await setUp('postgres', { transaction: 'all' });
    project.write({ id: 'a00001', down: null, upgrade: "  await op.execute('CREATE TABLE a (x int)');" });
    project.write({ id: 'b00002', down: 'a00001', upgrade: "  await op.execute('CREATE TABLE b (x int);\\nCOMMIT;\\nCREATE TABLE c (x int)');" });
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('TransactionControl');
    expect(error.fields).toMatchObject({ revision: 'b00002', transactionStatement: 'COMMIT' });
    expect(await userTables(db)).toEqual([]);
  });

  it('postgres: savepoints, and BEGIN/COMMIT inside op.noTransaction, run as written', async () => {
    const { db, project } = await setUp('postgres');
    project.write({ id: 'a00001', down: null, upgrade: [
      "  await op.execute('CREATE TABLE a (x int)');",
      "  await op.execute('SAVEPOINT s');",
      "  await op.execute('INSERT INTO a VALUES (1)');",
      "  await op.execute('ROLLBACK TO SAVEPOINT s');",
      "  await op.noTransaction(async () => {",
      "    await op.execute('BEGIN');",
      "    await op.execute('CREATE TABLE b (x int)');",
      "    await op.execute('COMMIT');",
      '  });',
    ].join('\n') });
    await project.retort.upgrade('head');
    expect(await userTables(db)).toEqual(['a', 'b']);
    expect(await rawQuery(db, 'SELECT count(*)::int AS n FROM a')).toEqual([{ n: 0 }]);
    expect(await versions(db)).toEqual(['a00001']);
  });

  it('mysql: no transaction of retort is open around a revision, so its own run as written', async () => {
    const { db, project } = await setUp('mysql');
    project.write({ id: 'a00001', down: null, upgrade: [
      "  await op.execute('CREATE TABLE a (x int)');",
      "  await op.execute('START TRANSACTION');",
      "  await op.execute('INSERT INTO a VALUES (1)');",
      "  await op.execute('COMMIT');",
    ].join('\n') });
    await project.retort.upgrade('head');
    expect(await rawQuery(db, 'SELECT x FROM a')).toEqual([{ x: 1 }]);
    expect(await versions(db)).toEqual(['a00001']);
  });
});
