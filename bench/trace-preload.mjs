/**
 * Preloaded into a retort process (`node --import ./bench/trace-preload.mjs`) by statements.mjs:
 * records every request each driver sends to the server (pg `Client.query`, mysql2 `query` /
 * `execute`, better-sqlite3 `exec` / statement runs), with the connection it went on, and writes
 * them as JSON lines to `$RETORT_BENCH_TRACE` at exit. One pg or mysql2 request is one round trip
 * (a multi-statement text included); on SQLite it is one call into the library.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const out = process.env.RETORT_BENCH_TRACE;
const require = createRequire(join(process.cwd(), 'noop.js'));
const lines = [];
const ids = new WeakMap();
let nextId = 1;
const idOf = (conn) => {
  if (!ids.has(conn)) ids.set(conn, nextId++);
  return ids.get(conn);
};
const record = (driver, conn, sql) => lines.push(JSON.stringify({ driver, conn: idOf(conn), sql: typeof sql === 'string' ? sql : sql?.text ?? sql?.sql ?? String(sql) }));

function patch(proto, name, driver) {
  const original = proto[name];
  proto[name] = function traced(sql, ...rest) {
    record(driver, this, sql);
    return original.call(this, sql, ...rest);
  };
}

const root = process.env.RETORT_BENCH_ROOT;
const load = (name) => require(join(root, 'node_modules', name));
try { patch(load('pg').Client.prototype, 'query', 'pg'); } catch { /* driver absent */ }
try {
  const Base = require(join(root, 'node_modules/mysql2/lib/base/connection.js'));
  const proto = (Base.BaseConnection ?? Base).prototype;
  patch(proto, 'query', 'mysql2');
  patch(proto, 'execute', 'mysql2');
} catch { /* driver absent */ }
try {
  const Database = load('better-sqlite3');
  patch(Database.prototype, 'exec', 'sqlite');
  patch(Database.prototype, 'pragma', 'sqlite');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function tracedPrepare(sql, ...rest) {
    const statement = prepare.call(this, sql, ...rest);
    const db = this;
    for (const method of ['run', 'get', 'all', 'iterate']) {
      const inner = statement[method];
      statement[method] = function tracedRun(...args) {
        record('sqlite', db, sql);
        return inner.apply(this, args);
      };
    }
    return statement;
  };
} catch { /* driver absent */ }

process.on('exit', () => {
  if (out) appendFileSync(out, lines.map((l) => `${l}\n`).join(''));
});
