/**
 * The tables an online run writes besides the user's (the version table, the history table),
 * created only when missing. A run that finds them issues no DDL at all: on a Galera cluster every
 * DDL statement, even a `CREATE TABLE IF NOT EXISTS` of a table that exists, is replicated in
 * total order and stalls every node's commits while it runs, so ten replicas finding nothing to
 * do must not issue twenty of them. Offline scripts keep the `IF NOT EXISTS` statements (the DBA's
 * database is not there to ask).
 */
import type { ResolvedTarget } from '../config/index.js';
import type { CompileContext, Dialect, Session } from '../dialects/dialect.js';
import type { Channel } from '../runtime/channel.js';
import { createHistoryTableOp } from '../runtime/history-table.js';
import { createVersionTableOp } from '../runtime/version-table.js';
import type { CreateTableOp } from '../ops/operations.js';
import { historyTableOf } from './history-run.js';

/** Which of the run's tables existed before it began. */
export interface RunTables {
  readonly versionTableExisted: boolean;
  readonly historyTableExisted: boolean;
}

/**
 * Looks both tables up in one catalog query and creates the missing ones: the history table
 * always, the version table when `createVersionTable` (an upgrade or a stamp; a downgrade of a
 * database that has none has nothing to record there).
 */
export async function ensureRunTables(args: {
  readonly dialect: Dialect;
  readonly session: Session;
  readonly channel: Channel;
  readonly target: ResolvedTarget;
  readonly compileContext: CompileContext;
  readonly createVersionTable: boolean;
}): Promise<RunTables> {
  const { dialect, channel, target, compileContext } = args;
  const version = { name: target.versionTable, ...(target.dbSchema === undefined ? {} : { schema: target.dbSchema }) };
  const history = historyTableOf(target);
  const existing = await dialect.existingTables(args.session, [version.name, history.name], target.dbSchema);
  const tables: RunTables = { versionTableExisted: existing.has(version.name), historyTableExisted: existing.has(history.name) };
  const missing: CreateTableOp[] = [
    ...(args.createVersionTable && !tables.versionTableExisted ? [createVersionTableOp(version)] : []),
    ...(tables.historyTableExisted ? [] : [createHistoryTableOp(history)]),
  ];
  for (const op of missing) for (const sql of await dialect.compiler.compile(op, compileContext)) await channel.run(sql);
  return tables;
}
