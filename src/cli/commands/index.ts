/**
 * The commands of the contract, declared for commander. Each action imports its handler lazily,
 * so a command loads only what it uses.
 */
import type { Command } from 'commander';
import { commandContext, type CliHost, type CommandContext } from '../context.js';
import { lockTimeoutOption } from '../lock-option.js';

type Handler = (ctx: CommandContext, args: readonly unknown[], options: Record<string, unknown>) => Promise<number | void>;

/** Wrap a lazily imported handler: build the context, run, print errors, set the exit code. */
function action(host: CliHost, load: () => Promise<Handler>) {
  return async (...received: unknown[]): Promise<void> => {
    const command = received[received.length - 1] as Command;
    const options = received[received.length - 2] as Record<string, unknown>;
    const args = received.slice(0, -2);
    const ctx = commandContext(command);
    try {
      if (command.optsWithGlobals<{ allTargets?: boolean }>().allTargets === true) {
        // --all-targets: the fleet runner runs the command per target and prints a summary.
        const { runFleetCommand } = await import('../fleet.js');
        host.setExitCode(await runFleetCommand(ctx, command, args, options));
        return;
      }
      const handler = await load();
      const code = await handler(ctx, args, options);
      host.setExitCode(code ?? 0);
    } catch (error) {
      host.setExitCode(ctx.output.error(error));
    }
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Declare every command on `program`. */
export function registerCommands(program: Command, host: CliHost): void {
  const migrate = () => import('./migrate.js');
  const graph = () => import('./graph.js');
  const author = () => import('./author.js');
  const integrity = () => import('./integrity.js');

  program.command('init').argument('[dir]', 'folder to initialise', '.')
    .description('write retort.config.ts, migrations/ with an editable script.ts.tmpl, and a schema stub')
    .option('--template <name>', 'default or multi', 'default')
    .action(action(host, async () => (await author()).init));
  program.command('list-templates').description('name the init templates')
    .action(action(host, async () => (await author()).listTemplates));
  program.command('revision').description('write a new revision file')
    .option('-m, --message <msg>', 'what the revision does')
    .option('--autogenerate', 'compare the declared schema with the database and write the operations')
    .option('--allow-empty-schema', 'with --autogenerate: write the revision even if the schema declares no table (it drops every table)')
    .option('--head <rev>', 'the revision the new one is based on', 'head')
    .option('--splice', 'allow --head to be a revision that is not a head (starts a branch)')
    .option('--branch-label <label>', 'a branch label for the new revision')
    .option('--depends-on <rev>', 'a revision this one depends on (repeatable)', collect)
    .option('--rev-id <id>', 'the id to use instead of a generated one')
    .option('--version-path <dir>', 'the version directory to write into')
    .option('--sql-file', 'write a plain .sql revision (-- retort:up and -- retort:down sections) instead of a .ts script')
    .action(action(host, async () => (await author()).revision));
  program.command('merge').argument('<revs...>', 'revisions to merge (`heads` for all heads)')
    .description('write a revision whose parents are REVS')
    .option('-m, --message <msg>', 'what the merge is')
    .option('--branch-label <label>', 'a branch label for the merge revision')
    .option('--rev-id <id>', 'the id to use instead of a generated one')
    .action(action(host, async () => (await author()).merge));

  program.command('upgrade').argument('[target]', 'revision to upgrade to', 'head')
    .description('apply revisions')
    .option('--sql', 'print the SQL instead of running it ([FROM:]TO)')
    .option('--tag <tag>', 'an arbitrary tag passed to scripts')
    .addOption(lockTimeoutOption())
    .action(action(host, async () => (await migrate()).upgrade));
  program.command('downgrade').argument('<target>', 'revision to downgrade to (e.g. -1, base)')
    .description('revert revisions; --sql needs FROM:TO')
    .option('--sql', 'print the SQL instead of running it (FROM:TO)')
    .option('--tag <tag>', 'an arbitrary tag passed to scripts')
    .addOption(lockTimeoutOption())
    .action(action(host, async () => (await migrate()).downgrade));
  program.command('stamp').argument('<revs...>', 'revisions the database should hold')
    .description('set the version table without running scripts')
    .option('--purge', 'empty the version table first')
    .option('--sql', 'print the SQL instead of running it')
    .addOption(lockTimeoutOption())
    .action(action(host, async () => (await migrate()).stamp));

  program.command('current').description('the revisions the database holds')
    .action(action(host, async () => (await graph()).current));
  program.command('history').description('revisions, newest first')
    .option('-r, --rev-range <range>', 'START:END, either side may be empty')
    .option('-i, --indicate-current', 'mark the revisions the database holds')
    .option('--applied', 'what ran on the database (the history table), newest first')
    .action(action(host, async () => (await integrity()).history));
  program.command('accept').argument('<rev>', 'an applied revision whose file was edited')
    .description('record the current sha256 of an applied revision\'s file, once a person has checked it')
    .action(action(host, async () => (await integrity()).accept));
  program.command('resolve').argument('<rev>', 'the revision that failed half-way')
    .description('close a failed revision after cleaning up by hand')
    .option('--applied', 'its effect is complete: the version table moves as if it ran')
    .option('--rolled-back', 'you undid it: the version table stays')
    .action(action(host, async () => (await integrity()).resolve));
  program.command('heads').description('the heads of the revision graph')
    .action(action(host, async () => (await graph()).heads));
  program.command('branches').description('the branch points of the revision graph')
    .action(action(host, async () => (await graph()).branches));
  program.command('show').argument('<rev>', 'a revision, prefix, label or head form')
    .description('one revision in detail')
    .action(action(host, async () => (await graph()).show));

  program.command('graph').description('the revision graph as text (Mermaid or Graphviz DOT)')
    .option('--format <format>', 'mermaid or dot', 'mermaid')
    .action(action(host, async () => (await graph()).graph));

  program.command('check').description('exit 3 if autogenerate would emit operations or the database is not at head')
    .option('--strict', 'exit 3 also when the database holds objects retort does not model (listed on every run)')
    .action(action(host, async () => (await author()).check));
  program.command('test').description('stairway on a scratch database: each revision up, down (catalog compared), up again; at head, compared with the schema (exit 3 at the first difference)')
    .action(action(host, async () => (await import('./stairway.js')).runStairway));
  program.command('lint').argument('[range]', 'START:END or a revision (default: every revision)')
    .description('risky operations of revisions, read without a database; exit 3 on findings not acknowledged')
    .option('--since <rev>', 'only the revisions after REV')
    .option('--pending', 'only the revisions the database has not applied (the next `upgrade heads`); reads its version table, no lock')
    .action(action(host, async () => (await import('./lint.js')).lint));
  program.command('pull').description('write the TypeScript schema of the live database')
    .option('--out <file>', 'where to write (default: the config\'s schema path)')
    .option('--force', 'overwrite an existing file')
    .action(action(host, async () => (await author()).pull));

  program.command('squash').argument('<range>', 'FROM:TO, the first and the last revision to replace')
    .description('one revision replacing a linear range (same catalog, checked on scratch databases); a database at TO is then at it')
    .option('-m, --message <msg>', 'what the squashed revision holds')
    .option('--rev-id <id>', 'the id to use instead of a generated one')
    .option('--keep-data', 'copy data statements (op.execute of INSERT/UPDATE..., op.bulkInsert) verbatim after the schema')
    .action(action(host, async () => (await import('./squash.js')).squash));

  const adopt = () => import('./adopt.js');
  program.command('baseline').description('write the live schema as the first revision and stamp the database at it (a database no tool managed)')
    .option('-m, --message <msg>', 'the revision\'s message')
    .option('--sql', 'print the revision and the stamp SQL; write and stamp nothing')
    .addOption(lockTimeoutOption())
    .action(action(host, async () => (await adopt()).baseline));
  program.command('adopt').description('take over a database from another tool: read its version table, then baseline; its table is left in place')
    .requiredOption('--from <tool>', 'alembic, sqlalchemy-migrate, knex, drizzle, prisma or flyway')
    .option('--alembic-scripts <dir>', 'with --from alembic: convert the versions/*.py headers into the graph (stub bodies) and stamp alembic_version\'s rows, instead of a baseline')
    .option('-m, --message <msg>', 'the revision\'s message')
    .option('--sql', 'print the revision and the stamp SQL; write and stamp nothing')
    .addOption(lockTimeoutOption())
    .action(action(host, async () => (await adopt()).adopt));
}
