/**
 * No password in any output, whatever fails. A secret that needs URL-encoding
 * (`s3cr#t/p@ss w:rd%`) is put in the URL (on the command line and in the config file) and the
 * run fails on purpose: nothing listening, a wrong password (a real MariaDB user; for
 * PostgreSQL, which trusts 127.0.0.1 here, a minimal server speaking the wire protocol that
 * asks for the password and refuses it), a missing database, a malformed URL. stdout, stderr
 * and `--json` output are scanned for the secret plain, URL-encoded and partly encoded, with
 * and without `--verbose` (which prints the cause's stack trace) and with RETORT_DEBUG set.
 */
import { spawn } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { inspect } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetort } from '../../src/index.js';
import { isRetortError } from '../../src/errors.js';
import { BIN } from '../support/cli.js';
import { createTestDatabase, MYSQL_ADMIN_URL, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

const SECRET = 's3cr#t/p@ss w:rd%';
const ENCODED = encodeURIComponent(SECRET);

/**
 * Every form the secret could leak in: plain, encodeURIComponent, encodeURI, form-encoded, and
 * fragments (each encoding of it starts with `s3cr`; the rest catches a half-masked tail).
 */
const LEAK_FORMS = [
  SECRET, ENCODED, encodeURI(SECRET), ENCODED.replace(/%20/g, '+'), 's3cr', 'S3CR', 'p@ss', 'p%40ss', 'w:rd', 'w%3Ard', 'w%3ard',
  'rd%25', '#t/p', '%23t', 't%2Fp', 't%2fp', 'ss w', 'ss%20w', 'ss+w',
];

function leaks(text: string): string[] {
  return LEAK_FORMS.filter((form) => text.includes(form));
}

/** One CLI run as a separate process (async: the fake server answers from this process). */
function run(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, RETORT_DEBUG: '1', NODE_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/**
 * A PostgreSQL server that asks for the password (cleartext or md5) and refuses it with
 * SQLSTATE 28P01, as a real server with `password`/`md5` in pg_hba.conf does. Records what the
 * client sent, to prove the driver really sent the password.
 */
class FakePostgres {
  readonly received: string[] = [];
  private server: Server | undefined;
  port = 0;

  constructor(private readonly method: 'cleartext' | 'md5') {}

  async start(): Promise<void> {
    this.server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private serve(socket: Socket): void {
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === 80877103 || code === 80877104) {
            socket.write('N'); // no SSL, no GSS: go on in plain text
            continue;
          }
          started = true;
          socket.write(this.method === 'cleartext' ? message('R', int32(3)) : message('R', Buffer.concat([int32(5), Buffer.from([1, 2, 3, 4])])));
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) return;
        const body = buffer.subarray(5, length + 1);
        buffer = buffer.subarray(length + 1);
        this.received.push(body.toString('utf8').replace(/\0+$/, ''));
        const fields = ['SFATAL', 'VFATAL', 'C28P01', 'Mpassword authentication failed for user "app"'];
        socket.end(message('E', Buffer.concat([...fields.map((f) => Buffer.from(`${f}\0`)), Buffer.from([0])])));
        return;
      }
    });
  }
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

/** What the md5 method sends for `password`: md5(md5(password + user) + salt), hex, prefixed. */
function md5Answer(password: string, user: string, salt: Buffer): string {
  const inner = createHash('md5').update(password + user).digest('hex');
  return `md5${createHash('md5').update(Buffer.concat([Buffer.from(inner), salt])).digest('hex')}`;
}

describe('passwords never appear in output', () => {
  const cleartext = new FakePostgres('cleartext');
  const md5 = new FakePostgres('md5');
  const mysqlUser = `retort_pw_${randomBytes(3).toString('hex')}`;
  let project: TestProject;
  let sqlite: TestDatabase;
  let admin: mysql.Connection;

  beforeAll(async () => {
    await cleartext.start();
    await md5.start();
    sqlite = await createTestDatabase('sqlite');
    project = createTestProject({ url: sqlite.url }, [
      { id: 'aaaa1111', down: null, message: 'first', upgrade: "  await op.execute('SELECT 1');" },
    ]);
    // A real MariaDB user whose real password is the secret, and who may use no database.
    admin = await mysql.createConnection(MYSQL_ADMIN_URL);
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [mysqlUser, '%', SECRET]);
  });

  afterAll(async () => {
    await admin?.query('DROP USER IF EXISTS ?@?', [mysqlUser, '%']);
    await admin?.end();
    await cleartext.stop();
    await md5.stop();
    project?.cleanup();
    await sqlite?.drop();
  });

  // [name, url, expected code, expected exit]
  const cases: [string, () => string, string, number][] = [
    ['PostgreSQL, nothing listening', () => `postgres://app:${ENCODED}@127.0.0.1:1/app`, 'ConnectionFailed', 1],
    ['MariaDB, nothing listening', () => `mysql://app:${ENCODED}@127.0.0.1:1/app`, 'ConnectionFailed', 1],
    ['PostgreSQL, wrong password (cleartext)', () => `postgres://app:${ENCODED}@127.0.0.1:${cleartext.port}/app`, 'ConnectionFailed', 1],
    ['PostgreSQL, wrong password (md5)', () => `postgresql://app:${ENCODED}@127.0.0.1:${md5.port}/app`, 'ConnectionFailed', 1],
    ['PostgreSQL, a database that does not exist', () => `postgres://postgres:${ENCODED}@127.0.0.1:5432/retort_nope_${mysqlUser}`, 'DatabaseNotFound', 1],
    ['MariaDB, wrong password', () => `mysql://root:${ENCODED}@127.0.0.1:3306/test`, 'ConnectionFailed', 1],
    ['MariaDB, right password, database not granted', () => `mariadb://${mysqlUser}:${ENCODED}@127.0.0.1:3306/test`, 'ConnectionFailed', 1],
    ['a port out of range', () => `postgres://app:${ENCODED}@127.0.0.1:99999/app`, 'BadUrl', 2],
    ['no host', () => `mysql://app:${ENCODED}@:3306/app`, 'BadUrl', 2],
    ['an unknown scheme', () => `oracle://app:${ENCODED}@db.example/orcl`, 'BadUrl', 2],
    ['a password left unencoded', () => `postgres://app:${SECRET}@127.0.0.1:5432/app`, 'BadUrl', 2],
    ['a password half encoded', () => `postgres://app:${SECRET.replace('#', '%23')}@127.0.0.1:5432/app`, 'BadUrl', 2],
    ['a bad percent escape', () => `mysql://app:${SECRET.replace('/', '%2F')}%zz@127.0.0.1:1/app`, 'BadUrl', 2],
  ];
  const variants: [string, string[]][] = [['plain', []], ['--verbose', ['-v']], ['--json', ['--json']], ['--json --verbose', ['--json', '-v']]];

  for (const [name, url, code, exit] of cases) {
    it(`${name}: ${code}, exit ${exit}, no secret in any form`, async () => {
      for (const [variant, flags] of variants) {
        const commands = flags.includes('-v') ? [['upgrade', 'head']] : [['upgrade', 'head'], ['current']];
        for (const args of commands.map((c) => ['--url', url(), ...flags, ...c])) {
          const out = await run(project.dir, args);
          const what = `${variant} ${args.slice(2).join(' ')}:\n${out.stdout}${out.stderr}`;
          expect(out.code, what).toBe(exit);
          expect(leaks(out.stdout + out.stderr), what).toEqual([]);
          if (flags.includes('--json')) {
            const body = JSON.parse(out.stdout) as { error: { code: string; message: string } };
            expect(body.error.code, what).toBe(code);
          } else {
            expect(out.stderr, what).toContain(`[${code}]`);
          }
          if (variant === '--verbose' && exit === 1) {
            // --verbose prints the cause's stack: the scan above covered a real stack trace.
            expect(out.stderr, what).toMatch(/\n\s+at /);
          }
        }
      }
    });
  }

  it('the fake servers really received the password: the failure was the password path', () => {
    expect(cleartext.received).toContain(SECRET);
    expect(md5.received).toContain(md5Answer(SECRET, 'app', Buffer.from([1, 2, 3, 4])));
  });

  it('a password in the config file instead of --url: same', async () => {
    const p = createTestProject({ url: `mysql://root:${ENCODED}@127.0.0.1:3306/test` });
    try {
      for (const flags of [[], ['-v'], ['--json', '-v']]) {
        const out = await run(p.dir, [...flags, 'upgrade', 'head']);
        expect(out.code).toBe(1);
        expect(leaks(out.stdout + out.stderr), out.stdout + out.stderr).toEqual([]);
      }
    } finally {
      p.cleanup();
    }
  });

  it('library: the RetortError, its fields, hint, cause chain and stack hold no secret', async () => {
    const urls = [
      `postgres://app:${ENCODED}@127.0.0.1:${cleartext.port}/app`,
      `postgres://app:${ENCODED}@127.0.0.1:1/app`,
      `mysql://root:${ENCODED}@127.0.0.1:3306/test`,
      `mariadb://${mysqlUser}:${ENCODED}@127.0.0.1:3306/test`,
      `postgres://app:${SECRET}@127.0.0.1:5432/app`,
      `oracle://app:${ENCODED}@db.example/orcl`,
    ];
    for (const url of urls) {
      let caught: unknown;
      try {
        await createRetort({ cwd: project.dir, url }).upgrade('head');
      } catch (error) {
        caught = error;
      }
      expect(isRetortError(caught), url).toBe(true);
      const error = caught as Error & { fields: unknown; hint?: string };
      const texts = [error.message, error.stack ?? '', JSON.stringify(error), JSON.stringify(error.fields), error.hint ?? ''];
      // The whole cause chain, every property, hidden ones too (a driver error may carry its config).
      texts.push(inspect(error, { depth: 8, showHidden: true, breakLength: Infinity, maxStringLength: Infinity }));
      for (let cause: unknown = error.cause, n = 0; cause !== undefined && n < 10; cause = (cause as Error).cause, n++) {
        texts.push(String((cause as Error).message), String((cause as Error).stack));
      }
      expect(leaks(texts.join('\n')), `${url}: ${texts.join('\n')}`).toEqual([]);
    }
  });
});
