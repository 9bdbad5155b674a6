/**
 * `transaction: 'all'` on MariaDB, whose DDL commits at once: the run cannot be one transaction,
 * and it used to run revision by revision without a word, so a user who chose 'all' for
 * all-or-nothing found a half-applied database after a failure. The run now says so before its
 * first step, and what a failure leaves is what it says: the revisions before it applied.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { failure, versions } from '../support/assertions.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

const create = (name: string) => `  await op.createTable('${name}', { id: integer().primaryKey() });`;

describe("mysql: transaction: 'all'", () => {
  let db: TestDatabase | undefined;
  let project: TestProject | undefined;
  afterEach(async () => {
    project?.cleanup();
    project = undefined;
    await db?.drop();
    db = undefined;
  });

  it('says the run cannot be one transaction, and a failure leaves the revisions before it applied', async () => {
    db = await createTestDatabase('mysql', 'retort_myall');
    project = createTestProject({ url: db.url, transaction: 'all' }, [
      { id: 'a00001', down: null, upgrade: create('t_a'), imports: ['integer'] },
      { id: 'b00002', down: 'a00001', upgrade: "  await op.execute('INSERT INTO no_such_table VALUES (1)');" },
    ]);
    const error = await failure(project.retort.upgrade('head'));
    expect(error.code).toBe('MigrationFailed');
    const infos = project.events.flatMap((e) => (e.type === 'info' ? [e.message] : []));
    expect(infos).toContain("transaction: 'all' cannot make this run one transaction on mysql: each DDL statement commits at once there, so the revisions are applied and recorded one at a time, and a failure leaves those before it applied.");
    // The notice came before the first step.
    const first = project.events.findIndex((e) => e.type === 'step-start');
    expect(project.events.findIndex((e) => e.type === 'info' && e.message.startsWith("transaction: 'all'"))).toBeLessThan(first);
    expect(error.message).not.toContain('rolled back whole');
    expect(await versions(db)).toEqual(['a00001']);
  });

  it('per-migration (the default) says nothing of the kind', async () => {
    db = await createTestDatabase('mysql', 'retort_myall');
    project = createTestProject({ url: db.url }, [
      { id: 'a00001', down: null, upgrade: create('t_a'), imports: ['integer'] },
      { id: 'b00002', down: 'a00001', upgrade: create('t_b'), imports: ['integer'] },
    ]);
    await project.retort.upgrade('head');
    expect(project.events.some((e) => e.type === 'info' && e.message.startsWith("transaction: 'all'"))).toBe(false);
  });
});
