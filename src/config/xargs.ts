/**
 * `-x KEY=VALUE` arguments: free-form values passed to revision scripts and to a config's
 * computed `targets` function (Alembic's `-x`, read there with `get_x_argument(as_dictionary=True)`).
 */
import { RetortError } from '../errors.js';

/**
 * Turns `['tenant=acme', 'dry=1']` into `{ tenant: 'acme', dry: '1' }`. The value is everything
 * after the first `=` (so it may itself contain `=`, and may be empty); when a key repeats, the
 * last one wins, as with most command-line options.
 *
 * @throws RetortError `BadArgument` for an entry without `=` or with an empty or space-padded key.
 */
export function parseXArgs(list: readonly string[]): Record<string, string> {
  const args: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const entry of list) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (eq < 0 || key === '' || key.trim() !== key) {
      throw new RetortError('BadArgument', `Bad -x argument \`${entry}\`: expected KEY=VALUE with a non-empty key.`, {
        fields: { argument: entry },
        hint: 'Pass each value as `-x key=value`, e.g. `-x tenant=acme`.',
      });
    }
    args[key] = entry.slice(eq + 1);
  }
  return { ...args };
}
