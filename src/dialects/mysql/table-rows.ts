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
 * - FULLTEXT and SPATIAL indexes carry `fulltext` / `spatial`; a HASH index `using: 'hash'` (a
 *   B-tree, the default, says nothing); key parts carry their prefix `length` and `order: 'desc'`;
 * - a column carries `charset` / `collation` only where they differ from its table's (see
 *   charsets.ts), `onUpdate` from EXTRA, `generated` from GENERATION_EXPRESSION;
 * - MariaDB's JSON (LONGTEXT plus a `json_valid` CHECK named after the column) reads as `json`,
 *   without that CHECK;
 * - an ENUM column's type is named `<table>_<column>`: MySQL enums have no name of their own,
 *   and a name unique per table keeps two columns with different values apart in a pulled module;
 * - `options` carries the engine, charset, collation, explicit row format and comment as the
 *   server reports them.
 */
import type { ConstraintSpec, IndexElement, IndexSpec, NamedColumn, ReferentialAction, TableSpec, UnmodelledObject } from '../../schema/model.js';
import { plainElement } from '../../schema/elements.js';
import { columnSpec } from '../../schema/model.js';
import type { CharsetCollations } from './charsets.js';
import { canonicalCharset, canonicalCollation, charsetOfCollation, relativeTo } from './charsets.js';
import { parseColumnDefault } from './defaults.js';
import type { ServerInfo } from './server.js';
import { parseColumnType } from './types.js';

/** The TABLES row of a table (`createOptions`: CREATE_OPTIONS, e.g. `row_format=COMPRESSED`). */
export interface TableRow { engine: string | null; collation: string | null; comment: string | null; createOptions?: string | null }
/**
 * One COLUMNS row: `charset` / `collation` are CHARACTER_SET_NAME / COLLATION_NAME (NULL for
 * non-character columns), `generation` is GENERATION_EXPRESSION.
 */
export interface ColumnRow {
  name: string; columnType: string; nullable: string; dflt: string | null; extra: string; comment: string;
  charset: string | null; collation: string | null; generation: string | null;
}

/** The COLUMNS columns a {@link ColumnRow} is read from, for both readers. */
export const COLUMN_ROW_SQL = `COLUMN_NAME AS name, COLUMN_TYPE AS columnType, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt,
  EXTRA AS extra, COLUMN_COMMENT AS comment, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation,
  GENERATION_EXPRESSION AS generation`;
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
  /** Each character set's default collation (columns say only what differs from their table). */
  readonly charsets: CharsetCollations;
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
  const tableCollation = info.collation === null ? undefined : canonicalCollation(info.collation);
  const tableCharsets = tableCollation === undefined ? undefined : { charset: charsetOfCollation(tableCollation), collation: tableCollation };
  const columns: NamedColumn[] = rows.columns.map((row) => {
    const parsed = parseColumnType(row.columnType, `${table}_${row.name}`);
    const type = jsonColumns.has(row.name) ? { kind: 'json' as const } : parsed.type;
    const generated = generatedOf(row);
    const dflt = generated === undefined ? parseColumnDefault(row.dflt, row.extra, type, server) : undefined;
    // MariaDB writes `on update current_timestamp()`, MySQL `DEFAULT_GENERATED on update CURRENT_TIMESTAMP`.
    const onUpdate = /\bon update ([a-z_]+(?:\(\d*\))?)/i.exec(row.extra)?.[1];
    const own = row.charset === null || row.collation === null || tableCharsets === undefined || type.kind === 'json'
      ? {}
      : relativeTo({ charset: row.charset, collation: row.collation }, tableCharsets, rows.charsets);
    const spec = columnSpec(type, {
      nullable: row.nullable === 'YES',
      primaryKey: keyColumns.has(row.name),
      autoIncrement: /auto_increment/i.test(row.extra),
      unsigned: parsed.unsigned,
      ...(dflt === undefined ? {} : { default: dflt }),
      ...(row.comment === '' ? {} : { comment: row.comment }),
      ...own,
      ...(onUpdate === undefined ? {} : { onUpdate: { kind: 'sql' as const, sql: onUpdate } }),
      ...(generated === undefined ? {} : { generated }),
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

  const explicit = /\brow_format=(\w+)/i.exec(info.createOptions ?? '')?.[1];
  const rowFormat = explicit === undefined || explicit.toUpperCase() === 'DEFAULT' ? undefined : explicit;
  return Object.freeze({
    name: table,
    ...(schema === undefined ? {} : { schema }),
    columns,
    constraints,
    indexes: plainIndexes,
    options: {
      ...(info.engine ? { engine: info.engine } : {}),
      ...(tableCharsets === undefined ? {} : { charset: canonicalCharset(tableCharsets.charset), collate: tableCharsets.collation }),
      ...(rowFormat === undefined ? {} : { rowFormat: rowFormat.toUpperCase() }),
      ...(info.comment ? { comment: info.comment } : {}),
    },
  });
}

/** The generation expression of a VIRTUAL / STORED GENERATED column (EXTRA says which). */
function generatedOf(row: ColumnRow): { expression: string; stored: boolean } | undefined {
  const kind = /\b(virtual|stored|persistent) generated\b/i.exec(row.extra)?.[1];
  if (kind === undefined || row.generation === null) return undefined;
  return { expression: row.generation, stored: kind.toLowerCase() !== 'virtual' };
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

/** STATISTICS rows (one per index column) as indexes, in key order. */
function groupIndexes(rows: readonly IndexRow[]): IndexSpec[] {
  const byName = new Map<string, { unique: boolean; columns: IndexElement[]; fulltext?: true; spatial?: true; using?: string }>();
  for (const row of rows) {
    const name = String(row['INDEX_NAME']);
    const kind = String(row['INDEX_TYPE'] ?? '').toLowerCase();
    // B-tree is the default (InnoDB builds nothing else, whatever USING says); HASH is MEMORY's.
    const entry = byName.get(name) ?? {
      unique: Number(row['NON_UNIQUE']) === 0, columns: [],
      ...(kind === 'fulltext' ? { fulltext: true as const } : {}), ...(kind === 'spatial' ? { spatial: true as const } : {}),
      ...(['', 'btree', 'fulltext', 'spatial'].includes(kind) ? {} : { using: kind }),
    };
    const column = row['COLUMN_NAME'];
    // A SPATIAL index reports a SUB_PART (32) no one declares.
    const length = kind === 'spatial' ? null : row['SUB_PART'];
    entry.columns.push(plainElement({
      ...(typeof column === 'string' ? { column } : { expression: String(row['EXPRESSION'] ?? '') }),
      ...(length === null || length === undefined ? {} : { length: Number(length) }),
      ...(row['COLLATION'] === 'D' ? { order: 'desc' as const } : {}),
    }));
    byName.set(name, entry);
  }
  return [...byName].map(([name, e]) => ({ name, ...e }));
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

/** CREATE_OPTIONS the model keeps (`row_format`); any other is reported as unmodelled. */
const MODELLED_CREATE_OPTIONS = /^row_format=/i;

/**
 * What a table has that the model cannot describe yet: table options beyond engine, character
 * set, collation and row format (partitioning, compression, statistics...). Listed in the read's
 * `unmodelled`, so `pull`, autogenerate and `check` say what they leave out.
 */
export function tableLeftovers(rows: TableRows): UnmodelledObject[] {
  const where = { schema: rows.db, table: rows.name };
  const out: UnmodelledObject[] = [];
  const seen = new Set<string>();
  const add = (kind: string, name: string, detail: string) => {
    if (seen.has(`${kind}\u0000${name}`)) return;
    seen.add(`${kind}\u0000${name}`);
    out.push(Object.freeze({ kind, ...where, name, detail }));
  };
  for (const option of (rows.info.createOptions ?? '').split(/\s+/).filter((o) => o !== '' && !MODELLED_CREATE_OPTIONS.test(o))) {
    add('table option', rows.name, option);
  }
  return out;
}
