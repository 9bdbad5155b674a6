/**
 * Taking the run lock: one run at a time per version table. The dialect supplies a try-lock on a
 * dedicated connection ({@link RunLock}); this module polls it with a short backoff up to the
 * lock timeout, and past it fails with `LockTimeout` (exit 4) naming the holder when the server
 * can tell. It is taken before the version table is read, so a run that waited reads what the
 * previous holder wrote and finds nothing left to do.
 */
import type { Connection, LockHolder, LockOptions, LockScope, RunLock } from '../dialects/dialect.js';
import { isRetortError, RetortError } from '../errors.js';
import { within } from '../util/within.js';

/** First and longest pause between two attempts: quick to notice a short run, light on a long one. */
const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 500;
/** How long naming the holder may take once the timeout has passed. */
const HOLDER_LOOKUP_MS = 2_000;

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
  const deadline = Date.now() + Math.max(0, request.timeoutSeconds) * 1000;
  // The run's own connection may still be completing its handshake (ConnectOptions.early): the
  // lock's connection opens meanwhile, and the run's failure is the one reported, before any
  // attempt to take the lock.
  const ready = connection.ready ?? Promise.resolve();
  let lock: RunLock | undefined;
  try {
    // The lock connection's connect and handshake count against the lock timeout: a server that
    // never completes them must not hold the run past --lock-timeout (0: one attempt, bounded by
    // the connect timeout alone).
    const connectMs = request.timeoutSeconds > 0 ? { connectMs: deadline - Date.now() } : {};
    lock = await connection.openLock?.(request.scope, { leaseSeconds: request.leaseSeconds, ...connectMs });
  } catch (error) {
    await ready;
    if (isRetortError(error) && error.code === 'ConnectTimeout' && request.timeoutSeconds > 0 && Date.now() >= deadline) {
      throw silentServerError(request, `its connection did not complete the handshake (${error.message})`, error);
    }
    throw error;
  }
  try {
    await ready;
  } catch (error) {
    await lock?.release();
    throw error;
  }
  if (lock === undefined) return NO_LOCK;
  try {
    await poll(lock, request, deadline);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const held = lock;
  return { ensureHeld: () => held.ensureHeld(), release: () => held.release() };
}

/** What a lock query that got no answer in time yields. */
const SILENT = Symbol('no answer');

/** `answer`, or {@link SILENT} when the lock's connection gives none before `deadline` (at least `floorMs` from now). */
async function beforeDeadline<T>(answer: Promise<T>, deadline: number, floorMs = 0): Promise<T | typeof SILENT> {
  const left = Math.max(deadline - Date.now(), floorMs);
  const late = await within(answer.then((value) => ({ value })), left);
  return late === undefined ? SILENT : late.value;
}

async function poll(lock: RunLock, request: LockRequest, deadline: number): Promise<void> {
  let delay = FIRST_DELAY_MS;
  let waited = false;
  for (;;) {
    // A try-lock is instant on a live server; one that hangs past the deadline means the server
    // (or the network) stopped answering the lock's connection.
    const got = await beforeDeadline(lock.tryAcquire(), deadline, FIRST_DELAY_MS);
    if (got === SILENT) throw silentServerError(request, `the server did not answer the lock's connection (${lock.name})`);
    if (got) return;
    if (!waited) {
      waited = true;
      const holder = await beforeDeadline(lock.holder(), deadline, FIRST_DELAY_MS);
      request.onWait?.(holder === SILENT ? undefined : holder, lock.name);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw await timeoutError(lock, request);
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

/** `LockTimeout` for a lock the server never answered about (nobody can be named as its holder). */
function silentServerError(request: LockRequest, what: string, cause?: unknown): RetortError {
  return new RetortError(
    'LockTimeout',
    `Could not take the run lock of target '${request.target}' within ${request.timeoutSeconds} s: the server did not answer: ${what}. Nothing was executed.`,
    {
      fields: { target: request.target, lockTimeoutSeconds: request.timeoutSeconds, holder: null, serverAnswered: false },
      hint: 'Check the server and the network between them (a stalled proxy or pooler, an overloaded server), then run again; --lock-timeout bounds this wait.',
      cause,
    },
  );
}

async function timeoutError(lock: RunLock, request: LockRequest): Promise<RetortError> {
  const found = await beforeDeadline(lock.holder(), Date.now(), HOLDER_LOOKUP_MS);
  const holder = found === SILENT ? undefined : found;
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
