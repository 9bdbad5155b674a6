/**
 * Catalog reads on side sessions (Session.openSide): what a reader can ask on another connection
 * while its own session asks the rest, so that the server works on both at once.
 */
import type { Session } from './dialect.js';

/**
 * `fn` on a side session of `session`, released after (which closes it, whatever `fn` set on
 * it); undefined when there is no side session to be had: the caller then does that work on
 * `session` itself.
 */
export async function onSide<T>(session: Session, fn: (side: Session) => Promise<T>): Promise<T | undefined> {
  const side = await session.openSide?.();
  if (side === undefined) return undefined;
  try {
    return await fn(side);
  } finally {
    side.release();
  }
}

/**
 * `promise`, its rejection handled now: awaited later, after other work, it must not be
 * reported as unhandled meanwhile.
 */
export function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
