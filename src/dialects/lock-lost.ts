/**
 * The error of a run lock lost during a run, shared by every dialect's lock: the run must stop
 * before its next statement and write nothing more (another run may hold the lock by then).
 */
import { RetortError } from '../errors.js';

/** `LockLost` (exit 1) for lock `lock`, saying why in `why`. */
export function lockLostError(lock: string, why: string, fields: Record<string, unknown> = {}): RetortError {
  return new RetortError('LockLost', `Lost the run lock (${lock}): ${why}. The run stopped before its next statement.`, {
    fields: { lock, ...fields },
    hint: 'Run the command again: it waits for the lock, and the history says how far this run got.',
  });
}
