import { describe, expect, it } from 'vitest';
import { displayUrl, parseUrl } from '../../src/config/url.js';
import { RetortError } from '../../src/errors.js';

/** Everything an error exposes: message, hint, JSON fields, stack and `String(error)`. */
function everythingShown(error: RetortError): string {
  return [error.message, error.hint ?? '', JSON.stringify(error.toJSON()), JSON.stringify(error.fields), error.stack ?? '', String(error)].join('\n');
}

function thrownBy(url: string): RetortError {
  try {
    parseUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(RetortError);
    return error as RetortError;
  }
  throw new Error(`parseUrl(${url}) did not throw`);
}

const SECRET = 'Sup3r@S3cret/#!';
const ENCODED = encodeURIComponent(SECRET); // Sup3r%40S3cret%2F%23!

describe('passwords never appear in URL errors', () => {
  it.each([
    ['unknown scheme, encoded password', `oracle://scott:${ENCODED}@host/db`],
    ['driver suffix, encoded password', `postgresql+psycopg2://scott:${ENCODED}@host/db`],
    ['bad port, encoded password', `postgres://scott:${ENCODED}@host:99999/db`],
    ['bad port, plain password with @ / #', `postgres://scott:${SECRET}@host:5432/db`],
    ['a password cut by / into a port and a path', 'postgres://scott:1234/Sup3rS3cret@host/db'],
    ['missing //, plain password', `postgres:scott:${SECRET}@host/db`],
    ['unknown scheme, plain password', `mssql://scott:${SECRET}@host/db`],
    ['database with a slash, encoded password', `mysql://scott:${ENCODED}@host/a/b`],
    ['bad escape elsewhere, encoded password', `mysql://scott:${ENCODED}@host/db%zz`],
  ])('%s', (_what, url) => {
    const error = thrownBy(url);
    expect(error.code).toBe('BadUrl');
    const shown = everythingShown(error);
    for (const form of [SECRET, ENCODED, 'Sup3r', 'S3cret']) expect(shown).not.toContain(form);
    // The error still says which URL it is about.
    expect(error.message).toContain('scott');
    expect(error.fields['url']).toMatch(/\*\*\*/);
  });

  it('keeps the rest of the URL readable', () => {
    expect(displayUrl('postgres://app:pw@db:5432/shop')).toBe('postgres://app:***@db:5432/shop');
    expect(displayUrl(`postgres://app:${SECRET}@db/shop`)).toBe('postgres://app:***@db/shop');
    expect(displayUrl('postgres://app@db/shop')).toBe('postgres://app@db/shop');
    expect(displayUrl('sqlite:./a@b.db')).toBe('sqlite:./a@b.db');
  });

  it('keeps the decoded password on the parsed URL only', () => {
    const parsed = parseUrl(`postgres://scott:${ENCODED}@host/db`);
    expect(parsed.password).toBe(SECRET);
  });
});

describe('redactUrlsIn: URLs inside a statement or a server message', () => {
  it('masks the password of every URL in the text and keeps the rest', async () => {
    const { redactUrlsIn } = await import('../../src/util/redact.js');
    expect(redactUrlsIn("SELECT dblink_connect('postgres://app:pw1@db1/x'), 'mysql://u:pw2@h:3306/d?ssl=1' FROM t")).toBe(
      "SELECT dblink_connect('postgres://app:***@db1/x'), 'mysql://u:***@h:3306/d?ssl=1' FROM t");
    expect(redactUrlsIn('invalid input syntax for type integer: "postgres://bob:s3cret@db.example/app"')).toBe(
      'invalid input syntax for type integer: "postgres://bob:***@db.example/app"');
    expect(redactUrlsIn('https://example.com/a?password=hunter2&x=1 and http://example.com/')).toBe('https://example.com/a?password=***&x=1 and http://example.com/');
  });

  it('leaves text without a URL password as it is', async () => {
    const { redactUrlsIn } = await import('../../src/util/redact.js');
    for (const text of ['CREATE TABLE t (a int)', "SELECT 'https://example.com/x'", 'password = 1']) expect(redactUrlsIn(text)).toBe(text);
  });
});

describe('redactErrorUrls: a driver error kept as a cause', () => {
  it('masks every string field of the error and of its causes, in place, and stops at a cycle', async () => {
    const { redactErrorUrls } = await import('../../src/util/redact.js');
    const root = new Error("invalid input: 'postgres://bob:pw9@h/db'");
    const driver = Object.assign(new Error('failed: mysql://u:pw8@h/d'), { sql: "SELECT 'mysql://u:pw8@h/d'", errno: 1644 });
    const outer = new Error('wrapped', { cause: driver });
    (driver as Error & { cause?: unknown }).cause = root;
    (root as Error & { cause?: unknown }).cause = outer;
    // A frozen field is left as it is rather than throw.
    Object.defineProperty(root, 'where', { value: 'postgres://x:pw7@h/db', writable: false, enumerable: true });
    redactErrorUrls(outer);
    expect(driver.message).toBe('failed: mysql://u:***@h/d');
    expect(driver.sql).toBe("SELECT 'mysql://u:***@h/d'");
    expect(driver.errno).toBe(1644);
    expect(driver.stack).not.toContain('pw8');
    expect(root.message).toBe("invalid input: 'postgres://bob:***@h/db'");
    expect(root.stack).not.toContain('pw9');
    expect((root as Error & { where?: string }).where).toBe('postgres://x:pw7@h/db');
    expect(outer.message).toBe('wrapped');
  });

  it("masks a RetortError cause's fields (a ConnectionLost names the statement it lost)", async () => {
    const { redactErrorUrls } = await import('../../src/util/redact.js');
    const { RetortError } = await import('../../src/errors.js');
    const statement = "SELECT dblink_connect('postgres://bob:pw6@h/db')";
    const lost = new RetortError('ConnectionLost', `The connection was lost while this statement ran: ${statement}`, { fields: { statement, port: 5432 } });
    const failure = new RetortError('ConnectionLost', 'Upgrade of revision a1 failed', { cause: lost });
    const plain = failure.fields;
    redactErrorUrls(failure);
    expect(failure.fields).toBe(plain);
    expect(lost.fields).toEqual({ statement: "SELECT dblink_connect('postgres://bob:***@h/db')", port: 5432 });
    expect(Object.isFrozen(lost.fields)).toBe(true);
    expect(lost.message).not.toContain('pw6');
    expect(JSON.stringify(lost)).not.toContain('pw6');
  });
});
