/**
 * Waiting with a bound, for steps that must not hang on a peer that never answers.
 */

/**
 * `promise`'s value, or undefined once `ms` have passed; a rejection within the time propagates.
 * A promise that loses the race is left to settle on its own (its rejection then goes nowhere).
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wait for `promise` to settle, at most `ms`; never throws. For teardown (a goodbye, an unlock
 * before closing): the error that ended the run matters more than one from cleaning up after it.
 */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  await within(promise, ms).catch(() => undefined);
}
