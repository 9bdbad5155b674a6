/**
 * MySQL/MariaDB TLS parameters in the URL are honoured, or refused, never dropped: a private
 * MariaDB with TLS on (certificates made with openssl for this file), and a revision that records
 * the server's view of its own session (`Ssl_cipher`: empty on a plain-text connection). Each URL
 * form (`ssl-mode=REQUIRED`, `sslmode=require`, `ssl=true`, `VERIFY_CA` / `verify-full` with the
 * authority) gives an encrypted session; verification against the wrong authority fails; a mode
 * that would fall back to plain text, or a parameter retort would ignore, is refused (exit 2).
 * The other refusals and the option mapping: test/unit/mysql-tls.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRetort, type AsyncRun } from '../support/cli-async.js';
import { expectJsonFailure } from '../support/faults.js';
import { startPrivateMariadb, type PrivateServer } from '../support/private-server.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { MYSQL_ADMIN_URL } from '../support/databases.js';

let certs: string;
let server: PrivateServer;
let project: TestProject;
let databases = 0;

/** A CA, a server certificate for 127.0.0.1 and localhost signed by it, and an unrelated CA. */
function makeCertificates(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  for (const ca of ['ca', 'other-ca']) ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=retort ${ca}`);
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext');
}

beforeAll(async () => {
  certs = mkdtempSync(join(tmpdir(), 'retort-tls-'));
  makeCertificates(certs);
  server = await startPrivateMariadb({ args: [`--ssl-ca=${join(certs, 'ca.pem')}`, `--ssl-cert=${join(certs, 'server.pem')}`, `--ssl-key=${join(certs, 'server.key')}`] });
  project = createTestProject({}, [{
    id: '7150000000a1',
    down: null,
    message: 'record the session cipher',
    upgrade: [
      "  await op.execute('CREATE TABLE tls (cipher VARCHAR(200))');",
      "  await op.execute(\"INSERT INTO tls SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'\");",
    ].join('\n'),
  }]);
}, 120_000);

afterAll(async () => {
  await server?.destroy();
  project?.cleanup();
  rmSync(certs, { recursive: true, force: true });
});

/** Upgrade a fresh database on the private server with `params`; the run and the cipher its session had. */
async function upgradeWith(params: string, host = '127.0.0.1'): Promise<AsyncRun & { cipher?: string }> {
  const database = `tls_${++databases}`;
  const admin = await mysql.createConnection(server.url('test'));
  await admin.query(`CREATE DATABASE ${database}`);
  const url = `${server.url(database).replace('127.0.0.1', host)}?${params}`;
  const run = await startRetort(project.dir, ['--url', url, 'upgrade', 'head', '--json']).done;
  const [rows] = await admin.query(`SELECT cipher FROM ${database}.tls`).catch(() => [[]]);
  await admin.end();
  const cipher = (rows as Array<{ cipher: string }>)[0]?.cipher;
  return { ...run, ...(cipher === undefined ? {} : { cipher }) };
}

it('a plain URL gives a plain-text session (the control)', async () => {
  const run = await upgradeWith('connect_timeout=5');
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.cipher).toBe('');
});

it.each([
  'ssl-mode=REQUIRED',
  'sslmode=require',
  'ssl=true',
  'ssl-mode=VERIFY_CA&ssl-ca=CERTS/ca.pem',
  'sslmode=verify-full&sslrootcert=CERTS/ca.pem',
])('%s: the session is encrypted', async (params) => {
  // The host name is checked against the certificate only for VERIFY_IDENTITY: give it one.
  const run = await upgradeWith(params.replaceAll('CERTS', certs), /IDENTITY|full/.test(params) ? 'localhost' : '127.0.0.1');
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.cipher).toMatch(/^TLS|AES|CHACHA/);
});

it('verification against the wrong authority fails: ConnectionFailed, nothing ran', async () => {
  const run = await upgradeWith(`ssl-mode=VERIFY_CA&ssl-ca=${certs}/other-ca.pem`);
  const error = expectJsonFailure(run, 1, 'ConnectionFailed');
  expect(error.message).toMatch(/certificate/i);
  expect(run.cipher).toBeUndefined();
});

it('a mode that would fall back to plain text is refused (exit 2, BadUrl), never dropped; so is an unknown parameter', async () => {
  for (const [params, message] of [
    ['ssl-mode=PREFERRED', /not supported: retort never falls back to plain text/],
    ['charset=latin1', /`charset` is not supported on MySQL\/MariaDB URLs/],
  ] as const) {
    const run = await upgradeWith(params);
    const error = expectJsonFailure(run, 2, 'BadUrl');
    expect(error.message).toMatch(message);
  }
});

it('a server without TLS: each form that requires it fails with ConnectionFailed saying so, never a plain-text session', async () => {
  // The shared server, as .ci/run installs it, has no certificates (have_ssl DISABLED).
  const admin = await mysql.createConnection(MYSQL_ADMIN_URL);
  const [[ssl]] = (await admin.query("SHOW VARIABLES LIKE 'have_ssl'")) as unknown as [[{ Value: string }]];
  await admin.end();
  expect(ssl.Value, 'this test needs a server without TLS').not.toBe('YES');
  const forms = ['ssl-mode=REQUIRED', 'ssl=true', 'sslmode=require'];
  const runs = await Promise.all(forms.map((params) => startRetort(project.dir, ['--url', `${MYSQL_ADMIN_URL}?${params}`, 'current', '--json']).done));
  runs.forEach((run, i) => {
    const error = expectJsonFailure(run, 1, 'ConnectionFailed');
    expect(error.message, forms[i]).toMatch(/does not offer TLS, and the URL requires it/);
  });
});
