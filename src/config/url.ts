/**
 * Connection URLs: `sqlite:` paths, `postgres://` / `postgresql://`, `mysql://` / `mariadb://`.
 *
 * SQLite forms (SQLAlchemy's triple-slash rules, so an `alembic.ini` URL means the same here):
 * - `sqlite::memory:`, `sqlite://`, `sqlite://:memory:`, `sqlite:///:memory:` — an in-memory database;
 * - `sqlite:./app.db`, `sqlite:app.db`, `sqlite:///app.db` — a path relative to `baseDir`;
 * - `sqlite:/abs/app.db`, `sqlite:////abs/app.db` — an absolute path.
 *
 * Relative SQLite paths resolve against `baseDir`: the config file's folder when the URL comes
 * from the config, the working directory when it comes from `--url` (see `load.ts`).
 *
 * No error raised here ever contains the password, plain or URL-encoded.
 */
import { isAbsolute, resolve } from 'node:path';
import { RetortError } from '../errors.js';
import type { ConnectionUrl } from '../dialects/dialect.js';
import { passwordOf, redactQueryPasswords, redactSecrets } from '../util/redact.js';

/** The database family each accepted URL scheme belongs to. */
export const URL_SCHEMES = Object.freeze({
  sqlite: 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
} as const);

/** An accepted URL scheme. */
export type UrlScheme = keyof typeof URL_SCHEMES;

/** A database family: which dialect serves a URL. */
export type DatabaseFamily = (typeof URL_SCHEMES)[UrlScheme];

/** Options for {@link parseUrl}. */
export interface ParseUrlOptions {
  /** Folder that relative SQLite paths resolve against; defaults to `process.cwd()`. */
  readonly baseDir?: string;
}

/** The file path SQLite uses for an in-memory database. */
export const SQLITE_MEMORY = ':memory:';

/**
 * Parses a connection URL. The result's `scheme` is lower-cased; its `database` is an absolute file path (or `:memory:`) for
 * SQLite, the database name otherwise; user and password are URL-decoded.
 *
 * @throws RetortError `BadUrl` for an unknown scheme or a malformed URL; the message shows the
 * URL with its password masked.
 */
export function parseUrl(url: string, options: ParseUrlOptions = {}): ConnectionUrl {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (!match) throw badUrl(url, 'it does not start with a scheme such as `postgres://` or `sqlite:`');
  const written = match[1]!;
  // Schemes are case-insensitive (RFC 3986); lower-cased so the dialect registry can match them.
  const scheme = written.toLowerCase();
  const family = familyOfScheme(scheme);
  if (family === undefined) {
    const plus = written.indexOf('+');
    const hint =
      plus > 0 && familyOfScheme(scheme.slice(0, plus)) !== undefined
        ? `Drop the driver suffix: write \`${written.slice(0, plus)}:\` instead of \`${written}:\`.`
        : `Use one of: ${knownSchemesText()}.`;
    throw badUrl(url, `the scheme \`${written}\` is not supported (known: ${knownSchemesText()})`, hint);
  }
  const rest = url.slice(written.length + 1);
  return family === 'sqlite'
    ? parseSqlite(url, scheme, rest, options.baseDir ?? process.cwd())
    : parseServerUrl(url, scheme);
}

/** The database family of a parsed URL (which dialect serves it). */
export function familyOf(url: ConnectionUrl): DatabaseFamily {
  const family = familyOfScheme(url.scheme.toLowerCase());
  if (family === undefined) throw badUrl(url.raw, `the scheme \`${url.scheme}\` is not supported`);
  return family;
}

/**
 * The URL as it may be shown: the password replaced by `***`. Stricter than `redactUrl` for
 * malformed URLs: everything between the user's `:` and the last `@` of the authority is masked,
 * so an unencoded `@` or `/` inside a password cannot leak its tail.
 */
export function displayUrl(url: string): string {
  const split = splitAuthority(url);
  if (!split) return redactQueryPasswords(url);
  const { head, tail, at, colon } = split;
  return redactQueryPasswords(`${head}${tail.slice(0, colon)}:***${tail.slice(at)}`);
}

/**
 * Splits `scheme:[//]user:password@rest` around the password span: from the first `:` after the
 * scheme to the last `@`. Also catches a forgotten `//` (`postgres:user:pw@host`).
 */
function splitAuthority(url: string): { head: string; tail: string; at: number; colon: number } | undefined {
  const match = /^([a-z][a-z0-9+.-]*:(?:\/\/)?)([^]*)$/i.exec(url);
  if (!match) return undefined;
  const head = match[1]!;
  const tail = match[2]!;
  const at = tail.lastIndexOf('@');
  if (at < 0) return undefined;
  const colon = tail.indexOf(':');
  if (colon < 0 || colon > at) return undefined;
  return { head, tail, at, colon };
}

function familyOfScheme(scheme: string): DatabaseFamily | undefined {
  return Object.hasOwn(URL_SCHEMES, scheme) ? URL_SCHEMES[scheme as UrlScheme] : undefined;
}

function knownSchemesText(): string {
  return Object.keys(URL_SCHEMES)
    .map((s) => `${s}:`)
    .join(', ');
}

function parseSqlite(raw: string, scheme: string, rest: string, baseDir: string): ConnectionUrl {
  const query = rest.indexOf('?');
  const params = query < 0 ? {} : parseQuery(raw, rest.slice(query + 1));
  let path = query < 0 ? rest : rest.slice(0, query);
  if (path.startsWith('//')) {
    // `sqlite://` + authority. SQLite has no host: only the empty authority of
    // `sqlite:///path` (SQLAlchemy) or the bare `sqlite://` (memory) make sense.
    const afterSlashes = path.slice(2);
    if (afterSlashes === '' || afterSlashes === SQLITE_MEMORY) path = SQLITE_MEMORY;
    else if (afterSlashes.startsWith('/')) path = afterSlashes.slice(1);
    else {
      throw badUrl(
        raw,
        'a SQLite URL has no host',
        'Write `sqlite:./file.db` for a relative path, `sqlite:/abs/file.db` for an absolute one.',
      );
    }
  }
  if (path === '') throw badUrl(raw, 'the SQLite file path is empty', 'Write `sqlite:./app.db` or `sqlite::memory:`.');
  const database = path === SQLITE_MEMORY ? SQLITE_MEMORY : resolveFile(decodePath(raw, path), baseDir);
  return Object.freeze({ raw, scheme, database, params });
}

function resolveFile(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function decodePath(raw: string, path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw badUrl(raw, 'the path has an invalid %-escape');
  }
}

function parseServerUrl(raw: string, scheme: string): ConnectionUrl {
  if (!raw.slice(scheme.length + 1).startsWith('//')) {
    throw badUrl(raw, `a ${scheme} URL needs \`//\` after the scheme`, `Write \`${scheme}://user:password@host:port/database\`.`);
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw badUrl(raw, 'it is not a well-formed URL', 'Percent-encode special characters (such as @ : / #) in the user and password.');
  }
  // An unencoded `@`, `/` or `#` in a password makes the URL parse as something else (another
  // host, a path, a fragment), which would then leak part of the password into later messages.
  if (parsed.hash !== '' || parsed.pathname.includes('@')) {
    throw badUrl(raw, 'it has a `#` or an `@` after the host', 'Percent-encode special characters in the password: `@` as %40, `/` as %2F, `#` as %23.');
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const database = decodeComponent(raw, parsed.pathname.replace(/^\//, ''), 'database name');
  if (database.includes('/')) throw badUrl(raw, 'the database name contains `/`');
  const params = parseQuery(raw, parsed.search.replace(/^\?/, ''));
  // libpq's rule, which MySQL URLs follow here too: a `user=` or `password=` query parameter
  // overrides the authority's (`postgresql://host/db?user=u&password=p`, the form libpq users write).
  const user = params['user'] ?? decodeComponent(raw, parsed.username, 'user');
  const password = params['password'] ?? decodeComponent(raw, parsed.password, 'password');
  const url: ConnectionUrl = {
    raw,
    scheme,
    params,
    ...(host === '' ? {} : { host }),
    ...(parsed.port === '' ? {} : { port: Number(parsed.port) }),
    ...(user === '' ? {} : { user }),
    ...(password === '' ? {} : { password }),
    ...(database === '' ? {} : { database }),
  };
  return Object.freeze(url);
}

function decodeComponent(raw: string, text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw badUrl(raw, `the ${what} has an invalid %-escape`);
  }
}

function parseQuery(raw: string, query: string): Readonly<Record<string, string>> {
  const params: Record<string, string> = {};
  if (query === '') return Object.freeze(params);
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    // `+` means space in query strings (form encoding), as libpq and mysql2 read them.
    params[decodeComponent(raw, key.replace(/\+/g, ' '), 'query string')] = decodeComponent(
      raw,
      value.replace(/\+/g, ' '),
      'query string',
    );
  }
  return Object.freeze(params);
}

/**
 * A BadUrl error. The URL is shown with its password field masked (and only that: a user or
 * database name equal to the password stays readable); the reason and hint, which never quote the
 * URL's parts, go through `redactSecrets` with the password as both the strict and the lenient
 * parsers see it, as a second line of defence.
 */
function badUrl(raw: string, reason: string, hint?: string): RetortError {
  const shown = displayUrl(raw);
  const secrets = [passwordOf(raw), strictPasswordOf(raw)];
  const message = `Bad connection URL \`${shown}\`: ${redactSecrets(reason, secrets)}.`;
  return new RetortError('BadUrl', message, {
    fields: { url: shown },
    hint: redactSecrets(hint ?? 'Check the URL against the accepted forms, e.g. `postgres://user@host:5432/db` or `sqlite:./app.db`.', secrets),
  });
}

/** The password span as {@link displayUrl} masks it, decoded if possible. */
function strictPasswordOf(raw: string): string | undefined {
  const split = splitAuthority(raw);
  if (!split || split.colon + 1 === split.at) return undefined;
  const span = split.tail.slice(split.colon + 1, split.at);
  try {
    return decodeURIComponent(span);
  } catch {
    return span;
  }
}
