/**
 * Network faults at seeded random moments of a chain of data revisions, through the TCP fault
 * proxy (separate OS processes): every connection of the run (its session, its lock's, a probe's)
 * cut (RST or FIN) or stalled (a black hole: nothing forwarded, nothing closed) while the chain
 * runs. After each fault the run must have ended by itself, with one JSON error on stdout and no
 * crash; the proxy is then healed and the chain rerun through it, following each refusal
 * literally (`resolve --applied` when the revision's row is there, `--rolled-back` when not). At
 * the end every revision's row exists exactly once, the version table is at head, history is ok,
 * and every message's counts were true (a revision said to have committed statements has its row).
 *
 * The moment is drawn from a seed: a revision not applied yet, its data statement held back or
 * delivered to the server, then a cut (RST or FIN) or a stall of every connection.
 *
 * Faults per run: FAULTS (3) per case, 3 cases: 9 cuts and stalls (each case checks all landed).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startRetort } from '../support/cli-async.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { chainIds, chainRevisions, effects, finishAndCheck, follow, heads, quiesce } from '../support/fault-chain.js';
import { queryMessage } from '../support/faults.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { Random } from '../fuzz/random.js';

const FAULTS = 3;
const ids = chainIds('p', 9);
/** Short timeouts, so that a stall is noticed in about a second and a half (0.5 s of silence, a 1 s probe). */
const FAST = { connectTimeout: 1, statementIdleTimeout: 0.5 };
const PORTS = { postgres: 5432, mysql: 3306 } as const;

/** The errors a faulted run may end with: a lost connection or lock, a failed (re)connect, a lock wait cut short. */
const FAULT_CODES = new Set(['ConnectionLost', 'LockLost', 'ConnectionFailed', 'ConnectTimeout', 'LockTimeout', 'MigrationFailed', 'HistoryWriteFailed']);

const cases: Array<['postgres' | 'mysql', 'per-migration' | 'none']> = [['postgres', 'per-migration'], ['postgres', 'none'], ['mysql', 'per-migration']];

describe('network cuts and stalls at random moments', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  let faultsLanded = 0;
  afterAll(async () => {
    console.log(`proxy faults injected: ${faultsLanded}`);
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it.each(cases)('%s, transaction %s: every revision exactly once, version, history and messages truthful', async (dialect, transaction) => {
    const db: TestDatabase = await createTestDatabase(dialect, 'retort_pf');
    cleanups.push(() => db.drop());
    await rawQuery(db, 'CREATE TABLE k_effects (rev VARCHAR(64) NOT NULL)');
    const project: TestProject = createTestProject({ url: db.url, transaction, ...FAST }, chainRevisions(dialect, ids));
    cleanups.push(() => project.cleanup());
    const random = new Random(0x9f0c + cases.findIndex(([d, t]) => d === dialect && t === transaction));
    const injected: string[] = [];
    for (let attempt = 0; attempt < FAULTS * 3 && injected.length < FAULTS; attempt++) {
      // The moment: one of the next two revisions, its data statement held back or delivered,
      // then every connection cut (RST or FIN) or stalled (so FAULTS faults land before the chain
      // ends). A fresh proxy per run, so no rule outlives it.
      const done = ids.indexOf((await heads(db))[0] ?? '') + 1;
      const target = ids[done + random.int(2)]!;
      const at = random.chance(0.5) ? 'before' : 'after';
      const fault = random.pick(['stall', 'cut rst', 'cut fin'] as const);
      const proxy: TcpProxy = await startTcpProxy({ port: PORTS[dialect] });
      const action = fault === 'stall' ? { stall: 'both' as const, all: true } : { cut: fault === 'cut rst' ? 'rst' as const : 'fin' as const, all: true };
      let fired = false;
      void proxy.when({ sent: queryMessage(dialect, `INSERT INTO k_effects (rev) SELECT '${target}'`), at }, action).then(() => {
        fired = true;
        if (fault === 'stall') proxy.stall('both');
      });
      const end = await startRetort(project.dir, ['--url', proxy.url(db.url), '--json', 'upgrade', 'head']).done;
      // The network heals: what a stall held back flows, and the sockets retort closed behind
      // the black hole are closed towards the server too (as its keepalive would, much later).
      proxy.resume();
      await proxy.close();
      const context = `${fault} ${at} ${target}: exit ${end.code}\nstdout:\n${end.stdout}\nstderr:\n${end.stderr}`;
      // Whatever happened, the process ended by itself, printed one JSON document, and did not crash.
      expect(end.signal, context).toBeNull();
      expect(end.stderr, context).not.toMatch(/Unhandled|node:internal|UnhandledPromiseRejection|TypeError/);
      const output = JSON.parse(end.stdout) as { error?: Record<string, any> };
      if (end.code === 0) {
        expect(fired, context).toBe(false);
        break;
      }
      const error = output.error!;
      if (end.code === 2) {
        await follow(db, project, ids, error);
        continue;
      }
      expect(FAULT_CODES.has(error.code), context).toBe(true);
      expect(fired, context).toBe(true);
      injected.push(`${fault} ${at} ${target} -> ${error.code}`);
      // A message's count of committed statements is true: that revision's row is there.
      if (typeof error.revision === 'string' && Number(error.statementsCommitted) >= 1) expect(await effects(db, error.revision), context).toBe(1);
      await quiesce(db, 8_000);
    }
    expect(injected.length, injected.join('\n')).toBe(FAULTS);
    faultsLanded += injected.length;
    await finishAndCheck(db, project, ids);
  }, 40_000);
});
