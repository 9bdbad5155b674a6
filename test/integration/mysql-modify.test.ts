/**
 * Issue 10 defect 3 on MariaDB: MySQL's MODIFY rewrites the whole column, so an `alterColumn`
 * must restate everything the column has: its collation and character set (a `_bin` password
 * column must stay case-sensitive), `ON UPDATE CURRENT_TIMESTAMP`, comment, default, generated
 * expression, AUTO_INCREMENT and UNSIGNED. Proven on a table an application made by hand
 * (then pulled), with an unrelated change generated and with hand-written alterColumn calls,
 * online and offline.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { editCycle } from '../support/edit-cycle.js';
import { mysqlCatalog } from '../support/mysql-catalog.js';
import { createTestProject } from '../support/project.js';

const USERS = `CREATE TABLE users (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  login VARCHAR(40) NOT NULL,
  password VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'hash',
  legacy VARCHAR(20) CHARACTER SET latin1 DEFAULT 'x',
  updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  login_upper VARCHAR(40) AS (UPPER(login)) VIRTUAL
)`;

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

async function fresh(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase('mysql', prefix);
  databases.push(db);
  return db;
}

/** The attributes MODIFY must not lose, as the server reports them. */
async function attributes(db: TestDatabase): Promise<Record<string, unknown>[]> {
  return rawQuery(db, `SELECT COLUMN_NAME AS c, COLUMN_TYPE AS type, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation, EXTRA AS extra,
      COLUMN_DEFAULT AS dflt, COLUMN_COMMENT AS comment, GENERATION_EXPRESSION AS generation
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION`, [db.name]);
}

/** A password compared as the column's collation compares it: `_bin` tells 'Secret' from 'secret'. */
async function caseSensitive(db: TestDatabase): Promise<boolean> {
  await rawQuery(db, "DELETE FROM users");
  await rawQuery(db, "INSERT INTO users (login, password) VALUES ('ann', 'Secret')");
  const [row] = await rawQuery<{ n: number }>(db, "SELECT COUNT(*) AS n FROM users WHERE password = 'secret'");
  return Number(row?.n) === 0;
}

describe('MODIFY on MariaDB carries the whole column definition', () => {
  it('keeps the _bin collation, ON UPDATE and the rest through a generated unrelated change, and its downgrade', async () => {
    const source = await fresh('retort_mod_src');
    await rawQuery(source, USERS);
    const pulled = createTestProject({ url: source.url, schema: './schema.ts' });
    const module = readFileSync((await pulled.retort.pull()).path, 'utf8');
    pulled.cleanup();
    expect(module).toContain("password: varchar(64).notNull().collate('utf8mb4_bin').comment('hash'),");
    expect(module).toContain("updated: timestamptz().notNull().default(sql`current_timestamp()`).onUpdate(sql`current_timestamp()`),");
    expect(module).toContain("login_upper: varchar(40).generatedAlwaysAs(sql`ucase(\\`login\\`)`),");

    // The same table made by autogenerate from the pulled module, then an unrelated change to
    // each column that has something to lose: a comment here, a wider type there.
    const edited = module
      .replace(".collate('utf8mb4_bin').comment('hash')", ".collate('utf8mb4_bin').comment('bcrypt hash')")
      .replace("legacy: varchar(20)", "legacy: varchar(30)")
      .replace(".onUpdate(sql`current_timestamp()`),", ".onUpdate(sql`current_timestamp()`).comment('touched'),");
    const db = await fresh('retort_mod');
    const { text } = await editCycle(db, mysqlCatalog, module, edited, async () => {
      expect(await caseSensitive(db)).toBe(true);
      const cols = await attributes(db);
      expect(cols.find((c) => c.c === 'password')).toMatchObject({ collation: 'utf8mb4_bin', comment: 'bcrypt hash' });
      expect(cols.find((c) => c.c === 'legacy')).toMatchObject({ type: 'varchar(30)', charset: 'latin1', dflt: "'x'" });
      expect(cols.find((c) => c.c === 'updated')).toMatchObject({ extra: 'on update current_timestamp()', comment: 'touched' });
    });
    // The file restates what MODIFY needs offline too.
    expect(text).toContain("existingCollation: 'utf8mb4_bin',");
    expect(text).toContain("existingOnUpdate: sql`current_timestamp()`,");
    expect(text).toContain("existingCharset: 'latin1',");
  });

  it('keeps them through hand-written alterColumn calls, online and in offline SQL', async () => {
    const db = await fresh('retort_mod_hand');
    await rawQuery(db, USERS);
    const project = createTestProject({ url: db.url }, [{
      id: '000000000001',
      message: 'unrelated changes',
      imports: ['varchar', 'bigint', 'sql'],
      upgrade: `  await op.alterColumn('users', 'password', { nullable: true });
  await op.alterColumn('users', 'updated', { comment: 'touched' });
  await op.alterColumn('users', 'id', { comment: 'key' });
  await op.alterColumn('users', 'login_upper', { comment: 'derived' });`,
      downgrade: `  await op.alterColumn('users', 'password', { nullable: false });
  await op.alterColumn('users', 'updated', { comment: null });
  await op.alterColumn('users', 'id', { comment: null });
  await op.alterColumn('users', 'login_upper', { comment: null });`,
    }]);
    try {
      const before = await attributes(db);
      await project.retort.upgrade('head');
      expect(await caseSensitive(db)).toBe(true);
      const after = await attributes(db);
      expect(after.find((c) => c.c === 'password')).toMatchObject({ collation: 'utf8mb4_bin', comment: 'hash' });
      expect(after.find((c) => c.c === 'updated')).toMatchObject({ extra: 'on update current_timestamp()', comment: 'touched' });
      expect(after.find((c) => c.c === 'id')).toMatchObject({ type: 'bigint(20) unsigned', extra: 'auto_increment', comment: 'key' });
      expect(after.find((c) => c.c === 'login_upper')).toMatchObject({ extra: 'VIRTUAL GENERATED', generation: 'ucase(`login`)', comment: 'derived' });
      await project.retort.downgrade('base');
      expect(await attributes(db)).toEqual(before);

      // Offline there is no catalog to read: the script's existing* say it, and the SQL restates it.
      writeFileSync(join(project.dir, 'migrations', '000000000002_offline.ts'), `/** offline */
import type { MigrationContext } from 'retort-migrate';
import { varchar, sql } from 'retort-migrate';
export const revision = '000000000002';
export const downRevision = '000000000001';
export async function upgrade({ op }: MigrationContext) {
  await op.alterColumn('users', 'password', { nullable: true, existingType: varchar(64), existingNullable: false, existingCollation: 'utf8mb4_bin', existingComment: 'hash' });
  await op.alterColumn('users', 'updated', { comment: 'touched', existingType: varchar(1), existingNullable: false, existingDefault: sql\`CURRENT_TIMESTAMP\`, existingOnUpdate: sql\`CURRENT_TIMESTAMP\` });
}
export async function downgrade() {}
`);
      const offline = await project.retort.upgrade('000000000001:000000000002', { sql: true });
      expect(offline.sql).toContain('MODIFY COLUMN `password` VARCHAR(64) COLLATE utf8mb4_bin NULL COMMENT \'hash\'');
      expect(offline.sql).toContain('ON UPDATE CURRENT_TIMESTAMP COMMENT \'touched\'');
    } finally {
      project.cleanup();
    }
  });
});
