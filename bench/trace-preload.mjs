/**
 * Preloaded into a retort process (`node --import ./bench/trace-preload.mjs`) by statements.mjs:
 * records every request each driver sends to the server (pg `Client.query`, MySQL command packets
 * read off the socket, better-sqlite3 `exec` / statement runs), with the connection it went on, and writes
 * them as JSON lines to `$RETORT_BENCH_TRACE` at exit. One pg or mysql2 request is one round trip
 * (a multi-statement text included); on SQLite it is one call into the library.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
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
// MySQL/MariaDB at the socket: the CLI bundles mysql2 (scripts/bundle-cli.mjs), so there is no
// driver in node_modules to patch. A socket is MySQL's when its first write is a handshake
// response (sequence 1, a 3-byte length that matches); after that every command packet
// (sequence 0) whose command is COM_QUERY (0x03) or COM_STMT_PREPARE (0x16) is one request.
const mysqlSockets = new WeakMap();
const socketWrite = net.Socket.prototype.write;
net.Socket.prototype.write = function tracedWrite(chunk, ...rest) {
  if (Buffer.isBuffer(chunk) && chunk.length >= 5) {
    let known = mysqlSockets.get(this);
    if (known === undefined) {
      known = chunk[3] === 1 && chunk.readUIntLE(0, 3) === chunk.length - 4;
      mysqlSockets.set(this, known);
    } else if (known) {
      for (let at = 0; at + 5 <= chunk.length;) {
        const length = chunk.readUIntLE(at, 3);
        if (chunk[at + 3] === 0 && (chunk[at + 4] === 0x03 || chunk[at + 4] === 0x16)) record('mysql2', this, chunk.toString('utf8', at + 5, at + 4 + length));
        at += 4 + length;
      }
    }
  }
  return socketWrite.call(this, chunk, ...rest);
};
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
