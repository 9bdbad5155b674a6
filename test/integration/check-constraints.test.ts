/**
 * CHECK constraints are compared by their body on every dialect (issue 10, defect 4): a CHECK
 * widened in code under the same name is a difference `check` reports, and the body each server
 * stores (PostgreSQL's deparsed expression, MariaDB's CHECK_CLAUSE, SQLite's CREATE TABLE text)
 * compares equal to what was declared, so a clean database stays clean.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

/** Bodies a person writes, in the spellings servers rewrite (BETWEEN, IN, casts, case, spacing). */
const CHECKS: Readonly<Record<string, string>> = {
  ck_rating: 'rating BETWEEN 1 AND 5',
  ck_status: "status IN ('draft', 'published')",
  ck_price: 'price >= 0 AND price < 1000.5',
  ck_name: "name <> '' AND length(name) > 2 OR name IS NULL",
  ck_code: 'lower(code) = code',
};

const SCHEMA = `import { defineSchema, table, integer, varchar, numeric, check } from 'retort-migrate';
export const reviews = table('reviews', {
  id: integer().primaryKey(),
  rating: integer(),
  status: varchar(20),
  price: numeric(10, 2),
  name: varchar(50),
  code: varchar(10),
}, () => [
${Object.entries(CHECKS).map(([n, c]) => `  check('${n}', ${JSON.stringify(c)}),`).join('\n')}
]);
export default defineSchema({ reviews });
`;

/** How each server's CHECK on `reviews.rating` is changed behind retort's back. */
const WIDEN: Readonly<Record<(typeof DIALECTS)[number], string[]>> = {
  postgres: ['ALTER TABLE reviews DROP CONSTRAINT ck_rating, ADD CONSTRAINT ck_rating CHECK (rating BETWEEN 1 AND 10)'],
  mysql: ['ALTER TABLE reviews DROP CONSTRAINT ck_rating', 'ALTER TABLE reviews ADD CONSTRAINT ck_rating CHECK (rating BETWEEN 1 AND 10)'],
  // SQLite cannot alter a CHECK: the table is rebuilt by hand, as a person would.
  sqlite: [
    'ALTER TABLE reviews RENAME TO reviews_old',
    `CREATE TABLE reviews (id INTEGER NOT NULL PRIMARY KEY, rating INTEGER, status VARCHAR(20), price NUMERIC(10, 2),
       name VARCHAR(50), code VARCHAR(10),
       CONSTRAINT ck_rating CHECK (rating BETWEEN 1 AND 10), CONSTRAINT ck_status CHECK (${CHECKS.ck_status}),
       CONSTRAINT ck_price CHECK (${CHECKS.ck_price}), CONSTRAINT ck_name CHECK (${CHECKS.ck_name}),
       CONSTRAINT ck_code CHECK (${CHECKS.ck_code}))`,
    'INSERT INTO reviews SELECT * FROM reviews_old',
    'DROP TABLE reviews_old',
  ],
};

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

describe.each(DIALECTS)('CHECK bodies on %s', (dialect) => {
  let db: TestDatabase;
  let project: TestProject;

  it('a declared CHECK reads back equal; a body changed under the same name fails check, named', async () => {
    db = await createTestDatabase(dialect, 'retort_ck');
    project = createTestProject({ url: db.url, schema: './src/schema.ts' });
    cleanup.push(() => project.cleanup(), () => db.drop());
    mkdirSync(join(project.dir, 'src'));
    writeFileSync(join(project.dir, 'src/schema.ts'), SCHEMA);
    await project.retort.autogenerate({ message: 'reviews' });
    await project.retort.upgrade('head');
    const clean = await project.retort.check();
    expect(clean.rendered).toBe('');
    expect(clean.ok).toBe(true);

    for (const statement of WIDEN[dialect]) await rawQuery(db, statement);
    // The database now takes a rating of 7; the declared schema does not.
    await rawQuery(db, "INSERT INTO reviews (id, rating) VALUES (1, 7)");
    const drifted = await project.retort.check();
    expect(drifted.ok).toBe(false);
    expect(drifted.rendered).toContain("'ck_rating'");
    expect(drifted.rendered).toContain('rating BETWEEN 1 AND 5');
    // Only that check: the other bodies still compare equal.
    expect(drifted.operations.map((o) => (o.kind === 'addConstraint' ? o.constraint.name : 'name' in o ? o.name : o.kind))).toEqual(['ck_rating', 'ck_rating']);
  });
});
