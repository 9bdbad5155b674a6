/**
 * The fleet runner's scheduling alone (no database): the concurrency limit, results in config
 * order whatever the completion order, failFast, the heads before a run, the exit kind rule.
 */
import { describe, expect, it } from 'vitest';
import { fleetExitKind, headsBefore, runFleet } from '../../src/api/fleet.js';
import type { Project } from '../../src/api/project.js';
import { RetortError } from '../../src/index.js';
import type { StepResult } from '../../src/index.js';

const projects = (n: number) => Array.from({ length: n }, (_, i) => ({ target: { name: `t${i}` } }) as unknown as Project);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const step = (from: string[], to: string[]): StepResult => ({ direction: 'up', revision: to[0]!, from, to, message: '', durationMs: 1, statements: 1 });

describe('runFleet', () => {
  it('never runs more than `concurrency` targets at once, and reports them in config order', async () => {
    let running = 0;
    let most = 0;
    const result = await runFleet(projects(12), async (p) => {
      most = Math.max(most, ++running);
      await sleep(p.target.name === 't0' ? 30 : 2);
      running--;
      return p.target.name;
    }, { concurrency: 3 });
    expect(most).toBe(3);
    expect(result.ok).toBe(true);
    expect(result.targets.map((t) => t.value)).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`));
  });

  it('records a failure on its target and carries on; failFast skips what had not started', async () => {
    const fail = async (p: Project) => {
      if (p.target.name === 't1') { await sleep(20); throw new RetortError('MigrationFailed', 'boom', { fields: { revision: 'a1' } }); }
      await sleep(p.target.name === 't0' ? 5 : 30);
      return p.target.name;
    };
    const all = await runFleet(projects(6), fail, { concurrency: 2 });
    expect(all.targets.map((t) => t.status)).toEqual(['ok', 'failed', 'ok', 'ok', 'ok', 'ok']);
    expect(all.targets[1]!.error).toEqual({ code: 'MigrationFailed', kind: 'migration', message: 'boom', fields: { revision: 'a1' } });
    const fast = await runFleet(projects(6), fail, { concurrency: 2, failFast: true });
    // t2 started when t0 finished, before t1 failed: it finishes; nothing starts after the failure.
    expect(fast.targets.map((t) => t.status)).toEqual(['ok', 'failed', 'ok', 'skipped', 'skipped', 'skipped']);
    expect(fast.ok).toBe(false);
  });

  it('starts no new target once its signal is aborted', async () => {
    const controller = new AbortController();
    const result = await runFleet(projects(5), async (p) => {
      if (p.target.name === 't1') controller.abort('SIGINT');
      return p.target.name;
    }, { concurrency: 1, signal: controller.signal });
    expect(result.targets.map((t) => t.status)).toEqual(['ok', 'ok', 'skipped', 'skipped', 'skipped']);
  });

  it('takes the exit kind of the first failed target in config order, not in time', async () => {
    const result = await runFleet(projects(3), async (p) => {
      if (p.target.name === 't0') { await sleep(20); throw new RetortError('UnknownRevision', 'x'); }
      if (p.target.name === 't1') throw new RetortError('LockTimeout', 'y');
      return 1;
    }, { concurrency: 3 });
    expect(fleetExitKind(result)).toBe('input');
  });
});

describe('headsBefore', () => {
  it('undoes the steps of a run, through a merge', () => {
    expect(headsBefore(['c'], [step([], ['a']), step(['a'], ['b']), step(['b'], ['c'])])).toEqual([]);
    expect(headsBefore(['m'], [step(['x'], ['y']), step(['y', 'z'], ['m'])])).toEqual(['z', 'x']);
    expect(headsBefore(['a'], [])).toEqual(['a']);
  });
});
