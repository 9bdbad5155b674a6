/**
 * A revision's statement fails: the report carries what the server said besides the driver's
 * one-line message. PostgreSQL sends DETAIL, HINT, CONTEXT and the error's position apart from
 * the message, and `pg` leaves them out of it: "could not create unique index" did not say which
 * key was duplicated, a type change did not get PostgreSQL's `USING` hint, an error raised in a
 * trigger did not name its function. They are printed as psql prints them, and given in `--json`
 * as `databaseError` with the server's error code (on MySQL and SQLite: their codes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

const REV = 'e5e000000001';

describe('a failed statement reports what the server said besides its message', () => {
  let db: TestDatabase | undefined;
  let project: TestProject | undefined;
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db?.drop();
    db = undefined;
  });

  /** A project of one revision whose upgrade is `body`, on a fresh database; the failed run's `--json` error and its text output. */
  async function failingRun(dialect: TestDialect, body: string): Promise<{ error: Record<string, any>; text: () => string }> {
    db = await createTestDatabase(dialect, 'retort_srverr');
    project = createTestProject({ url: db.url }, [{ id: REV, down: null, message: 'fails', upgrade: body, imports: ['integer', 'text'] }]);
    const dir = project.dir;
    const json = retort(dir, ['upgrade', 'head', '--json']);
    expect(json.code, json.stdout + json.stderr).toBe(1);
    const error = json.json().error as Record<string, any>;
    expect(error.code).toBe('MigrationFailed');
    // Run again for the text output (where DDL is transactional the first run left nothing behind).
    const text = () => {
      const run = retort(dir, ['upgrade', 'head']);
      expect(run.code).toBe(1);
      return run.stderr;
    };
    return { error, text };
  }

  const duplicates = [
    "  await op.createTable('u', { a: integer(), b: text() });",
    "  await op.execute(\"INSERT INTO u (a, b) VALUES (1, 'x'), (1, 'y')\");",
    "  await op.createIndex('u_a_key', 'u', ['a'], { unique: true });",
  ].join('\n');

  it('postgres: a unique index over duplicates names the duplicated key (DETAIL)', async () => {
    const { error, text } = await failingRun('postgres', duplicates);
    expect(error.message).toBe(`Upgrade of revision ${REV} failed: statement 3 at migrations/${REV}_fails.ts:13:3 failed: CREATE UNIQUE INDEX "u_a_key" ON "public"."u" ("a")
  could not create unique index "u_a_key"
  DETAIL:  Key (a)=(1) is duplicated.`);
    expect(error.databaseError).toEqual({ code: '23505', detail: 'Key (a)=(1) is duplicated.', schema: 'public', table: 'u', constraint: 'u_a_key' });
    expect(text()).toContain('  DETAIL:  Key (a)=(1) is duplicated.\n');
    // Nothing of the revision stayed: the failure report is about a database that is at base.
    expect(await rawQuery(db!, 'SELECT version_num FROM retort_version')).toEqual([]);
  });

  it("postgres: a type change gets the server's USING hint (HINT)", async () => {
    const { error } = await failingRun('postgres', [
      "  await op.createTable('u', { a: integer(), b: text() });",
      '  await op.execute("ALTER TABLE u ALTER COLUMN b TYPE integer");',
    ].join('\n'));
    expect(error.message).toContain('\n  column "b" cannot be cast automatically to type integer\n  HINT:  You might need to specify "USING b::integer".');
    expect(error.databaseError).toEqual({ code: '42804', hint: 'You might need to specify "USING b::integer".' });
  });

  it('postgres: an error raised in a trigger names its function and line (CONTEXT)', async () => {
    const { error } = await failingRun('postgres', [
      "  await op.createTable('u', { a: integer() });",
      "  await op.execute(`CREATE FUNCTION no_zero() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF NEW.a = 0 THEN\n    RAISE EXCEPTION 'a must not be 0' USING HINT = 'use 1';\n  END IF;\n  RETURN NEW;\nEND $$`);",
      "  await op.execute('CREATE TRIGGER u_no_zero BEFORE INSERT ON u FOR EACH ROW EXECUTE FUNCTION no_zero()');",
      "  await op.execute('INSERT INTO u (a) VALUES (0)');",
    ].join('\n'));
    expect(error.message).toContain('\n  a must not be 0\n  HINT:  use 1\n  CONTEXT:  PL/pgSQL function no_zero() line 4 at RAISE');
    expect(error.databaseError).toEqual({ code: 'P0001', hint: 'use 1', context: 'PL/pgSQL function no_zero() line 4 at RAISE' });
  });

  it("postgres: a syntax error in a revision's first statement is pointed at in that statement (LINE and caret)", async () => {
    // The first statement goes in one request with the revision's BEGIN, and the server counts
    // the position in the whole text: it is moved to count in the statement.
    const { error } = await failingRun('postgres', '  await op.execute(`CREATE TABLE u (a int,\n  b txet)`);');
    expect(error.message.replace(/ at \S+:\d+:\d+ failed/, ' failed')).toBe(`Upgrade of revision ${REV} failed: statement 1 failed: CREATE TABLE u (a int,
  b txet)
  type "txet" does not exist
  LINE 2:   b txet)
              ^`);
    expect(error.databaseError).toEqual({ code: '42704', position: 28 });
  });

  it('postgres: a statement that cannot run in a transaction gets the op.noTransaction hint, and that works', async () => {
    const { error } = await failingRun('postgres', [
      "  await op.createTable('u', { a: integer() });",
      "  await op.execute('CREATE INDEX CONCURRENTLY u_a ON u (a)');",
    ].join('\n'));
    expect(error.message).toContain('\n  CREATE INDEX CONCURRENTLY cannot run inside a transaction block');
    expect(error.databaseError).toEqual({ code: '25001' });
    expect(error.hint).toBe('Run the statement inside `await op.noTransaction(async () => { ... })` in the revision (Alembic: `autocommit_block()`): what the revision did before it commits first, and the statement runs on its own. Then run the command again.');
    // Done as it says, the revision runs.
    project!.write({ id: REV, down: null, message: 'fails', imports: ['integer'], upgrade: [
      "  await op.createTable('u', { a: integer() });",
      "  await op.noTransaction(async () => { await op.execute('CREATE INDEX CONCURRENTLY u_a ON u (a)'); });",
    ].join('\n') });
    const rerun = retort(project!.dir, ['upgrade', 'head']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await rawQuery(db!, "SELECT indexname FROM pg_indexes WHERE tablename = 'u'")).toEqual([{ indexname: 'u_a' }]);
  });

  it('sqlite: VACUUM gets the same hint', async () => {
    const { error } = await failingRun('sqlite', "  await op.execute('VACUUM');");
    expect(error.message).toContain('cannot VACUUM from within a transaction');
    expect(error.databaseError).toEqual({ code: 'SQLITE_ERROR' });
    expect(error.hint).toMatch(/^Run the statement inside `await op.noTransaction\(async \(\) => \{ \.\.\. \}\)` in the revision/);
  });

  it("postgres: a long statement (a bulk insert's chunk) is shown by its start and end; --json has it whole", async () => {
    const { error, text } = await failingRun('postgres', [
      "  await op.createTable('u', { a: integer().primaryKey(), b: text() });",
      "  await op.bulkInsert('u', Array.from({ length: 3000 }, (_, i) => ({ a: i === 2999 ? 5 : i, b: `some text for row ${i}` })));",
    ].join('\n'));
    expect(error.statement.length).toBeGreaterThan(15_000);
    expect(error.statement.endsWith("(5, 'some text for row 2999')")).toBe(true);
    expect(error.message).toMatch(/failed: INSERT INTO "public"\."u" \("a", "b"\) VALUES \(2500, 'some text for row 2500'\), .* \.\.\. \[\d+ characters left out; `--json` gives the whole statement\] \.\.\. .*\(5, 'some text for row 2999'\)\n  duplicate key value violates unique constraint "u_pkey"\n  DETAIL:  Key \(a\)=\(5\) already exists\.$/);
    expect(error.message.length).toBeLessThan(2_500);
    expect(text().length).toBeLessThan(3_000);
  });

  it('mysql: the server error codes are given in --json', async () => {
    const { error } = await failingRun('mysql', duplicates);
    expect(error.message).toContain("Duplicate entry '1' for key 'u_a_key'");
    expect(error.databaseError).toEqual({ code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000' });
  });

  it("sqlite: SQLite's result code is given in --json", async () => {
    const { error } = await failingRun('sqlite', duplicates);
    expect(error.message).toContain('UNIQUE constraint failed: u.a');
    expect(error.databaseError).toEqual({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
  });
});
