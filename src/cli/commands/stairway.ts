/**
 * `retort test [--url URL] [--json]`: the stairway (see api/stairway.ts), printed. Without
 * `--url` it runs on a scratch database next to the configured one, never on the configured one;
 * with `--url` on that database, which should be empty.
 */
import { createRetort } from '../../api/retort.js';
import { EXIT_CODES } from '../../errors.js';
import type { CommandContext } from '../context.js';

/** `retort test`: exit 0 when every revision went up, down and up again cleanly; 3 at the first that did not. */
export async function runStairway(ctx: CommandContext): Promise<number> {
  const result = await createRetort(ctx.options).stairway({ scratch: ctx.options.url === undefined });
  const { ok, revisions, failures, passed, schemaCompared, database, scratch } = result;
  ctx.output.result({ ok, revisions, failures, passed, schemaCompared, database, scratch }, () => {
    const where = scratch ? `scratch database ${database} (dropped)` : database;
    const lines = [`Stairway on ${where}: ${passed.length} of ${revisions} revision(s) went up, down and up again with the catalog restored.`];
    for (const f of failures) {
      const what = f.step === 'schema' ? `At head (${f.revision}) the database differs from the schema module:`
        : f.step === 'downgrade' ? `Revision ${f.revision}: its downgrade does not restore the catalog:`
          : `Revision ${f.revision}: upgrading it again after its downgrade fails or builds another catalog:`;
      lines.push(what, ...f.differences.map((d) => `  ${d}`));
    }
    if (ok) lines.push(schemaCompared ? 'OK: at head the database matches the schema module.' : 'OK (no schema module configured: the head was not compared).');
    return lines;
  });
  return ok ? EXIT_CODES.ok : EXIT_CODES.check;
}
