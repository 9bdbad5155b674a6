/**
 * The declared model as PostgreSQL would store it, so that a declared schema and the catalog
 * compare fairly: what the server drops or implies is dropped or implied on the declared side too.
 */
import type { ColumnSpec, NamedColumn, SchemaModel, TableSpec } from '../../../schema/model.js';
import { MYSQL_ONLY_KINDS, portableType } from '../../../schema/model.js';
import { serialTypeOf } from '../../../autogen/serial.js';
import { compactSettings, postgresSerialSequenceName } from '../serial.js';

const IDENTITY_KINDS: ReadonlySet<ColumnSpec['type']['kind']> = new Set(['tinyint', 'smallint', 'mediumint', 'integer', 'bigint']);

/** A declared serial sequence as the reader reads it back: what `serial` creates left out (serial.ts). */
function normalizeSerial(table: string, column: NamedColumn): NamedColumn {
  const s = column.spec.serial;
  if (s === undefined) return column;
  const { identity: _identity, ...spec } = column.spec;
  const serial = compactSettings({
    ...s,
    sequence: s.sequence === postgresSerialSequenceName(table, column.name) ? undefined : s.sequence,
    type: s.type === serialTypeOf(spec.type) ? undefined : s.type,
  }, spec.type);
  return { name: column.name, spec: Object.freeze({ ...spec, autoIncrement: true, serial }) };
}

function normalizeColumn(declared: NamedColumn, keyColumns: ReadonlySet<string>, table: string): NamedColumn {
  const column = normalizeSerial(table, declared);
  const spec = column.spec;
  // Identity columns and primary-key columns are NOT NULL whatever was declared.
  const implicitNotNull = keyColumns.has(column.name) || (spec.autoIncrement && IDENTITY_KINDS.has(spec.type.kind));
  const emptyComment = spec.comment === '';
  // BY DEFAULT is what an identity is when nothing is said.
  if (spec.identity === 'byDefault') {
    const { identity: _i, ...rest } = spec;
    return normalizeColumn({ name: column.name, spec: rest as ColumnSpec }, keyColumns, table);
  }
  // MySQL's own types are stored as the portable type they stand for (TINYINT is SMALLINT).
  const mysqlOnly = MYSQL_ONLY_KINDS.has(spec.type.kind);
  // `unsigned` has no meaning here (the compiler ignores it), so the catalog never shows it.
  if (!spec.unsigned && !emptyComment && !mysqlOnly && (spec.nullable === false || !implicitNotNull)) return column;
  const { comment: _comment, ...rest } = spec;
  const next: ColumnSpec = {
    ...(emptyComment ? rest : spec),
    type: portableType(spec.type),
    unsigned: false,
    nullable: implicitNotNull ? false : spec.nullable,
  };
  return Object.freeze({ name: column.name, spec: Object.freeze(next) });
}

function normalizeTable(table: TableSpec): TableSpec {
  const pk = table.constraints.find((c) => c.kind === 'primaryKey');
  const keyColumns = new Set(pk?.kind === 'primaryKey' ? pk.columns : []);
  const columns = table.columns.map((c) => normalizeColumn(c, keyColumns, table.name));
  // engine, charset and collate are MySQL's table options; an empty comment is no comment
  // (COMMENT ON ... IS '' removes it), and an empty storage list is none.
  const { engine: _e, charset: _c, collate: _l, comment, with: storage, ...pgOptions } = table.options;
  const options = {
    ...pgOptions,
    ...(comment === undefined || comment === '' ? {} : { comment }),
    ...(storage === undefined || Object.keys(storage).length === 0 ? {} : { with: storage }),
  };
  return Object.freeze({ ...table, columns: Object.freeze(columns), options: Object.freeze(options) });
}

/** The declared model with PostgreSQL's implied NOT NULLs, without `unsigned`, MySQL options and empty comments. */
export function normalizePostgresDeclared(model: SchemaModel): SchemaModel {
  return Object.freeze({ ...model, tables: Object.freeze(model.tables.map(normalizeTable)) });
}
