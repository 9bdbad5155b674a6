/** The object kinds MySQL / MariaDB model (a module of its own: the capabilities load it eagerly). */
import type { ObjectKind } from '../../../schema/objects.js';

/** Every kind the MySQL dialect reads, compares and writes (events are still reported as not modelled). */
export const MYSQL_OBJECT_KINDS: readonly ObjectKind[] = Object.freeze(['view', 'trigger', 'function', 'procedure']);
