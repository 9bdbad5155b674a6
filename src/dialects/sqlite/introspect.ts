/**
 * Reads one SQLite table into the neutral model. The pragmas give columns, keys, foreign keys and
 * indexes; the original `CREATE` text in `sqlite_master` gives what they omit (constraint names,
 * CHECKs, AUTOINCREMENT, index expressions and WHERE clauses). Autogenerate reuses this, so it
 * aims to read back exactly what the compiler writes.
 */
import type {
  ColumnSpec,
  ColumnType,
  ConstraintSpec,
  DefaultValue,
  IndexSpec,
  NamedColumn,
  ReferentialAction,
  TableSpec,
} from '../../schema/model.js';
import { columnSpec } from '../../schema/model.js';
import type { Session } from '../dialect.js';
import { parseCreateIndex, parseCreateTable } from './parse-create.js';
import type { ParsedConstraint } from './parse-create.js';
import { isKeyword, matchingParen, splitTopLevel, tokenize } from './sql-text.js';
import { parseSqliteType } from './types.js';

/** What the rebuild needs beyond the neutral model; kept beside the TableSpec it came with. */
export interface SqliteTableExtras {
  /** The `CREATE TRIGGER` statements on the table (DROP TABLE drops them; the rebuild re-runs them). */
  readonly triggers: readonly string[];
  readonly withoutRowid: boolean;
  /** Generated columns, which the neutral model cannot carry (the rebuild refuses them). */
  readonly generatedColumns: readonly string[];
}

/** Extras of tables read by {@link readSqliteTable}, keyed by the returned (frozen) spec. */
export const tableExtras = new WeakMap<TableSpec, SqliteTableExtras>();

interface ColumnRow { name: string; type: string; notnull: number; dflt_value: string | null; pk: number; hidden: number }
interface IndexRow { name: string; unique: number; origin: string; partial: number }
interface ForeignKeyRow { id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string }

/** Read `table`; undefined when it does not exist. Names match case-insensitively, as SQLite does. */
export async function readSqliteTable(session: Session, table: string): Promise<TableSpec | undefined> {
  const [master] = await session.query<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
    [table],
  );
  if (master === undefined) return undefined;
  const name = master.name;
  const parsed = parseCreateTable(master.sql);
  const rows = await session.query<ColumnRow>('SELECT * FROM pragma_table_xinfo(?)', [name]);
  const keyRows = rows.filter((r) => r.pk > 0).sort((a, b) => a.pk - b.pk);
  const keyConstraint = parsed.constraints.find((c) => c.kind === 'primaryKey');
  const constraints: ConstraintSpec[] = [];
  if (keyRows.length > 1 || (keyRows.length === 1 && keyConstraint?.name !== undefined)) {
    constraints.push({ kind: 'primaryKey', ...nameOf(keyConstraint), columns: keyRows.map((r) => r.name) });
  }

  const uniques = await readUniques(session, name, parsed.constraints);
  const enumChecks = new Map<string, ColumnType>();
  for (const check of parsed.constraints.filter((c) => c.kind === 'check')) {
    const column = check.columns[0];
    const values = column === undefined || check.name !== undefined ? undefined : enumValues(check.condition ?? '', column);
    if (column !== undefined && values !== undefined) enumChecks.set(column.toLowerCase(), { kind: 'enum', name: column, values });
    else constraints.push({ kind: 'check', ...nameOf(check), condition: check.condition ?? '' });
  }

  const columns: NamedColumn[] = rows
    .filter((r) => r.hidden === 0)
    .map((r) => {
      let type = parseSqliteType(r.type);
      const enumType = enumChecks.get(r.name.toLowerCase());
      if (enumType !== undefined && type.kind === 'text') type = enumType;
      else if (enumType !== undefined) constraints.push({ kind: 'check', condition: renderEnumCondition(r.name, enumType) });
      const spec: Partial<ColumnSpec> = {
        nullable: r.notnull === 0 && r.pk === 0,
        primaryKey: r.pk > 0,
        autoIncrement: keyRows.length === 1 && r.pk > 0 && keyConstraint?.autoIncrement === true,
        unique: uniques.singleColumn.has(r.name),
      };
      const def = parseDefault(r.dflt_value, type);
      return { name: r.name, spec: columnSpec(type, def === undefined ? spec : { ...spec, default: def }) };
    });
  constraints.push(...uniques.constraints, ...(await readForeignKeys(session, name, parsed.constraints)));

  const spec: TableSpec = Object.freeze({
    name,
    columns,
    constraints,
    indexes: await readIndexes(session, name),
    options: {},
  });
  const triggers = await session.query<{ sql: string }>(
    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name",
    [name],
  );
  tableExtras.set(spec, {
    triggers: triggers.map((t) => t.sql),
    withoutRowid: parsed.withoutRowid,
    generatedColumns: rows.filter((r) => r.hidden === 2 || r.hidden === 3).map((r) => r.name),
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
async function readUniques(session: Session, table: string, parsed: readonly ParsedConstraint[]) {
  const singleColumn = new Set<string>();
  const constraints: ConstraintSpec[] = [];
  const list = await session.query<IndexRow>('SELECT * FROM pragma_index_list(?)', [table]);
  for (const index of list.filter((i) => i.origin === 'u').reverse()) {
    const cols = (await session.query<{ name: string }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [index.name])).map((c) => c.name);
    const source = parsed.find((c) => c.kind === 'unique' && sameColumns(c.columns, cols));
    if (cols.length === 1 && source?.name === undefined) singleColumn.add(cols[0] as string);
    else constraints.push({ kind: 'unique', ...nameOf(source), columns: cols });
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
async function readForeignKeys(session: Session, table: string, parsed: readonly ParsedConstraint[]): Promise<ConstraintSpec[]> {
  const rows = await session.query<ForeignKeyRow>('SELECT * FROM pragma_foreign_key_list(?) ORDER BY id DESC, seq', [table]);
  const groups = new Map<number, ForeignKeyRow[]>();
  for (const row of rows) groups.set(row.id, [...(groups.get(row.id) ?? []), row]);
  const out: ConstraintSpec[] = [];
  for (const group of groups.values()) {
    const first = group[0] as ForeignKeyRow;
    const columns = group.map((r) => r.from);
    let refColumns = group.map((r) => r.to);
    if (refColumns.some((c) => c === null)) {
      // `REFERENCES parent` without columns means the parent's primary key.
      const keys = await session.query<{ name: string }>('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk', [first.table]);
      refColumns = keys.map((k) => k.name);
    }
    const source = parsed.find((c) => c.kind === 'foreignKey' && sameColumns(c.columns, columns));
    const onDelete = ACTIONS[first.on_delete];
    const onUpdate = ACTIONS[first.on_update];
    out.push({
      kind: 'foreignKey',
      ...nameOf(source),
      columns,
      refTable: first.table,
      refColumns: refColumns as string[],
      ...(onDelete === undefined ? {} : { onDelete }),
      ...(onUpdate === undefined ? {} : { onUpdate }),
    });
  }
  return out;
}

/** Explicit indexes (origin 'c'; the autoindexes behind UNIQUE and PRIMARY KEY are constraints). */
async function readIndexes(session: Session, table: string): Promise<IndexSpec[]> {
  const list = await session.query<IndexRow>('SELECT * FROM pragma_index_list(?)', [table]);
  const out: IndexSpec[] = [];
  for (const index of list.filter((i) => i.origin === 'c').sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const [row] = await session.query<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [index.name]);
    const parsed = parseCreateIndex(row?.sql ?? '');
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
