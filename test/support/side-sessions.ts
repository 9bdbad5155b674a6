/**
 * Reading a catalog with its side sessions (Session.openSide) counted, or refused, so that a
 * test can compare what a reader gives with and without them.
 */
import { expect } from 'vitest';
import type { Session, SideSession } from '../../src/dialects/dialect.js';

/**
 * `read(session')` where `session'` is `session` whose side sessions are counted (`allowed`) or
 * never given (`refused`: the reader must then read everything on the session itself).
 */
export async function readWithSides<T>(session: Session, side: 'allowed' | 'refused', read: (session: Session) => Promise<T>): Promise<{ model: T; sides: number }> {
  let sides = 0;
  const openSide = async (): Promise<SideSession | undefined> => {
    if (side === 'refused') return undefined;
    const opened = await session.openSide!();
    if (opened !== undefined) sides++;
    return opened;
  };
  return { model: await read({ ...session, openSide }), sides };
}

/**
 * With `room` side sessions taken (the pool then full), `session` gives no more, at once and
 * without an error; `read` (a catalog reader) then takes none; released, one is given again.
 */
export async function expectNoWaitWhenFull(session: Session, room: number, read: (session: Session) => Promise<unknown>): Promise<void> {
  const held: (SideSession | undefined)[] = [];
  try {
    for (let i = 0; i < room; i++) held.push(await session.openSide!());
    expect(held.every((s) => s !== undefined)).toBe(true);
    const started = Date.now();
    expect(await session.openSide!()).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await readWithSides(session, 'allowed', read)).sides).toBe(0);
  } finally {
    for (const s of held) s?.release();
  }
  const again = await session.openSide!();
  expect(again).toBeDefined();
  again!.release();
}
