#!/usr/bin/env node
/**
 * The `retort` executable: run the CLI and exit with its code once stdout and stderr are flushed.
 * The explicit exit matters: a revision script may leave a timer or a socket of its own behind,
 * and the command is over when retort says so, not when the script's leftovers are.
 */
import { runCli } from './main.js';
import { setV8Flag } from '../util/v8-flags.js';

// V8's compilation cache keeps the source and top-level code of every script compiled in the
// process until memory pressure or age clears it, even after nothing refers to it: a run of
// 20,000 revisions held 150 MB there (7 KB a revision) while retort itself held none. The CLI
// compiles each revision once, so the cache never answers and only costs memory. The flag is read
// at each compilation, so setting it now covers every script this process compiles.
setV8Flag('--no-compilation-cache');
// V8 grows the young generation (up to two 16 MB semi-spaces) once a process allocates fast, and
// keeps it for the rest of the run, though nearly all of it is garbage: a warm upgrade of 2,000
// revisions on SQLite peaked at 128 MB RSS with 60 MB of heap for 28 MB used. Kept at its initial
// size, the peak fell to 98 MB (knex: 89) for the same CPU time (3.34 -> 3.29 s user+sys), a cold
// one 147 -> 121 MB, and `check` of 500 PostgreSQL tables 77 -> 66 MB and 0.571 -> 0.544 s. Read
// whenever V8 would grow the space, so setting it now covers the whole run.
setV8Flag('--semi-space-growth-factor=1');

function exitAfterFlush(code: number): void {
  process.exitCode = code;
  // An empty write calls back once everything written before it has been handed to the OS.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

runCli(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  process.stderr.write(`retort: ${error instanceof Error ? error.message : String(error)}\n`);
  exitAfterFlush(1);
});
