/**
 * `op.alterIndex` on PostgreSQL: rename an index, set or reset its storage parameters. A
 * partition's copy of its parent's index or key (`attachedTo`) is found when the statement runs:
 * PostgreSQL names a copy it creates `partition_pkey` (`partition_columns_idx`, ...) unless
 * another relation of the schema holds that name, and then numbers it (`partition_pkey1`), which
 * a revision written before cannot know. Renaming the first name would rename that other
 * relation's index instead.
 */
import type { AlterIndexOp } from '../../ops/operations.js';

/** What the statements are written with (the compiler's quoting). */
export interface AlterIndexWriter {
  qualified(name: string, schema: string | undefined): string;
  quoteIdentifier(name: string): string;
  quoteString(text: string): string;
  /** `k = v, ...` for a `SET (...)`. */
  storageList(parameters: Readonly<Record<string, string>>): string;
}

/** The clauses after `ALTER INDEX <index>`: the rename first, then SET and RESET on the new name. */
function clauses(op: AlterIndexOp, w: AlterIndexWriter): { rename?: string; after: string[] } {
  const entries = Object.entries(op.with ?? {});
  const set = Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== null));
  const reset = entries.filter(([, v]) => v === null).map(([k]) => k);
  // SET/RESET change only the catalog's parameters; pages already written keep their layout (as pg_dump's CREATE would not).
  return {
    ...(op.rename === undefined ? {} : { rename: `RENAME TO ${w.quoteIdentifier(op.rename)}` }),
    after: [...(Object.keys(set).length > 0 ? [`SET (${w.storageList(set)})`] : []), ...(reset.length > 0 ? [`RESET (${reset.join(', ')})`] : [])],
  };
}

/** The statements of `op` on the index's table in `schema`. */
export function alterIndexStatements(op: AlterIndexOp, schema: string | undefined, w: AlterIndexWriter): string[] {
  const { rename, after } = clauses(op, w);
  if (op.attachedTo === undefined) {
    const index = w.qualified(op.rename ?? op.name, schema);
    return [...(rename === undefined ? [] : [`ALTER INDEX ${w.qualified(op.name, schema)} ${rename}`]), ...after.map((c) => `ALTER INDEX ${index} ${c}`)];
  }
  // One block: the copy is the partition's index whose pg_inherits parent is the parent's index
  // of that name (a partition's parent lives in one schema, so the name is enough). `copy` is an
  // oid: after the rename it prints the new name.
  const table = w.quoteString(w.qualified(op.table, schema));
  const run = [...(rename === undefined ? [] : [rename]), ...after].map((c) => `  EXECUTE 'ALTER INDEX ' || copy::text || ${w.quoteString(` ${c}`)};`);
  return [[
    'DO $retort$',
    'DECLARE copy regclass;',
    'BEGIN',
    '  SELECT i.inhrelid::regclass INTO copy FROM pg_inherits i',
    '    JOIN pg_index x ON x.indexrelid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent',
    `    WHERE x.indrelid = ${table}::regclass AND p.relname = ${w.quoteString(op.attachedTo)};`,
    '  IF copy IS NULL THEN',
    `    RAISE EXCEPTION 'retort: % has no index attached to %', ${table}, ${w.quoteString(op.attachedTo)};`,
    '  END IF;',
    ...run,
    'END',
    '$retort$',
  ].join('\n')];
}
