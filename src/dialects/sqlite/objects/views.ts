/**
 * SQLite views: read from the `CREATE VIEW` text in sqlite_master, written with CREATE VIEW.
 * SQLite has no CREATE OR REPLACE VIEW and no ALTER VIEW: a changed view is dropped and created
 * again (the diff re-creates the views over it too, in dependency order).
 */
import type { ObjectRef, ViewSpec } from '../../../schema/objects.js';
import type { ObjectDdl } from '../../dialect.js';
import { tokenize } from '../sql-text.js';

/**
 * The view of a `CREATE VIEW` statement, or undefined when the model cannot hold it (a
 * TEMP view, a column list `v(a, b)`): such a view stays in the unmodelled report.
 */
export function parseView(sql: string): ViewSpec | undefined {
  const tokens = tokenize(sql);
  const word = (i: number) => (tokens[i]?.kind === 'word' ? tokens[i]?.value.toLowerCase() : undefined);
  let i = 0;
  if (word(i++) !== 'create' || word(i++) !== 'view') return undefined;
  if (word(i) === 'if' && word(i + 1) === 'not' && word(i + 2) === 'exists') i += 3;
  const name = tokens[i++];
  if (name === undefined || (name.kind !== 'word' && name.kind !== 'quoted')) return undefined;
  if (tokens[i]?.value === '.') return undefined;
  const as = tokens[i];
  if (as?.kind !== 'word' || as.value.toLowerCase() !== 'as') return undefined;
  return Object.freeze({ kind: 'view', name: name.value, body: sql.slice(as.end).trim().replace(/;\s*$/, '') }) as ViewSpec;
}

/** The DDL of views, with the compiler's quoting. */
export function sqliteViewDdl(quote: (name: string) => string): ObjectDdl {
  return {
    create: (o) => [`CREATE VIEW ${quote(o.name)} AS\n${(o as ViewSpec).body.trim().replace(/;\s*$/, '')}`],
    drop: (ref: ObjectRef, _ctx, { ifExists }) => [`DROP VIEW ${ifExists ? 'IF EXISTS ' : ''}${quote(ref.name)}`],
  };
}
