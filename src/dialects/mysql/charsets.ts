/**
 * Character sets and collations the way the model keeps them on MySQL: a table's default
 * character set and collation are table options; a column carries `charset` / `collation` only
 * where it differs from its table, the catalog's answer and the declared schema alike. A column
 * of another character set says its character set, and its collation only when that is not the
 * character set's default one (as `SHOW CREATE TABLE` would let you write it).
 */
import type { Session } from '../dialect.js';

/** Each character set's default collation, by character set (lower case). */
export type CharsetCollations = ReadonlyMap<string, string>;

/** The character set and collation of a column or table; undefined parts are not said. */
export interface Collated {
  readonly charset?: string;
  readonly collation?: string;
}

/** Read each character set's default collation (one small query on `COLLATIONS`). */
export async function readCharsetCollations(session: Session): Promise<CharsetCollations> {
  const rows = await session.query<{ c: string; n: string }>(
    "SELECT CHARACTER_SET_NAME AS c, COLLATION_NAME AS n FROM information_schema.COLLATIONS WHERE IS_DEFAULT = 'Yes'",
  );
  return new Map(rows.map((r) => [r.c.toLowerCase(), r.n.toLowerCase()]));
}

/** A character set's name as the catalog reports it: `utf8` is `utf8mb3` on MariaDB 10.6+ and MySQL 8. */
export function canonicalCharset(name: string): string {
  const lower = name.toLowerCase();
  return lower === 'utf8' ? 'utf8mb3' : lower;
}

/** A collation's name as the catalog reports it (`utf8_bin` is `utf8mb3_bin`). */
export function canonicalCollation(name: string): string {
  const lower = name.toLowerCase();
  return lower.startsWith('utf8_') ? `utf8mb3_${lower.slice(5)}` : lower;
}

/** The character set of a collation: the part of its name before the first `_` (`binary` is its own). */
export function charsetOfCollation(collation: string): string {
  return canonicalCollation(collation).split('_')[0] as string;
}

/**
 * What a column says about its character set and collation, given the ones it really has and
 * its table's: nothing when they are the table's (see the module comment).
 */
export function relativeTo(column: Required<Collated>, table: Required<Collated>, defaults: CharsetCollations): Collated {
  const charset = canonicalCharset(column.charset);
  const collation = canonicalCollation(column.collation);
  if (charset !== canonicalCharset(table.charset)) {
    return { charset, ...(collation === defaults.get(charset) ? {} : { collation }) };
  }
  return collation === canonicalCollation(table.collation) ? {} : { collation };
}

/**
 * The character set and collation a declaration gives a column of `table` (which has both, its
 * own or the database's); undefined when the column declares neither.
 */
export function declaredCollation(column: Collated, table: Required<Collated>, defaults: CharsetCollations): Required<Collated> | undefined {
  if (column.charset === undefined && column.collation === undefined) return undefined;
  const charset = canonicalCharset(column.charset ?? (column.collation === undefined ? table.charset : charsetOfCollation(column.collation)));
  const collation = column.collation !== undefined
    ? canonicalCollation(column.collation)
    : charset === canonicalCharset(table.charset) ? canonicalCollation(table.collation) : (defaults.get(charset) ?? `${charset}_general_ci`);
  return { charset, collation };
}

/** A table's character set and collation from what it declares (either, both or neither) and its database's. */
export function tableCollation(
  options: { readonly charset?: string; readonly collate?: string },
  database: Required<Collated>,
  defaults: CharsetCollations,
): Required<Collated> {
  const declared = { ...(options.charset === undefined ? {} : { charset: options.charset }), ...(options.collate === undefined ? {} : { collation: options.collate }) };
  return declaredCollation(declared, database, defaults) ?? { charset: canonicalCharset(database.charset), collation: canonicalCollation(database.collation) };
}
