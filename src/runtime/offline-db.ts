/**
 * The `db` a script receives in offline (`--sql`) mode. There is no database to query, and a
 * query that silently returned nothing would make the printed SQL lie, so any use fails with a
 * message saying what to do instead.
 */
import type { Kysely } from 'kysely';
import { RetortError } from '../errors.js';

/** A stand-in for Kysely that throws on any use. */
export function offlineDb(revision: () => string): Kysely<any> {
  return new Proxy({} as Kysely<any>, {
    get(_target, property) {
      if (property === 'then') return undefined; // so that `await ctx.db` does not throw
      throw new RetortError(
        'OfflineUnsupported',
        `Revision ${revision()} uses \`db.${String(property)}\`, but --sql mode has no database to query.`,
        {
          fields: { revision: revision() },
          hint: 'Write data changes as SQL with op.execute(...) or op.bulkInsert(...), or skip them when `offline` is true.',
        },
      );
    },
  });
}
