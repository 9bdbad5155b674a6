/**
 * Catalog snapshots: what a database holds, object by object, as the server itself prints it, in
 * one shape for every dialect. `retort test` compares the snapshot before a revision's upgrade
 * with the one after its downgrade; the round-trip tests compare two databases built different
 * ways. A snapshot is deliberately not retort's schema model: it checks the model's reader and
 * the scripts, so it must not share their blind spots.
 */
import type { Session } from './dialect.js';

/**
 * Kind (`tables`, `columns`, `indexes`, `enums`...) → object key (`public.books.title`) → the
 * object's definition as one line of text. Two equal catalogs have equal snapshots.
 */
export type CatalogSnapshot = Readonly<Record<string, ReadonlyMap<string, string>>>;

/** What to read. */
export interface SnapshotOptions {
  /** Namespaces to read (PostgreSQL schemas); absent: the connection's default. */
  readonly schemas?: readonly string[];
  /** Tables left out with everything on them (retort's version and history tables). */
  readonly excludeTables?: readonly string[];
}

/** A dialect's snapshot reader: a few catalog queries, nothing written. */
export interface CatalogSnapshotReader {
  read(session: Session, options: SnapshotOptions): Promise<CatalogSnapshot>;
}

/** A database made for one run, and how to remove it. */
export interface ScratchDatabase {
  /** Its URL, in the same scheme as the URL it was made from. */
  readonly url: string;
  /** What to call it in messages (a database name, a file path). */
  readonly name: string;
  /** Remove it; safe to call twice. */
  drop(): Promise<void>;
}

/**
 * How a dialect makes a scratch database next to a configured one: a new database on the same
 * server (PostgreSQL, MySQL / MariaDB) or a temporary file (SQLite).
 */
export interface ScratchDatabases {
  create(url: string, name: string): Promise<ScratchDatabase>;
}

/**
 * The differences between two snapshots, one line each, naming the kind, the object and both
 * definitions: `indexes public.books_title_idx: only after (CREATE INDEX ON ...)`. `labels` names
 * the two sides (`before the upgrade`, `after the downgrade`). Empty when they are equal.
 */
export function snapshotDifferences(a: CatalogSnapshot, b: CatalogSnapshot, labels: readonly [string, string] = ['first', 'second']): string[] {
  const out: string[] = [];
  for (const kind of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[kind] ?? new Map<string, string>();
    const y = b[kind] ?? new Map<string, string>();
    for (const key of [...new Set([...x.keys(), ...y.keys()])].sort()) {
      const left = x.get(key);
      const right = y.get(key);
      if (left === right) continue;
      if (left === undefined) out.push(`${kind} ${key}: only ${labels[1]} (${right})`);
      else if (right === undefined) out.push(`${kind} ${key}: only ${labels[0]} (${left})`);
      else out.push(`${kind} ${key}: ${labels[0]} ${left}; ${labels[1]} ${right}`);
    }
  }
  return out;
}
