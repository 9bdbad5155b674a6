/**
 * `information_schema` rows of one table as the neutral {@link TableSpec}: the mapping shared by
 * the one-table reader (`introspect.ts`, used by the compiler) and the bulk reader of autogenerate
 * (`autogen/read-schema.ts`), so both read a table the same way.
 *
 * Conventions of the result:
 * - a UNIQUE index is reported once, as a `unique` constraint (MySQL has no other kind of unique
 *   constraint; TABLE_CONSTRAINTS lists it as one), never also in `indexes`;
 * - the primary key is a `primaryKey` constraint without a name (MySQL always calls it PRIMARY),
 *   and its columns have `primaryKey: true`;
 * - the index MySQL creates by itself for a foreign key (same name and columns) is left out;
 * - FULLTEXT and SPATIAL indexes are left out: the model has no index method, and re-creating
 *   them as plain B-tree indexes would be wrong (see docs/autogenerate-mysql.md);
 * - MariaDB's JSON (LONGTEXT plus a `json_valid` CHECK named after the column) reads as `json`,
 *   without that CHECK;
 * - an ENUM column's type is named `<table>_<column>`: MySQL enums have no name of their own,
 *   and a name unique per table keeps two columns with different values apart in a pulled module;
 * - `options` carries the engine, charset, collation and comment as the server reports them.
 */
import type { ConstraintSpec, IndexElement, IndexSpec, NamedColumn, ReferentialAction, TableSpec } from '../../schema/model.js';
import { columnSpec } from '../../schema/model.js';
import { parseColumnDefault } from './defaults.js';
import type { ServerInfo } from './server.js';
import { parseColumnType } from './types.js';

/** The TABLES row of a table. */
export interface TableRow { engine: string | null; collation: string | null; comment: string | null }
/** One COLUMNS row. */
export interface ColumnRow { name: string; columnType: string; nullable: string; dflt: string | null; extra: string; comment: string }
/** One KEY_COLUMN_USAGE row of a foreign key, joined with REFERENTIAL_CONSTRAINTS. */
export interface ForeignKeyRow { name: string; col: string; refSchema: string; refTable: string; refCol: string; onUpdate: string; onDelete: string }
/** One CHECK_CONSTRAINTS row. */
export interface CheckRow { name: string; clause: string }
/** One STATISTICS row, by its catalog column names (`INDEX_NAME`, `NON_UNIQUE`, `COLUMN_NAME`, `EXPRESSION`, `INDEX_TYPE`). */
export type IndexRow = Readonly<Record<string, unknown>>;

/** Everything the catalog says about one table, rows in catalog order. */
export interface TableRows {
  readonly name: string;
  /** The namespace to report on the result; undefined for the default one. */
  readonly schema?: string;
  /** The database the table lives in (foreign keys into it carry no `refSchema`). */
  readonly db: string;
  readonly server: ServerInfo;
  readonly info: TableRow;
  /** In ORDINAL_POSITION order. */
  readonly columns: readonly ColumnRow[];
  /** In INDEX_NAME, SEQ_IN_INDEX order. */
  readonly indexes: readonly IndexRow[];
  /** In CONSTRAINT_NAME, ORDINAL_POSITION order. */
  readonly foreignKeys: readonly ForeignKeyRow[];
  readonly checks: readonly CheckRow[];
}

/** `(expr)` without one pair of enclosing parentheses, when they enclose the whole text. */
function unwrap(clause: string): string {
  const text = clause.trim();
  if (!text.startsWith('(') || !text.endsWith(')')) return text;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    if (depth === 0 && i < text.length - 1) return text;
  }
  return text.slice(1, -1).trim();
}

function action(rule: string): ReferentialAction | undefined {
  const lower = rule.toLowerCase();
  // RESTRICT and NO ACTION are the same on MySQL and the default: report neither, as declared.
  return lower === 'restrict' || lower === 'no action' ? undefined : (lower as ReferentialAction);
}

/** The neutral spec of one table from its catalog rows. */
export function mapMysqlTable(rows: TableRows): TableSpec {
  const { name: table, schema, db, server, info } = rows;
  // MariaDB's JSON: a LONGTEXT column plus CHECK (json_valid(`col`)). The check is named after
  // the column when made, but keeps that name through a column rename, so match on the clause.
  const longtext = new Set(rows.columns.filter((r) => /^longtext$/i.test(r.columnType)).map((r) => r.name));
  const jsonColumns = new Set<string>();
  const checks: ConstraintSpec[] = [];
  for (const row of rows.checks) {
    const json = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(row.clause.trim());
    const column = json?.[1]?.replaceAll('``', '`');
    if (column !== undefined && longtext.has(column) && !jsonColumns.has(column)) jsonColumns.add(column);
    else checks.push({ kind: 'check', name: row.name, condition: unwrap(row.clause) });
  }

  const indexes = groupIndexes(rows.indexes);
  const primary = indexes.find((i) => i.name === 'PRIMARY');
  const keyColumns = new Set(primary?.columns.filter((c): c is string => typeof c === 'string') ?? []);
  const columns: NamedColumn[] = rows.columns.map((row) => {
    const parsed = parseColumnType(row.columnType, `${table}_${row.name}`);
    const type = jsonColumns.has(row.name) ? { kind: 'json' as const } : parsed.type;
    const dflt = parseColumnDefault(row.dflt, row.extra, type, server);
    const spec = columnSpec(type, {
      nullable: row.nullable === 'YES',
      primaryKey: keyColumns.has(row.name),
      autoIncrement: /auto_increment/i.test(row.extra),
      unsigned: parsed.unsigned,
      ...(dflt === undefined ? {} : { default: dflt }),
      ...(row.comment === '' ? {} : { comment: row.comment }),
    });
    return { name: row.name, spec };
  });

  const foreignKeys = groupForeignKeys(rows.foreignKeys, db);
  const constraints: ConstraintSpec[] = [];
  if (primary !== undefined) constraints.push({ kind: 'primaryKey', columns: [...keyColumns] });
  const plainIndexes: IndexSpec[] = [];
  for (const index of indexes) {
    if (index === primary) continue;
    const names = index.columns.filter((c): c is string => typeof c === 'string');
    if (index.unique && names.length === index.columns.length) {
      constraints.push({ kind: 'unique', name: index.name, columns: names });
      continue;
    }
    if (!isForeignKeyIndex(index, foreignKeys)) plainIndexes.push(index);
  }
  constraints.push(...foreignKeys, ...checks);

  const charset = info.collation?.split('_')[0];
  return Object.freeze({
    name: table,
    ...(schema === undefined ? {} : { schema }),
    columns,
    constraints,
    indexes: plainIndexes,
    options: {
      ...(info.engine ? { engine: info.engine } : {}),
      ...(charset ? { charset } : {}),
      ...(info.collation ? { collate: info.collation } : {}),
      ...(info.comment ? { comment: info.comment } : {}),
    },
  });
}

/**
 * True for the index MySQL makes by itself for a foreign key that no index serves: it has the
 * key's columns and is named after the constraint (when named) or after its first column, with
 * `_2`, `_3`... when that name is taken. Such an index comes and goes with the key, so it is not
 * reported (and a declared one is not expected: see the dialect's normalizeDeclared).
 */
export function isForeignKeyIndex(
  index: { readonly name: string; readonly unique: boolean; readonly columns: readonly IndexElement[] },
  foreignKeys: readonly ConstraintSpec[],
): boolean {
  if (index.unique) return false;
  const columns = index.columns.join('\u0000');
  return foreignKeys.some((fk) => {
    if (fk.kind !== 'foreignKey' || fk.columns.join('\u0000') !== columns) return false;
    const first = fk.columns[0] ?? '';
    return index.name === fk.name || index.name === first || (index.name.startsWith(`${first}_`) && /^\d+$/.test(index.name.slice(first.length + 1)));
  });
}

/** STATISTICS rows (one per index column) as indexes, in key order; FULLTEXT and SPATIAL left out. */
function groupIndexes(rows: readonly IndexRow[]): IndexSpec[] {
  const byName = new Map<string, { unique: boolean; columns: IndexElement[] }>();
  for (const row of rows) {
    if (/^(fulltext|spatial)$/i.test(String(row['INDEX_TYPE'] ?? ''))) continue;
    const name = String(row['INDEX_NAME']);
    const entry = byName.get(name) ?? { unique: Number(row['NON_UNIQUE']) === 0, columns: [] };
    const column = row['COLUMN_NAME'];
    const expression = row['EXPRESSION'];
    entry.columns.push(typeof column === 'string' ? column : { expression: String(expression ?? '') });
    byName.set(name, entry);
  }
  return [...byName].map(([name, e]) => ({ name, unique: e.unique, columns: e.columns }));
}

/** KEY_COLUMN_USAGE rows as foreign keys; the target schema is kept only when it differs. */
function groupForeignKeys(rows: readonly ForeignKeyRow[], db: string): Array<ConstraintSpec & { kind: 'foreignKey'; name: string }> {
  const byName = new Map<string, ForeignKeyRow[]>();
  for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
  return [...byName].map(([name, group]) => {
    const first = group[0]!;
    const onDelete = action(first.onDelete);
    const onUpdate = action(first.onUpdate);
    return {
      kind: 'foreignKey' as const,
      name,
      columns: group.map((r) => r.col),
      refTable: first.refTable,
      ...(first.refSchema === db ? {} : { refSchema: first.refSchema }),
      refColumns: group.map((r) => r.refCol),
      ...(onDelete === undefined ? {} : { onDelete }),
      ...(onUpdate === undefined ? {} : { onUpdate }),
    };
  });
}
