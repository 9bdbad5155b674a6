/**
 * A connection of its own, outside the run's pool, for the run lock: the lock must survive the
 * session's transactions and a failing revision, and (for `GET_LOCK`) die with the process. It
 * takes the pool's options (connect timeout, keepalive, TLS: see client.ts).
 */
import mysql from 'mysql2/promise';
import { mysqlOptions, type MysqlClientSettings } from './client.js';
import { connectError } from './errors.js';

/**
 * Opens one connection, its connect and handshake bounded by `connectMs` (default: the
 * connect timeout).
 *
 * @throws RetortError `ConnectionFailed` / `ConnectTimeout` / `DatabaseNotFound`, never containing the password.
 */
export async function openSideConnection(settings: MysqlClientSettings, connectMs = settings.timeouts.connectMs): Promise<mysql.Connection> {
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection(mysqlOptions(settings, connectMs));
  } catch (error) {
    throw connectError(error, settings.url, connectMs);
  }
  // An idle connection the server drops emits 'error'; whoever uses it finds out on its next query.
  conn.on('error', () => undefined);
  return conn;
}
