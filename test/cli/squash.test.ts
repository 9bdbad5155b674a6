/**
 * `retort squash FROM:TO` through the built CLI on SQLite, PostgreSQL and MariaDB: a 52-revision
 * chain whose 50 middle revisions are squashed. The squash builds the catalog the range built
 * (snapshots by the dialect's own reader), a database past the range and one at its last revision
 * keep working, one inside the range is refused with exit 2 saying what to do, and the revision
 * after the range now stands on the squash.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseUrl } from '../../src/config/url.js';
import { dialectFor } from '../../src/dialects/registry.js';
import type { CatalogSnapshot } from '../../src/dialects/snapshot.js';
import { retort } from '../support/cli.js';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase, type TestDialect } from '../support/databases.js';

const dbs: TestDatabase[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const db of dbs) await db.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const id = (n: number) => String(n).padStart(4, '0');

/** Revision n of the chain: tables, columns, indexes, a foreign key, a dropped column, in turn. */
function body(n: number): { up: string; down: string } {
  const t = `t${Math.floor((n - 1) / 4)}`;
  switch ((n - 1) % 4) {
    case 0: return {
      up: `await op.createTable('${t}', { id: integer().primaryKey(), name: varchar(40).notNull()${n > 1 ? `, parent_id: integer().references('t${Math.floor((n - 1) / 4) - 1}.id')` : ''} });`,
      down: `await op.dropTable('${t}');`,
    };
    case 1: return { up: `await op.addColumn('${t}', 'extra', varchar(20));`, down: `await op.dropColumn('${t}', 'extra');` };
    case 2: return { up: `await op.createIndex('${t}_name_idx', '${t}', ['name'], { unique: true });`, down: `await op.dropIndex('${t}_name_idx', { table: '${t}' });` };
    default: return {
      up: `await op.addColumn('${t}', 'note', text());\n  await op.dropColumn('${t}', 'extra');`,
      down: `await op.addColumn('${t}', 'extra', varchar(20));\n  await op.dropColumn('${t}', 'note');`,
    };
  }
}

function revisionFile(n: number, parent: string | null): string {
  const { up, down } = body(n);
  return `/** step ${n} */
import type { MigrationContext } from 'retort-migrate';
import { integer, text, varchar } from 'retort-migrate';
void integer; void text; void varchar;

export const revision = '${id(n)}';
export const downRevision: string | null = ${parent === null ? 'null' : `'${parent}'`};
export const branchLabels: string[] = [];
export const dependsOn: string[] = [];

export async function upgrade({ op }: MigrationContext) {
  ${up}
}

export async function downgrade({ op }: MigrationContext) {
  ${down}
}
`;
}

async function project(revisions: number): Promise<{ dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'retort-squash-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'migrations'));
  for (let n = 1; n <= revisions; n++) writeFileSync(join(dir, 'migrations', `${id(n)}_step.ts`), revisionFile(n, n === 1 ? null : id(n - 1)));
  // One config per database: the CLI's --url picks the database.
  writeFileSync(join(dir, 'retort.config.json'), JSON.stringify({ migrations: './migrations', url: 'sqlite::memory:' }));
  return { dir };
}

async function database(dialect: TestDialect): Promise<TestDatabase> {
  const db = await createTestDatabase(dialect, 'retort_squash');
  dbs.push(db);
  return db;
}

/** The catalog as the dialect's snapshot reader (the one `retort test` uses) prints it. */
async function snapshot(db: TestDatabase): Promise<CatalogSnapshot> {
  const url = parseUrl(db.url);
  const dialect = await dialectFor(url);
  const connection = await dialect.connect(url);
  try {
    const schemas = dialect.name === 'postgres' ? { schemas: ['public'] } : {};
    return await connection.withSession((session) => dialect.catalogSnapshot!.read(session, { ...schemas, excludeTables: ['retort_version', 'retort_history'] }));
  } finally {
    await connection.close();
  }
}

const versions = async (db: TestDatabase) => (await rawQuery<{ version_num: string }>(db, 'SELECT version_num FROM retort_version')).map((r) => r.version_num);

describe('retort squash FROM:TO', () => {
  for (const dialect of DIALECTS) {
    it(`${dialect}: 50 revisions squashed into one building the same catalog; databases past the range keep working, one inside is refused`, async () => {
      const { dir } = await project(52);
      const cli = (db: TestDatabase, args: string[]) => retort(dir, ['--url', db.url, ...args]);
      const atHead = await database(dialect);
      const atLast = await database(dialect);
      const inside = await database(dialect);
      expect(cli(atHead, ['upgrade', 'head']).code).toBe(0);
      expect(cli(atLast, ['upgrade', '0051']).code).toBe(0);
      expect(cli(inside, ['upgrade', '0020']).code).toBe(0);
      const headCatalog = await snapshot(atHead);
      const lastCatalog = await snapshot(atLast);

      const run = cli(atHead, ['squash', '0002:0051', '-m', 'squashed steps', '--rev-id', 'sq01', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const out = run.json();
      expect(out.revision).toBe('sq01');
      expect(out.replaces).toHaveLength(50);
      expect(out.replaces[0]).toBe('0002');
      expect(out.replaces[49]).toBe('0051');
      expect(readdirSync(join(dir, 'migrations')).filter((f) => f.endsWith('.ts')).sort()).toEqual(['0001_step.ts', '0052_step.ts', 'sq01_squashed_steps.ts']);
      // 0052's file is untouched (its recorded checksum holds); the graph reads its parent 0051 as sq01.
      expect(readFileSync(join(dir, 'migrations', '0052_step.ts'), 'utf8')).toBe(revisionFile(52, '0051'));
      const history = retort(dir, ['history', '--json']).json();
      expect(history.revisions.map((r: { revision: string }) => r.revision)).toEqual(['0052', 'sq01', '0001']);
      expect(history.revisions[0].downRevisions).toEqual(['sq01']);

      // A fresh database built with the squash: the catalog the 52 revisions built.
      const fresh = await database(dialect);
      const up = cli(fresh, ['upgrade', 'head']);
      expect(up.code, up.stderr).toBe(0);
      expect(await snapshot(fresh)).toEqual(headCatalog);
      expect(await versions(fresh)).toEqual(['0052']);
      // Down to the squash's parent and up again: the squash's downgrade undoes exactly the range.
      expect(cli(fresh, ['downgrade', '0001']).code).toBe(0);
      expect(cli(fresh, ['upgrade', 'sq01']).code).toBe(0);
      expect(await snapshot(fresh)).toEqual(lastCatalog);

      // Past the range: nothing to do, and a new revision applies.
      expect(cli(atHead, ['current', '--json']).json().current).toEqual(['0052']);
      writeFileSync(join(dir, 'migrations', '0053_more.ts'), revisionFile(53, '0052'));
      const more = cli(atHead, ['upgrade', 'head', '--json']);
      expect(more.code, more.stderr).toBe(0);
      expect(more.json().steps.map((s: { revision: string }) => s.revision)).toEqual(['0053']);

      // At the range's last revision: read as the squash, and the next upgrade rewrites the row and goes on.
      expect(cli(atLast, ['current', '--json']).json().current).toEqual(['sq01']);
      const onward = cli(atLast, ['upgrade', 'head', '--json']);
      expect(onward.code, onward.stderr).toBe(0);
      expect(onward.json().steps.map((s: { revision: string }) => s.revision)).toEqual(['0052', '0053']);
      expect(await versions(atLast)).toEqual(['0053']);
      expect(await snapshot(atLast)).toEqual(await snapshot(atHead));

      // Inside the range: refused, nothing run, and told what to do.
      const refused = cli(inside, ['upgrade', 'head']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('The database is at revision 0020, inside the range 0002..0051 that revision sq01 squashed');
      expect(refused.stderr).toContain('retort upgrade 0051');
      expect(await versions(inside)).toEqual(['0020']);
      expect(cli(inside, ['upgrade', 'head', '--json']).json().error.code).toBe('InsideSquashedRange');
    }, 240_000);
  }

  it('sqlite: a range that changes data is refused unless --keep-data, which copies the statements; a merge is refused', async () => {
    const { dir } = await project(4);
    const file = join(dir, 'migrations', '0002_step.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("await op.addColumn('t0', 'extra', varchar(20));", "await op.addColumn('t0', 'extra', varchar(20));\n  await op.execute(\"INSERT INTO t0 (id, name) VALUES (1, 'seed')\");"));
    const db = await database('sqlite');
    const refused = retort(dir, ['--url', db.url, 'squash', '0001:0004', '-m', 'all']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('The range changes data');
    expect(refused.stderr).toMatch(/0002 \(.*0002_step\.ts:13\): op\.execute\("INSERT INTO t0/);
    expect(readdirSync(join(dir, 'migrations')).sort()).toEqual(['0001_step.ts', '0002_step.ts', '0003_step.ts', '0004_step.ts']);

    const kept = retort(dir, ['--url', db.url, 'squash', '0001:0004', '-m', 'all', '--rev-id', 'all1', '--keep-data', '--json']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toContain('kept verbatim');
    const text = readFileSync(kept.json().file, 'utf8');
    expect(text).toContain('await op.execute("INSERT INTO t0 (id, name) VALUES (1, \'seed\')");');
    expect(text).toContain("export const replaces: string[] = ['0001', '0002', '0003', '0004'];");
    expect(retort(dir, ['--url', db.url, 'upgrade', 'head']).code).toBe(0);
    expect(await rawQuery(db, 'SELECT id, name FROM t0')).toEqual([{ id: 1, name: 'seed' }]);
    expect(existsSync(join(dir, 'migrations', '0002_step.ts'))).toBe(false);
  }, 60_000);

  it('refuses a range across a merge or a branch point, changing nothing', async () => {
    const { dir } = await project(3);
    writeFileSync(join(dir, 'migrations', '0009_side.ts'), revisionFile(9, '0001').replace("'0009'", "'side'").replace(/await op\.[^\n]*/g, '// nothing'));
    const branch = retort(dir, ['squash', '0001:0003', '-m', 'x']);
    expect(branch.code).toBe(2);
    expect(branch.stderr).toContain('Revision 0001 is a branch point (children 0002, side)');
    writeFileSync(join(dir, 'migrations', '0010_merge.ts'), revisionFile(10, null).replace("'0010'", "'mrg'").replace('= null', "= ['0003', 'side']").replace(/await op\.[^\n]*/g, '// nothing'));
    const merge = retort(dir, ['squash', '0002:mrg', '-m', 'x']);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toContain('Revision mrg is a merge (of 0003, side)');
    expect(readdirSync(join(dir, 'migrations')).length).toBe(5);
  });
});
