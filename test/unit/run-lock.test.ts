/**
 * The polling around a dialect's try-lock (src/runtime/lock.ts), with an in-memory RunLock: the
 * backoff, the deadline, the waiting event, and that the lock's connection is always released.
 * The dialects' real locks are tested against the servers in test/integration/lock.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Connection, LockHolder, RunLock } from '../../src/dialects/dialect.js';
import { acquireRunLock } from '../../src/runtime/lock.js';

/** A lock that is free after `busyAttempts` failed attempts; records what was done to it. */
function memoryLock(busyAttempts: number, holder?: LockHolder) {
  const log = { attempts: [] as number[], released: 0 };
  const lock: RunLock = {
    name: 'memory lock',
    tryAcquire: async () => (log.attempts.push(Date.now()), log.attempts.length > busyAttempts),
    holder: async () => holder,
    ensureHeld: async () => undefined,
    release: async () => void log.released++,
  };
  const connection = { withSession: async () => undefined, close: async () => undefined, openLock: async () => lock } as unknown as Connection;
  return { connection, log };
}

const scope = { versionTable: 'retort_version' };

describe('acquireRunLock', () => {
  it('takes a free lock at once and releases it through the returned handle', async () => {
    const { connection, log } = memoryLock(0);
    const held = await acquireRunLock(connection, { scope, target: 't', timeoutSeconds: 5, leaseSeconds: 10 });
    expect(log.attempts).toHaveLength(1);
    expect(log.released).toBe(0);
    await held.ensureHeld();
    await held.release();
    expect(log.released).toBe(1);
  });

  it('polls with a growing pause (50 ms doubling, at most 500 ms) and reports the wait once', async () => {
    const { connection, log } = memoryLock(5, { description: 'pid 7', fields: { pid: 7 } });
    const waits: string[] = [];
    // The pauses asked for, read from setTimeout (the clock itself is late on a loaded machine).
    const timers = vi.spyOn(globalThis, 'setTimeout');
    let pauses: unknown[];
    try {
      await acquireRunLock(connection, { scope, target: 't', timeoutSeconds: 10, leaseSeconds: 10, onWait: (h, name) => waits.push(`${name}: ${h?.description}`) });
    } finally {
      pauses = timers.mock.calls.map((call) => call[1]);
      timers.mockRestore();
    }
    expect(log.attempts).toHaveLength(6);
    expect(waits).toEqual(['memory lock: pid 7']);
    expect(pauses).toEqual([50, 100, 200, 400, 500]);
  });

  it('fails with LockTimeout (exit 4) at the deadline, naming the holder, and releases the connection', async () => {
    const { connection, log } = memoryLock(Infinity, { description: 'PostgreSQL backend pid 42 (app@10.0.0.1)', fields: { pid: 42 } });
    const started = Date.now();
    const error = await acquireRunLock(connection, { scope, target: 'main', timeoutSeconds: 0.4, leaseSeconds: 10 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toMatchObject({
      code: 'LockTimeout',
      exitCode: 4,
      fields: { target: 'main', lock: 'memory lock', lockTimeoutSeconds: 0.4, holder: { pid: 42 } },
    });
    expect((error as Error).message).toBe(
      "Could not take the run lock of target 'main' (memory lock) within 0.4 s: it is held by PostgreSQL backend pid 42 (app@10.0.0.1). Nothing was executed.",
    );
    expect(log.released).toBe(1);
  });

  it('tries exactly once with a timeout of 0', async () => {
    const { connection, log } = memoryLock(Infinity);
    await expect(acquireRunLock(connection, { scope, target: 't', timeoutSeconds: 0, leaseSeconds: 10 })).rejects.toMatchObject({ code: 'LockTimeout', fields: { holder: null } });
    expect(log.attempts).toHaveLength(1);
  });

  it('needs no lock where the dialect opens none (SQLite :memory:)', async () => {
    const connection = { openLock: async () => undefined } as unknown as Connection;
    const held = await acquireRunLock(connection, { scope, target: 't', timeoutSeconds: 0, leaseSeconds: 10 });
    await expect(held.ensureHeld()).resolves.toBeUndefined();
    await expect(held.release()).resolves.toBeUndefined();
  });
});
