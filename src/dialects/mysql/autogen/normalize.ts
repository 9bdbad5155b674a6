/**
 * The declared schema as MySQL would store it, so that it compares fairly with what
 * `information_schema` reports (see `table-rows.ts` for the shape of a live table).
 */
import type { ColumnSpec, ConstraintSpec, IndexSpec, NamedColumn, ReferentialAction, SchemaModel, TableSpec } from '../../../schema/model.js';
import { literal } from '../defaults.js';
import { isForeignKeyIndex } from '../table-rows.js';

/** Kinds that take UNSIGNED (the compiler writes it for no other). */
const UNSIGNED_KINDS: ReadonlySet<string> = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double', 'raw']);

/** RESTRICT and NO ACTION are one thing on MySQL, and the default: the catalog reports neither. */
function actionOf(a: ReferentialAction | undefined): ReferentialAction | undefined {
  return a === 'restrict' || a === 'no action' ? undefined : a;
}

function withActions<T extends { onDelete?: ReferentialAction; onUpdate?: ReferentialAction }>(x: T): T {
  const { onDelete, onUpdate, ...rest } = x;
  const d = actionOf(onDelete);
  const u = actionOf(onUpdate);
  return { ...rest, ...(d === undefined ? {} : { onDelete: d }), ...(u === undefined ? {} : { onUpdate: u }) } as T;
}

function normalizeColumn(column: NamedColumn, keyColumns: ReadonlySet<string>): NamedColumn {
  const { default: dflt, comment, references, ...rest } = column.spec;
  // A literal default is stored converted to the column's type: '0' on an INT is 0, true on BOOL is 1.
  const stored = dflt?.kind === 'literal' && dflt.value !== null
    ? literal(typeof dflt.value === 'boolean' ? (dflt.value ? '1' : '0') : String(dflt.value), column.spec.type)
    : dflt;
  const spec: ColumnSpec = {
    ...rest,
    // Key columns are NOT NULL on MySQL whatever the declaration says.
    nullable: rest.nullable && !rest.primaryKey && !keyColumns.has(column.name),
    unsigned: rest.unsigned && UNSIGNED_KINDS.has(rest.type.kind),
    ...(stored === undefined ? {} : { default: stored }),
    // MySQL has no NULL comment: '' is no comment.
    ...(comment === undefined || comment === '' ? {} : { comment }),
    ...(references === undefined ? {} : { references: withActions(references) }),
  };
  return { name: column.name, spec: Object.freeze(spec) };
}

/** The declared table as the catalog will report it. */
function normalizeTable(table: TableSpec): TableSpec {
  const pk = table.constraints.find((c) => c.kind === 'primaryKey');
  const keyColumns = new Set(pk?.columns ?? []);
  const constraints: ConstraintSpec[] = table.constraints.map((c) => (c.kind === 'foreignKey' ? withActions(c) : c));
  // Column-level references are foreign keys too, for the index rule below.
  const foreignKeys: ConstraintSpec[] = [...constraints];
  for (const c of table.columns) {
    const ref = c.spec.references;
    if (ref !== undefined) foreignKeys.push({ kind: 'foreignKey', ...(ref.name === undefined ? {} : { name: ref.name }), columns: [c.name], refTable: ref.table, refColumns: [ref.column] });
  }
  const indexes: IndexSpec[] = [];
  for (const ix of table.indexes) {
    const names = ix.columns.filter((c): c is string => typeof c === 'string');
    if (ix.unique && ix.where === undefined && names.length === ix.columns.length) {
      // A unique index IS MySQL's unique constraint: the catalog reports it as one.
      constraints.push({ kind: 'unique', name: ix.name, columns: names });
    } else if (names.length === ix.columns.length && isForeignKeyIndex(ix, foreignKeys)) {
      // The index MySQL makes for a foreign key by itself, declared by hand: the catalog omits it too.
      continue;
    } else {
      indexes.push(ix);
    }
  }
  const { comment, ...options } = table.options;
  return Object.freeze({
    ...table,
    columns: table.columns.map((c) => normalizeColumn(c, keyColumns)),
    constraints,
    indexes,
    options: { ...options, ...(comment === undefined || comment === '' ? {} : { comment }) },
  });
}

/**
 * The declared model as MySQL stores it: key columns NOT NULL, literal defaults typed by their
 * column, RESTRICT / NO ACTION as no action, unique indexes as unique constraints, no empty
 * comments, no named enum types (MySQL's are inline column types).
 */
export function normalizeMysqlDeclared(model: SchemaModel): SchemaModel {
  return Object.freeze({ tables: model.tables.map(normalizeTable), enums: [] });
}
