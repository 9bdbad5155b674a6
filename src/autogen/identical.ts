/**
 * The diff's fast path: a table that is the same on both sides, to the letter, has nothing to
 * diff, so `diffSchemas` skips matching its columns and comparing its parts.
 *
 * Why: a `check` of a database that matches its schema module (the usual case in CI) compared
 * every attribute of every table through the dialect's hooks: 2,000 tables took 100-120 ms of CPU
 * in the diff alone. Equality here is strictly more demanding than the diff's own (which equates
 * `int4` and `integer`, absent and default attributes...), so a table that is not identical to
 * the letter takes the full path and nothing the diff would find is skipped.
 * test/integration/diff-identical.test.ts checks on the real schemas of the fixtures that the
 * result is the same with and without this path.
 *
 * Values are compared in place (no canonical text is built: that cost as much as the diff saved).
 */
import type { ConstraintSpec, TableSpec } from '../schema/model.js';
import { isAttachedKey, tableConstraints } from './normalize.js';

const NOTHING: ReadonlySet<string> = new Set();

/** Deep equality of model values: key order and keys holding `undefined` aside, as JSON would see them. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  return sameFields(a as Record<string, unknown>, b as Record<string, unknown>, NOTHING);
}

/** {@link same} on two objects, the fields of `skip` left out. */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>, skip: ReadonlySet<string>): boolean {
  const skipping = skip.size > 0;
  let fields = 0;
  for (const key in a) {
    const value = a[key];
    if (value === undefined || (skipping && skip.has(key))) continue;
    fields++;
    if (!same(value, b[key])) return false;
  }
  for (const key in b) if (b[key] !== undefined && !(skipping && skip.has(key))) fields--;
  return fields === 0;
}

/**
 * A column's attributes but its keys: `.primaryKey()`, `.unique()` and `.references()` are
 * compared as the constraints `tableConstraints` makes of them, where a catalog has them at table
 * level (`pull` writes a one-column foreign key inline).
 */
const COLUMN_KEYS: ReadonlySet<string> = new Set(['primaryKey', 'unique', 'references']);

/**
 * The primary key's name is not compared: the diff never does (a declared key without a name
 * matches the table's key whatever PostgreSQL named it, and a named one is matched by being the
 * primary key: diff-constraints.ts). DEFERRABLE is compared as the diff reads it (same.ts's
 * `timing`): INITIALLY DEFERRED implies it, and `pull` writes the first alone.
 */
const KEY_NAME: ReadonlySet<string> = new Set(['name', 'deferrable']);
const DEFERRABLE: ReadonlySet<string> = new Set(['deferrable']);

function sameConstraint(a: ConstraintSpec, b: ConstraintSpec): boolean {
  const deferrable = (c: ConstraintSpec) => c.deferrable === true || c.initiallyDeferred === true;
  if (a.kind !== b.kind || deferrable(a) !== deferrable(b)) return false;
  return sameFields(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>, a.kind === 'primaryKey' ? KEY_NAME : DEFERRABLE);
}

/** The same elements in any order (the diff pairs constraints and indexes by name or content, never by position). */
function sameSet<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  // Most tables have no index and one key: no copy of the list for those.
  if (a.length === 0) return true;
  if (a.length === 1) return eq(a[0]!, b[0]!);
  const left = [...b];
  for (const x of a) {
    const i = left.findIndex((y) => eq(x, y));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

const NO_KEYS: readonly ConstraintSpec[] = [];

/** A partition's keys attached to its parent's (none for most tables: then no new list). */
function attachedKeys(table: TableSpec): readonly ConstraintSpec[] {
  return table.constraints.some(isAttachedKey) ? table.constraints.filter(isAttachedKey) : NO_KEYS;
}

/**
 * True when `from` and `to` are the same table to the letter (the primary key's name aside), so
 * that the diff has nothing to find in it. A declared rename hint makes them differ: a table or
 * column being renamed always takes the full path.
 */
export function identicalTables(from: TableSpec, to: TableSpec): boolean {
  if (from.name !== to.name || from.renamedFrom !== undefined || to.renamedFrom !== undefined) return false;
  if (from.schema !== to.schema || from.columns.length !== to.columns.length) return false;
  for (let i = 0; i < from.columns.length; i++) {
    const a = from.columns[i]!;
    const b = to.columns[i]!;
    if (a.name !== b.name || !sameFields(a.spec as unknown as Record<string, unknown>, b.spec as unknown as Record<string, unknown>, COLUMN_KEYS)) return false;
  }
  return same(from.options, to.options) && same(from.partitionOf, to.partitionOf) &&
    sameSet(from.indexes, to.indexes, same) &&
    sameSet(attachedKeys(from), attachedKeys(to), same) &&
    sameSet(tableConstraints(from).map((c) => c.spec), tableConstraints(to).map((c) => c.spec), sameConstraint);
}
