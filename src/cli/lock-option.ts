/**
 * `--lock-timeout DURATION`, accepted globally and on `upgrade`, `downgrade` and `stamp`.
 */
import { InvalidArgumentError, Option } from 'commander';
import { parseDurationSeconds } from '../util/duration.js';

/** A fresh `--lock-timeout` option (commander options cannot be shared between commands). */
export function lockTimeoutOption(): Option {
  return new Option('--lock-timeout <duration>', "how long to wait for another run's lock: 2, 2s, 500ms, 1m (default: config lockTimeout, 60 s)")
    .argParser((value: string) => {
      try {
        return parseDurationSeconds(value);
      } catch (error) {
        // commander reports it as bad input (exit 2), with the usage.
        throw new InvalidArgumentError((error as Error).message);
      }
    });
}
