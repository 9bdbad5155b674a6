/**
 * `adopt --from alembic --alembic-scripts DIR` on a real Alembic project
 * (test/fixtures/alembic: scripts in the 0.6, 0.7-1.10, 1.11 and 1.16 template styles and by
 * hand, two bases, a branch point, a merge, branch labels, a depends_on), with the database built
 * by Alembic's own offline SQL (`alembic upgrade heads --sql`, per dialect, in the fixture).
 * After adopt, `history` is Alembic's `history` (alembic-history.txt, the graph and the text line
 * for line), `current` is
 * `alembic_version`'s rows, `heads` Alembic's heads; a stub says UnportedRevision when run; and a
 * new retort revision on top upgrades the database.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';

const FIXTURE = resolve(__dirname, '../fixtures/alembic');
const dbs: TestDatabase[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const db of dbs) await db.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Alembic's `history` lines: `PARENTS (DEPS) -> REV (label) (head)..., message`, newest first. */
function alembicHistory(): { revision: string; downRevisions: string[]; dependsOn: string[]; message: string; isHead: boolean }[] {
  return readFileSync(join(FIXTURE, 'alembic-history.txt'), 'utf8').trim().split('\n').map((line) => {
    const m = /^(.*?) -> (\w+)(.*?), (.*)$/.exec(line);
    if (m === null) throw new Error(`unexpected Alembic history line: ${line}`);
    const [, from = '', revision = '', flags = '', message = ''] = m;
    const deps = /\(([^)]*)\)$/.exec(from);
    const parents = (deps === null ? from : from.slice(0, deps.index)).trim();
    return {
      revision, message, isHead: flags.includes('(head)'),
      downRevisions: parents === '<base>' ? [] : parents.split(', '),
      dependsOn: deps === null ? [] : (deps[1] ?? '').split(', '),
    };
  });
}

/** The database as Alembic left it: its offline SQL for the dialect, statement by statement. */
async function alembicDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const db = await createTestDatabase(dialect, 'retort_alembic');
  dbs.push(db);
  const sql = readFileSync(join(FIXTURE, `offline-upgrade.${dialect === 'postgres' ? 'postgresql' : dialect}.sql`), 'utf8');
  for (const chunk of sql.split(/;\n/)) {
    const statement = chunk.split('\n').filter((l) => !l.startsWith('--')).join('\n').trim();
    if (statement !== '' && statement !== 'BEGIN' && statement !== 'COMMIT') await rawQuery(db, statement);
  }
  return db;
}

function project(db: TestDatabase): string {
  const dir = mkdtempSync(join(tmpdir(), 'retort-alembic-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(join(dir, 'retort.config.json'), JSON.stringify({ url: db.url, migrations: './migrations', schema: './src/schema.ts' }));
  return dir;
}

const versionRows = async (db: TestDatabase, table: string) =>
  (await rawQuery<{ version_num: string }>(db, `SELECT version_num FROM ${table} ORDER BY version_num`)).map((r) => r.version_num);

/** A retort revision on top of the networking branch, adding a column, then `upgrade heads`. */
function upgradeOnTop(dir: string): ReturnType<typeof retort> {
  const made = retort(dir, ['revision', '-m', 'add account note', '--head', 'networking@head', '--json']);
  expect(made.code, made.stderr).toBe(0);
  const path = made.json().path as string;
  writeFileSync(path, readFileSync(path, 'utf8')
    .replace("import type { MigrationContext } from 'retort-migrate';", "import type { MigrationContext } from 'retort-migrate';\nimport { varchar } from 'retort-migrate';")
    .replace('// write the upgrade here', "await op.addColumn('account', 'note', varchar(20));")
    .replace('// write the downgrade here', "await op.dropColumn('account', 'note');"));
  return retort(dir, ['upgrade', 'heads']);
}

describe('adopt --from alembic --alembic-scripts', () => {
  it('sqlite: --sql writes nothing; adopt gives Alembic\'s history, current and heads; a stub refuses to run; a new revision upgrades', async () => {
    const db = await alembicDatabase('sqlite');
    const dir = project(db);
    const alembicRows = await versionRows(db, 'alembic_version');
    expect(alembicRows).toEqual(['109ec7d132bf', '3cac04ae8714']);

    const preview = retort(dir, ['adopt', '--from', 'alembic', '--alembic-scripts', FIXTURE, '--sql']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('-- would convert 7 Alembic script(s):');
    expect(preview.stdout).toContain(`INSERT INTO "retort_version" ("version_num") VALUES ('3cac04ae8714')`);
    expect(readdirSync(join(dir, 'migrations'))).toEqual([]);

    const run = retort(dir, ['adopt', '--from', 'alembic', '--alembic-scripts', FIXTURE, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ from: 'alembic', stamped: alembicRows, revision: '109ec7d132bf' });
    expect(readdirSync(join(dir, 'migrations'))).toHaveLength(7);
    expect(await versionRows(db, 'retort_version')).toEqual(alembicRows);
    const merge = readFileSync(join(dir, 'migrations', '3cac04ae8714_merge_cart_and_orders.ts'), 'utf8');
    expect(merge).toContain('Create Date: 2025-06-01 08:00:00.000000');
    expect(merge).not.toContain('notPorted'); // Alembic's merge did nothing: nothing to port.
    expect(readFileSync(join(dir, 'migrations', '55af2cb1c267_add_orders.ts'), 'utf8')).toContain('//     return "state IN (\'%s\')" % "\', \'".join(ORDER_STATES)');

    const history = retort(dir, ['history', '--json']);
    expect(history.code, history.stderr).toBe(0);
    const ours = (history.json().revisions as { revision: string; downRevisions: string[]; dependsOn: string[]; message: string; isHead: boolean }[])
      .map(({ revision, downRevisions, dependsOn, message, isHead }) => ({ revision, downRevisions, dependsOn, message, isHead }));
    expect(ours).toEqual(alembicHistory());
    const labels = (history.json().revisions as { revision: string; branchLabels: string[] }[]).filter((r) => r.branchLabels.length > 0);
    expect(labels.map((r) => [r.revision, r.branchLabels])).toEqual([['3782d9986ced', ['networking']], ['27c6a30d7c24', ['shoppingcart']]]);
    // The text too, line for line: merges, dependencies, inherited labels, markers.
    expect(retort(dir, ['history']).stdout).toBe(readFileSync(join(FIXTURE, 'alembic-history.txt'), 'utf8'));
    expect(retort(dir, ['current', '--json']).json().current).toEqual(alembicRows);
    expect(retort(dir, ['heads', '--json']).json().heads).toEqual(alembicHistory().filter((r) => r.isHead).map((r) => r.revision).sort());

    // Stubs have nothing to lint (lint runs each upgrade against a recorder): only the graph's two heads are found.
    const lint = retort(dir, ['lint', '--json']);
    expect(lint.code, lint.stdout + lint.stderr).toBe(3);
    expect(new Set((lint.json().findings as { rule: string }[]).map((f) => f.rule))).toEqual(new Set(['multiple-heads']));

    // The stub of a revision the database had run: nothing runs, the rows stay.
    const down = retort(dir, ['downgrade', 'networking@-1', '--json']);
    expect(down.code).toBe(2);
    expect(down.json().error).toMatchObject({ code: 'UnportedRevision', revision: '109ec7d132bf', direction: 'downgrade' });
    expect(await versionRows(db, 'retort_version')).toEqual(alembicRows);

    const up = upgradeOnTop(dir);
    expect(up.code, up.stderr).toBe(0);
    await rawQuery(db, "INSERT INTO account (name, note) VALUES ('a', 'b')");
    expect((await versionRows(db, 'retort_version'))).toContain('3cac04ae8714');
    expect(await versionRows(db, 'alembic_version')).toEqual(alembicRows);
  });

  it('postgres: the same rows stamped, and a new revision upgrades', async () => {
    const db = await alembicDatabase('postgres');
    const dir = project(db);
    const run = retort(dir, ['adopt', '--from', 'alembic', '--alembic-scripts', join(FIXTURE, 'versions')]);
    expect(run.code, run.stderr).toBe(0);
    expect(await versionRows(db, 'retort_version')).toEqual(['109ec7d132bf', '3cac04ae8714']);
    const up = upgradeOnTop(dir);
    expect(up.code, up.stderr).toBe(0);
    expect(await rawQuery(db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'account' AND column_name = 'note'")).toHaveLength(1);
  });

  it('a script retort cannot read, or an alembic_version row no script declares: exit 2, nothing written or stamped', async () => {
    const db = await alembicDatabase('sqlite');
    const dir = project(db);
    const scripts = join(dir, 'alembic-versions');
    cpSync(join(FIXTURE, 'versions'), scripts, { recursive: true });
    const file = join(scripts, 'ae1027a6acf_add_a_column.py');
    writeFileSync(file, readFileSync(file, 'utf8').replace("down_revision = '1975ea83b712'", 'down_revision = ACCOUNT_REVISION'));
    const bad = retort(dir, ['adopt', '--from', 'alembic', '--alembic-scripts', scripts]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file}:14: 'ACCOUNT_REVISION' where a string literal was expected`);

    rmSync(file);
    for (const name of readdirSync(scripts)) {
      // Without ae1027a6acf and what stands on it, alembic_version's rows name scripts that are gone.
      if (!/^(1975ea83b712|3782d9986ced)_/.test(name)) rmSync(join(scripts, name));
    }
    const unknown = retort(dir, ['adopt', '--from', 'alembic', '--alembic-scripts', scripts, '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.json().error).toMatchObject({ code: 'UnknownRevision', revision: '109ec7d132bf' });
    expect(readdirSync(join(dir, 'migrations'))).toEqual([]);
    expect(await rawQuery(db, "SELECT name FROM sqlite_master WHERE name = 'retort_version'")).toEqual([]);
  });
});
