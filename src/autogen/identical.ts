/**
 * The diff's fast path: a table that is the same on both sides, to the letter, has nothing to
 * diff, so `diffSchemas` skips matching its columns and comparing its parts.
 *
 * Why: a `check` of a database that matches its schema module (the usual case in CI) compared
 * every attribute of every table through the dialect's hooks: 2,000 tables took 100-120 ms of CPU
 * in the diff alone. Equal texts here are strictly more demanding than the diff's own equality
 * (which equates `int4` and `integer`, absent and default attributes...), so a table that is not
 * identical to the letter takes the full path and nothing the diff would find is skipped.
 * test/integration/diff-identical.test.ts checks on the real schemas of the fixtures that the
 * result is the same with and without this path.
 */
import type { TableSpec } from '../schema/model.js';
import { canonicalJson } from './compare.js';
import { isAttachedKey, tableConstraints } from './normalize.js';

/**
 * A table as one text: its columns, its constraints as the diff sees them, its indexes (these
 * two in a canonical order), options and partition bound.
 *
 * Keys are in the text once, as constraints: `tableConstraints` turns what a column declares
 * inline (`.primaryKey()`, `.unique()`, `.references()`) into the same constraint a catalog
 * reads at table level, and the columns are written without those three attributes. (`pull`
 * writes a one-column foreign key inline, where the catalog has it at table level.)
 *
 * Constraints and indexes are written with sorted keys (a module and a catalog build them in
 * different orders; columns are built by one function, `columnSpec`, on both sides).
 * INITIALLY DEFERRED is written with the DEFERRABLE it implies, as the diff reads it.
 *
 * One thing is left out: the primary key's name. The diff never compares it (a declared key
 * without a name matches the table's key whatever PostgreSQL named it, and a named one whose
 * name differs is matched by being the primary key: diff-constraints.ts), and leaving it in
 * would send every table whose key PostgreSQL named `t_pkey` down the full path.
 */
function fingerprint(table: TableSpec): string {
  const columns = table.columns.map(({ name, spec: { primaryKey: _p, unique: _u, references: _r, ...rest } }) => [name, rest]);
  const constraints = tableConstraints(table).map(({ spec }) => canonicalJson({
    ...spec,
    ...(spec.kind === 'primaryKey' ? { name: undefined } : {}),
    // INITIALLY DEFERRED implies DEFERRABLE (same.ts's `timing`): `pull` writes the first alone.
    ...(spec.initiallyDeferred === true ? { deferrable: true } : {}),
  }));
  const indexes = table.indexes.map((ix) => canonicalJson(ix));
  // In a canonical order: the diff pairs constraints and indexes by name or content, never by
  // position, and a catalog lists them by name where a module lists them as written.
  return JSON.stringify([
    table.schema ?? null, columns, constraints.sort(), table.constraints.filter(isAttachedKey),
    indexes.sort(), table.options, table.partitionOf ?? null,
  ]);
}

/**
 * True when `from` and `to` are the same table to the letter (names aside, only that of the
 * primary key), so that the diff has nothing to find in it. A declared rename hint makes them
 * differ: a table or column being renamed always takes the full path.
 */
export function identicalTables(from: TableSpec, to: TableSpec): boolean {
  return from.name === to.name && from.renamedFrom === undefined && to.renamedFrom === undefined &&
    fingerprint(from) === fingerprint(to);
}
