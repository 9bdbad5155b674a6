/**
 * The polling around a dialect's try-lock (src/runtime/lock.ts), with an in-memory RunLock: the
 * backoff, the deadline, the waiting event, and that the lock's connection is always released.
 * The dialects' real locks are tested against the servers in test/integration/lock.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Connection, LockHolder, RunLock } from '../../src/dialects/dialect.js';
import { RetortError } from '../../src/errors.js';
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
    // The pauses asked for, read from setTimeout (the clock itself is late on a loaded machine);
    // the longer timers are each try-lock's deadline guard.
    const timers = vi.spyOn(globalThis, 'setTimeout');
    let pauses: unknown[];
    try {
      await acquireRunLock(connection, { scope, target: 't', timeoutSeconds: 10, leaseSeconds: 10, onWait: (h, name) => waits.push(`${name}: ${h?.description}`) });
    } finally {
      pauses = timers.mock.calls.map((call) => call[1]).filter((ms) => Number(ms) <= 500);
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

  it('a try-lock the server never answers: LockTimeout at the deadline, saying so, and the connection released', async () => {
    const log = { released: 0 };
    const lock: RunLock = { name: 'silent lock', tryAcquire: () => new Promise(() => undefined), ensureHeld: async () => undefined, holder: async () => undefined, release: async () => void log.released++ };
    const connection = { openLock: async () => lock } as unknown as Connection;
    const error = await acquireRunLock(connection, { scope, target: 'main', timeoutSeconds: 0.3, leaseSeconds: 10 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LockTimeout', exitCode: 4, fields: { target: 'main', serverAnswered: false, holder: null } });
    expect((error as Error).message).toMatch(/the server did not answer/);
    expect(log.released).toBe(1);
  });

  it('passes what is left of the lock timeout as the lock connection\'s connect budget, and a connect that runs out of it is a LockTimeout', async () => {
    const budgets: (number | undefined)[] = [];
    const connection = {
      openLock: async (_scope: unknown, options?: { connectMs?: number }) => {
        budgets.push(options?.connectMs);
        await new Promise((resolve) => setTimeout(resolve, options?.connectMs ?? 0));
        throw new RetortError('ConnectTimeout', 'PostgreSQL at h:1 did not complete the connect within 0.2 s.');
      },
    } as unknown as Connection;
    const error = await acquireRunLock(connection, { scope, target: 'main', timeoutSeconds: 0.2, leaseSeconds: 10 }).catch((e: unknown) => e);
    expect(budgets[0]).toBeGreaterThan(150);
    expect(budgets[0]).toBeLessThanOrEqual(200);
    expect(error).toMatchObject({ code: 'LockTimeout', fields: { serverAnswered: false } });
    // With 0 (one attempt) the connect timeout alone bounds the connect, and its error stays.
    budgets.length = 0;
    const once = await acquireRunLock(connection, { scope, target: 'main', timeoutSeconds: 0, leaseSeconds: 10 }).catch((e: unknown) => e);
    expect(budgets).toEqual([undefined]);
    expect(once).toMatchObject({ code: 'ConnectTimeout' });
  });

  it('needs no lock where the dialect opens none (SQLite :memory:)', async () => {
    const connection = { openLock: async () => undefined } as unknown as Connection;
    const held = await acquireRunLock(connection, { scope, target: 't', timeoutSeconds: 0, leaseSeconds: 10 });
    await expect(held.ensureHeld()).resolves.toBeUndefined();
    await expect(held.release()).resolves.toBeUndefined();
  });
});
