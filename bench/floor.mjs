/**
 * The floor of the upgrade benchmarks (issue 14): each dialect's own client running only the
 * minimal SQL of a chain, each revision's CREATE plus one version-row INSERT, one transaction per
 * revision. Not retort's `--sql` output: that carries retort's own bookkeeping (history rows),
 * which would count as baseline and flatter retort.
 *
 * Also here: fresh databases per run, and the same client reading the version table once (the
 * baseline of `retort current` and of a no-op upgrade).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { measureProcess } from './lib.mjs';

export const PG_ADMIN = process.env.RETORT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MY_ADMIN = process.env.RETORT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** `adminUrl` with its database replaced by `name`. */
export function withDb(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The table-creating statements of retort's `--sql` output, in order: the DDL every tool runs
 * (the version and history tables' own CREATE ... IF NOT EXISTS are left out).
 */
export function chainCreates(retortSql) {
  return retortSql
    .split(/;\n/)
    .map((s) => s.replace(/^--.*$/gm, '').trim())
    .filter((s) => /^CREATE TABLE (?!IF NOT EXISTS)/.test(s));
}

const mysqlClient = () => (spawnSync('which', ['mariadb']).status === 0 ? 'mariadb' : 'mysql');

/** `mariadb -h.. -P.. -u.. db` for a mysql:// URL, as an argv. */
export function mysqlArgs(url) {
  const u = new URL(url);
  return [mysqlClient(), `-h${u.hostname}`, `-P${u.port || 3306}`, `-u${u.username}`, u.pathname.slice(1)];
}

/** Run `argv` with `file` on its standard input, under /usr/bin/time. */
function measureWithInput(argv, file) {
  return measureProcess('sh', ['-c', `exec ${argv.map((a) => `'${a}'`).join(' ')} < '${file}'`]);
}

/** Per dialect: fresh databases, the minimal SQL, and its client. */
export const dialects = {
  sqlite: {
    client: 'sqlite3',
    async create(dir, name) { return { url: `sqlite:${join(dir, `${name}.db`)}`, drop: async () => {} }; },
    /** SQLite has transactional DDL: the CREATE and the INSERT commit together. */
    transaction: (body) => `BEGIN;\n${body}\nCOMMIT;`,
    run: (url, file) => measureWithInput(['sqlite3', url.slice('sqlite:'.length)], file),
  },
  postgres: {
    client: 'psql',
    async create(_dir, name) {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`CREATE DATABASE "${name}"`);
      await c.end();
      return {
        url: withDb(PG_ADMIN, name),
        drop: async () => {
          const d = new pg.Client({ connectionString: PG_ADMIN });
          await d.connect();
          await d.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          await d.end();
        },
      };
    },
    transaction: (body) => `BEGIN;\n${body}\nCOMMIT;`,
    run: (url, file) => measureProcess('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-X', '-f', file, url]),
  },
  mysql: {
    client: 'the mariadb client',
    async create(_dir, name) {
      const c = await mysql.createConnection(MY_ADMIN);
      await c.query(`CREATE DATABASE \`${name}\``);
      await c.end();
      return {
        url: withDb(MY_ADMIN, name),
        drop: async () => {
          const d = await mysql.createConnection(MY_ADMIN);
          await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
          await d.end();
        },
      };
    },
    // MySQL commits DDL implicitly: a BEGIN around it would change nothing. The CREATE commits on
    // its own, the INSERT autocommits: what every migration tool does on MySQL.
    transaction: (body) => body,
    run: (url, file) => measureWithInput(mysqlArgs(url), file),
  },
};

/** Write the minimal SQL of `creates` for `dialect` (ids from `revIds`) into dir; returns its path. */
export function writeFloorSql(dir, dialect, creates, revIds) {
  const d = dialects[dialect];
  const q = dialect === 'mysql' ? '`' : '"';
  const parts = [`CREATE TABLE ${q}bench_version${q} (${q}version_num${q} VARCHAR(64) NOT NULL PRIMARY KEY);`];
  creates.forEach((create, i) => {
    parts.push(d.transaction(`${create};\nINSERT INTO ${q}bench_version${q} (${q}version_num${q}) VALUES ('${revIds[i]}');`));
  });
  const file = join(dir, `floor-${dialect}.sql`);
  writeFileSync(file, `${parts.join('\n')}\n`);
  return file;
}

/** Write a one-query SQL file reading retort's version table: the status baseline. */
export function writeStatusSql(dir, dialect) {
  const q = dialect === 'mysql' ? '`' : '"';
  const file = join(dir, `status-${dialect}.sql`);
  writeFileSync(file, `SELECT ${q}version_num${q} FROM ${q}retort_version${q};\n`);
  return file;
}
