/**
 * The declared schema as MySQL would store it, so that it compares fairly with what
 * `information_schema` reports (see `table-rows.ts` for the shape of a live table).
 */
import type { ColumnSpec, ConstraintSpec, IndexSpec, NamedColumn, ReferentialAction, SchemaModel, TableSpec } from '../../../schema/model.js';
import type { ServerDefaults } from '../../dialect.js';
import type { CharsetCollations, Collated } from '../charsets.js';
import { canonicalCharset, canonicalCollation, declaredCollation, relativeTo, tableCollation } from '../charsets.js';
import { literal } from '../defaults.js';
import { isForeignKeyIndex } from '../table-rows.js';

/** Kinds that take UNSIGNED (the compiler writes it for no other). */
const UNSIGNED_KINDS: ReadonlySet<string> = new Set(['tinyint', 'smallint', 'mediumint', 'integer', 'bigint', 'numeric', 'real', 'double', 'raw']);

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

/** The table's character set and collation, and each character set's default collation; absent without a server. */
interface CollationContext { readonly table: Required<Collated>; readonly defaults: CharsetCollations }

function normalizeColumn(column: NamedColumn, keyColumns: ReadonlySet<string>, collations: CollationContext | undefined): NamedColumn {
  const { default: dflt, comment, references, charset: _charset, collation: _collation, ...rest } = column.spec;
  // A column says its character set and collation only where they differ from its table's, as read.
  const declared = collations === undefined ? undefined : declaredCollation(column.spec, collations.table, collations.defaults);
  const own = collations === undefined
    ? { ...(column.spec.charset === undefined ? {} : { charset: canonicalCharset(column.spec.charset) }),
        ...(column.spec.collation === undefined ? {} : { collation: canonicalCollation(column.spec.collation) }) }
    : declared === undefined ? {} : relativeTo(declared, collations.table, collations.defaults);
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
    ...own,
  };
  return { name: column.name, spec: Object.freeze(spec) };
}

/** The declared table as the catalog will report it. */
function normalizeTable(table: TableSpec, defaults: ServerDefaults | undefined): TableSpec {
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
  for (const declared of table.indexes) {
    // A B-tree is the default and the catalog says nothing of it; other methods read back lower-case.
    const { using, ...rest } = declared;
    const ix: IndexSpec = using === undefined || using.toLowerCase() === 'btree' ? rest : { ...rest, using: using.toLowerCase() };
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
  const { comment, engine, charset, collate, rowFormat, ...options } = table.options;
  // Without the server's defaults (a model compared with another model), options stay as declared.
  const server = defaults?.tableOptions(table.schema);
  const database = server?.charset !== undefined && server.collate !== undefined ? { charset: server.charset, collation: server.collate } : undefined;
  const charsets = defaults?.charsetCollations ?? new Map<string, string>();
  const own = database === undefined ? undefined : tableCollation({ ...(charset === undefined ? {} : { charset }), ...(collate === undefined ? {} : { collate }) }, database, charsets);
  const engineName = engine ?? server?.engine;
  return Object.freeze({
    ...table,
    columns: table.columns.map((c) => normalizeColumn(c, keyColumns, own === undefined ? undefined : { table: own, defaults: charsets })),
    constraints,
    indexes,
    options: {
      ...options,
      ...(engineName === undefined ? {} : { engine: engineName }),
      ...(own !== undefined ? { charset: own.charset, collate: own.collation } : {
        ...(charset === undefined ? {} : { charset: canonicalCharset(charset) }),
        ...(collate === undefined ? {} : { collate: canonicalCollation(collate) }),
      }),
      ...(rowFormat === undefined || rowFormat.toUpperCase() === 'DEFAULT' ? {} : { rowFormat: rowFormat.toUpperCase() }),
      ...(comment === undefined || comment === '' ? {} : { comment }),
    },
  });
}

/**
 * The declared model as MySQL stores it: key columns NOT NULL, literal defaults typed by their
 * column, RESTRICT / NO ACTION as no action, unique indexes as unique constraints, no empty
 * comments, no named enum types (MySQL's are inline column types); with the server's `defaults`,
 * every table's engine, character set and collation filled in, and each column's character set
 * and collation said only where they differ from its table's.
 */
export function normalizeMysqlDeclared(model: SchemaModel, defaults?: ServerDefaults): SchemaModel {
  return Object.freeze({ ...model, tables: model.tables.map((t) => normalizeTable(t, defaults)), enums: [] });
}
