#!/usr/bin/env node
/**
 * Peer of the upgrade benchmark on PostgreSQL only: node-pg-migrate's runner, on a folder of one
 * CommonJS migration file per CREATE (as its CLI generates them). Its default, kept here: each
 * migration in its own transaction with its row in `pgmigrations`, as retort does.
 * Usage: node node-pg-migrate.mjs postgres <url> <creates.json>.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runner } from 'node-pg-migrate';

const [, url, createsFile] = process.argv.slice(2);
const creates = JSON.parse(readFileSync(createsFile, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'retort-bench-npm-'));
creates.forEach((create, i) => {
  writeFileSync(join(dir, `${String(1700000000000 + i)}_m${i}.js`), `exports.up = (pgm) => { pgm.sql(${JSON.stringify(create)}); };\nexports.down = false;\n`);
});
try {
  const applied = await runner({ databaseUrl: url, dir, direction: 'up', migrationsTable: 'pgmigrations', count: Infinity, log: () => undefined });
  if (applied.length !== creates.length) throw new Error(`node-pg-migrate applied ${applied.length} of ${creates.length} migrations`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
