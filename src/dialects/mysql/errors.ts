/**
 * Driver errors at connect time, as RetortErrors that name host, port, user and database, and
 * never the password (the driver's own text passes through redaction before it is kept).
 */
import { isRetortError, RetortError } from '../../errors.js';
import { redactSecrets } from '../../util/redact.js';
import type { ConnectionUrl, ServerErrorReport } from '../dialect.js';

/** The parts of a mysql2 error we read. */
interface DriverError {
  readonly code?: string;
  readonly errno?: number;
  readonly message?: string;
}

/** Network-level failures: nothing answered at host:port. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST']);

/** MySQL error numbers for a refused login. */
const ACCESS_DENIED = new Set([1045, 1698]);

/** The `host:port` the URL points at, with MySQL's defaults. */
export function endpointOf(url: ConnectionUrl): { host: string; port: number } {
  return { host: url.host ?? 'localhost', port: url.port ?? 3306 };
}

/** A connect-time failure as `ConnectionFailed` or `DatabaseNotFound`. */
export function connectError(error: unknown, url: ConnectionUrl, connectMs?: number): RetortError {
  if (isRetortError(error)) return error;
  const driver = (error ?? {}) as DriverError;
  const { host, port } = endpointOf(url);
  const user = url.user ?? 'root';
  const database = url.database ?? '';
  const detail = redactSecrets(String(driver.message ?? error), [url.password]);
  // The cause is kept for --verbose, but as a plain Error with the redacted text only: the
  // driver's error object may carry the connection config, password included.
  const cause = new Error(detail);
  const fields = { host, port, user, database, driverCode: driver.code ?? null };
  if (driver.errno === 1049 || driver.code === 'ER_BAD_DB_ERROR') {
    return new RetortError('DatabaseNotFound', `The database '${database}' does not exist on the MySQL server at ${host}:${port}.`, {
      fields,
      hint: `Create it first (CREATE DATABASE \`${database.replaceAll('`', '``')}\`) or fix the database name in the URL.`,
      cause,
    });
  }
  if ((driver.errno !== undefined && ACCESS_DENIED.has(driver.errno)) || driver.code === 'ER_ACCESS_DENIED_ERROR') {
    return new RetortError('ConnectionFailed', `Authentication failed for user '${user}' on the MySQL server at ${host}:${port}.`, {
      fields,
      hint: 'Check the user name and password in the URL (percent-encode special characters in the password).',
      cause,
    });
  }
  if (driver.errno === 1044 || driver.code === 'ER_DBACCESS_DENIED_ERROR') {
    // MySQL answers 1044 also when the database does not exist and the user could not see it
    // anyway (it never tells an unprivileged user which databases exist), so say both.
    return new RetortError('ConnectionFailed', `User '${user}' may not use database '${database}' on the MySQL server at ${host}:${port}.`, {
      fields,
      hint: `Check that the database exists, and grant the user access to it (GRANT ALL ON \`${database.replaceAll('`', '``')}\`.* TO ...).`,
      cause,
    });
  }
  if (driver.code === 'ETIMEDOUT' && connectMs !== undefined && connectMs > 0) {
    return new RetortError('ConnectTimeout', `The MySQL server at ${host}:${port} did not complete the connect (TCP, TLS, authentication) within ${connectMs / 1000} s.`, {
      fields,
      hint: 'Check that the server is up and reachable (a firewall that drops packets, an overloaded server or proxy), or raise `connectTimeout` in the config (or `connect_timeout` in the URL).',
      cause,
    });
  }
  if (driver.code === 'HANDSHAKE_NO_SSL_SUPPORT' || /does not support secure connection/i.test(detail)) {
    return new RetortError('ConnectionFailed', `The MySQL server at ${host}:${port} does not offer TLS, and the URL requires it.`, {
      fields,
      hint: 'Enable TLS on the server (ssl_cert, ssl_key), or remove the TLS parameters from the URL if plain text is acceptable on this network.',
      cause,
    });
  }
  const unreachable = driver.code !== undefined && UNREACHABLE.has(driver.code);
  const why = unreachable ? 'nothing answered' : detail;
  return new RetortError('ConnectionFailed', `Could not connect to the MySQL server at ${host}:${port}: ${why}.`, {
    fields,
    hint: unreachable ? 'Check that the server is running and that the host and port in the URL are right.' : 'Check the URL and the server log.',
    cause,
  });
}

/**
 * The codes of a server error for `--json` (the dialect's `describeServerError`): the message of
 * mysql2's error already holds all the server said (MySQL sends no DETAIL or HINT apart), so no
 * line is added. Undefined for what is not a server error (a lost connection, a timeout).
 */
export function describeMysqlError(error: unknown): ServerErrorReport | undefined {
  const e = error as { code?: unknown; errno?: unknown; sqlState?: unknown } | null;
  if (typeof e !== 'object' || e === null || typeof e.errno !== 'number' || typeof e.sqlState !== 'string') return undefined;
  return { lines: [], fields: { code: e.code, errno: e.errno, sqlState: e.sqlState } };
}
