#!/usr/bin/env node
/**
 * Peer of the upgrade benchmark: umzug, set up to commit per migration exactly as retort does by
 * default: each migration is one transaction holding its CREATE and its row in umzug's table
 * (MySQL commits each DDL on its own: there the row is written right after). The raw drivers run
 * the SQL, as a user of umzug would wire it. Usage: node umzug.mjs <dialect> <url> <creates.json>.
 */
import { readFileSync } from 'node:fs';
import { Umzug } from 'umzug';

const [dialect, url, createsFile] = process.argv.slice(2);
const creates = JSON.parse(readFileSync(createsFile, 'utf8'));

/** One connection with `run(sql)` and `rows(sql)`, per driver. */
async function connect() {
  if (dialect === 'postgres') {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return { run: (sql) => client.query(sql), rows: async (sql) => (await client.query(sql)).rows, close: () => client.end() };
  }
  if (dialect === 'mysql') {
    const { createConnection } = await import('mysql2/promise');
    const conn = await createConnection({ uri: url });
    return { run: (sql) => conn.query(sql), rows: async (sql) => (await conn.query(sql))[0], close: () => conn.end() };
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(url.slice('sqlite:'.length));
  return { run: async (sql) => db.exec(sql), rows: async (sql) => db.prepare(sql).all(), close: async () => db.close() };
}

const db = await connect();
try {
  await db.run('CREATE TABLE IF NOT EXISTS umzug_meta (name VARCHAR(255) NOT NULL PRIMARY KEY)');
  const umzug = new Umzug({
    migrations: creates.map((create, i) => {
      const name = `m${String(i).padStart(6, '0')}`;
      return {
        name,
        up: async () => {
          await db.run('BEGIN');
          await db.run(create);
          await db.run(`INSERT INTO umzug_meta (name) VALUES ('${name}')`);
          await db.run('COMMIT');
        },
      };
    }),
    // The row is written inside each migration's transaction (above), as retort writes its version row.
    storage: {
      executed: async () => (await db.rows('SELECT name FROM umzug_meta')).map((r) => r.name),
      logMigration: async () => undefined,
      unlogMigration: async () => undefined,
    },
    logger: undefined,
  });
  const applied = await umzug.up();
  if (applied.length !== creates.length) throw new Error(`umzug applied ${applied.length} of ${creates.length} migrations`);
} finally {
  await db.close();
}
