/**
 * Turning `pg`'s connection failures into RetortErrors a user can act on. The driver's words go
 * through `redactSecrets` with the password, plain and URL-encoded: a password must never reach
 * the terminal, a log or `--json` output. What retort composes (host, user, database, the URL with
 * its password field masked) is never text-replaced: a user named like the password stays readable.
 */
import { isRetortError, RetortError } from '../../errors.js';
import { redactSecrets, redactUrl } from '../../util/redact.js';
import type { ConnectionUrl } from '../dialect.js';

/** SQLSTATEs and socket codes this module tells apart. */
const INVALID_PASSWORD = '28P01';
const INVALID_AUTHORIZATION = '28000';
const INVALID_CATALOG_NAME = '3D000';
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);

/** Where a connection was going, as it may be shown. */
export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

/** The host, port, user and database `pg` will use for `url` (libpq's defaults). */
export function connectTarget(url: ConnectionUrl): ConnectTarget {
  return {
    host: url.host ?? 'localhost',
    port: url.port ?? 5432,
    user: url.user ?? process.env.PGUSER ?? process.env.USER ?? 'postgres',
    database: url.database ?? url.user ?? 'postgres',
  };
}

/** A connection error's SQLSTATE or socket code; AggregateErrors (several addresses) give the first. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) ? errorCode(inner[0]) : undefined;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message;
  if (error instanceof AggregateError) return error.errors.map(errorMessage).join('; ');
  return String(error);
}

/**
 * The RetortError for a failed connect: `DatabaseNotFound` for a missing database,
 * `ConnectionFailed` for anything else (server down, wrong password, refused role), each naming
 * host, port, user and database but never the password.
 */
export function connectionError(error: unknown, url: ConnectionUrl, connectMs?: number): RetortError {
  if (isRetortError(error)) return error;
  const target = connectTarget(url);
  const clean = (text: string): string => redactSecrets(text, [url.password]);
  const code = errorCode(error);
  const where = `${target.host}:${target.port}`;
  const fields = {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    url: redactUrl(url.raw),
    ...(code === undefined ? {} : { driverCode: code }),
  };
  const detail = clean(errorMessage(error));
  const fail = (code: 'ConnectionFailed' | 'DatabaseNotFound' | 'ConnectTimeout', message: string, hint: string): RetortError =>
    // `message` and `hint` hold the driver's words only through `detail`, already cleaned.
    new RetortError(code, message, { fields, hint, cause: error });

  // pg's own connect timer ('timeout expired') or the pool's ('timeout exceeded when trying to connect').
  if (connectMs !== undefined && connectMs > 0 && /timeout expired|timeout exceeded when trying to connect|connection timeout/i.test(detail)) {
    return fail(
      'ConnectTimeout',
      `PostgreSQL at ${where} did not complete the connect (TCP, TLS, authentication) within ${connectMs / 1000} s.`,
      'Check that the server is up and reachable (a firewall that drops packets, an overloaded server or pooler), or raise `connectTimeout` in the config (or `connect_timeout` in the URL).',
    );
  }

  if (code === INVALID_CATALOG_NAME) {
    return fail(
      'DatabaseNotFound',
      `PostgreSQL at ${where} has no database "${target.database}".`,
      `Create it (\`createdb -h ${target.host} -p ${target.port} ${target.database}\`) or fix the database name in the URL.`,
    );
  }
  if (code === INVALID_PASSWORD) {
    return fail(
      'ConnectionFailed',
      `Cannot connect to PostgreSQL at ${where}: password authentication failed for user "${target.user}".`,
      'Check the user and password in the URL (percent-encode special characters in the password).',
    );
  }
  if (code === INVALID_AUTHORIZATION) {
    return fail(
      'ConnectionFailed',
      `Cannot connect to PostgreSQL at ${where}: the server refused user "${target.user}" on database "${target.database}" (${detail}).`,
      'Check that the role exists and that pg_hba.conf lets it connect from this host.',
    );
  }
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return fail(
      'ConnectionFailed',
      `Cannot connect to PostgreSQL at ${where}: ${code === 'ECONNREFUSED' ? 'connection refused' : detail}.`,
      'Check that the server is running and that the host and port in the URL are right.',
    );
  }
  if (/password/i.test(detail)) {
    // pg raises this itself (no SQLSTATE) when the server asks for a password the URL lacks.
    return fail(
      'ConnectionFailed',
      `Cannot connect to PostgreSQL at ${where}: the server asks for a password for user "${target.user}" (${detail}).`,
      'Put the password in the URL (`postgres://user:password@host/db`) or use an environment variable in the config.',
    );
  }
  return fail(
    'ConnectionFailed',
    `Cannot connect to PostgreSQL at ${where} as "${target.user}": ${detail}.`,
    'Check the URL, the server and the network between them.',
  );
}
