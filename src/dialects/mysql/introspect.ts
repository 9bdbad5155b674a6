/**
 * Reading one table from `information_schema`, in five queries whatever its size: the table,
 * its columns, its indexes, its foreign keys, its checks. The rows become the neutral
 * {@link TableSpec} through {@link mapMysqlTable} (see `table-rows.ts` for the conventions), the
 * same mapping autogenerate's bulk reader uses.
 */
import type { TableSpec } from '../../schema/model.js';
import type { Session } from '../dialect.js';
import { parseServerVersion } from './server.js';
import type { ServerInfo } from './server.js';
import { readCharsetCollations } from './charsets.js';
import { COLUMN_ROW_SQL, mapMysqlTable } from './table-rows.js';
import type { CheckRow, ColumnRow, ForeignKeyRow, TableRow } from './table-rows.js';

/** Checks of the table: MariaDB names them per table (CHECK_CONSTRAINTS has TABLE_NAME); MySQL per schema. */
function checkQuery(server: ServerInfo): string {
  return server.flavour === 'mariadb'
    ? 'SELECT CONSTRAINT_NAME AS `name`, CHECK_CLAUSE AS `clause` FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME'
    : `SELECT cc.CONSTRAINT_NAME AS \`name\`, cc.CHECK_CLAUSE AS \`clause\` FROM information_schema.CHECK_CONSTRAINTS cc
       JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
       WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? ORDER BY cc.CONSTRAINT_NAME`;
}

/** The tables of `tables` that exist in database `schema` (or the connection's current one). */
export async function mysqlExistingTables(session: Session, tables: readonly string[], schema?: string): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const rows = await session.query<{ name: string }>(
    `SELECT TABLE_NAME AS \`name\` FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME IN (${tables.map(() => '?').join(', ')})`,
    [schema ?? null, ...tables],
  );
  return new Set(rows.map((row) => row.name));
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
    "SELECT ENGINE AS `engine`, TABLE_COLLATION AS `collation`, TABLE_COMMENT AS `comment`, CREATE_OPTIONS AS `createOptions` FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'",
    where,
  );
  if (info === undefined) return undefined;
  const columnRows = await session.query<ColumnRow>(
    `SELECT ${COLUMN_ROW_SQL} FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
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
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
        AND r.CONSTRAINT_SCHEMA = ? AND r.TABLE_NAME = ?
      ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    // The schema and table of REFERENTIAL_CONSTRAINTS as constants, not as join conditions: only
    // then does the server open this one table to fill it (EXPLAIN: "Scanned 0 databases")
    // instead of every table of every database, which is slow on a server of many tenants and
    // waits on their metadata locks.
    [...where, ...where],
  );
  const checkRows = await session.query<CheckRow>(checkQuery(server), where);
  return mapMysqlTable({
    name: table,
    ...(schema === undefined ? {} : { schema }),
    db,
    server,
    info,
    columns: columnRows,
    indexes: indexRows,
    foreignKeys: fkRows,
    checks: checkRows,
    charsets: await readCharsetCollations(session),
  });
}
