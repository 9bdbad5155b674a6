/**
 * `retort upgrade head` of a chain of 2,000 revisions (one 5-column table each) as a whole
 * process, against the database's own tool executing the SQL that `retort upgrade head --sql`
 * prints for the same chain, in the same transaction mode (one transaction per revision):
 * better-sqlite3 in one Node process for SQLite, `psql` for PostgreSQL, `mariadb` for MariaDB.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { BIN, ROOT, report, timeProcess, workdir, writeChain } from './lib.mjs';

const PG_ADMIN = process.env.RETORT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MY_ADMIN = process.env.RETORT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const RUN_SQLITE_SCRIPT = `
const Database = require(${JSON.stringify(join(ROOT, 'node_modules/better-sqlite3'))});
const { readFileSync } = require('node:fs');
const db = new Database(process.argv[1]);
// The same statements retort prints, one by one, as its online run executes them.
const statements = readFileSync(process.argv[2], 'utf8').split(';\\n').map((s) => s.replace(/^--.*$/gm, '').trim()).filter(Boolean);
for (const s of statements) db.exec(s);
db.close();
`;

function withDb(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const databases = {
  sqlite: {
    goal: 'within 1.3x',
    baselineName: 'better-sqlite3 running the same SQL',
    async create(dir, name) { return { url: `sqlite:${join(dir, `${name}.db`)}`, drop: async () => {} }; },
    baseline(url, sqlFile) {
      return timeProcess(process.execPath, ['-e', RUN_SQLITE_SCRIPT, url.slice('sqlite:'.length), sqlFile]).seconds;
    },
  },
  postgres: {
    goal: 'within 1.2x',
    baselineName: 'psql running the same SQL',
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
    baseline(url, sqlFile) {
      return timeProcess('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-X', '-f', sqlFile, url]).seconds;
    },
  },
  mysql: {
    goal: 'within 1.3x',
    baselineName: 'the mariadb client running the same SQL',
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
    baseline(url, sqlFile) {
      const u = new URL(url);
      const client = spawnSync('which', ['mariadb']).status === 0 ? 'mariadb' : 'mysql';
      return timeProcess('sh', ['-c', `${client} -h${u.hostname} -P${u.port || 3306} -u${u.username} ${u.pathname.slice(1)} < "${sqlFile}"`]).seconds;
    },
  },
};

const sortedMedian = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchUpgrade({ log, dialect, count = 2000, runs = 3 }) {
  const db = databases[dialect];
  const { dir, remove } = workdir(`upgrade-${dialect}`);
  const made = [];
  const fresh = async (label) => {
    const created = await db.create(dir, `retort_bench_${process.pid}_${label}`);
    made.push(created);
    return created;
  };
  try {
    writeChain(dir, count);
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
    const upgrade = (url) => timeProcess(process.execPath, [BIN, '--url', url, '-q', 'upgrade', 'head'], { cwd: dir, env }).seconds;
    const sql = timeProcess(process.execPath, [BIN, '--url', (await fresh('sql')).url, 'upgrade', 'head', '--sql'], { cwd: dir }).stdout;
    const sqlFile = join(dir, 'upgrade.sql');
    writeFileSync(sqlFile, sql);
    // Cold: the first run compiles the scripts; warm: the loader's cache has them (a CI's second run).
    const cold = upgrade((await fresh('cold')).url);
    // Baseline and warm runs alternate, each on a fresh database, so that a change in the
    // machine's load (or its disk's flush speed, which dominates here) touches both alike.
    const baselines = [];
    const warms = [];
    for (let i = 0; i < runs; i++) {
      baselines.push(db.baseline((await fresh(`base${i}`)).url, sqlFile));
      warms.push(upgrade((await fresh(`warm${i}`)).url));
    }
    const baseline = sortedMedian(baselines);
    log(`upgrade head of ${count} revisions on ${dialect} (whole processes, one transaction per revision; median of ${runs}):`);
    report(log, '  retort, scripts compiled (cold)', cold, db.baselineName, baseline);
    report(log, '  retort, scripts cached (warm)  ', sortedMedian(warms), db.baselineName, baseline, db.goal);
  } finally {
    for (const m of made) await m.drop().catch(() => undefined);
    remove();
  }
}
