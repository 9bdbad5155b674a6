/**
 * A connection of its own, outside the run's pool, for the run lock: the lock must survive the
 * session's transactions and a failing revision, and (for `GET_LOCK`) die with the process.
 */
import mysql from 'mysql2/promise';
import type { ConnectionUrl } from '../dialect.js';
import { connectError, endpointOf } from './errors.js';

/**
 * Opens one connection to `url`.
 *
 * @throws RetortError `ConnectionFailed` / `DatabaseNotFound`, never containing the password.
 */
export async function openSideConnection(url: ConnectionUrl): Promise<mysql.Connection> {
  const { host, port } = endpointOf(url);
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({
      host,
      port,
      ...(url.user === undefined ? {} : { user: url.user }),
      ...(url.password === undefined ? {} : { password: url.password }),
      ...(url.database === undefined || url.database === '' ? {} : { database: url.database }),
      connectTimeout: 10_000,
    });
  } catch (error) {
    throw connectError(error, url);
  }
  // An idle connection the server drops emits 'error'; whoever uses it finds out on its next query.
  conn.on('error', () => undefined);
  return conn;
}
