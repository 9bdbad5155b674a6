/**
 * Issue 10: `retort pull` and a no-op `retort check` on GitLab's schema (1,401 tables, 94
 * partitioned parents, 432 partitions, 6,040 indexes, 2,315 foreign keys, 2,279 checks), as whole
 * processes, against psql reading the same catalog (tables with their options and bounds,
 * columns, indexes through pg_get_indexdef, constraints through pg_get_constraintdef) in the same
 * run. The fixture is loaded once with psql (about half a minute).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { BIN, median, report, timeProcess, workdir } from './lib.mjs';

const PG_ADMIN = process.env.RETORT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const FIXTURE = '/work/shared/fixtures/gitlab.postgres.sql';
const SCHEMAS = ['public', 'gitlab_partitions_static', 'gitlab_partitions_dynamic'];
const IN_SCHEMAS = `IN (${SCHEMAS.map((s) => `'${s}'`).join(', ')})`;

const CATALOG = `
SELECT n.nspname, c.relname, c.relkind, c.relpersistence, c.reloptions, pg_get_partkeydef(c.oid), pg_get_expr(c.relpartbound, c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname ${IN_SCHEMAS} AND c.relkind IN ('r', 'p');
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, a.attgenerated, a.attcollation, pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname ${IN_SCHEMAS} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped;
SELECT conrelid::regclass, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
WHERE connamespace IN (SELECT oid FROM pg_namespace WHERE nspname ${IN_SCHEMAS});
SELECT i.indrelid::regclass, i.indexrelid::regclass, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname ${IN_SCHEMAS});
`;

export async function benchGitlab({ log, runs = 3 }) {
  const name = `retort_bgitlab_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const { dir, remove } = workdir('gitlab');
  try {
    const load = timeProcess('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url.toString(), '-f', FIXTURE]);
    log(`GitLab loaded by psql in ${load.seconds.toFixed(1)} s`);
    mkdirSync(join(dir, 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'retort.config.ts'), `import { defineConfig } from 'retort-migrate';
export default defineConfig({ url: ${JSON.stringify(url.toString())}, migrations: './migrations', schema: './src/schema.ts',
  autogenerate: { schemas: ${JSON.stringify(SCHEMAS)} } });
`);
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
    const baseline = median(runs, () => timeProcess('psql', ['-X', '-q', '-c', CATALOG, url.toString()]).seconds);
    const pull = median(runs, () => timeProcess(process.execPath, [BIN, '-q', 'pull', '--force'], { cwd: dir, env }).seconds);
    // The first check compiles and caches the 1,401-table module, as a developer's first run would.
    const first = timeProcess(process.execPath, [BIN, '-q', 'check'], { cwd: dir, env }).seconds;
    const check = median(runs, () => timeProcess(process.execPath, [BIN, '-q', 'check'], { cwd: dir, env }).seconds);
    const name = 'psql reading the same catalog';
    report(log, '  retort pull (1,401 tables, 6,040 indexes)', pull, name, baseline);
    report(log, '  retort check, no differences, first run', first, name, baseline);
    report(log, '  retort check, no differences', check, name, baseline);
  } finally {
    remove();
    const d = new pg.Client({ connectionString: PG_ADMIN });
    await d.connect();
    await d.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await d.end();
  }
}
