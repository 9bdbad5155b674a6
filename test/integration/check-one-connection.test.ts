/**
 * `check` reads the catalog while it loads the revision graph and the schema module, on one
 * connection that also reads the history (a second one, opened only for that, once cost a
 * connect), with two side connections for the catalog's indexes and objects beside the tables
 * (postgres-side-session.test.ts). What a user sees must not change: the same verdict,
 * a changed applied file still reported, and a schema module that throws still reported as the
 * schema module's error (the catalog reading it overlapped is waited for, never left unhandled).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure } from '../support/assertions.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';
import { whileCalling } from '../support/spy.js';

const SCHEMA = `import { defineSchema, table, bigint, text } from 'retort-migrate';
export default defineSchema({ notes: table('notes', { id: bigint().primaryKey(), body: text() }) });
`;
const CREATE = { id: 'ck0000000001', down: null, message: 'notes', upgrade: "  await op.execute('CREATE TABLE notes (id bigint PRIMARY KEY, body text)');" };

describe('postgres: check on one connection', () => {
  let db: TestDatabase;
  let project: TestProject | undefined;
  beforeEach(async () => {
    db = await createTestDatabase('postgres', 'retort_ck1');
  });
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db.drop();
  });

  function withSchema(source: string): TestProject {
    const made = createTestProject({ url: db.url, schema: './src/schema.ts' }, [CREATE]);
    mkdirSync(join(made.dir, 'src'), { recursive: true });
    writeFileSync(join(made.dir, 'src/schema.ts'), source);
    return made;
  }

  it('compares and reads the history on one connection, with two side connections for the catalog', async () => {
    project = withSchema(SCHEMA);
    await project.retort.upgrade('head');
    let connects = 0;
    const result = await whileCalling(pg.Client.prototype, 'connect', () => { connects += 1; }, () => project!.retort.check());
    expect(result.ok).toBe(true);
    expect(connects).toBe(3);
    // The history is still read: an applied file edited afterwards makes the check fail.
    project.write({ ...CREATE, upgrade: `${CREATE.upgrade}\n  // edited after it ran` });
    const changed = await project.retort.check();
    expect(changed.ok).toBe(false);
    expect(changed.checksumMismatches.map((m) => m.revision)).toEqual(['ck0000000001']);
  });

  it("reports a schema module's own error, with its line, while the catalog was being read", async () => {
    project = withSchema(`${SCHEMA}\nthrow new Error('half-written schema');\n`);
    await project.retort.upgrade('head');
    const error = await failure(project.retort.check());
    expect(error.code).toBe('SchemaInvalid');
    expect(error.message).toContain('half-written schema');
    expect(error.fields).toMatchObject({ line: 4 });
    // The connection was given back in a usable state: the next check works.
    writeFileSync(join(project.dir, 'src/schema.ts'), SCHEMA);
    expect((await project.retort.check()).ok).toBe(true);
  });
});
