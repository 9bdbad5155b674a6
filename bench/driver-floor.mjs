#!/usr/bin/env node
/**
 * A line of the upgrade benchmark that is no tool: the Node driver retort uses (better-sqlite3,
 * pg, mysql2) running the floor's minimal SQL (floor.mjs) in one Node process, each revision's
 * statements in as few requests as the driver allows. It is what every Node migration tool starts
 * from (Node's start, the driver's load, its per-request cost), so a goal under this line's ratio
 * is out of reach for any tool written in Node, retort or a peer.
 *
 * Requests per revision: SQLite 1 (`exec` of the revision's transaction, in process); PostgreSQL
 * 1 (`BEGIN; CREATE ...; INSERT ...; COMMIT` as one simple query: psql sends each statement apart,
 * 4 round trips); MySQL 1 (the CREATE and the INSERT as one multi-statement query: the CREATE
 * commits on its own, the INSERT autocommits, as in the floor).
 * Usage: node driver-floor.mjs <dialect> <url> <floor.sql>.
 */
import { readFileSync } from 'node:fs';

const [dialect, url, floorFile] = process.argv.slice(2);
const text = readFileSync(floorFile, 'utf8');
// floor.mjs writes the version table's CREATE first, then one block per revision; on SQLite and
// PostgreSQL a block is `BEGIN; ... COMMIT;`, on MySQL the CREATE and the INSERT alone.
const blocks = dialect === 'mysql'
  ? text.trim().split(/\n(?=CREATE TABLE)/)
  : text.trim().split(/\n(?=BEGIN;)/);

if (dialect === 'sqlite') {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(url.slice('sqlite:'.length));
  for (const block of blocks) db.exec(block);
  db.close();
} else if (dialect === 'postgres') {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const block of blocks) await client.query(block);
  await client.end();
} else {
  const { createConnection } = await import('mysql2/promise');
  const conn = await createConnection({ uri: url, multipleStatements: true });
  for (const block of blocks) await conn.query(block);
  await conn.end();
}
