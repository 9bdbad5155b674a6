/** The object kinds PostgreSQL models (a module of its own: the capabilities load it eagerly). */
import type { ObjectKind } from '../../../schema/objects.js';

/** Every kind the PostgreSQL dialect reads, compares and writes. */
export const POSTGRES_OBJECT_KINDS: readonly ObjectKind[] = Object.freeze([
  'view', 'materializedView',
  'domain', 'compositeType', 'extension', 'sequence', 'policy',
  'function', 'procedure', 'trigger',
]);
