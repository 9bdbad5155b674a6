/**
 * The Kysely `db` that a revision script is handed, through the built `retort` on each dialect.
 * The CLI keeps kysely in a file of its own (scripts/bundle-cli.mjs's PARTS), run on the first
 * use: a run whose revisions execute loads it, builds `db` on the run's connection, and a script's
 * queries land in the same transaction as its operations.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { retort } from '../support/cli.js';

let db: TestDatabase | undefined;
let project: TestProject | undefined;

afterEach(async () => {
  project?.cleanup();
  await db?.drop();
  project = undefined;
  db = undefined;
});

/** A fresh database of `dialect` and a project of one revision `id` with these bodies. */
async function oneRevision(dialect: TestDialect, id: string, upgrade: readonly string[], downgrade?: string): Promise<{ db: TestDatabase; project: TestProject }> {
  db = await createTestDatabase(dialect);
  project = createTestProject({ url: db.url }, [
    { id, down: null, imports: ['integer', 'varchar'], upgrade: upgrade.join('\n'), ...(downgrade === undefined ? {} : { downgrade }) },
  ]);
  return { db, project };
}

describe.each(DIALECTS)('a script querying through db (%s)', (dialect) => {
  it('inserts and reads rows with Kysely in its upgrade, and deletes them in its downgrade', async () => {
    const { db, project } = await oneRevision(dialect, 'dbscript01', [
      "  await op.createTable('notes', { id: integer().primaryKey(), body: varchar(40) });",
      "  await db.insertInto('notes').values([{ id: 1, body: 'one' }, { id: 2, body: 'two' }]).execute();",
      "  const rows = await db.selectFrom('notes').select('body').orderBy('id').execute();",
      "  await db.insertInto('notes').values({ id: 3, body: rows.map((r) => r.body).join('+') }).execute();",
    ], "  await db.deleteFrom('notes').where('id', '=', 3).execute();\n  await op.dropTable('notes');");
    const up = retort(project.dir, ['-q', 'upgrade', 'head']);
    expect(up).toMatchObject({ code: 0, stderr: '' });
    const rows = await rawQuery<{ id: number; body: string }>(db, 'SELECT id, body FROM notes ORDER BY id');
    expect(rows.map((r) => [Number(r.id), r.body])).toEqual([[1, 'one'], [2, 'two'], [3, 'one+two']]);
    const history = await rawQuery<{ revision: string; status: string }>(db, 'SELECT revision, status FROM retort_history ORDER BY id');
    expect(history).toEqual([{ revision: 'dbscript01', status: 'ok' }]);

    expect(retort(project.dir, ['-q', 'downgrade', 'base'])).toMatchObject({ code: 0, stderr: '' });
    const tables = dialect === 'sqlite'
      ? await rawQuery(db, "SELECT name FROM sqlite_master WHERE name = 'notes'")
      : await rawQuery(db, dialect === 'postgres'
        ? "SELECT table_name FROM information_schema.tables WHERE table_name = 'notes' AND table_schema = current_schema()"
        : "SELECT table_name FROM information_schema.tables WHERE table_name = 'notes' AND table_schema = DATABASE()");
    expect(tables).toEqual([]);
  });
});

describe('a script reading text in a character set Node cannot decode (mysql)', () => {
  // mysql2 decodes such text with iconv-lite's tables, which the CLI keeps in a part of their own
  // (retort-mysql2-rare.cjs), read on the first such decode.
  it('gets the text decoded, through the tables read on demand', async () => {
    const { db, project } = await oneRevision('mysql', 'cp1250read', [
      "  await op.createTable('words', { id: integer().primaryKey(), word: varchar(20) });",
      "  await op.execute('CREATE TABLE src (w VARCHAR(10) CHARACTER SET cp1250)');",
      // 'Łódź' in cp1250, written without a non-ASCII character in the statement.
      "  await op.execute(\"INSERT INTO src VALUES (CONVERT(UNHEX('A3F3649F') USING cp1250))\");",
      "  await op.execute('SET NAMES cp1250');",
      "  const [row] = await db.selectFrom('src').select('w').execute();",
      "  await op.execute('SET NAMES utf8mb4');",
      "  await db.insertInto('words').values({ id: 1, word: row.w }).execute();",
    ]);
    expect(retort(project.dir, ['-q', 'upgrade', 'head'])).toMatchObject({ code: 0, stderr: '' });
    expect(await rawQuery(db, 'SELECT id, word FROM words')).toEqual([{ id: 1, word: 'Łódź' }]);
  });
});
