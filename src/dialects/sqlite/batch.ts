/**
 * SQLite's table rebuild, the "12 steps" of https://www.sqlite.org/lang_altertable.html#otheralter
 * and Alembic's batch mode: apply the changes to the table's model, create the new table under a
 * temporary name, copy the rows, drop the old table, rename the new one into its place, and
 * re-create its indexes and triggers.
 *
 * It relies on the run having foreign-key enforcement OFF (hooks.ts): then DROP TABLE does not
 * cascade into the tables that reference this one, and their references, which name the table
 * and not the file page, point at the new table once it carries the old name. The run's
 * `verify` hook (PRAGMA foreign_key_check) then proves no reference dangles.
 */
import { RetortError } from '../../errors.js';
import type { CreateIndexOp, CreateTableOp, Operation } from '../../ops/operations.js';
import type { ColumnSpec, ConstraintSpec, IndexSpec, NamedColumn, TableSpec } from '../../schema/model.js';
import { constraintColumns, elementColumn, elementExpression, renameConstraintColumns, renameElement } from '../../schema/elements.js';
import { columnSpec } from '../../schema/model.js';
import { conventionalName, indexOf } from '../../autogen/normalize.js';
import { tableExtras } from './introspect.js';
import type { SqliteTableExtras } from './introspect.js';
import { mentionsIdentifier, renameIdentifier } from './sql-text.js';

/** The prefix of the temporary table a rebuild copies into. */
export const REBUILD_PREFIX = '_retort_tmp_';

/** The table after the changes, and where each of its columns' values come from. */
export interface RebuildPlan {
  readonly after: TableSpec;
  /** New column name → the old column it is copied from (absent: a new column, left to its default). */
  readonly sources: ReadonlyMap<string, string>;
  /** Columns whose type changed: copied through CAST, as Alembic does. */
  readonly retyped: ReadonlySet<string>;
}

/** What the rebuild needs from the SQLite compiler (kept as callbacks to avoid an import cycle). */
export interface RebuildRenderer {
  quoteIdentifier(name: string): string;
  renderType(column: NamedColumn): string;
  createTable(op: CreateTableOp): Promise<readonly string[]>;
  createIndex(op: CreateIndexOp): Promise<readonly string[]>;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function failure(table: string, message: string, hint: string): RetortError {
  return new RetortError('MigrationFailed', message, { fields: { table }, hint });
}

/** Apply `operations` (all on `before`'s table) to its model. */
export function planRebuild(before: TableSpec, operations: readonly Operation[]): RebuildPlan {
  let columns: NamedColumn[] = [...before.columns];
  let constraints: ConstraintSpec[] = [...before.constraints];
  let indexes: IndexSpec[] = [...before.indexes];
  const sources = new Map<string, string>(before.columns.map((c) => [c.name, c.name]));
  const retyped = new Set<string>();
  const quote = (n: string): string => `"${n.replaceAll('"', '""')}"`;
  const find = (name: string): NamedColumn => {
    const column = columns.find((c) => same(c.name, name));
    if (column === undefined) {
      throw failure(before.name, `Table "${before.name}" has no column "${name}".`, `Its columns are: ${columns.map((c) => c.name).join(', ')}.`);
    }
    return column;
  };
  const setSpec = (name: string, spec: ColumnSpec, newName = name): void => {
    columns = columns.map((c) => (c.name === name ? { name: newName, spec } : c));
  };
  const clearKeyFlags = (): void => {
    columns = columns.map((c) => (c.spec.primaryKey ? { name: c.name, spec: columnSpec(c.spec.type, { ...c.spec, primaryKey: false, autoIncrement: false }) } : c));
  };
  const usesColumn = (c: ConstraintSpec, name: string): boolean =>
    c.kind === 'check' ? mentionsIdentifier(c.condition, name) : constraintColumns(c).some((x) => same(x, name));
  const indexUses = (i: IndexSpec, name: string): boolean =>
    i.columns.some((e) => { const col = elementColumn(e); return col !== undefined ? same(col, name) : mentionsIdentifier(elementExpression(e) ?? '', name); }) ||
    (i.where !== undefined && mentionsIdentifier(i.where, name));

  for (const op of operations) {
    switch (op.kind) {
      case 'addColumn':
        if (columns.some((c) => same(c.name, op.column.name))) {
          throw failure(before.name, `Table "${before.name}" already has a column "${op.column.name}".`, 'Pick another name, or alter the existing column.');
        }
        columns.push(op.column);
        break;
      case 'dropColumn': {
        const column = find(op.column);
        columns = columns.filter((c) => c !== column);
        sources.delete(column.name);
        // Whatever names the dropped column cannot survive it: SQLite would refuse the new table.
        if (constraints.some((c) => c.kind === 'primaryKey' && usesColumn(c, column.name)) || column.spec.primaryKey) clearKeyFlags();
        constraints = constraints.filter((c) => !usesColumn(c, column.name));
        indexes = indexes.filter((i) => !indexUses(i, column.name));
        break;
      }
      case 'alterColumn': {
        const column = find(op.column);
        const { changes } = op;
        const spec: Partial<ColumnSpec> = { ...column.spec };
        if (changes.type !== undefined) {
          Object.assign(spec, { type: changes.type });
          retyped.add(column.name);
        }
        if (changes.nullable !== undefined) Object.assign(spec, { nullable: changes.nullable });
        if (changes.default !== undefined) Object.assign(spec, { default: changes.default ?? undefined });
        if (changes.autoIncrement !== undefined) Object.assign(spec, { autoIncrement: changes.autoIncrement });
        if (changes.comment !== undefined) Object.assign(spec, { comment: changes.comment ?? undefined });
        if (changes.collation !== undefined) Object.assign(spec, { collation: changes.collation ?? undefined });
        if (changes.generated !== undefined) Object.assign(spec, { generated: changes.generated ?? undefined });
        const next = changes.newName ?? column.name;
        setSpec(column.name, columnSpec(spec.type ?? column.spec.type, spec), next);
        if (next !== column.name) {
          const origin = sources.get(column.name);
          sources.delete(column.name);
          if (origin !== undefined) sources.set(next, origin);
          if (retyped.delete(column.name)) retyped.add(next);
          const rename = (n: string): string => (same(n, column.name) ? next : n);
          constraints = constraints.map((c): ConstraintSpec => {
            if (c.kind === 'check') return { ...c, condition: renameIdentifier(c.condition, column.name, next, quote) };
            if (c.kind === 'foreignKey' && same(c.refTable, before.name)) {
              return { ...c, columns: c.columns.map(rename), refColumns: c.refColumns.map(rename) };
            }
            return renameConstraintColumns(c, rename);
          });
          indexes = indexes.map((i) => ({
            ...i,
            columns: i.columns.map((e) => {
              const expression = elementExpression(e);
              return expression === undefined ? renameElement(e, rename) : { ...(e as object), expression: renameIdentifier(expression, column.name, next, quote) };
            }),
            ...(i.where === undefined ? {} : { where: renameIdentifier(i.where, column.name, next, quote) }),
          }));
        }
        break;
      }
      case 'addConstraint':
        if (op.constraint.kind === 'primaryKey') {
          clearKeyFlags();
          constraints = constraints.filter((c) => c.kind !== 'primaryKey');
          const keys = op.constraint.columns;
          columns = columns.map((c) => (keys.some((k) => same(k, c.name)) ? { name: c.name, spec: columnSpec(c.spec.type, { ...c.spec, primaryKey: true, nullable: false }) } : c));
        }
        constraints.push(op.constraint);
        break;
      case 'dropConstraint': {
        // A constraint SQLite keeps without a name is found by the name autogenerate gives it.
        const found = constraints.find((c) => c.name !== undefined && same(c.name, op.name)) ??
          constraints.find((c) => c.name === undefined && same(conventionalName(before.name, c), op.name));
        if (found === undefined) {
          const named = constraints.flatMap((c) => (c.name === undefined ? [] : [c.name]));
          throw failure(before.name, `Table "${before.name}" has no constraint named "${op.name}".`,
            named.length === 0 ? 'Its constraints have no names; SQLite only keeps the names written as CONSTRAINT <name>.' : `Its named constraints are: ${named.join(', ')}.`);
        }
        if (found.kind === 'primaryKey') clearKeyFlags();
        constraints = constraints.filter((c) => c !== found);
        break;
      }
      case 'createIndex':
        indexes.push(indexOf(op));
        break;
      case 'dropIndex':
        indexes = indexes.filter((i) => !same(i.name, op.name));
        break;
      case 'setTableComment':
        break; // SQLite keeps no comments.
      default:
        throw new RetortError('UnsupportedOperation', `A ${op.kind} operation cannot be part of a table rebuild on SQLite.`, {
          fields: { table: before.name, operation: op.kind },
          hint: 'Run it outside the batch, before or after it.',
        });
    }
  }
  const after: TableSpec = { ...before, columns, constraints, indexes };
  return { after, sources, retyped };
}

/**
 * A column the rebuild does not retype keeps its declared type name exactly as written (SQLite
 * keeps it verbatim and derives the column's affinity from it): `INT` stays `INT`, not `INTEGER`,
 * which would make an `INT PRIMARY KEY` a rowid alias. An enum keeps its model type, which also
 * writes its CHECK.
 */
function asDeclared(column: NamedColumn, plan: RebuildPlan, extras: SqliteTableExtras | undefined): NamedColumn {
  const source = plan.sources.get(column.name);
  const declared = source === undefined ? undefined : extras?.declaredTypes.get(source);
  if (declared === undefined || declared === '' || plan.retyped.has(column.name) || column.spec.type.kind === 'enum') return column;
  return { name: column.name, spec: columnSpec({ kind: 'raw', sql: declared }, { ...column.spec, type: { kind: 'raw', sql: declared } }) };
}

/** The statements of the rebuild of `before` into `plan.after`. */
export async function rebuildStatements(before: TableSpec, plan: RebuildPlan, renderer: RebuildRenderer): Promise<string[]> {
  const extras = tableExtras.get(before);
  const q = (n: string): string => renderer.quoteIdentifier(n);
  const { after } = plan;
  const temporary = `${REBUILD_PREFIX}${before.name}`;
  const [create, ...rest] = await renderer.createTable({
    kind: 'createTable',
    table: temporary,
    columns: after.columns.map((c) => asDeclared(c, plan, extras)),
    constraints: after.constraints,
    options: {},
  });
  const out = [`${create}${extras?.withoutRowid ? ' WITHOUT ROWID' : ''}`, ...rest];

  // A generated column takes no value: the new table computes it.
  const copied = after.columns.filter((c) => plan.sources.has(c.name) && c.spec.generated === undefined);
  if (copied.length > 0) {
    const select = copied.map((c) => {
      const from = q(plan.sources.get(c.name) as string);
      return plan.retyped.has(c.name) ? `CAST(${from} AS ${renderer.renderType(c)})` : from;
    });
    out.push(`INSERT INTO ${q(temporary)} (${copied.map((c) => q(c.name)).join(', ')}) SELECT ${select.join(', ')} FROM ${q(before.name)}`);
  }
  const hadSequence = before.columns.some((c) => c.spec.autoIncrement);
  if (hadSequence && after.columns.some((c) => c.spec.autoIncrement)) {
    // Keep AUTOINCREMENT's high-water mark: ids of deleted rows must not be handed out again.
    out.push(`DELETE FROM sqlite_sequence WHERE name = '${temporary.replaceAll("'", "''")}'`);
    out.push(`INSERT INTO sqlite_sequence (name, seq) SELECT '${temporary.replaceAll("'", "''")}', seq FROM sqlite_sequence WHERE name = '${before.name.replaceAll("'", "''")}'`);
  }
  out.push(`DROP TABLE ${q(before.name)}`);
  // Since SQLite 3.26 a RENAME re-parses every view and trigger of the schema and fails on any
  // that mentions the table we just dropped. Legacy mode renames without that check; nothing
  // needs rewriting here, since everything else already names the table by its final name.
  out.push('PRAGMA legacy_alter_table=ON');
  out.push(`ALTER TABLE ${q(temporary)} RENAME TO ${q(before.name)}`);
  out.push('PRAGMA legacy_alter_table=OFF');
  for (const index of after.indexes) {
    out.push(...(await renderer.createIndex({ kind: 'createIndex', table: before.name, ...index })));
  }
  // DROP TABLE dropped the table's triggers; re-create them as they were written.
  for (const trigger of extras?.triggers ?? []) out.push(trigger);
  return out;
}
