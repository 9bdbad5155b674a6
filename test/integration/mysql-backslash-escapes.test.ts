/**
 * MariaDB with `NO_BACKSLASH_ESCAPES` in its `sql_mode` (a private server started with it; never
 * the shared one, whose global mode others rely on): a backslash in a bulk-inserted value or a
 * column default arrives as one backslash, not two. retort's compiler escapes backslashes as the
 * default mode reads them, so its session switches the flag off (and says so once); an offline
 * script (`--sql`) switches it off first too, whoever's session applies it.
 */
import { execFileSync } from 'node:child_process';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRetort } from '../support/cli-async.js';
import { startPrivateMariadb, type PrivateServer } from '../support/private-server.js';
import { createTestProject, type TestProject } from '../support/project.js';

const PATH = 'C:\\\\temp\\\\new';

describe('mariadb: sql_mode NO_BACKSLASH_ESCAPES', () => {
  let server: PrivateServer;
  let project: TestProject;
  beforeAll(async () => {
    server = await startPrivateMariadb({ args: ['--sql-mode=NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES'] });
    project = createTestProject({ url: server.url('test') }, [{
      id: 'b5000000000a',
      down: null,
      message: 'paths',
      imports: ['integer', 'varchar'],
      upgrade: [
        `  await op.createTable('paths', { id: integer().primaryKey(), p: varchar(64).default('${PATH}') });`,
        `  await op.bulkInsert('paths', [{ id: 1, p: 'a\\\\b' }, { id: 2, p: '${PATH}' }]);`,
        "  await op.execute('INSERT INTO paths (id) VALUES (3)');",
      ].join('\n'),
    }]);
  }, 120_000);
  afterAll(async () => {
    project?.cleanup();
    await server?.destroy();
  });

  it('bulk-inserted values and defaults keep single backslashes', async () => {
    const run = await startRetort(project.dir, ['upgrade', 'head']).done;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const conn = await mysql.createConnection(server.url('test'));
    try {
      const [rows] = await conn.query('SELECT id, p FROM paths ORDER BY id');
      expect(rows).toEqual([{ id: 1, p: 'a\\b' }, { id: 2, p: 'C:\\temp\\new' }, { id: 3, p: 'C:\\temp\\new' }]);
    } finally {
      await conn.end();
    }
    expect(run.stderr).toMatch(/NO_BACKSLASH_ESCAPES/);
  }, 60_000);

  it('an offline script (--sql) applied by the mariadb client on this server: same single backslashes', async () => {
    const conn = await mysql.createConnection(server.url('test'));
    try {
      await conn.query('CREATE DATABASE offline');
      const printed = await startRetort(project.dir, ['--url', server.url('offline'), 'upgrade', 'head', '--sql']).done;
      expect(printed.code, printed.stderr).toBe(0);
      // The session the client opens has the server's NO_BACKSLASH_ESCAPES: the script must undo it first.
      const [[mode]] = (await conn.query('SELECT @@GLOBAL.sql_mode AS m')) as unknown as [[{ m: string }]];
      expect(mode.m).toMatch(/NO_BACKSLASH_ESCAPES/);
      const port = new URL(server.url('test')).port;
      execFileSync('mariadb', ['-h', '127.0.0.1', '-P', port, '-u', 'root', 'offline'], { input: printed.stdout, stdio: ['pipe', 'pipe', 'pipe'] });
      const [rows] = await conn.query('SELECT id, p FROM offline.paths ORDER BY id');
      expect(rows).toEqual([{ id: 1, p: 'a\\b' }, { id: 2, p: 'C:\\temp\\new' }, { id: 3, p: 'C:\\temp\\new' }]);
    } finally {
      await conn.end();
    }
  }, 60_000);
});
