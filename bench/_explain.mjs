import pg from 'pg';
import { COLUMNS_SQL, INDEXES_SQL } from '/work/h-lead/dist/dialects/postgres/catalog-sql.js';
const c = new pg.Client('postgres://postgres@127.0.0.1:5432/chk2000'); await c.connect();
await c.query("SET jit = off");
const oids = (await c.query("SELECT array_agg(c.oid) a FROM pg_class c WHERE relnamespace='public'::regnamespace AND relkind='r'")).rows[0].a;
for (const [n, q] of [['columns', COLUMNS_SQL], ['indexes', INDEXES_SQL]]) {
  const r = await c.query('EXPLAIN (ANALYZE, BUFFERS) ' + q, [oids]);
  console.log(n); console.log(r.rows.map((x) => x['QUERY PLAN']).join('\n'));
}
await c.end();
