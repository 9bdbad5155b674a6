/**
 * Scratch databases on a server (PostgreSQL, MySQL / MariaDB): `CREATE DATABASE` next to the
 * configured one, over a connection to the configured URL, and a URL that differs from it only
 * in the database name (same user, host, TLS and timeout parameters).
 */
import type { Connection, ConnectionUrl } from './dialect.js';
import { onServer, serverDatabase } from './copies.js';
import type { ScratchDatabase, ScratchDatabases } from './snapshot.js';

/** How one server dialect creates and drops a database. */
export interface ServerScratchSql {
  connect(url: ConnectionUrl): Promise<Connection>;
  quoteIdentifier(name: string): string;
  /**
   * What follows `DROP DATABASE IF EXISTS name` (PostgreSQL: `WITH (FORCE)`, so a connection a
   * failed run left open cannot keep the scratch database alive).
   */
  readonly dropSuffix?: string;
}

/** Scratch databases made by `sql` (see {@link ServerScratchSql}). */
export function serverScratchDatabases(sql: ServerScratchSql): ScratchDatabases {
  return Object.freeze({
    async create(url: string, name: string): Promise<ScratchDatabase> {
      await onServer(sql, url, (s) => s.execute(`CREATE DATABASE ${sql.quoteIdentifier(name)}`));
      return serverDatabase(sql, url, name);
    },
  });
}
