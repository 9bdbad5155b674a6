/**
 * Changing what kind of column a column is: plain, VIRTUAL generated or STORED generated. MySQL
 * and MariaDB can MODIFY a generated column's expression but not its kind ("This is not yet
 * supported for generated columns"), so the column is dropped and added again in its place (`AFTER`
 * its neighbour), with the indexes that use it re-created in the same statement (dropping a column
 * only shortens a multi-column index). A generated column becoming plain keeps its values: the new
 * column is added beside it, filled from it, and takes its name.
 */
import { RetortError } from '../../errors.js';
import type { AlterColumnOp } from '../../ops/operations.js';
import { elementColumn } from '../../schema/elements.js';
import type { ColumnSpec, IndexSpec, NamedColumn, TableSpec } from '../../schema/model.js';
import type { CompileContext } from '../dialect.js';

/** What the regeneration needs from the MySQL compiler. */
export interface RegenerateRenderer {
  quoteIdentifier(name: string): string;
  /** The op's table, quoted and qualified. */
  readonly table: string;
  columnDefinition(column: NamedColumn): string;
  /** `ADD [UNIQUE | FULLTEXT | SPATIAL] INDEX name (parts) [USING x]`. */
  addIndex(index: IndexSpec): string;
}

/** True when `op` changes whether the column is generated, or VIRTUAL into STORED or back. */
export function changesGeneratedKind(current: Partial<ColumnSpec>, op: AlterColumnOp): boolean {
  const next = op.changes.generated;
  if (next === undefined) return false;
  const before = current.generated;
  return (before === undefined) !== (next === null) || (before !== undefined && next !== null && before.stored !== next.stored);
}

/** The indexes of `table` that use `column`, unique constraints included (as unique indexes). */
function indexesUsing(table: TableSpec, column: string): IndexSpec[] {
  const uniques: IndexSpec[] = table.constraints.flatMap((c) =>
    c.kind === 'unique' && c.name !== undefined ? [{ name: c.name, columns: c.columns, unique: true }] : []);
  return [...table.indexes, ...uniques].filter((ix) => ix.columns.some((e) => elementColumn(e) === column));
}

/**
 * The statements that turn column `op.column` of `live` into `after` (named `name`). Online only:
 * the column's place and its indexes come from the live catalog.
 */
export function regenerateColumn(op: AlterColumnOp, live: TableSpec, name: string, after: ColumnSpec, r: RegenerateRenderer): string[] {
  const at = live.columns.findIndex((c) => c.name === op.column);
  const previous = live.columns[at - 1];
  const place = previous === undefined ? 'FIRST' : `AFTER ${r.quoteIdentifier(previous.name)}`;
  const indexes = indexesUsing(live, op.column).map((ix) => ({ ...ix, columns: ix.columns.map((e) => (elementColumn(e) === op.column && typeof e === 'string' ? name : e)) }));
  const dropIndexes = indexes.map((ix) => `DROP INDEX ${r.quoteIdentifier(ix.name)}`);
  const addIndexes = indexes.map((ix) => r.addIndex(ix));
  const alter = (clauses: readonly string[]) => `ALTER TABLE ${r.table} ${clauses.join(', ')}`;
  const column = r.quoteIdentifier(op.column);
  if (after.generated !== undefined) {
    return [alter([...dropIndexes, `DROP COLUMN ${column}`, `ADD COLUMN ${r.columnDefinition({ name, spec: after })} ${place}`, ...addIndexes])];
  }
  // Generated to plain: keep the values it computed.
  const temporary = r.quoteIdentifier(`_retort_tmp_${name}`);
  return [
    alter([`ADD COLUMN ${r.columnDefinition({ name: `_retort_tmp_${name}`, spec: after })} AFTER ${column}`]),
    `UPDATE ${r.table} SET ${temporary} = ${column}`,
    alter([...dropIndexes, `DROP COLUMN ${column}`, `RENAME COLUMN ${temporary} TO ${r.quoteIdentifier(name)}`, ...addIndexes]),
  ];
}

/** The live table an alterColumn needs to change a column's kind; refused offline. */
export async function liveTableFor(op: AlterColumnOp, ctx: CompileContext): Promise<TableSpec> {
  const live = ctx.readTable === undefined ? undefined : await ctx.readTable(op.table, op.schema);
  if (live === undefined) {
    throw new RetortError('OfflineUnsupported', `MySQL cannot change whether '${op.table}.${op.column}' is a generated column in place; retort drops and re-adds it, which needs the live table.`, {
      fields: { table: op.table, column: op.column },
      hint: 'Run this revision online (without --sql), or write the DROP COLUMN / ADD COLUMN by hand with op.execute.',
    });
  }
  return live;
}
