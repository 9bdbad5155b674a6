/**
 * The PostgreSQL dialect: transactional DDL, schemas, named enums, identity columns,
 * CREATE INDEX CONCURRENTLY. Loaded lazily by the registry for `postgres://` and
 * `postgresql://` URLs.
 */
import type { Dialect } from '../dialect.js';
import { postgresCapabilities, postgresTransactionSql } from './capabilities.js';
import { PostgresCompiler } from './compiler.js';
import { withoutWorkersProbe } from './driver-load.js';
import { postgresExistingTables, readPostgresTable } from './introspect.js';
import { postgresAutogen } from './autogen/index.js';
import { postgresSnapshotReader } from './catalog-snapshot.js';
import { serverScratchDatabases } from '../scratch.js';
import { serverDatabaseCopies } from '../copies.js';
import { postgresRules } from '../../lint/postgres.js';
import { postgresLimits } from './limits.js';
import { explainPostgresFailure } from './failures.js';
import { describePostgresError } from './server-error.js';

const compiler = new PostgresCompiler();

/**
 * The driver (pg) is loaded by the first connection, not with the dialect: commands that open no
 * database (`lint`, `--sql`) do not load it (pg and what it loads were a twentieth of `retort lint`).
 */
const connectPostgres: Dialect['connect'] = async (url, options) => (await withoutWorkersProbe(() => import('./connection.js'))).connectPostgres(url, options);

/** The PostgreSQL dialect. */
export const postgresDialect: Dialect = Object.freeze({
  name: 'postgres',
  capabilities: postgresCapabilities,
  lintRules: postgresRules,
  compiler,
  // No pragmas: PostgreSQL enforces foreign keys itself. A target's dbSchema goes first in the
  // search_path so that a tenant's raw SQL reaches the tenant's tables; `public` stays after it
  // so that extension types and functions installed there (citext, uuid_generate_v4) resolve.
  hooks: Object.freeze({
    scopeToSchema: (schema: string) => [
      `SET search_path TO ${[...new Set([schema, 'public'])].map((name) => compiler.quoteIdentifier(name)).join(', ')}`,
    ],
  }),
  quoteIdentifier: (name: string) => compiler.quoteIdentifier(name),
  quoteString: (value: string) => compiler.quoteString(value),
  beginSql: postgresTransactionSql.begin,
  commitSql: postgresTransactionSql.commit,
  rollbackSql: postgresTransactionSql.rollback,
  connect: connectPostgres,
  readTable: readPostgresTable,
  existingTables: postgresExistingTables,
  autogen: postgresAutogen,
  // now() is the transaction's start: for a revision's row, when the revision began.
  historySql: Object.freeze({ nowUtc: "(now() AT TIME ZONE 'UTC')", user: 'current_user', host: 'host(inet_client_addr())' }),
  lastInsertIdSql: 'SELECT lastval() AS id',
  // The extended protocol's numbered parameters: the run's bookkeeping statement is then sent as
  // one prepared statement (requests.ts), parsed and planned once per run.
  parameter: (index: number) => `$${index}`,
  explainFailure: explainPostgresFailure,
  describeServerError: describePostgresError,
  catalogSnapshot: postgresSnapshotReader,
  statementLimits: postgresLimits,
  // FORCE (PostgreSQL 13+): a session a failed run left open must not keep the scratch database.
  scratch: serverScratchDatabases({ connect: connectPostgres, quoteIdentifier: (name) => compiler.quoteIdentifier(name), dropSuffix: 'WITH (FORCE)' }),
  copies: serverDatabaseCopies({
    connect: connectPostgres,
    quoteIdentifier: (name) => compiler.quoteIdentifier(name),
    existsSql: 'SELECT 1 FROM pg_database WHERE datname = $1',
    // FORCE terminates what is still connected (a test's leaked pool), after the other sessions
    // had up to a second to end on their own (a pool closing as the drop begins).
    dropSuffix: 'WITH (FORCE)',
    otherSessionsSql: 'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    // A file-level copy of the template (schema, rows, sequences, every object): no statement of
    // the revisions runs again. The server refuses while another session is connected to the
    // template (it waits up to 5 s for sessions that are closing).
    copy: async (session, from, name) => {
      await session.execute(`CREATE DATABASE ${compiler.quoteIdentifier(name)} TEMPLATE ${compiler.quoteIdentifier(from)}`);
      return true;
    },
  }),
});

export { PostgresCompiler } from './compiler.js';
export { postgresCapabilities, DEFAULT_PG_SCHEMA } from './capabilities.js';
export { connectPostgres };
export { readPostgresTable } from './introspect.js';
export { connectionError } from './errors.js';
