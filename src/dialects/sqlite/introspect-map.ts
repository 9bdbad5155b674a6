/**
 * The row-to-model mapping of SQLite introspection, shared by the one-table reader the compiler
 * uses (introspect.ts) and autogenerate's bulk reader (autogen/read-schema.ts): both fetch the
 * same pragma rows and `CREATE` text, one table or all tables at a time, and hand them to
 * {@link mapSqliteTable}, so the two readers cannot disagree on what a table looks like.
 */
import type { ColumnSpec, ColumnType, ConstraintSpec, DefaultValue, IndexSpec, NamedColumn, ReferentialAction, TableSpec } from '../../schema/model.js';
import { columnSpec } from '../../schema/model.js';
import { parseCreateIndex, parseCreateTable } from './parse-create.js';
import type { ParsedConstraint } from './parse-create.js';
import { isKeyword, matchingParen, splitTopLevel, tokenize } from './sql-text.js';
import { parseSqliteType } from './types.js';

/** What the rebuild needs beyond the neutral model; kept beside the TableSpec it came with. */
export interface SqliteTableExtras {
  /** The `CREATE TRIGGER` statements on the table (DROP TABLE drops them; the rebuild re-runs them). */
  readonly triggers: readonly string[];
  readonly withoutRowid: boolean;
  /**
   * Each column's declared type name, exactly as written (`INT`, `DECIMAL(10,2)`, `NVARCHAR(40)`):
   * the rebuild writes it back for every column it does not change (issue 10, defect 8).
   */
  readonly declaredTypes: ReadonlyMap<string, string>;
}

/** Extras of tables mapped by {@link mapSqliteTable}, keyed by the returned (frozen) spec. */
export const tableExtras = new WeakMap<TableSpec, SqliteTableExtras>();

/** A row of `pragma_table_xinfo`. */
export interface ColumnRow { name: string; type: string; notnull: number; dflt_value: string | null; pk: number; hidden: number }
/** A row of `pragma_index_list`, with its key columns (`pragma_index_info`) and its CREATE INDEX text. */
export interface IndexRows { seq: number; name: string; unique: number; origin: string; partial: number; columns: readonly string[]; sql: string | null }
/** A row of `pragma_foreign_key_list`. */
export interface ForeignKeyRow { id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string }

/** Everything the catalog says about one table, as the readers fetch it. */
export interface SqliteTableRows {
  /** The table's name as stored. */
  readonly name: string;
  /** Its `CREATE TABLE` text from `sqlite_schema`. */
  readonly sql: string;
  readonly columns: readonly ColumnRow[];
  readonly indexes: readonly IndexRows[];
  readonly foreignKeys: readonly ForeignKeyRow[];
  /** `CREATE TRIGGER` texts on the table, by name. */
  readonly triggers: readonly string[];
  /**
   * Primary-key columns of the tables that `REFERENCES parent` (without columns) points at, keyed
   * by lower-cased table name: SQLite reports such a reference's columns as NULL.
   */
  readonly parentKeys: ReadonlyMap<string, readonly string[]>;
}

/** The tables whose primary key the foreign keys of `rows` need (references without columns). */
export function parentsNeedingKeys(rows: readonly ForeignKeyRow[]): string[] {
  return [...new Set(rows.filter((r) => r.to === null).map((r) => r.table))];
}

/** Map one table's catalog rows into the neutral model (and record its {@link tableExtras}). */
export function mapSqliteTable(input: SqliteTableRows): TableSpec {
  const parsed = parseCreateTable(input.sql);
  const rows = input.columns;
  const keyRows = rows.filter((r) => r.pk > 0).sort((a, b) => a.pk - b.pk);
  const keyConstraint = parsed.constraints.find((c) => c.kind === 'primaryKey');
  const constraints: ConstraintSpec[] = [];
  if (keyRows.length > 1 || (keyRows.length === 1 && keyConstraint?.name !== undefined)) {
    constraints.push({ kind: 'primaryKey', ...nameOf(keyConstraint), columns: keyRows.map((r) => r.name) });
  }

  const uniques = mapUniques(input.indexes, parsed.constraints);
  // An unnamed `CHECK (col IN ('a', 'b'))` on a text column is how an enum is stored: read it as one.
  const enumChecks = new Map<string, ColumnType>();
  for (const check of parsed.constraints.filter((c) => c.kind === 'check')) {
    const column = check.columns[0];
    const values = column === undefined || check.name !== undefined ? undefined : enumValues(check.condition ?? '', column);
    if (column !== undefined && values !== undefined) enumChecks.set(column.toLowerCase(), { kind: 'enum', name: column, values });
    else constraints.push({ kind: 'check', ...nameOf(check), condition: check.condition ?? '' });
  }

  // hidden: 0 a plain column, 2 / 3 a VIRTUAL / STORED generated one (1 is a virtual table's hidden column).
  const columns: NamedColumn[] = rows
    .filter((r) => r.hidden === 0 || r.hidden === 2 || r.hidden === 3)
    .map((r) => {
      let type = parseSqliteType(r.type);
      const enumType = enumChecks.get(r.name.toLowerCase());
      if (enumType !== undefined && type.kind === 'text') type = enumType;
      else if (enumType !== undefined) constraints.push({ kind: 'check', condition: renderEnumCondition(r.name, enumType) });
      const spec: { -readonly [K in keyof ColumnSpec]?: ColumnSpec[K] } = {
        nullable: r.notnull === 0 && r.pk === 0,
        primaryKey: r.pk > 0,
        autoIncrement: keyRows.length === 1 && r.pk > 0 && keyConstraint?.autoIncrement === true,
        unique: uniques.singleColumn.has(r.name),
      };
      const def = parseDefault(r.dflt_value, type);
      const written = parsed.columns.get(r.name.toLowerCase());
      if (written?.collation !== undefined) spec.collation = written.collation.toUpperCase();
      if (written?.generated !== undefined && r.hidden !== 0) spec.generated = written.generated;
      return { name: r.name, spec: columnSpec(type, def === undefined ? spec : { ...spec, default: def }) };
    });
  constraints.push(...uniques.constraints, ...mapForeignKeys(input.foreignKeys, parsed.constraints, input.parentKeys));

  const spec: TableSpec = Object.freeze({ name: input.name, columns, constraints, indexes: mapIndexes(input.indexes), options: {} });
  tableExtras.set(spec, {
    triggers: input.triggers,
    withoutRowid: parsed.withoutRowid,
    declaredTypes: new Map(rows.map((r) => [r.name, r.type])),
  });
  return spec;
}

function nameOf(c: { name?: string } | undefined): { name?: string } {
  return c?.name === undefined ? {} : { name: c.name };
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]?.toLowerCase());
}

/** UNIQUE constraints (autoindexes of origin 'u'): unnamed single-column ones become the column flag. */
function mapUniques(indexes: readonly IndexRows[], parsed: readonly ParsedConstraint[]) {
  const singleColumn = new Set<string>();
  const constraints: ConstraintSpec[] = [];
  // pragma_index_list numbers the newest index 0: the highest seq is the first declared.
  for (const index of indexes.filter((i) => i.origin === 'u').sort((a, b) => b.seq - a.seq)) {
    const cols = index.columns;
    const source = parsed.find((c) => c.kind === 'unique' && sameColumns(c.columns, cols));
    if (cols.length === 1 && source?.name === undefined) singleColumn.add(cols[0] as string);
    else constraints.push({ kind: 'unique', ...nameOf(source), columns: [...cols] });
  }
  return { singleColumn, constraints };
}

const ACTIONS: Readonly<Record<string, ReferentialAction>> = {
  CASCADE: 'cascade',
  RESTRICT: 'restrict',
  'SET NULL': 'set null',
  'SET DEFAULT': 'set default',
};

/** Foreign keys, in declaration order (SQLite numbers them backwards), with names from the text. */
function mapForeignKeys(
  rows: readonly ForeignKeyRow[],
  parsed: readonly ParsedConstraint[],
  parentKeys: ReadonlyMap<string, readonly string[]>,
): ConstraintSpec[] {
  const sorted = [...rows].sort((a, b) => b.id - a.id || a.seq - b.seq);
  const groups = new Map<number, ForeignKeyRow[]>();
  for (const row of sorted) groups.set(row.id, [...(groups.get(row.id) ?? []), row]);
  const out: ConstraintSpec[] = [];
  for (const group of groups.values()) {
    const first = group[0] as ForeignKeyRow;
    const columns = group.map((r) => r.from);
    // `REFERENCES parent` without columns means the parent's primary key.
    const refColumns = group.some((r) => r.to === null) ? [...(parentKeys.get(first.table.toLowerCase()) ?? [])] : group.map((r) => r.to as string);
    const source = parsed.find((c) => c.kind === 'foreignKey' && sameColumns(c.columns, columns));
    const onDelete = ACTIONS[first.on_delete];
    const onUpdate = ACTIONS[first.on_update];
    out.push({
      kind: 'foreignKey',
      ...nameOf(source),
      columns,
      refTable: first.table,
      refColumns,
      ...(onDelete === undefined ? {} : { onDelete }),
      ...(onUpdate === undefined ? {} : { onUpdate }),
    });
  }
  return out;
}

/** Explicit indexes (origin 'c'; the autoindexes behind UNIQUE and PRIMARY KEY are constraints). */
function mapIndexes(indexes: readonly IndexRows[]): IndexSpec[] {
  const out: IndexSpec[] = [];
  for (const index of indexes.filter((i) => i.origin === 'c').sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const parsed = parseCreateIndex(index.sql ?? '');
    out.push({ name: index.name, columns: parsed.elements, unique: index.unique === 1, ...(parsed.where === undefined ? {} : { where: parsed.where }) });
  }
  return out;
}

/** A column default as SQLite reports it (the text after DEFAULT, outer parentheses removed). */
export function parseDefault(text: string | null, type: ColumnType): DefaultValue | undefined {
  if (text === null) return undefined;
  const tokens = tokenize(text);
  const [first, second] = tokens;
  if (tokens.length === 1 && first?.kind === 'string') return { kind: 'literal', value: first.value };
  if (tokens.length === 1 && isKeyword(first, 'NULL')) return { kind: 'literal', value: null };
  if (tokens.length === 1 && (isKeyword(first, 'TRUE') || isKeyword(first, 'FALSE'))) {
    return { kind: 'literal', value: isKeyword(first, 'TRUE') };
  }
  const signed = tokens.length === 2 && first?.kind === 'punct' && (first.value === '-' || first.value === '+') && second?.kind === 'number';
  if ((tokens.length === 1 && first?.kind === 'number') || signed) {
    const value = Number(text.replace(/\s+/g, ''));
    if (type.kind === 'boolean' && (value === 0 || value === 1)) return { kind: 'literal', value: value === 1 };
    if (Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value))) return { kind: 'literal', value };
  }
  return { kind: 'sql', sql: text };
}

/** The values of `"col" IN ('a', 'b')` when `condition` is exactly that, for `column`. */
export function enumValues(condition: string, column: string): string[] | undefined {
  const tokens = tokenize(condition);
  const [subject, keyword, open] = tokens;
  if (subject === undefined || (subject.kind !== 'word' && subject.kind !== 'quoted')) return undefined;
  if (subject.value.toLowerCase() !== column.toLowerCase() || !isKeyword(keyword, 'IN')) return undefined;
  if (open?.kind !== 'punct' || open.value !== '(' || matchingParen(tokens, 2) !== tokens.length - 1) return undefined;
  const values: string[] = [];
  for (const [start, end] of splitTopLevel(tokens, 3, tokens.length - 1)) {
    const token = tokens[start];
    if (end - start !== 1 || token?.kind !== 'string') return undefined;
    values.push(token.value);
  }
  return values;
}

function renderEnumCondition(column: string, type: ColumnType): string {
  const values = type.kind === 'enum' ? type.values : [];
  return `"${column.replaceAll('"', '""')}" IN (${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')})`;
}
