/**
 * MariaDB whose `sql_mode` is not strict (a private server started with `NO_ENGINE_SUBSTITUTION`
 * alone, as many long-lived installs run; never the shared one, whose global mode others rely
 * on): an `alterColumn` narrowing a VARCHAR below the longest value used to succeed, cutting the
 * value with only a warning, and the ALTER committed at once. retort's sessions add
 * `STRICT_TRANS_TABLES` there (and say so): the revision fails naming the column, the value is
 * whole, the version table stays at the revision before.
 */
import { execFileSync } from 'node:child_process';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRetort } from '../support/cli-async.js';
import { startPrivateMariadb, type PrivateServer } from '../support/private-server.js';
import { createTestProject, type TestProject } from '../support/project.js';

const LONG = 'a value of thirty characters..';
const NOTES = [
  "  await op.createTable('notes', { id: integer().primaryKey(), body: varchar(64) });",
  `  await op.bulkInsert('notes', [{ id: 1, body: '${LONG}' }]);`,
].join('\n');

describe('mariadb: a server whose sql_mode is not strict', () => {
  let server: PrivateServer;
  let project: TestProject;
  let offline: TestProject | undefined;
  beforeAll(async () => {
    server = await startPrivateMariadb({ args: ['--sql-mode=NO_ENGINE_SUBSTITUTION'] });
    project = createTestProject({ url: server.url('test') }, [
      {
        id: 'c7000000000a',
        down: null,
        message: 'notes',
        imports: ['integer', 'varchar'],
        upgrade: NOTES,
      },
      {
        id: 'c7000000000b',
        down: 'c7000000000a',
        message: 'narrow',
        imports: ['varchar'],
        upgrade: "  await op.alterColumn('notes', 'body', { type: varchar(8) });",
      },
    ]);
  }, 120_000);
  afterAll(async () => {
    project?.cleanup();
    offline?.cleanup();
    await server?.destroy();
  });

  it('a narrowing that would cut a value fails instead, and the value is whole', async () => {
    const conn = await mysql.createConnection(server.url('test'));
    try {
      const [[mode]] = (await conn.query('SELECT @@GLOBAL.sql_mode AS m')) as unknown as [[{ m: string }]];
      expect(mode.m).toBe('NO_ENGINE_SUBSTITUTION');
      const run = await startRetort(project.dir, ['upgrade', 'head', '--json']).done;
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const error = JSON.parse(run.stdout).error as Record<string, any>;
      expect(error).toMatchObject({ code: 'MigrationFailed', revision: 'c7000000000b', statementsCommitted: 0, databaseError: { code: 'WARN_DATA_TRUNCATED', errno: 1265 } });
      expect(error.message).toContain("Data truncated for column 'body' at row 1");
      expect(run.stderr).toContain('adds STRICT_TRANS_TABLES');
      const [rows] = await conn.query('SELECT id, body FROM test.notes');
      expect(rows).toEqual([{ id: 1, body: LONG }]);
      const [columns] = await conn.query("SELECT COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'test' AND TABLE_NAME = 'notes' AND COLUMN_NAME = 'body'");
      expect(columns).toEqual([{ type: 'varchar(64)' }]);
      const [versions] = await conn.query('SELECT version_num FROM test.retort_version');
      expect(versions).toEqual([{ version_num: 'c7000000000a' }]);
    } finally {
      await conn.end();
    }
  }, 60_000);

  it('an offline script (--sql) applied by the mariadb client on this server fails the same way', async () => {
    const conn = await mysql.createConnection(server.url('test'));
    try {
      await conn.query('CREATE DATABASE offline');
      // Offline there is no column to read: the revision says what it keeps, as MySQL's MODIFY needs.
      offline = createTestProject({ url: server.url('offline') }, [
        { id: 'c7000000000a', down: null, message: 'notes', imports: ['integer', 'varchar'], upgrade: NOTES },
        { id: 'c7000000000b', down: 'c7000000000a', message: 'narrow', imports: ['varchar'], upgrade: "  await op.alterColumn('notes', 'body', { type: varchar(8), existingNullable: true });" },
      ]);
      const printed = await startRetort(offline.dir, ['upgrade', 'head', '--sql']).done;
      expect(printed.code, printed.stderr).toBe(0);
      const port = new URL(server.url('test')).port;
      const applied = (() => {
        try {
          execFileSync('mariadb', ['-h', '127.0.0.1', '-P', port, '-u', 'root', 'offline'], { input: printed.stdout, stdio: ['pipe', 'pipe', 'pipe'] });
          return 'ok';
        } catch (error) {
          return String((error as { stderr?: Buffer }).stderr ?? error);
        }
      })();
      expect(applied).toContain("Data truncated for column 'body' at row 1");
      const [rows] = await conn.query('SELECT id, body FROM offline.notes');
      expect(rows).toEqual([{ id: 1, body: LONG }]);
    } finally {
      await conn.end();
    }
  }, 60_000);
});
