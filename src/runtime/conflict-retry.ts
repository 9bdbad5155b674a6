/**
 * retort's own bookkeeping writes (history rows, the version-table change), when the server rolls
 * one back because another session wrote the same row at the same moment: an InnoDB deadlock, or
 * on a Galera cluster a certification conflict with another node's write (both MySQL error 1213).
 * Such a statement took no effect, so running it again is safe, but only where it ran on its own
 * (autocommit): inside a transaction the whole transaction is gone, and the caller must not retry.
 */
import type { Dialect } from '../dialects/dialect.js';
import { isRetortError, RetortError } from '../errors.js';

/** Attempts in all, and the pauses between two: doubling from the first up to the longest, jittered. */
const ATTEMPTS = 8;
const FIRST_PAUSE_MS = 20;
const LONGEST_PAUSE_MS = 1000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Run `write`, again (up to {@link ATTEMPTS} times in all, over about three seconds) when the dialect says its error was a
 * transient conflict. Past that, fails with `BookkeepingConflict` saying what it is. `what` names
 * the write for the message ("the history row of revision X").
 */
export async function retryOnConflict(dialect: Dialect, what: string, sql: string, write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (isRetortError(error) || dialect.isWriteConflict?.(error) !== true) throw error;
      if (attempt === ATTEMPTS) {
        throw new RetortError(
          'BookkeepingConflict',
          `Writing ${what} failed ${ATTEMPTS} times: each time another session wrote the same row at the same moment and the server rolled this write back ` +
            `(${(error as Error).message}). It took no effect. Statement: ${sql}`,
          {
            fields: { statement: sql, attempts: ATTEMPTS },
            hint: "Something besides retort writes retort's own tables (on a Galera cluster, from another node): stop it, then run the command again.",
            cause: error,
          },
        );
      }
      // Jitter: a writer that conflicted in step with this one should not meet it again in step.
      await sleep(Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
    }
  }
}
