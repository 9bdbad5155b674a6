/**
 * Counting what a driver sends, in the test's own process: a method of a driver class is wrapped
 * for the duration of a call and restored after it, whatever the call does.
 */

type Method = (...args: unknown[]) => unknown;

/**
 * Run `body` with `owner[name]` wrapped so that `onCall` sees each call's arguments first.
 * @returns what `body` returned
 */
export async function whileCalling<T>(owner: object, name: string, onCall: (args: unknown[]) => void, body: () => Promise<T>): Promise<T> {
  const target = owner as Record<string, Method>;
  const original = target[name];
  if (typeof original !== 'function') throw new Error(`${name} is not a method of the object to spy on`);
  target[name] = function spied(this: unknown, ...args: unknown[]) {
    onCall(args);
    return original.apply(this, args);
  };
  try {
    return await body();
  } finally {
    target[name] = original;
  }
}
