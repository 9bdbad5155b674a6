/**
 * Issue 10, defects 2, 6 and 7 on PostgreSQL, end to end on the real server:
 * - a value added to an enum and used in the same revision (as a column default) runs: the
 *   generated ADD VALUE commits first (op.noTransaction) and says IF NOT EXISTS, so upgrading again
 *   after the honestly warned downgrade works;
 * - `check` exits 3 when the database's enum has an extra, a missing or a reordered value;
 * - `pull` declares an enum used by several columns once and references it;
 * - an initial revision from a schema with a domain runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retort as cli } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

let db: TestDatabase;
let project: TestProject;
let schemaPath: string;

const moodSchema = (values: readonly string[], defaultValue: string) => `import { defineSchema, table, integer, enumOf } from 'retort-migrate';

const mood = enumOf('mood', [${values.map((v) => `'${v}'`).join(', ')}]);
export const people = table('people', {
  id: integer().primaryKey(),
  feeling: mood.default('${defaultValue}'),
});
export default defineSchema({ people });
`;

const enumValues = async () =>
  (await rawQuery<{ v: string }>(db, "SELECT unnest(enum_range(NULL::mood))::text AS v")).map((r) => r.v);

beforeAll(async () => {
  db = await createTestDatabase('postgres', 'retort_enums');
  project = createTestProject({ url: db.url, schema: './schema.ts' });
  schemaPath = join(project.dir, 'schema.ts');
  writeFileSync(schemaPath, moodSchema(['sad', 'ok'], 'ok'));
  await project.retort.autogenerate({ message: 'base' });
  await project.retort.upgrade('head');
});

afterAll(async () => {
  project?.cleanup();
  await db?.drop();
});

describe('PostgreSQL enums', () => {
  it('a value added and used as the default in the same revision runs, and runs again after the downgrade', async () => {
    writeFileSync(schemaPath, moodSchema(['sad', 'ok', 'happy'], 'happy'));
    const edit = await project.retort.autogenerate({ message: 'happy' });
    const text = readFileSync(edit.path, 'utf8');
    expect(text).toContain("await op.noTransaction(() => op.addEnumValue('mood', 'happy', { after: 'ok', ifNotExists: true }));");
    await project.retort.upgrade('head');
    expect(await enumValues()).toEqual(['sad', 'ok', 'happy']);
    await rawQuery(db, 'INSERT INTO people (id) VALUES (1)');
    expect(await rawQuery(db, 'SELECT feeling::text AS f FROM people')).toEqual([{ f: 'happy' }]);
    expect((await project.retort.check()).ok).toBe(true);
    // The downgrade cannot remove the value (warned); upgrading again must not fail on it.
    await project.retort.downgrade('-1');
    expect(await enumValues()).toEqual(['sad', 'ok', 'happy']);
    await project.retort.upgrade('head');
    expect((await project.retort.check()).ok).toBe(true);
  });

  it.each([
    { what: 'an extra value', drift: "ALTER TYPE mood ADD VALUE 'angry'", names: "enum 'mood' lost or reordered values" },
    { what: 'a missing value', drift: 'ALTER TABLE people ALTER feeling DROP DEFAULT; DELETE FROM people; ALTER TYPE mood RENAME TO mood_old; CREATE TYPE mood AS ENUM (\'sad\', \'ok\'); ALTER TABLE people ALTER feeling TYPE mood USING feeling::text::mood; ALTER TABLE people ALTER feeling SET DEFAULT \'ok\'; DROP TYPE mood_old', names: "op.noTransaction(() => op.addEnumValue('mood', 'happy'" },
    { what: 'reordered values', drift: "ALTER TABLE people ALTER feeling DROP DEFAULT; ALTER TYPE mood RENAME TO mood_old; CREATE TYPE mood AS ENUM ('happy', 'sad', 'ok'); ALTER TABLE people ALTER feeling TYPE mood USING feeling::text::mood; ALTER TABLE people ALTER feeling SET DEFAULT 'happy'; DROP TYPE mood_old", names: "enum 'mood' lost or reordered values" },
  ])('check exits 3 on $what, naming the enum', async ({ drift, names }) => {
    const scratch = await createTestDatabase('postgres', 'retort_enumdrift');
    const p = createTestProject({ url: scratch.url, schema: './schema.ts' });
    try {
      writeFileSync(join(p.dir, 'schema.ts'), moodSchema(['sad', 'ok', 'happy'], 'happy'));
      await p.retort.autogenerate({ message: 'base' });
      await p.retort.upgrade('head');
      expect((await p.retort.check()).ok).toBe(true);
      await rawQuery(scratch, drift);
      const run = cli(p.dir, ['check']);
      expect(run.code).toBe(3);
      expect(run.stdout).toContain(names);
    } finally {
      p.cleanup();
      await scratch.drop();
    }
  });

  it('pull declares an enum shared by several columns once', async () => {
    await rawQuery(db, "CREATE TABLE moods_log (id integer PRIMARY KEY, before mood NOT NULL, after mood, note text)");
    const out = join(project.dir, 'pulled.ts');
    await project.retort.pull({ out });
    const text = readFileSync(out, 'utf8');
    expect(text.match(/enumOf\('mood'/g)).toHaveLength(1);
    expect(text).toContain("const mood_enum = enumOf('mood', ['sad', 'ok', 'happy']);");
    expect(text).toContain('before: mood_enum.notNull(),');
    expect(text).toContain('after: mood_enum,');
    // The pulled module is the database: check against it is clean.
    writeFileSync(schemaPath, text);
    expect((await project.retort.check()).rendered).toBe('');
    await rawQuery(db, 'DROP TABLE moods_log');
  });
});
