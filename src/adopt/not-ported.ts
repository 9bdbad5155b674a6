/**
 * The call in the body of a revision that `adopt --alembic-scripts` converted from an Alembic
 * script: the database taken over had run it already, so it is never run there; a database
 * built from scratch that reaches it stops with a clear error rather than skipping a step of
 * its schema.
 */
import { RetortError } from '../errors.js';

/**
 * Throws `UnportedRevision`: `revision`'s `direction` is still the Python it was converted from.
 * Nothing of the revision has run when it throws (it is the body's only statement).
 */
export function notPorted(revision: string, direction: 'upgrade' | 'downgrade'): never {
  throw new RetortError('UnportedRevision', `Revision ${revision} was converted from an Alembic script and its ${direction} has not been ported to TypeScript yet; nothing of it ran.`, {
    fields: { revision, direction },
    hint: `Port the Python kept in a comment in its ${direction}() with the op API and remove the notPorted(...) call; or, if the database already is ${direction === 'upgrade' ? 'at' : 'below'} this revision by other means, \`retort stamp ${direction === 'upgrade' ? revision : `${revision}-1`}\`.`,
  });
}
