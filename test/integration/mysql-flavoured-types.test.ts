/**
 * The builders MySQL users reach for (tinyint, mediumint, mediumtext, longtext, year, set, with
 * unsigned variants) on every dialect, on the real servers: a revision creates them, the schema
 * module declaring them checks clean, `pull` writes them back as builders (never `rawType(...)`),
 * and the pulled module checks clean too. MySQL stores them natively; PostgreSQL and SQLite store
 * the portable types they stand for.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

const COLUMNS = `{
    id: integer().primaryKey(),
    level: tinyint().unsigned().notNull().default(0),
    delta: tinyint(),
    views: mediumint().unsigned(),
    body: mediumtext(),
    archive: longtext(),
    born: year(),
    perms: set(['read', 'write', 'admin']),
  }`;
const IMPORTS = ['integer', 'tinyint', 'mediumint', 'mediumtext', 'longtext', 'year', 'set'];

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setUp(dialect: (typeof DIALECTS)[number]): Promise<{ db: TestDatabase; project: TestProject }> {
  const db = await createTestDatabase(dialect, 'retort_myty');
  const project = createTestProject({ url: db.url, schema: './schema.ts' }, [
    { id: 'aaaa0001', message: 'metrics', imports: IMPORTS, upgrade: `  await op.createTable('metrics', ${COLUMNS});`, downgrade: "  await op.dropTable('metrics');" },
  ]);
  cleanups.push(() => project.cleanup(), () => db.drop());
  writeFileSync(join(project.dir, 'schema.ts'), `import { defineSchema, table, ${IMPORTS.join(', ')} } from 'retort-migrate';
export const metrics = table('metrics', ${COLUMNS});
export default defineSchema({ metrics });
`);
  await project.retort.upgrade('head');
  return { db, project };
}

describe.each(DIALECTS)('%s: MySQL-flavoured column types', (dialect) => {
  it('create, check clean, pull back as builders, check clean again', async () => {
    const { db, project } = await setUp(dialect);
    expect(await project.retort.check()).toMatchObject({ ok: true, operations: [] });

    const pulled = await project.retort.pull({ out: join(project.dir, 'pulled.ts') });
    const source = readFileSync(pulled.path, 'utf8');
    expect(source).not.toContain('rawType');
    const expected = dialect === 'mysql'
      ? ['level: tinyint().unsigned().notNull().default(0)', 'delta: tinyint()', 'views: mediumint().unsigned()', 'body: mediumtext()',
        'archive: longtext()', 'born: year()', "perms: set(['read', 'write', 'admin'])"]
      : dialect === 'sqlite'
        ? ['level: tinyint().notNull().default(0)', 'delta: tinyint()', 'views: mediumint()', 'body: mediumtext()', 'archive: longtext()', 'born: year()', 'perms: text()']
        : ['level: smallint().notNull().default(0)', 'delta: smallint()', 'views: integer()', 'body: text()', 'archive: text()', 'born: smallint()', 'perms: text()'];
    for (const line of expected) expect(source).toContain(line);

    // The pulled module is as good a target as the hand-written one.
    writeFileSync(join(project.dir, 'schema.ts'), source);
    expect(await project.retort.check()).toMatchObject({ ok: true, operations: [] });

    if (dialect === 'mysql') {
      const types = await rawQuery<{ c: string; t: string }>(db,
        "SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'metrics' ORDER BY ORDINAL_POSITION", [db.name]);
      expect(types.map((r) => `${r.c} ${r.t.replace(/\(\d+\)/, '')}`)).toEqual([
        'id int', 'level tinyint unsigned', 'delta tinyint', 'views mediumint unsigned', 'body mediumtext', 'archive longtext', 'born year',
        "perms set('read','write','admin')",
      ]);
      await rawQuery(db, "INSERT INTO metrics (id, level, perms, born) VALUES (1, 255, 'write,read', 2024)");
      expect(await rawQuery(db, 'SELECT level, perms, born FROM metrics')).toEqual([{ level: 255, perms: 'read,write', born: 2024 }]);
    }
  }, 60_000);
});
