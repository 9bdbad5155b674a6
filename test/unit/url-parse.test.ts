import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { familyOf, parseUrl } from '../../src/config/url.js';
import { RetortError } from '../../src/errors.js';

const base = '/projects/app';

function badUrl(url: string): RetortError {
  try {
    parseUrl(url, { baseDir: base });
  } catch (error) {
    expect(error).toBeInstanceOf(RetortError);
    expect((error as RetortError).code).toBe('BadUrl');
    return error as RetortError;
  }
  throw new Error(`parseUrl(${url}) did not throw`);
}

describe('parseUrl: sqlite', () => {
  it.each([
    ['sqlite::memory:', ':memory:'],
    ['sqlite://', ':memory:'],
    ['sqlite://:memory:', ':memory:'],
    ['sqlite:///:memory:', ':memory:'],
    ['sqlite:./app.db', resolve(base, 'app.db')],
    ['sqlite:app.db', resolve(base, 'app.db')],
    ['sqlite:data/app.db', resolve(base, 'data/app.db')],
    ['sqlite:../shared.db', resolve(base, '../shared.db')],
    ['sqlite:///app.db', resolve(base, 'app.db')],
    ['sqlite:/var/db/app.db', '/var/db/app.db'],
    ['sqlite:////var/db/app.db', '/var/db/app.db'],
    ['sqlite:./my%20file.db', resolve(base, 'my file.db')],
  ])('%s -> %s', (url, database) => {
    const parsed = parseUrl(url, { baseDir: base });
    expect(parsed.database).toBe(database);
    expect(parsed.scheme).toBe('sqlite');
    expect(parsed.raw).toBe(url);
    expect(parsed.host).toBeUndefined();
    expect(familyOf(parsed)).toBe('sqlite');
  });

  it('resolves relative paths against the working directory by default', () => {
    expect(parseUrl('sqlite:x.db').database).toBe(resolve(process.cwd(), 'x.db'));
  });

  it('reads query parameters', () => {
    const parsed = parseUrl('sqlite:./app.db?mode=ro&cache=shared', { baseDir: base });
    expect(parsed.database).toBe(resolve(base, 'app.db'));
    expect(parsed.params).toEqual({ mode: 'ro', cache: 'shared' });
  });

  it('rejects a host and an empty path', () => {
    expect(badUrl('sqlite://somehost/app.db').hint).toContain('sqlite:./file.db');
    expect(badUrl('sqlite:').message).toContain('empty');
  });
});

describe('parseUrl: servers', () => {
  it('parses a full postgres URL', () => {
    const parsed = parseUrl('postgres://app:s3cret@db.example.com:6543/shop?sslmode=require&application_name=retort');
    expect(parsed).toEqual({
      raw: 'postgres://app:s3cret@db.example.com:6543/shop?sslmode=require&application_name=retort',
      scheme: 'postgres',
      host: 'db.example.com',
      port: 6543,
      user: 'app',
      password: 's3cret',
      database: 'shop',
      params: { sslmode: 'require', application_name: 'retort' },
    });
    expect(familyOf(parsed)).toBe('postgres');
  });

  it('decodes an URL-encoded user and password', () => {
    const parsed = parseUrl('postgresql://us%40er:p%40ss%3Aw%2Frd%23@localhost/db');
    expect(parsed.user).toBe('us@er');
    expect(parsed.password).toBe('p@ss:w/rd#');
    expect(parsed.scheme).toBe('postgresql');
    expect(familyOf(parsed)).toBe('postgres');
    expect(parsed.port).toBeUndefined();
  });

  it('leaves absent parts out', () => {
    expect(parseUrl('postgres://localhost')).toEqual({ raw: 'postgres://localhost', scheme: 'postgres', host: 'localhost', params: {} });
    // A Unix socket through the host parameter, as libpq reads it.
    const socket = parseUrl('postgres:///app?host=/var/run/postgresql');
    expect(socket.host).toBeUndefined();
    expect(socket.database).toBe('app');
    expect(socket.params).toEqual({ host: '/var/run/postgresql' });
  });

  it.each([
    ['mysql://root@127.0.0.1:3306/test', 'mysql'],
    ['mariadb://root:pw@127.0.0.1:3307/test?charset=utf8mb4', 'mysql'],
  ])('parses %s', (url, family) => {
    const parsed = parseUrl(url);
    expect(parsed.host).toBe('127.0.0.1');
    expect(parsed.user).toBe('root');
    expect(parsed.database).toBe('test');
    expect(familyOf(parsed)).toBe(family);
  });

  it('strips the brackets of an IPv6 host', () => {
    const parsed = parseUrl('postgres://u@[::1]:5432/db');
    expect(parsed.host).toBe('::1');
    expect(parsed.port).toBe(5432);
  });

  it('accepts the scheme in any case', () => {
    const parsed = parseUrl('PostgreSQL://h/db');
    expect(parsed.scheme).toBe('postgresql');
    expect(parsed.raw).toBe('PostgreSQL://h/db');
    expect(familyOf(parsed)).toBe('postgres');
    expect(parseUrl('SQLite::memory:').scheme).toBe('sqlite');
  });
});

describe('parseUrl: errors', () => {
  it('names the known schemes for an unknown one', () => {
    const error = badUrl('oracle://scott:tiger@host/db');
    expect(error.message).toContain('`oracle`');
    for (const scheme of ['sqlite:', 'postgres:', 'postgresql:', 'mysql:', 'mariadb:']) expect(error.message).toContain(scheme);
    expect(error.kind).toBe('input');
    expect(error.exitCode).toBe(2);
  });

  it('suggests dropping a SQLAlchemy driver suffix', () => {
    expect(badUrl('postgresql+psycopg2://u@h/db').hint).toBe('Drop the driver suffix: write `postgresql:` instead of `postgresql+psycopg2:`.');
  });

  it.each([
    ['no scheme', 'localhost:5432/db'],
    ['a plain path', './app.db'],
    ['a bad port', 'postgres://u@host:99999/db'],
    ['a missing //', 'postgres:host/db'],
    ['a path in the database', 'mysql://u@h/a/b'],
    ['a bad escape', 'postgres://u:%zz@h/db'],
    ['an empty string', ''],
  ])('rejects %s', (_what, url) => {
    badUrl(url);
  });
});
