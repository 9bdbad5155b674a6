#!/usr/bin/env node
/**
 * The `retort` executable: run the CLI and exit with its code once stdout and stderr are flushed.
 * The explicit exit matters: a revision script may leave a timer or a socket of its own behind,
 * and the command is over when retort says so, not when the script's leftovers are.
 */
import { runCli } from './main.js';

function exitAfterFlush(code: number): void {
  process.exitCode = code;
  // An empty write calls back once everything written before it has been handed to the OS.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

runCli(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  process.stderr.write(`retort: ${error instanceof Error ? error.message : String(error)}\n`);
  exitAfterFlush(1);
});
