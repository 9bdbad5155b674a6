/**
 * SIGINT/SIGTERM during `upgrade` / `downgrade`: the first signal asks the run to stop after the
 * statement in flight (the library records the state and fails with `Interrupted`, exit 1); a
 * second one exits at once (the server rolls back an open transaction when the connection drops;
 * on MySQL the history's `running` row then tells the next run what happened).
 */
import { EXIT_CODES } from '../errors.js';
import type { Output } from './output.js';

/** An abort signal tied to the process's signals for the duration of one run. */
export interface SignalScope {
  readonly signal: AbortSignal;
  /** Remove the handlers (the default behaviour of the signals comes back). */
  dispose(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Install the handlers; call `dispose()` when the run is over. */
export function catchSignals(output: Output): SignalScope {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      output.progress(`${name} again: exiting now.`);
      process.exit(EXIT_CODES.migration);
    }
    output.progress(`${name}: stopping after the current statement (send it again to exit at once)...`);
    controller.abort(name);
  };
  for (const name of SIGNALS) process.on(name, handler);
  return {
    signal: controller.signal,
    dispose: () => {
      // After a first signal the handlers stay until the process exits: a second signal in the
      // moment between the run's end and the exit still means "exit now", never a default kill.
      if (controller.signal.aborted) return;
      for (const name of SIGNALS) process.off(name, handler);
    },
  };
}
