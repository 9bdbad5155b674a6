/**
 * Starting the next revision's script while the current revision's last request is in flight.
 *
 * Once a revision's script is done, its bookkeeping statement and its COMMIT go to the server in
 * one request, and the run waits on the server. The next revision used to start only after the
 * reply: building its runner, running its script up to its first operation and compiling that
 * operation's SQL while the server, in turn, sat idle. Started early, that work runs during the
 * wait, and whatever the script sends waits until the revision starts for real (its statements
 * in its channel, its queries through `db` on the session: Session.hold):
 * - the revision before it committed: the run opens this one's transaction (its BEGIN deferred,
 *   to ride ahead of the script's first statement), notes its start, and lets what waits go;
 * - the revision before it failed, or the run was interrupted: what waits fails, never sent, every later operation of the script fails too (OperationRunner.stop), and so do
 *   its queries through `db`; the run reports what stopped it, exactly as before.
 * Nothing of a revision reaches the database before the one before it has committed. What does
 * change: the script's own code before its first request (plain JavaScript: building values,
 * reading a file) may run before that commit is known, and has run even when the run stops there.
 */
import type { RetortError } from '../errors.js';
import type { MigrationStep } from '../script/graph/index.js';
import type { Channel } from './channel.js';
import type { OperationRunner } from './operation-runner.js';

/** A revision's script, called. */
export interface Launched {
  readonly runner: OperationRunner;
  /** The script's own promise (a rejection is handled: it is awaited once the revision starts). */
  readonly script: Promise<unknown>;
  /** What the script did through `db` (for the dialect's verify hook). */
  readonly usage: { readonly queried: boolean };
  /** The revision will never run: its operations and its `db` queries fail with `reason` from now on. */
  stop(reason: RetortError): void;
}

/** The next revision, started while the current one's last request is in flight. */
export class EarlyStart {
  private launched: Launched | undefined;
  private lift: ((error?: unknown) => void) | undefined;
  private settled = false;
  private open!: (error?: unknown) => void;

  /**
   * @param channel - the run's channel: the script's runner gets one that waits for the start
   * @param hold - holds the session's requests (Session.hold): those of the script's `db`
   * @param launch - calls the revision's script with its runner on the channel given;
   *   undefined when it cannot start yet (its module is still loading, or lacks the function):
   *   the revision then starts as usual, later
   */
  constructor(readonly step: MigrationStep, channel: Channel, hold: () => (error?: unknown) => void, launch: (channel: Channel) => Launched | undefined) {
    const gate = new Promise<void>((resolve, reject) => {
      this.open = (error) => (error === undefined ? resolve() : reject(error));
    });
    gate.catch(() => undefined);
    // After the current macrotask: the current revision's last request is written from the
    // microtasks that follow its call, so the hold can never catch that request (the run
    // would then wait on itself).
    setImmediate(() => {
      if (this.settled) return;
      const lift = hold();
      this.launched = launch(waitingChannel(channel, gate));
      if (this.launched === undefined) lift();
      else this.lift = lift;
    });
  }

  /**
   * The revision starts for real: its script, when it was started early (what it sends waits
   * until {@link release}); undefined when it was not (start it as usual).
   */
  take(): Launched | undefined {
    this.settled = true;
    return this.launched;
  }

  /** The revision's transaction is open: what its script sent goes out, in order. */
  release(): void {
    this.open();
    this.lift?.();
    this.lift = undefined;
  }

  /** The run stops before this revision: nothing of it is ever sent. */
  abandon(reason: RetortError): void {
    this.settled = true;
    this.launched?.stop(reason);
    this.open(reason);
    this.lift?.(reason);
    this.lift = undefined;
  }
}

/**
 * `channel` for a script started early: every statement waits for `gate` (its revision started)
 * before the channel sees it, so the run lock is checked and `-v` tells the statement when it
 * goes, in the order the server gets it; a gate that failed fails the statement, unsent.
 */
function waitingChannel(channel: Channel, gate: Promise<void>): Channel {
  let passed = false;
  gate.then(() => (passed = true), () => undefined);
  const after = async <T>(send: () => Promise<T>): Promise<T> => {
    if (!passed) await gate;
    return send();
  };
  return {
    offline: channel.offline,
    session: channel.session,
    run: (sql) => after(() => channel.run(sql)),
    runCounting: (sql) => after(() => channel.runCounting(sql)),
    runInsert: (sql) => after(() => channel.runInsert(sql)),
    ...(channel.runUnit === undefined ? {} : { runUnit: (statements) => after(() => channel.runUnit!(statements)) }),
    runDeferred: (sql) => after(() => channel.runDeferred(sql)),
    runAll: (statements) => after(() => channel.runAll(statements)).catch((error: unknown) => ({ completed: 0, error })),
    runUnguarded: (sql) => after(() => channel.runUnguarded(sql)),
    comment: (text) => channel.comment(text),
  };
}
