/**
 * `revision --autogenerate`, `check` and `pull` as a user runs them: separate `retort` processes
 * in a temporary project with a schema module, checked in the generated files, the exit codes,
 * the JSON output and the catalog.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, retort } from '../support/cli.js';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

let db: TestDatabase | undefined;
let project: TestProject | undefined;
afterEach(async () => {
  project?.cleanup();
  project = undefined;
  await db?.drop();
  db = undefined;
});

const USERDATA = `
export const userdata = table('userdata', {
  id: integer().primaryKey(),
  name: varchar(200),
  age: integer(),
}, (t) => [index('ix_userdata_name').on(t.name)]);`;

/** Write src/schema.ts declaring `tables` (source text) and exporting them all. */
function writeSchema(tables: string, names: string[], file = 'src/schema.ts'): void {
  writeFileSync(
    join(project!.dir, file),
    `import { defineSchema, table, integer, varchar, text, index } from 'retort-migrate';
${tables}
const schema = defineSchema({ ${names.join(', ')} });
export default schema;
export type DB = typeof schema.$kysely;
`,
  );
}

async function setUp(dialect: (typeof DIALECTS)[number], config: Record<string, unknown> = {}): Promise<void> {
  db = await createTestDatabase(dialect, 'retort_agcli');
  project = createTestProject({ url: db.url, schema: './src/schema.ts', ...config });
  spawnSync('mkdir', ['-p', join(project.dir, 'src')]);
}

function run(args: string[], env: Record<string, string> = {}) {
  return retort(project!.dir, args, env);
}

function ok(args: string[]) {
  const result = run(args);
  expect(result.code, `retort ${args.join(' ')}\n${result.stderr}${result.stdout}`).toBe(0);
  return result;
}

function revisionFiles(): string[] {
  return readdirSync(join(project!.dir, 'migrations')).filter((f) => f.endsWith('.ts')).sort();
}

function generated(messageSlug: string): string {
  const file = revisionFiles().find((f) => f.includes(messageSlug));
  expect(file, `a revision file for ${messageSlug}`).toBeDefined();
  return readFileSync(join(project!.dir, 'migrations', file!), 'utf8');
}

async function columnsOf(table: string): Promise<string[]> {
  const dialect = db!.dialect;
  const sql =
    dialect === 'sqlite'
      ? `SELECT name AS c FROM pragma_table_info('${table}') ORDER BY cid`
      : dialect === 'postgres'
        ? `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}' ORDER BY ordinal_position`
        : `SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' ORDER BY ORDINAL_POSITION`;
  return (await rawQuery<{ c: string }>(db!, sql)).map((r) => r.c);
}

describe.each(DIALECTS)('%s: autogenerate, check and pull from the command line', (dialect) => {
  it('writes the revision that creates the declared schema, then check passes', async () => {
    await setUp(dialect);
    writeSchema(USERDATA, ['userdata']);

    const first = ok(['revision', '--autogenerate', '-m', 'create userdata']);
    expect(first.stdout).toContain('Detected createTable userdata');
    const text = generated('create_userdata');
    expect(text).toContain("await op.createTable('userdata'");
    expect(text).toContain("await op.createIndex('ix_userdata_name', 'userdata'");
    expect(text).toContain("await op.dropTable('userdata')");

    // Not yet applied: check fails because the database is behind, whatever the schema says.
    const behind = run(['--json', 'check']);
    expect(behind.code).toBe(3);
    expect(behind.json()).toMatchObject({ ok: false, notAtHead: true });

    ok(['upgrade', 'head']);
    expect(await columnsOf('userdata')).toEqual(['id', 'name', 'age']);
    const clean = run(['--json', 'check']);
    expect(clean.code).toBe(0);
    expect(clean.json()).toMatchObject({ ok: true, operations: [], notAtHead: false });
    expect(run(['check']).stdout).toContain('OK: the database is at head and matches the schema.');

    // Nothing changed: an empty revision, and it says so.
    const empty = ok(['revision', '--autogenerate', '-m', 'nothing new']);
    expect(empty.stdout).toContain('No changes detected');
    expect(generated('nothing_new')).toContain('no changes');
  });

  it('check lists a difference (text and JSON, exit 3) and autogenerate fixes it', async () => {
    await setUp(dialect);
    writeSchema(USERDATA, ['userdata']);
    ok(['revision', '--autogenerate', '-m', 'create userdata']);
    ok(['upgrade', 'head']);

    writeSchema(
      `${USERDATA.replace('age: integer(),', "age: integer(),\n  email: varchar(100).notNull().default(''),")}`,
      ['userdata'],
    );
    const text = run(['check']);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('The schema differs from the database');
    expect(text.stdout).toContain("op.addColumn('userdata', 'email'");
    const json = run(['--json', 'check']);
    expect(json.code).toBe(3);
    expect(json.json().operations).toEqual([expect.objectContaining({ kind: 'addColumn', table: 'userdata' })]);

    ok(['revision', '--autogenerate', '-m', 'add email']);
    // MariaDB gets the online form it can apply without a table copy (instant), named so a DBA sees it.
    const options = dialect === 'mysql' ? ", { algorithm: 'instant' }" : '';
    expect(generated('add_email')).toContain(`await op.dropColumn('userdata', 'email'${options});`);
    ok(['upgrade', 'head']);
    expect(await columnsOf('userdata')).toEqual(['id', 'name', 'age', 'email']);
    expect(run(['check']).code).toBe(0);
  });

  it('pull writes a schema module that autogenerates to nothing against the same database', async () => {
    await setUp(dialect);
    writeSchema(USERDATA, ['userdata']);
    ok(['revision', '--autogenerate', '-m', 'create userdata']);
    ok(['upgrade', 'head']);

    const pulled = ok(['pull', '--out', 'src/pulled.ts']);
    expect(pulled.stdout).toContain('(1 tables)');
    expect(readFileSync(join(project!.dir, 'src/pulled.ts'), 'utf8')).toContain("table('userdata'");
    const again = run(['--json', 'pull', '--out', 'src/pulled.ts']);
    expect(again.code).toBe(2);
    expect(again.json().error.code).toBe('FileExists');

    writeFileSync(join(project!.dir, 'retort.config.json'), JSON.stringify({ url: db!.url, migrations: './migrations', schema: './src/pulled.ts' }));
    expect(run(['check']).code).toBe(0);
    const empty = ok(['revision', '--autogenerate', '-m', 'from pulled']);
    expect(empty.stdout).toContain('No changes detected');
  });
});

describe('sqlite: renames, filters and the schema module', () => {
  it('without a terminal or a hint, a look-alike drop and add stay so, with a loud warning; renamedFrom makes a rename', async () => {
    await setUp('sqlite');
    writeSchema(USERDATA, ['userdata']);
    ok(['revision', '--autogenerate', '-m', 'create userdata']);
    ok(['upgrade', 'head']);

    writeSchema(USERDATA.replace('age: integer(),', 'years: integer(),'), ['userdata']);
    const guessed = ok(['revision', '--autogenerate', '-m', 'years guessed']);
    expect(guessed.stderr).toMatch(/age.*years|years.*age/);
    const text = generated('years_guessed');
    expect(text).toContain("op.dropColumn('userdata', 'age')");
    expect(text).toContain("op.addColumn('userdata', 'years'");
    // Undo the guess: the next step decides by the hint.
    spawnSync('rm', [join(project!.dir, 'migrations', revisionFiles().find((f) => f.includes('years_guessed'))!)]);

    writeSchema(USERDATA.replace('age: integer(),', "years: integer().renamedFrom('age'),"), ['userdata']);
    ok(['revision', '--autogenerate', '-m', 'years hinted']);
    const hinted = generated('years_hinted');
    expect(hinted).not.toContain('dropColumn');
    expect(hinted).toContain("await op.alterColumn('userdata', 'age', {\n    newName: 'years',\n");
    ok(['upgrade', 'head']);
    expect(await columnsOf('userdata')).toEqual(['id', 'name', 'years']);
  });

  it('in a terminal, the prompt offers the rename and a yes makes it one', async () => {
    await setUp('sqlite');
    writeSchema(USERDATA, ['userdata']);
    ok(['revision', '--autogenerate', '-m', 'create userdata']);
    ok(['upgrade', 'head']);
    writeSchema(USERDATA.replace('age: integer(),', 'years: integer(),'), ['userdata']);
    // `script` gives the command a pseudo-terminal; the answer comes through it.
    const command = `${process.execPath} ${BIN} revision --autogenerate -m "years asked"`;
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: project!.dir, input: 'y\n', encoding: 'utf8', timeout: 60_000 });
    expect(tty.status, tty.stdout + tty.stderr).toBe(0);
    expect(tty.stdout).toContain('Was it renamed?');
    const asked = generated('years_asked');
    expect(asked).not.toContain('dropColumn');
    expect(asked).toContain("await op.alterColumn('userdata', 'age', {\n    newName: 'years',\n");
  });

  it('excluded tables are neither compared nor dropped', async () => {
    await setUp('sqlite', { autogenerate: { exclude: ['legacy_*'] } });
    writeSchema(USERDATA, ['userdata']);
    ok(['revision', '--autogenerate', '-m', 'create userdata']);
    ok(['upgrade', 'head']);
    await rawQuery(db!, 'CREATE TABLE legacy_orders (id integer primary key, total integer)');
    expect(run(['check']).code).toBe(0);

    writeFileSync(join(project!.dir, 'retort.config.json'), JSON.stringify({ url: db!.url, migrations: './migrations', schema: './src/schema.ts' }));
    const unfiltered = run(['--json', 'check']);
    expect(unfiltered.code).toBe(3);
    expect(unfiltered.json().operations).toEqual([expect.objectContaining({ kind: 'dropTable' })]);
  });

  it('a schema module that is missing or exports no schema is a clear error (exit 2)', async () => {
    await setUp('sqlite');
    const missing = run(['--json', 'check']);
    expect(missing.code).toBe(2);
    expect(missing.json().error.code).toBe('NoSchemaModule');
    writeFileSync(join(project!.dir, 'src/schema.ts'), 'export const nothing = 1;\n');
    const wrong = run(['check']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('defineSchema');
  });
});
