/**
 * A revision whose script ran nothing moves the version table and not the schema. An empty
 * `downgrade` (Alembic's `pass`) left the table its upgrade created, and retort printed "Done: the
 * database is now at ..." as for any other. The run now warns, naming the revision, in the text
 * output and in `--json` (`warnings`); a merge revision, empty by design, does not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

describe('a revision whose script ran nothing', () => {
  let db: TestDatabase | undefined;
  let project: TestProject | undefined;
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db?.drop();
    db = undefined;
  });

  it('sqlite: an empty downgrade is said to leave what its upgrade did; a merge revision is not', async () => {
    db = await createTestDatabase('sqlite', 'retort_nothing');
    project = createTestProject({ url: db.url }, [
      { id: 'a00001', down: null, upgrade: "  await op.createTable('t_a', { id: integer().primaryKey() });", downgrade: "  await op.dropTable('t_a');", imports: ['integer'] },
      { id: 'b00002', down: 'a00001', upgrade: "  await op.createTable('t_b', { id: integer().primaryKey() });", downgrade: '', imports: ['integer'] },
      { id: 'c00003', down: 'a00001', upgrade: "  await op.createTable('t_c', { id: integer().primaryKey() });", downgrade: "  await op.dropTable('t_c');", imports: ['integer'] },
      { id: 'd00004', down: ['b00002', 'c00003'], upgrade: '', downgrade: '' },
    ]);
    const up = retort(project.dir, ['upgrade', 'heads']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).not.toContain('WARNING');
    const down = retort(project.dir, ['downgrade', 'a00001', '--json']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json().warnings).toEqual([
      'The downgrade of b00002 ran no operation: what its upgrade did is still in the database, though the version table no longer claims b00002.',
    ]);
    // As it says: t_b is still there, and the version table is at a00001.
    const tables = await rawQuery<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't\\_%' ESCAPE '\\' ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual(['t_a', 't_b']);
    expect(await rawQuery(db, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: 'a00001' }]);
    // The text output says it on stderr (t_b undone by hand first, as the warning says it must be).
    await rawQuery(db, 'DROP TABLE t_b');
    expect(retort(project.dir, ['upgrade', 'b00002']).code).toBe(0);
    const text = retort(project.dir, ['downgrade', 'a00001']);
    expect(text.stderr).toContain('WARNING: The downgrade of b00002 ran no operation');
  });

  it('sqlite: an upgrade not written yet is said to change nothing', async () => {
    db = await createTestDatabase('sqlite', 'retort_nothing');
    project = createTestProject({ url: db.url }, [{ id: 'a00001', down: null, upgrade: '' }]);
    const run = retort(project.dir, ['upgrade', 'head', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().warnings).toEqual(['The upgrade of a00001 ran no operation: the version table claims a00001, though nothing of it was done.']);
  });

  it('a fleet run names each target whose revision ran nothing (text and --json)', async () => {
    project = createTestProject({ url: undefined, targets: { east: { url: 'sqlite:./east.db' }, west: { url: 'sqlite:./west.db' } } }, [{ id: 'a00001', down: null, upgrade: '' }]);
    const json = retort(project.dir, ['upgrade', 'head', '--all-targets', '--json']);
    expect(json.code, json.stdout + json.stderr).toBe(0);
    const warning = 'The upgrade of a00001 ran no operation: the version table claims a00001, though nothing of it was done.';
    expect((json.json().targets as { target: string; warnings?: string[] }[]).map((t) => [t.target, t.warnings])).toEqual([['east', [warning]], ['west', [warning]]]);
    project.write({ id: 'b00002', down: 'a00001', upgrade: '' });
    const text = retort(project.dir, ['upgrade', 'head', '--all-targets']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toContain('WARNING: [east] The upgrade of b00002 ran no operation');
    expect(text.stderr).toContain('WARNING: [west] The upgrade of b00002 ran no operation');
  });
});
