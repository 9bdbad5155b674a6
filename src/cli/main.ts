/**
 * The `retort` command. Parses arguments with commander, calls the library, prints through
 * {@link Output}, exits with the contract's code. Command modules are imported lazily so that
 * `retort heads` loads neither a database driver nor the TypeScript loader's heavy parts.
 */
import { Command, CommanderError } from 'commander';
import { Output } from './output.js';
import { registerCommands } from './commands/index.js';
import { lockTimeoutOption } from './lock-option.js';
import { EXIT_CODES } from '../errors.js';
import { retortVersionSync } from '../util/version.js';

/** Run the CLI with `argv` (without `node` and the script path); resolves to the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_CODES.ok;
  const wantsJson = argv.includes('--json');
  const output = () => new Output({ json: wantsJson, quiet: argv.includes('-q') || argv.includes('--quiet'), verbose: argv.includes('-v') || argv.includes('--verbose') });
  const program = new Command('retort')
    .description('Database schema migrations for TypeScript: revisions with upgrade and downgrade, a revision graph, autogenerate, offline SQL.')
    .option('-c, --config <file>', 'config file (default: retort.config.ts, .js, .mjs, .json, searched upward)')
    .option('--url <url>', 'database URL, overriding the config')
    .option('-x <key=value>', 'argument passed to scripts (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--target <name>', 'one database of a multi-target config')
    .addOption(lockTimeoutOption())
    .option('--all-targets', 'run on every target of the config (a summary per target at the end)')
    .option('--concurrency <n>', 'with --all-targets: targets run at once (default 4)')
    .option('--fail-fast', 'with --all-targets: start no new target after the first failure')
    .option('--json', 'machine-readable output on stdout')
    .option('-q, --quiet', 'print only results and errors')
    .option('-v, --verbose', 'print more detail')
    .version(retortVersionSync(), '-V, --version', "print retort's version")
    // Each subcommand's --help lists these global options too (they go before or after the command).
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      // commander's own messages (bad arguments, help) go to stderr in JSON mode too.
      writeErr: (text) => process.stderr.write(text),
    });
  registerCommands(program, {
    output,
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are not errors; everything else commander rejects is bad input (exit 2).
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT_CODES.ok;
      if (wantsJson) process.stdout.write(`${JSON.stringify({ error: { code: 'BadArgument', message: error.message.replace(/^error: /, '') } }, null, 2)}\n`);
      return EXIT_CODES.input;
    }
    return output().error(error);
  }
  return exitCode;
}
