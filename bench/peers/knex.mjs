#!/usr/bin/env node
/**
 * Peer of the upgrade benchmark: knex's migrator (`knex.migrate.latest()`) applying the same
 * CREATE statements, one migration each, from an in-memory migration source.
 * Usage: node knex.mjs <dialect> <url> <creates.json>.
 *
 * knex's default, kept here: when every migration allows a transaction, the WHOLE batch is one
 * transaction (compare it with retort's `transaction: 'all'`); on MySQL each DDL commits anyway.
 */
import { readFileSync } from 'node:fs';
import knexFactory from 'knex';

const [dialect, url, createsFile] = process.argv.slice(2);
const creates = JSON.parse(readFileSync(createsFile, 'utf8'));
const names = creates.map((_, i) => `m${String(i).padStart(6, '0')}`);

const knex = knexFactory({
  client: { postgres: 'pg', mysql: 'mysql2', sqlite: 'better-sqlite3' }[dialect],
  connection: dialect === 'sqlite' ? { filename: url.slice('sqlite:'.length) } : url,
  useNullAsDefault: true,
  pool: { min: 0, max: 2 },
});
const source = {
  getMigrations: async () => names,
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const create = creates[names.indexOf(name)];
    return { up: (k) => k.raw(create), down: async () => undefined };
  },
};
try {
  const [, applied] = await knex.migrate.latest({ migrationSource: source });
  if (applied.length !== creates.length) throw new Error(`knex applied ${applied.length} of ${creates.length} migrations`);
} finally {
  await knex.destroy();
}
