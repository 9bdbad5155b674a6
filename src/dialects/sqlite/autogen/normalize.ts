/**
 * The declared schema as SQLite would store it, so that it compares fairly with what readSchema
 * reads back: no namespaces, no comments, no table options, no named enums, no UNSIGNED, and an
 * auto-increment key is always `INTEGER` (only `INTEGER PRIMARY KEY` can AUTOINCREMENT). A text
 * column with an unnamed `CHECK (col IN (...))` is an enum, exactly as readSchema reads it.
 */
import type { ColumnSpec, ConstraintSpec, NamedColumn, SchemaModel, TableSpec } from '../../../schema/model.js';
import { columnSpec } from '../../../schema/model.js';
import { enumValues } from '../introspect-map.js';

const INTEGERS = new Set(['tinyint', 'smallint', 'mediumint', 'integer', 'bigint']);

function normalizeColumn(column: NamedColumn, enumChecks: ReadonlyMap<string, readonly string[]>): NamedColumn {
  const { spec: declared } = column;
  const widerKey = declared.primaryKey && declared.autoIncrement && declared.type.kind !== 'integer' && INTEGERS.has(declared.type.kind);
  // Most columns are already as SQLite stores them: keep them as they are (this runs per column per check).
  if (declared.comment === undefined && !declared.unsigned && !widerKey && declared.type.kind !== 'enum' && declared.type.kind !== 'set' &&
    enumChecks.size === 0 && declared.collation === undefined) return column;
  const { comment: _comment, type: _type, collation, ...rest } = declared;
  // SQLite's collation names are case-insensitive: read back upper-cased.
  const spec: Partial<ColumnSpec> = { ...rest, unsigned: false, ...(collation === undefined ? {} : { collation: collation.toUpperCase() }) };
  let type = column.spec.type;
  // The compiler writes INTEGER for any auto-increment key (BIGINT PRIMARY KEY AUTOINCREMENT is an error).
  if (spec.primaryKey && spec.autoIncrement && INTEGERS.has(type.kind)) type = { kind: 'integer' };
  const values = enumChecks.get(column.name.toLowerCase());
  if (values !== undefined && type.kind === 'text') type = { kind: 'enum', name: column.name, values };
  // SQLite has no named enum: only the values survive, read back under the column's name.
  if (type.kind === 'enum') type = { kind: 'enum', name: column.name, values: type.values };
  // SET is written as TEXT (see sqliteTypeName).
  if (type.kind === 'set') type = { kind: 'text' };
  return { name: column.name, spec: columnSpec(type, spec) };
}

function normalizeTable(table: TableSpec): TableSpec {
  const textColumns = new Set(table.columns.filter((c) => c.spec.type.kind === 'text').map((c) => c.name.toLowerCase()));
  const enumChecks = new Map<string, readonly string[]>();
  const constraints: ConstraintSpec[] = [];
  for (const c of table.constraints) {
    if (c.kind === 'check' && c.name === undefined) {
      const column = [...textColumns].find((name) => enumValues(c.condition, name) !== undefined);
      const values = column === undefined ? undefined : enumValues(c.condition, column);
      if (column !== undefined && values !== undefined && !enumChecks.has(column)) {
        enumChecks.set(column, values);
        continue;
      }
    }
    if (c.kind === 'foreignKey' && c.refSchema !== undefined) {
      const { refSchema: _schema, ...rest } = c;
      constraints.push(rest);
    } else {
      constraints.push(c);
    }
  }
  return Object.freeze({
    name: table.name,
    columns: table.columns.map((c) => normalizeColumn(c, enumChecks)),
    constraints,
    indexes: table.indexes,
    options: {},
    ...(table.renamedFrom === undefined ? {} : { renamedFrom: table.renamedFrom }),
  });
}

/** The declared model as SQLite stores it (see the module comment). */
export function normalizeSqliteDeclared(model: SchemaModel): SchemaModel {
  return Object.freeze({ ...model, tables: model.tables.map(normalizeTable), enums: [] });
}
