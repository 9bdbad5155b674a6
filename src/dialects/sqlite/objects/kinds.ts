/** The object kinds SQLite models (a module of its own: the capabilities load it eagerly). */
import type { ObjectKind } from '../../../schema/objects.js';

/** Every kind the SQLite dialect reads, compares and writes. */
export const SQLITE_OBJECT_KINDS: readonly ObjectKind[] = Object.freeze(['view', 'trigger']);
