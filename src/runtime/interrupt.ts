/**
 * Stopping a run on SIGINT/SIGTERM. The CLI turns the first signal into an aborted
 * `AbortSignal` (library callers may pass their own); the run checks it before each statement
 * of a script and between revisions, so the statement in flight finishes and no new one starts.
 * The error says exactly where the run stopped and what the database holds.
 */
import { RetortError } from '../errors.js';
import type { MigrationStep } from '../script/graph/index.js';

/** Where a run was when the signal came. */
export interface InterruptPoint {
  readonly step: MigrationStep;
  /** The heads the database holds once the current revision is rolled back or recorded. */
  readonly current: readonly string[];
  /** Statements of `step` already run; undefined when the step had not started. */
  readonly partial: number | undefined;
  /**
   * How many of them stay committed whatever happens now: all of them where DDL is not
   * transactional, none where the revision rolls back whole, those before and inside an
   * `op.noTransaction` block otherwise.
   */
  readonly committed: number;
}

/** Throws the error `make` builds when `signal` is aborted. */
export function throwIfInterrupted(signal: AbortSignal | undefined, make: () => RetortError): void {
  if (signal?.aborted) throw make();
}

/** The `Interrupted` error (exit 1) for a run stopped at `at`. */
export function interruptedError(signal: AbortSignal | undefined, at: InterruptPoint): RetortError {
  const reason = typeof signal?.reason === 'string' ? signal.reason : 'a signal';
  const where = at.current.length === 0 ? 'base (no revision)' : at.current.join(', ');
  const rev = at.step.revision;
  let state: string;
  let hint: string;
  if (at.partial === undefined) {
    state = `before revision ${rev}: the database is at ${where}`;
    hint = 'Run the command again to continue.';
  } else if (at.committed === 0) {
    state = `in revision ${rev} after ${at.partial} statement(s); the revision was rolled back and the database is at ${where}`;
    hint = 'Run the command again to continue.';
  } else {
    const stay = at.committed === at.partial
      ? 'which stay committed (they ran outside a transaction: this database cannot roll DDL back, or the revision used op.noTransaction)'
      : `of which ${at.committed} stay committed (before and inside op.noTransaction) and the rest were rolled back`;
    state = `in revision ${rev} after ${at.partial} statement(s), ${stay}; the database is at ${where} and the history records ${rev} as failed`;
    hint = `Finish or undo the revision by hand, then \`retort resolve ${rev} --applied\` (its effect is complete) or \`retort resolve ${rev} --rolled-back\` (you undid it).`;
  }
  return new RetortError('Interrupted', `Interrupted by ${reason} ${state}.`, {
    fields: { revision: rev, direction: at.step.direction, signal: reason, statementsApplied: at.partial ?? 0, statementsCommitted: at.committed, current: [...at.current] },
    hint,
  });
}
