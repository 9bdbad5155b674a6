/**
 * `transaction: 'all'` where DDL is transactional: the run is one transaction, so no one ever sees
 * the version and history rows of a revision before the run commits, and a failure anywhere rolls
 * all of them back. Writing them at the end of each revision (a version-table change and a
 * history INSERT, about a third of the JavaScript and SQLite work of a revision that creates one
 * table) buys nothing there, so they wait and are written together: the version table moved from
 * the rows it holds to the rows the run reached (one UPDATE on a chain), and the waiting history
 * rows in one multi-row INSERT, the same rows, values and order (ids included) as one INSERT each.
 *
 * They are written (a flush) at the end of the revision that:
 * - is the first of the run: its version change checks, under the run lock, that the table still
 *   holds what the run read (`VersionTableMismatch` otherwise), naming that revision, as before;
 * - may have changed rows of existing tables (raw SQL, a bulk insert, a query through `db`, any
 *   operation not in {@link ROWS_UNTOUCHED}): a script that changed the version table itself fails
 *   at its own revision, as before, not at a later one;
 * - is the last of the run, or the {@link GROUP_SIZE}th waiting (memory stays flat in the chain);
 * and before `op.noTransaction` commits the run's transaction part-way (what commits must say so).
 * A flush fails as a statement of the revision at whose end it runs, with its exact SQL; the
 * rollback then takes every waiting row with it, and the history records that revision as failed.
 */
import type { Dialect, RevisionActivity } from '../dialects/dialect.js';
import type { OperationKind } from '../ops/operations.js';
import type { VersionChange } from '../script/graph/index.js';
import { versionTableMismatch } from './bookkeeping.js';
import type { Channel } from './channel.js';
import { insertHistoryRowsSql, type HistoryTableRef, type NewHistoryRow } from './history-table.js';
import type { OperationRunner } from './operation-runner.js';
import { versionChangeSql, type VersionTableRef } from './version-table.js';

/** The most revisions whose rows wait: a flush then writes them (one INSERT of this many rows). */
export const GROUP_SIZE = 500;

/**
 * Operations that change no row of a table that exists: they create things or touch metadata only.
 * A revision made of these alone cannot have changed the version table's rows.
 */
const ROWS_UNTOUCHED: ReadonlySet<OperationKind> = new Set<OperationKind>([
  'createTable', 'createIndex', 'dropIndex', 'addColumn', 'createEnum', 'addEnumValue', 'setTableComment',
]);

/** The statements of one flush, in order. */
export interface Flush {
  /** Version-table changes, each of which must match exactly one row. */
  readonly version: readonly string[];
  /** History INSERTs. */
  readonly history: readonly string[];
}

/** The version and history rows of a `transaction: 'all'` run that wait for a flush. */
export class DeferredBookkeeping {
  /** The version table's rows as the run's transaction holds them now. */
  private written: Set<string>;
  /** The rows once every waiting change is applied. */
  private readonly reached: Set<string>;
  private rows: NewHistoryRow[] = [];
  private waiting = 0;
  /** True once a flush wrote the version table in this run's transaction. */
  private confirmed = false;

  constructor(
    private readonly dialect: Dialect,
    private readonly versionTable: VersionTableRef,
    private readonly history: { readonly table: HistoryTableRef; readonly version: string } | undefined,
    heads: readonly string[],
  ) {
    this.written = new Set(heads);
    this.reached = new Set(heads);
  }

  /** A revision ended: its version-table changes and its history row (none without history) wait. */
  add(changes: readonly VersionChange[], row: NewHistoryRow | undefined): void {
    apply(this.reached, changes);
    if (row !== undefined) this.rows.push(row);
    this.waiting += 1;
  }

  /** A revision's changes were written at its end, as without deferral (its history row was `running`). */
  wrote(changes: readonly VersionChange[]): void {
    apply(this.written, changes);
    apply(this.reached, changes);
  }

  /** Whether the rows must be written at the end of a revision that did `activity` (`last`: the run's last). */
  mustFlush(activity: RevisionActivity, last: boolean): boolean {
    return !this.confirmed || last || this.waiting >= GROUP_SIZE || activity.queried || !activity.operations.every((kind) => ROWS_UNTOUCHED.has(kind));
  }

  /**
   * The statements that write what waits, and forget it (the caller runs them, or the run fails
   * and rolls them back). Empty when nothing waits.
   */
  take(): Flush {
    const version = this.versionSql();
    const history = this.history === undefined || this.rows.length === 0 ? [] : insertHistoryRowsSql(this.dialect, this.history.table, this.rows, this.history.version);
    this.written = new Set(this.reached);
    this.rows = [];
    if (this.waiting > 0) this.confirmed = true;
    this.waiting = 0;
    return { version, history };
  }

  /**
   * The changes from the rows written to the rows reached: a row that goes and one that comes
   * make an UPDATE (a chain's only statement), what is left a DELETE or an INSERT. Each matches
   * one row when the table holds what the run wrote.
   */
  private versionSql(): string[] {
    const gone = [...this.written].filter((v) => !this.reached.has(v)).sort();
    const come = [...this.reached].filter((v) => !this.written.has(v)).sort();
    const changes: VersionChange[] = [];
    for (let i = 0; i < Math.max(gone.length, come.length); i++) {
      const from = gone[i];
      const to = come[i];
      if (from !== undefined && to !== undefined) changes.push({ kind: 'update', from, to });
      else if (from !== undefined) changes.push({ kind: 'delete', version: from });
      else if (to !== undefined) changes.push({ kind: 'insert', version: to });
    }
    return changes.map((change) => versionChangeSql(this.dialect, this.versionTable, change));
  }
}

/** Apply `changes` to the version-table rows `rows`. */
function apply(rows: Set<string>, changes: readonly VersionChange[]): void {
  for (const change of changes) {
    if (change.kind === 'insert') rows.add(change.version);
    else if (change.kind === 'delete') rows.delete(change.version);
    else {
      rows.delete(change.from);
      rows.add(change.to);
    }
  }
}

/**
 * Run `flush` inside the run's transaction at the end of revision `runner`'s revision: each
 * version change must match one row (else `VersionTableMismatch`: the table no longer holds what
 * the run wrote). A failure names the statement as the revision's last one, where its own
 * version change is counted.
 */
export async function runFlush(channel: Channel, runner: OperationRunner, revision: string, flush: Flush): Promise<void> {
  const run = async (sql: string, matching: boolean) => {
    try {
      const rows = matching ? await channel.runCounting(sql) : await channel.run(sql);
      if (matching && rows !== undefined && rows !== 1) throw versionTableMismatch(revision, sql, rows, 1);
    } catch (error) {
      runner.failed = { sql, index: Math.max(1, runner.statementsApplied) };
      throw error;
    }
  };
  for (const sql of flush.version) await run(sql, true);
  for (const sql of flush.history) await run(sql, false);
}
