#!/usr/bin/env node
/** The `retort` executable: run the CLI and exit with its code. */
import { runCli } from './main.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`retort: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
