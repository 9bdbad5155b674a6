/**
 * The retry of retort's own bookkeeping writes (src/runtime/conflict-retry.ts): a write the server
 * rolled back for a concurrent write runs again; past eight attempts it fails as what it is; any
 * other error passes through untouched. On the real cluster: test/integration/galera-session.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/dialects/dialect.js';
import { RetortError } from '../../src/errors.js';
import { retryOnConflict } from '../../src/runtime/conflict-retry.js';

const conflict = Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213 });
const dialect = { isWriteConflict: (e: unknown) => (e as { errno?: number }).errno === 1213 } as unknown as Dialect;

/** A write that fails with `error` the first `failures` times. */
function flaky(failures: number, error: unknown) {
  const calls = { n: 0 };
  const write = async () => {
    calls.n += 1;
    if (calls.n <= failures) throw error;
  };
  return { calls, write };
}

describe('retryOnConflict', () => {
  it('runs a write rolled back by a conflict again until it takes', async () => {
    const { calls, write } = flaky(3, conflict);
    await retryOnConflict(dialect, 'the history row of revision abc', 'UPDATE h SET x = 1', write);
    expect(calls.n).toBe(4);
  });

  it('fails with BookkeepingConflict after eight attempts, naming the write and the statement', async () => {
    const { calls, write } = flaky(Infinity, conflict);
    const error = await retryOnConflict(dialect, 'the history row of revision abc', 'UPDATE h SET x = 1', write).catch((e: unknown) => e);
    expect(calls.n).toBe(8);
    expect(error).toMatchObject({ code: 'BookkeepingConflict', exitCode: 1, fields: { statement: 'UPDATE h SET x = 1', attempts: 8 } });
    expect((error as Error).message).toMatch(/^Writing the history row of revision abc failed 8 times: .*It took no effect\. Statement: UPDATE h SET x = 1$/);
  });

  it('passes other errors, and every error of a dialect that declares no conflicts, through at once', async () => {
    const other = flaky(1, Object.assign(new Error('no such table'), { errno: 1146 }));
    await expect(retryOnConflict(dialect, 'w', 's', other.write)).rejects.toMatchObject({ errno: 1146 });
    expect(other.calls.n).toBe(1);
    const lost = flaky(1, new RetortError('LockLost', 'lost'));
    await expect(retryOnConflict(dialect, 'w', 's', lost.write)).rejects.toMatchObject({ code: 'LockLost' });
    const plain = flaky(1, conflict);
    await expect(retryOnConflict({} as Dialect, 'w', 's', plain.write)).rejects.toBe(conflict);
    expect(plain.calls.n).toBe(1);
  });
});
