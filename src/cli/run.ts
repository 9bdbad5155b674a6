/**
 * What the `retort` executable runs (bin.ts loads it from the CLI bundle): run the CLI and exit
 * with its code once stdout and stderr are flushed. The explicit exit matters: a revision script
 * may leave a timer or a socket of its own behind, and the command is over when retort says so,
 * not when the script's leftovers are.
 *
 * The V8 flags below are set by bin.ts already, before it compiles the bundle (a code cache is
 * accepted only under the flags it was made with); they are set here again through setV8Flag so
 * that the code caches of revision scripts are named for them (util/v8-flags.ts).
 */
import { runCli } from './main.js';
import { setV8Flag } from '../util/v8-flags.js';
import { CLI_V8_FLAGS } from './process-flags.js';

/**
 * The bundle's one export, for bin.ts: the V8 flags this process has set so far, so that a part
 * of the bundle required during a run is compiled under the flags its code cache was made with.
 */
export { v8FlagsSet } from '../util/v8-flags.js';

for (const flag of CLI_V8_FLAGS) setV8Flag(flag);

function exitAfterFlush(code: number): void {
  process.exitCode = code;
  // An empty write calls back once everything written before it has been handed to the OS.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

runCli(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  process.stderr.write(`retort: ${error instanceof Error ? error.message : String(error)}\n`);
  exitAfterFlush(1);
});
