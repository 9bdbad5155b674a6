/**
 * What every command handler gets: the global options turned into library options, and the printer.
 */
import type { Command } from 'commander';
import type { RetortOptions, RunEvent } from '../api/options.js';
import { parseXArgs } from '../config/xargs.js';
import { Output } from './output.js';
import { redactUrlsIn } from '../util/redact.js';

/** Passed from main to the command registrations. */
export interface CliHost {
  /** The printer for this run (built after the global options are known). */
  output(): Output;
  setExitCode(code: number): void;
}

/** The global options as commander parsed them. */
interface GlobalOptions {
  config?: string;
  url?: string;
  x?: string[];
  target?: string;
  /** Seconds, parsed by lock-option.ts (global or the command's own `--lock-timeout`). */
  lockTimeout?: number;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** A command's view of the run: library options, printer, verbosity. */
export interface CommandContext {
  readonly options: RetortOptions;
  readonly output: Output;
  readonly verbose: boolean;
  readonly json: boolean;
}

/** Build the context of a command from its commander object. */
export function commandContext(command: Command): CommandContext {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const output = new Output({ json: globals.json === true, quiet: globals.quiet === true, verbose: globals.verbose === true });
  const options: RetortOptions = {
    cwd: process.cwd(),
    ...(globals.config === undefined ? {} : { config: globals.config }),
    ...(globals.url === undefined ? {} : { url: globals.url }),
    ...(globals.target === undefined ? {} : { target: globals.target }),
    ...(globals.lockTimeout === undefined ? {} : { lockTimeout: globals.lockTimeout }),
    x: parseXArgs(globals.x ?? []),
    onEvent: (event) => printEvent(output, event, globals.verbose === true),
  };
  return { options, output, verbose: globals.verbose === true, json: globals.json === true };
}

/**
 * Progress as Alembic prints it: "Running upgrade 1f2a -> 3c4d, add isbn column"; `prefix` (the
 * target's name, when several targets run) starts each line.
 */
export function printEvent(output: Output, event: RunEvent, verbose: boolean, prefix = ''): void {
  if (event.type === 'statement') {
    // A statement that connects elsewhere may carry a URL with a password (`--sql` keeps it: it is the script to run).
    if (verbose) output.progress(`${prefix}  ${redactUrlsIn(event.sql)}`);
    return;
  }
  if (event.type === 'step-start') {
    const { step, message } = event;
    const verb = step.direction === 'up' ? 'upgrade' : 'downgrade';
    output.progress(`${prefix}Running ${verb} ${step.from.join(', ')} -> ${step.to.join(', ')}, ${message}`);
  } else if (event.type === 'info') {
    output.progress(`${prefix}${event.message}`);
  }
}
