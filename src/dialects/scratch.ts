/**
 * Scratch databases on a server (PostgreSQL, MySQL / MariaDB): `CREATE DATABASE` next to the
 * configured one, over a connection to the configured URL, and a URL that differs from it only
 * in the database name (same user, host, TLS and timeout parameters).
 */
import { parseUrl } from '../config/url.js';
import type { ConnectionUrl, Connection } from './dialect.js';
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

async function run(sql: ServerScratchSql, url: string, statement: string): Promise<void> {
  const connection = await sql.connect(parseUrl(url));
  try {
    await connection.withSession((session) => session.execute(statement));
  } finally {
    await connection.close();
  }
}

/** Scratch databases made by `sql` (see {@link ServerScratchSql}). */
export function serverScratchDatabases(sql: ServerScratchSql): ScratchDatabases {
  return Object.freeze({
    async create(url: string, name: string): Promise<ScratchDatabase> {
      const quoted = sql.quoteIdentifier(name);
      await run(sql, url, `CREATE DATABASE ${quoted}`);
      const scratch = new URL(url);
      scratch.pathname = `/${encodeURIComponent(name)}`;
      let dropped = false;
      return {
        url: scratch.toString(),
        name,
        drop: async () => {
          if (dropped) return;
          await run(sql, url, `DROP DATABASE IF EXISTS ${quoted}${sql.dropSuffix === undefined ? '' : ` ${sql.dropSuffix}`}`);
          dropped = true;
        },
      };
    },
  });
}
