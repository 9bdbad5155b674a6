/**
 * Options and events shared by every library call.
 */
import type { MigrationStep } from '../script/graph/index.js';
import type { StepResult } from '../runtime/steps.js';

/** Where to find the project and how to reach its database. */
export interface RetortOptions {
  /** The folder the config is searched from (upward). Default: `process.cwd()`. */
  readonly cwd?: string;
  /** An explicit config file (`--config`). */
  readonly config?: string;
  /** A database URL that overrides the config's (`--url`). */
  readonly url?: string;
  /** `-x KEY=VALUE` arguments passed to scripts. */
  readonly x?: Readonly<Record<string, string>>;
  /** One target of a multi-target config (`--target`). */
  readonly target?: string;
  /** Seconds to wait for the run lock before failing with `LockTimeout` (`--lock-timeout`); default: the config's `lockTimeout`. */
  readonly lockTimeout?: number;
  /**
   * Stops an upgrade or downgrade before the next statement of a script when aborted (the CLI
   * aborts it on SIGINT/SIGTERM); the run then fails with `Interrupted`, its state recorded.
   * The abort reason, when a string (`SIGTERM`), is named in the message.
   */
  readonly signal?: AbortSignal;
  /** Progress of a run, for printing ("Running upgrade a -> b, message"). */
  readonly onEvent?: (event: RunEvent) => void;
}

/** Progress events of a run. */
export type RunEvent =
  | { readonly type: 'step-start'; readonly target: string; readonly step: MigrationStep; readonly message: string }
  | { readonly type: 'step-done'; readonly target: string; readonly result: StepResult }
  | { readonly type: 'info'; readonly target: string; readonly message: string }
  /** A statement about to be executed online (shown with --verbose; offline runs return them instead). */
  | { readonly type: 'statement'; readonly target: string; readonly sql: string };
