/**
 * Reading one table from `information_schema`, in five queries whatever its size: the table,
 * its columns, its indexes, its foreign keys, its checks. The result is the neutral
 * {@link TableSpec}, as the builders would have declared it.
 *
 * Conventions of the result:
 * - a UNIQUE index is reported once, as a `unique` constraint (MySQL has no other kind of unique
 *   constraint; TABLE_CONSTRAINTS lists it as one), never also in `indexes`;
 * - the primary key is a `primaryKey` constraint without a name (MySQL always calls it PRIMARY),
 *   and its columns have `primaryKey: true`;
 * - the index MySQL creates by itself for a foreign key (same name and columns) is left out;
 * - MariaDB's JSON (LONGTEXT plus a `json_valid` CHECK named after the column) reads as `json`,
 *   without that CHECK;
 * - `options` carries the engine, charset, collation and comment as the server reports them.
 */
import type { ConstraintSpec, IndexElement, IndexSpec, NamedColumn, ReferentialAction, TableSpec } from '../../schema/model.js';
import { columnSpec } from '../../schema/model.js';
import type { Session } from '../dialect.js';
import { parseColumnDefault } from './defaults.js';
import { parseServerVersion } from './server.js';
import type { ServerInfo } from './server.js';
import { parseColumnType } from './types.js';

interface TableRow { engine: string | null; collation: string | null; comment: string | null }
interface ColumnRow { name: string; columnType: string; nullable: string; dflt: string | null; extra: string; comment: string }
interface ForeignKeyRow { name: string; col: string; refSchema: string; refTable: string; refCol: string; onUpdate: string; onDelete: string }
interface CheckRow { name: string; clause: string }

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

/** Checks of the table: MariaDB names them per table (CHECK_CONSTRAINTS has TABLE_NAME); MySQL per schema. */
function checkQuery(server: ServerInfo): string {
  return server.flavour === 'mariadb'
    ? 'SELECT CONSTRAINT_NAME AS `name`, CHECK_CLAUSE AS `clause` FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME'
    : `SELECT cc.CONSTRAINT_NAME AS \`name\`, cc.CHECK_CLAUSE AS \`clause\` FROM information_schema.CHECK_CONSTRAINTS cc
       JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
       WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? ORDER BY cc.CONSTRAINT_NAME`;
}

/**
 * Reads `table` (in database `schema`, or the connection's current database) from the live
 * catalog; undefined when there is no such base table.
 */
export async function readMysqlTable(session: Session, table: string, schema?: string): Promise<TableSpec | undefined> {
  const server = parseServerVersion(session.serverVersion ?? (await session.query<{ v: string }>('SELECT VERSION() AS v'))[0]?.v ?? '');
  const db = schema ?? (await session.query<{ db: string | null }>('SELECT DATABASE() AS db'))[0]?.db ?? '';
  const where = [db, table];
  const [info] = await session.query<TableRow>(
    "SELECT ENGINE AS `engine`, TABLE_COLLATION AS `collation`, TABLE_COMMENT AS `comment` FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'",
    where,
  );
  if (info === undefined) return undefined;
  const columnRows = await session.query<ColumnRow>(
    'SELECT COLUMN_NAME AS `name`, COLUMN_TYPE AS `columnType`, IS_NULLABLE AS `nullable`, COLUMN_DEFAULT AS `dflt`, EXTRA AS `extra`, COLUMN_COMMENT AS `comment` FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    where,
  );
  // SELECT *: MySQL 8 has an EXPRESSION column (functional indexes) that MariaDB lacks.
  const indexRows = await session.query<Record<string, unknown>>(
    'SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX',
    where,
  );
  const fkRows = await session.query<ForeignKeyRow>(
    `SELECT k.CONSTRAINT_NAME AS \`name\`, k.COLUMN_NAME AS \`col\`, k.REFERENCED_TABLE_SCHEMA AS \`refSchema\`, k.REFERENCED_TABLE_NAME AS \`refTable\`,
            k.REFERENCED_COLUMN_NAME AS \`refCol\`, r.UPDATE_RULE AS \`onUpdate\`, r.DELETE_RULE AS \`onDelete\`
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    where,
  );
  const checkRows = await session.query<CheckRow>(checkQuery(server), where);

  // MariaDB's JSON: a LONGTEXT column plus CHECK (json_valid(`col`)). The check is named after
  // the column when made, but keeps that name through a column rename, so match on the clause.
  const longtext = new Set(columnRows.filter((r) => /^longtext$/i.test(r.columnType)).map((r) => r.name));
  const jsonColumns = new Set<string>();
  const checks: ConstraintSpec[] = [];
  for (const row of checkRows) {
    const json = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(row.clause.trim());
    const column = json?.[1]?.replaceAll('``', '`');
    if (column !== undefined && longtext.has(column) && !jsonColumns.has(column)) jsonColumns.add(column);
    else checks.push({ kind: 'check', name: row.name, condition: unwrap(row.clause) });
  }

  const indexes = groupIndexes(indexRows);
  const primary = indexes.find((i) => i.name === 'PRIMARY');
  const keyColumns = new Set(primary?.columns.filter((c): c is string => typeof c === 'string') ?? []);
  const columns: NamedColumn[] = columnRows.map((row) => {
    const parsed = parseColumnType(row.columnType, row.name);
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

  const foreignKeys = groupForeignKeys(fkRows, db);
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
    const implied = foreignKeys.some((fk) => fk.name === index.name && fk.columns.join('\u0000') === names.join('\u0000'));
    if (!implied) plainIndexes.push(index);
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

/** STATISTICS rows (one per index column) as indexes, in key order. */
function groupIndexes(rows: readonly Record<string, unknown>[]): IndexSpec[] {
  const byName = new Map<string, { unique: boolean; columns: IndexElement[] }>();
  for (const row of rows) {
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
