/**
 * Plain `.sql` revisions mixed with `.ts` ones in one graph, on the real servers: upgrade to head
 * and downgrade to base through the API (version and history tables: the file's sha256, the
 * statement count), a trigger or function body kept whole (BEGIN...END on MariaDB and SQLite,
 * dollar quotes on PostgreSQL), `-- retort:no-transaction` (CREATE INDEX CONCURRENTLY on
 * PostgreSQL), `--sql` printing the sections, lint's raw-execute finding on the statement's line,
 * and a failing statement naming the file and line; on SQLite the skeleton of `revision --sql-file`
 * and the failure through the CLI (exit code 1, file:line on stderr).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, versions } from '../support/assertions.js';
import { retort } from '../support/cli.js';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const revA: RevisionSpec = {
  id: 'aaa111', down: null, message: 'create a', imports: ['integer', 'varchar'],
  upgrade: "  await op.createTable('t_a', { id: integer().primaryKey(), note: varchar(20) });", downgrade: "  await op.dropTable('t_a');",
};
const revC: RevisionSpec = {
  id: 'ccc333', down: 'bbb222', message: 'create c', imports: ['integer'],
  upgrade: "  await op.createTable('t_c', { id: integer().primaryKey() });", downgrade: "  await op.dropTable('t_c');",
};

/** A body whose `;`s must not split it: fills `note` on insert. */
const TRIGGER: Record<TestDialect, string> = {
  mysql: `CREATE TRIGGER t_b_note BEFORE INSERT ON t_b FOR EACH ROW
BEGIN
  IF NEW.note IS NULL THEN
    SET NEW.note = CASE WHEN NEW.id > 0 THEN 'none;yet' END;
  END IF;
END;`,
  sqlite: `CREATE TRIGGER t_b_note AFTER INSERT ON t_b FOR EACH ROW WHEN NEW.note IS NULL
BEGIN
  UPDATE t_b SET note = 'none;yet' WHERE id = NEW.id;
END;`,
  postgres: `CREATE FUNCTION t_b_note() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF NEW.note IS NULL THEN NEW.note := 'none;yet'; END IF;
  RETURN NEW;
END;
$body$;
CREATE TRIGGER t_b_note BEFORE INSERT ON t_b FOR EACH ROW EXECUTE FUNCTION t_b_note();`,
};
const DROP_TRIGGER: Record<TestDialect, string> = {
  mysql: 'DROP TRIGGER t_b_note;', sqlite: 'DROP TRIGGER t_b_note;', postgres: 'DROP TRIGGER t_b_note ON t_b;\nDROP FUNCTION t_b_note();',
};
/** Runs only outside a transaction on PostgreSQL. */
const INDEX: Record<TestDialect, string> = {
  mysql: 'CREATE INDEX t_b_note_idx ON t_b (note);', sqlite: 'CREATE INDEX t_b_note_idx ON t_b (note);', postgres: 'CREATE INDEX CONCURRENTLY t_b_note_idx ON t_b (note);',
};

function sqlB(dialect: TestDialect): string {
  return `-- create b in SQL
--
-- Revision ID: bbb222
-- Revises: aaa111
-- Branch Labels: sqlside
-- Depends On: []

-- retort:up
CREATE TABLE t_b (id integer PRIMARY KEY, note varchar(20)); -- a comment; with a semicolon
/* a block comment; too */
${TRIGGER[dialect]}
-- retort:no-transaction
${INDEX[dialect]}
-- retort:ack raw-execute one row, reviewed
INSERT INTO t_b (id, note) VALUES (1, 'a;b ''quoted''');
INSERT INTO t_b (id) VALUES (2)

-- retort:down
${DROP_TRIGGER[dialect]}
DROP TABLE t_b;
`;
}

/** Fails on its second statement, on line 9. */
const sqlD = `-- fails half way
-- Revision ID: ddd444
-- Revises: ccc333

-- retort:up
CREATE TABLE t_d (id integer PRIMARY KEY);

-- the next one fails
INSERT INTO no_such_table VALUES (1);

-- retort:down
DROP TABLE t_d;
`;

describe.each(DIALECTS)('.sql revisions on %s', (dialect) => {
  let db: TestDatabase;
  let project: TestProject;
  let pathB: string;
  beforeEach(async () => {
    db = await createTestDatabase(dialect, 'retort_sqlrev');
    project = createTestProject({ url: db.url }, [revA, revC]);
    pathB = join(project.dir, 'migrations', 'bbb222_create_b.sql');
    writeFileSync(pathB, sqlB(dialect));
  });
  afterEach(async () => {
    project.cleanup();
    await db.drop();
  });

  it('upgrades a graph mixing .ts and .sql to head and back to base, with version and history rows; a failure names file:line', async () => {
    const graph = await project.retort.history();
    expect(graph.map((r) => [r.revision, r.downRevisions, r.branchLabels, r.message])).toEqual([
      ['ccc333', ['bbb222'], [], 'create c'], ['bbb222', ['aaa111'], ['sqlside'], 'create b in SQL'], ['aaa111', [], [], 'create a'],
    ]);
    const offline = await project.retort.upgrade('head', { sql: true });
    const text = offline.statements!.join('\n');
    expect(text).toContain(TRIGGER[dialect].split(';\nCREATE TRIGGER')[0]!.replace(/;$/, ''));
    expect(text).toContain("INSERT INTO t_b (id, note) VALUES (1, 'a;b ''quoted''')");

    const up = await project.retort.upgrade('head');
    expect(up.current).toEqual(['ccc333']);
    expect(await versions(db)).toEqual(['ccc333']);
    expect(await rawQuery(db, 'SELECT id, note FROM t_b ORDER BY id')).toEqual([{ id: 1, note: "a;b 'quoted'" }, { id: 2, note: 'none;yet' }]);
    const statementsOfB = dialect === 'postgres' ? 7 : 6; // + the version-table change
    const rows = await rawQuery<{ revision: string; direction: string; status: string; checksum: string; statements: number }>(db,
      'SELECT revision, direction, status, checksum, statements FROM retort_history ORDER BY id');
    expect(rows.map((r) => [r.revision, r.status, Number(r.statements)])[1]).toEqual(['bbb222', 'ok', statementsOfB]);
    expect(rows[1]!.checksum).toBe(sha(pathB));

    await project.retort.downgrade('base');
    expect(await versions(db)).toEqual([]);
    expect(await rawQuery(db, dialect === 'sqlite' ? "SELECT name FROM sqlite_master WHERE name LIKE 't\\_%' ESCAPE '\\'" : dialect === 'postgres'
      ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\\_%'" : "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 't\\_%'")).toEqual([]);
    const down = (await rawQuery<{ revision: string; direction: string; status: string }>(db, "SELECT revision, direction, status FROM retort_history WHERE direction = 'down' ORDER BY id"));
    expect(down.map((r) => [r.revision, r.status])).toEqual([['ccc333', 'ok'], ['bbb222', 'ok'], ['aaa111', 'ok']]);

    // lint reads the SQL statements as raw op.execute calls, on their own lines.
    const lint = await project.retort.lint();
    const lines = lint.findings.filter((f) => f.revision === 'bbb222' && f.rule === 'raw-execute' && f.direction === 'upgrade').map((f) => f.line);
    expect(lines[0]).toBe(9);
    expect(lint.findings.find((f) => f.revision === 'bbb222')!.file).toBe(pathB);
    expect(lint.acknowledged.map((f) => [f.revision, f.rule, f.line])).toEqual([['bbb222', 'raw-execute', sqlB(dialect).split('\n').findIndex((l) => l.startsWith('INSERT INTO t_b (id, note)')) + 1]]);

    // A failing statement names the file and the line.
    const pathD = join(project.dir, 'migrations', 'ddd444_fails.sql');
    writeFileSync(pathD, sqlD);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(`ddd444_fails.sql:9:1 failed: INSERT INTO no_such_table VALUES (1)`);
    expect(error.fields).toMatchObject({ revision: 'ddd444', file: pathD, line: 9, column: 1, statementIndex: 2 });
    expect(await versions(db)).toEqual(['ccc333']);
    if (dialect !== 'sqlite') return;

    // The skeleton `revision --sql-file` writes (through the API), then the failure through the CLI.
    const written = await project.retort.revision({ message: 'add things', format: 'sql' });
    const skeleton = readFileSync(written.path, 'utf8');
    expect(skeleton).toMatch(/^-- add things\n--\n-- Revision ID: \w+\n-- Revises: ddd444\n/);
    expect(skeleton).toContain('-- retort:up\n');
    expect(skeleton).toContain('-- retort:down\n');
    // squash reads the statements as op.execute calls: a data change is refused, naming the line.
    const squash = await failure(project.retort.squash('ccc333:ddd444', { message: 'squashed' }));
    expect(squash.code).toBe('CannotSquash');
    expect(squash.message).toContain('ddd444_fails.sql:9');
    const run = retort(project.dir, ['upgrade', 'head']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ddd444_fails.sql:9:1 failed: INSERT INTO no_such_table VALUES (1)');
  });
});
