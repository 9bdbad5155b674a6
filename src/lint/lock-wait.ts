/**
 * `missing-lock-timeout`: DDL on an existing table that would wait for its lock without bound.
 * A run sets the config's `lockWaitTimeout` for the session before the first statement
 * (PostgreSQL `lock_timeout`, MySQL/MariaDB `lock_wait_timeout`), so the rule fires when the
 * config turns it off (`lockWaitTimeout: 0`), or when a revision's raw SQL resets it before DDL.
 * An ALTER queued behind a long query makes every later query of the table queue behind the
 * ALTER: minutes of outage from a statement that itself would take milliseconds.
 *
 * The dialects differ only in how SQL spells the setting, so each declares a
 * {@link LockWaitSpelling} and gets its own instance of the rule.
 */
import type { Operation } from '../ops/operations.js';
import { tableOf } from './describe.js';
import type { EarlierOperation, LintRule, OperationView } from './types.js';

/** What one statement of raw SQL does to the lock-wait bound. */
export interface LockWaitChange {
  /** The statement leaves lock waits unbounded (0, DEFAULT, RESET) rather than setting a bound. */
  readonly unbounded: boolean;
  /** The change lasts only until the current transaction ends (PostgreSQL `SET LOCAL`). */
  readonly local: boolean;
}

/** How a dialect's SQL names and changes the lock-wait bound. */
export interface LockWaitSpelling {
  /** The session setting, for messages (`lock_timeout`). */
  readonly setting: string;
  /** The lock the typical ALTER TABLE waits for, for messages. */
  readonly lock: string;
  /** What `statement` (one statement, trimmed) does to the bound, or undefined if nothing. */
  change(statement: string): LockWaitChange | undefined;
  /** A bounded setting to suggest, as SQL. */
  readonly example: string;
}

/** Statements that take a table lock (raw DDL in an `op.execute`). */
const RAW_DDL = /^(ALTER|DROP|TRUNCATE|LOCK|REINDEX|CLUSTER|VACUUM\s+FULL|CREATE\s+(UNIQUE\s+)?INDEX)\b/i;

/** Operations that change data (or create a table), not an existing table's definition. */
const NOT_DDL: ReadonlySet<Operation['kind']> = new Set(['execute', 'bulkInsert', 'createTable', 'batch']);

function statements(sql: string): string[] {
  // Lint needs the SETs and the leading keywords only: a split on ';' is enough for them.
  return sql.split(';').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Whether lock waits are bounded when an operation runs after `earlier`: the config's bound,
 * then each raw SQL change in order; a `SET LOCAL` lasts until the transaction ends, that is
 * until an operation runs outside it (op.noTransaction commits what came before).
 */
function boundedAfter(spelling: LockWaitSpelling, lockWaitMs: number, earlier: readonly EarlierOperation[], inTransaction: boolean): { bounded: boolean; by?: string } {
  let session: { bounded: boolean; by?: string } = { bounded: lockWaitMs > 0 };
  let local: { bounded: boolean; by: string } | undefined;
  for (const { op, inTransaction: inside } of earlier) {
    if (!inside) local = undefined;
    if (op.kind !== 'execute') continue;
    for (const statement of statements(op.sql)) {
      const change = spelling.change(statement);
      if (change === undefined) continue;
      const state = { bounded: !change.unbounded, by: statement };
      if (change.local && inside) local = state;
      else session = state;
    }
  }
  return (inTransaction ? local : undefined) ?? session;
}

/** The raw DDL statement of `sql` that runs with unbounded waits after a reset in the same SQL. */
function rawDdlAfterReset(spelling: LockWaitSpelling, sql: string, bounded: boolean): { statement: string; by: string | undefined } | undefined {
  let by: string | undefined;
  for (const statement of statements(sql)) {
    const change = spelling.change(statement);
    if (change !== undefined) {
      bounded = !change.unbounded;
      by = statement;
    } else if (!bounded && RAW_DDL.test(statement)) {
      return { statement, by };
    }
  }
  return undefined;
}

/** The `missing-lock-timeout` rule of a dialect. */
export function missingLockTimeout(spelling: LockWaitSpelling): LintRule {
  const fix = `Keep lockWaitTimeout in the config (default 10 s, with lockWaitRetries retrying the DDL that gave up), and where a revision needs a longer wait, set a bound instead of none: await op.execute("${spelling.example}").`;
  const why = (by: string | undefined) => by === undefined ? `the config sets lockWaitTimeout: 0, so ${spelling.setting} is never set` : `\`${by}\` earlier in the revision left ${spelling.setting} unbounded`;
  return {
    id: 'missing-lock-timeout',
    severity: 'error',
    summary: `DDL on an existing table with no lock-wait bound (${spelling.setting}): queued behind a long query, it makes every query of the table queue behind it`,
    oncePerRevision: true,
    check: ({ op, newTables, lockWaitMs, earlier, inTransaction }: OperationView) => {
      const state = boundedAfter(spelling, lockWaitMs, earlier, inTransaction);
      if (op.kind === 'execute') {
        const raw = rawDdlAfterReset(spelling, op.sql, state.bounded);
        if (raw === undefined) return undefined;
        return {
          message: `\`${raw.statement.slice(0, 60)}\` waits for its ${spelling.lock} lock without bound (${why(raw.by ?? state.by)}): while it waits behind a long query or transaction, every later query of the table waits behind it.`,
          fix,
        };
      }
      const table = tableOf(op);
      if (state.bounded || NOT_DDL.has(op.kind) || (table === undefined && op.kind !== 'dropIndex') || (table !== undefined && newTables.has(table))) return undefined;
      return {
        message: `This DDL on ${table ?? 'an existing table'} waits for its ${spelling.lock} lock without bound (${why(state.by)}): while it waits behind a long query or transaction, every later query of ${table ?? 'the table'} waits behind it.`,
        fix,
      };
    },
  };
}
