#!/usr/bin/env node
/**
 * Peer of the upgrade benchmark: drizzle-orm's migrator (`migrate(db, { migrationsFolder })`), on
 * a folder written as drizzle-kit writes it (`meta/_journal.json` and one `<tag>.sql` per
 * migration). drizzle-orm is a devDependency of retort (for the Drizzle schema input).
 * Usage: node drizzle.mjs <dialect> <url> <creates.json>.
 *
 * drizzle's default, kept here: on PostgreSQL and SQLite the WHOLE run is one transaction
 * (compare it with retort's `transaction: 'all'`).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [dialect, url, createsFile] = process.argv.slice(2);
const creates = JSON.parse(readFileSync(createsFile, 'utf8'));

const folder = mkdtempSync(join(tmpdir(), 'retort-bench-drizzle-'));
mkdirSync(join(folder, 'meta'));
const entries = creates.map((create, i) => {
  const tag = `${String(i).padStart(4, '0')}_m${i}`;
  writeFileSync(join(folder, `${tag}.sql`), `${create};\n`);
  return { idx: i, version: '7', when: 1700000000000 + i, tag, breakpoints: true };
});
const journalDialect = { postgres: 'postgresql', mysql: 'mysql', sqlite: 'sqlite' }[dialect];
writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: journalDialect, entries }));

try {
  if (dialect === 'postgres') {
    const { default: pg } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try { await migrate(drizzle(client), { migrationsFolder: folder }); } finally { await client.end(); }
  } else if (dialect === 'mysql') {
    const { createConnection } = await import('mysql2/promise');
    const { drizzle } = await import('drizzle-orm/mysql2');
    const { migrate } = await import('drizzle-orm/mysql2/migrator');
    const conn = await createConnection({ uri: url });
    try { await migrate(drizzle(conn), { migrationsFolder: folder }); } finally { await conn.end(); }
  } else {
    const { default: Database } = await import('better-sqlite3');
    const { drizzle } = await import('drizzle-orm/better-sqlite3');
    const { migrate } = await import('drizzle-orm/better-sqlite3/migrator');
    const sqlite = new Database(url.slice('sqlite:'.length));
    try { migrate(drizzle(sqlite), { migrationsFolder: folder }); } finally { sqlite.close(); }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
