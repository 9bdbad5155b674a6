/**
 * Taking the run lock: one run at a time per version table. The dialect supplies a try-lock on a
 * dedicated connection ({@link RunLock}); this module polls it with a short backoff up to the
 * lock timeout, and past it fails with `LockTimeout` (exit 4) naming the holder when the server
 * can tell. It is taken before the version table is read, so a run that waited reads what the
 * previous holder wrote and finds nothing left to do.
 */
import type { Connection, LockHolder, LockOptions, LockScope, RunLock } from '../dialects/dialect.js';
import { RetortError } from '../errors.js';

/** First and longest pause between two attempts: quick to notice a short run, light on a long one. */
const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 500;

/** How to take the lock. */
export interface LockRequest extends LockOptions {
  readonly scope: LockScope;
  /** Seconds to wait before giving up; 0 tries once. */
  readonly timeoutSeconds: number;
  /** The target's name, for the message. */
  readonly target: string;
  /** Called once, when the first attempt finds the lock held (for a "waiting" line). */
  readonly onWait?: (holder: LockHolder | undefined, lockName: string) => void;
}

/** A run lock this process holds. */
export interface HeldLock {
  /** {@link RunLock.ensureHeld}: throws `LockLost` once the lock is gone. Resolves at once where no lock is needed. */
  ensureHeld(): Promise<void>;
  /** Releases the lock and closes its connection; never throws. */
  release(): Promise<void>;
}

/** Where the dialect needs no lock (SQLite `:memory:`: no other process can reach the database). */
const NO_LOCK: HeldLock = Object.freeze({ ensureHeld: async () => undefined, release: async () => undefined });

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Take the run lock of `connection` for `request.scope`, polling up to the timeout.
 *
 * @throws RetortError `LockTimeout` when another run still holds it at the deadline (nothing has
 * been executed by then).
 */
export async function acquireRunLock(connection: Connection, request: LockRequest): Promise<HeldLock> {
  const lock = await connection.openLock?.(request.scope, { leaseSeconds: request.leaseSeconds });
  if (lock === undefined) return NO_LOCK;
  try {
    await poll(lock, request);
  } catch (error) {
    await lock.release();
    throw error;
  }
  return { ensureHeld: () => lock.ensureHeld(), release: () => lock.release() };
}

async function poll(lock: RunLock, request: LockRequest): Promise<void> {
  const deadline = Date.now() + Math.max(0, request.timeoutSeconds) * 1000;
  let delay = FIRST_DELAY_MS;
  let waited = false;
  for (;;) {
    if (await lock.tryAcquire()) return;
    if (!waited) {
      waited = true;
      request.onWait?.(await lock.holder(), lock.name);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw await timeoutError(lock, request);
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

async function timeoutError(lock: RunLock, request: LockRequest): Promise<RetortError> {
  const holder = await lock.holder();
  const who = holder === undefined ? 'another run holds it' : `it is held by ${holder.description}`;
  return new RetortError(
    'LockTimeout',
    `Could not take the run lock of target '${request.target}' (${lock.name}) within ${request.timeoutSeconds} s: ${who}. Nothing was executed.`,
    {
      fields: {
        target: request.target,
        lock: lock.name,
        lockTimeoutSeconds: request.timeoutSeconds,
        holder: holder?.fields ?? null,
      },
      hint: 'Another retort run is migrating this database: wait for it and run again (it may leave nothing to do), or raise --lock-timeout.',
    },
  );
}
