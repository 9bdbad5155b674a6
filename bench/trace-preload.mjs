/**
 * Preloaded into a retort process (`node --import ./bench/trace-preload.mjs`) by statements.mjs:
 * records every request each driver sends to the server (PostgreSQL and MySQL requests read off
 * the socket, better-sqlite3 `exec` / statement runs), with the connection it went on, and writes
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

// pg and mysql2 are read at the socket: the CLI bundles both (scripts/bundle-cli.mjs), so there is
// no driver in node_modules to patch. A socket's protocol is known from its first write.
const sockets = new WeakMap();
const socketWrite = net.Socket.prototype.write;
net.Socket.prototype.write = function tracedWrite(chunk, ...rest) {
  if (Buffer.isBuffer(chunk) && chunk.length >= 5) {
    let state = sockets.get(this);
    if (state === undefined) {
      state = protocolOf(chunk);
      sockets.set(this, state);
    } else if (state.kind === 'mysql') recordMysql(this, chunk);
    else if (state.kind === 'pg') recordPg(this, state, chunk);
  }
  return socketWrite.call(this, chunk, ...rest);
};

/**
 * MySQL: the first write is a handshake response (sequence 1, a 3-byte length that matches).
 * PostgreSQL: a startup message (a 4-byte length that matches, then protocol 3.0).
 */
function protocolOf(chunk) {
  if (chunk[3] === 1 && chunk.readUIntLE(0, 3) === chunk.length - 4) return { kind: 'mysql' };
  if (chunk.length >= 8 && chunk.readInt32BE(0) === chunk.length && chunk.readInt32BE(4) === 196608) {
    return { kind: 'pg', statements: new Map(), pending: '' };
  }
  return { kind: 'other' };
}

/** Every command packet (sequence 0) whose command is COM_QUERY (0x03) or COM_STMT_PREPARE (0x16) is one request. */
function recordMysql(socket, chunk) {
  for (let at = 0; at + 5 <= chunk.length;) {
    const length = chunk.readUIntLE(at, 3);
    if (chunk[at + 3] === 0 && (chunk[at + 4] === 0x03 || chunk[at + 4] === 0x16)) record('mysql2', socket, chunk.toString('utf8', at + 5, at + 4 + length));
    at += 4 + length;
  }
}

/**
 * PostgreSQL frontend messages (a type byte, then a 4-byte length that counts itself): a simple
 * Query ('Q') is one request; an extended one is Parse ('P', a statement name and its text) or a
 * Bind ('B') of a statement parsed earlier, ended by a Sync ('S'), which is the round trip.
 */
function recordPg(socket, state, chunk) {
  const cstring = (at) => {
    const end = chunk.indexOf(0, at);
    return { text: chunk.toString('utf8', at, end), next: end + 1 };
  };
  for (let at = 0; at + 5 <= chunk.length;) {
    const type = String.fromCharCode(chunk[at]);
    const length = chunk.readInt32BE(at + 1);
    const body = at + 5;
    if (type === 'Q') record('pg', socket, cstring(body).text);
    else if (type === 'P') {
      const name = cstring(body);
      const sql = cstring(name.next).text;
      state.statements.set(name.text, sql);
      state.pending = sql;
    } else if (type === 'B') {
      const portal = cstring(body);
      state.pending = state.statements.get(cstring(portal.next).text) ?? state.pending;
    } else if (type === 'S') record('pg', socket, state.pending);
    at += 1 + length;
  }
}

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
