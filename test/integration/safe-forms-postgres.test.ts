/**
 * Issue 12, item 2 on the real PostgreSQL server: the revision autogenerate writes for an
 * existing table with rows runs while another connection keeps inserting into that table, and
 * the writer is never held up: every build and scan runs under locks that let writes go on. The
 * same change written in the plain forms (`plainForms`) blocks the writer for the whole scan: the
 * contrast shows the test measures what it claims.
 *
 * The scans are made slow on purpose (an index expression and a check calling a function that
 * sleeps 1 ms per row, kept in a schema autogenerate does not compare), so "blocked for the scan"
 * is a second, not a few milliseconds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRetort } from '../support/cli-async.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

const ROWS = 500;

const schema = (changed: boolean) => `import { defineSchema, table, integer, varchar, text, index, unique, check, foreignKey, sql } from 'retort-migrate';
export const authors = table('authors', { id: integer().primaryKey() });
export const books = table('books', {
  id: integer().primaryKey(),
  title: varchar(50)${changed ? '.notNull()' : ''},
  author_id: integer(),
  sku: text(),
}${changed ? `, (t) => [
  index('ix_books_slow').on(sql\`slowfn.len(title)\`),
  unique('uq_books_sku').on(t.sku),
  check('ck_books_slow', 'slowfn.len(title) >= 0'),
  foreignKey('fk_books_author').on(t.author_id).references('authors', ['id']),
]` : ''});
export default defineSchema({ authors, books });
`;

/** Inserts into books on its own connection until stopped; returns the longest wait of one INSERT. */
function startWriter(url: string): { stop(): Promise<{ maxMs: number; inserts: number }> } {
  const client = new pg.Client({ connectionString: url });
  let running = true;
  let maxMs = 0;
  let inserts = 0;
  const loop = (async () => {
    await client.connect();
    for (let id = 1_000_000; running; id++) {
      const started = performance.now();
      await client.query("INSERT INTO books (id, title, author_id, sku) VALUES ($1::int, 'w', 1, 'w' || $1::text)", [id]);
      maxMs = Math.max(maxMs, performance.now() - started);
      inserts += 1;
    }
    await client.end();
  })();
  loop.catch(() => undefined); // reported by stop()
  return {
    async stop() {
      running = false;
      await loop;
      return { maxMs, inserts };
    },
  };
}

async function prepare(prefix: string): Promise<{ db: TestDatabase; project: TestProject }> {
  const db = await createTestDatabase('postgres', prefix);
  await rawQuery(db, `CREATE SCHEMA slowfn; CREATE FUNCTION slowfn.len(t text) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.001); RETURN length(t); END $$`);
  const project = createTestProject({ url: db.url, schema: './schema.ts' });
  writeFileSync(join(project.dir, 'schema.ts'), schema(false));
  await project.retort.autogenerate({ message: 'base' });
  await project.retort.upgrade('head');
  await rawQuery(db, 'INSERT INTO authors VALUES (1)');
  await rawQuery(db, `INSERT INTO books SELECT g, 't' || g, 1, 's' || g FROM generate_series(1, ${ROWS}) g`);
  writeFileSync(join(project.dir, 'schema.ts'), schema(true));
  return { db, project };
}

/** Upgrade with the CLI (its own process) while the writer inserts; the writer's longest wait. */
async function upgradeUnderWriter(db: TestDatabase, project: TestProject): Promise<{ maxMs: number; inserts: number; ms: number }> {
  const writer = startWriter(db.url);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const run = await startRetort(project.dir, ['upgrade', 'head']).done;
  const stats = await writer.stop();
  expect(run.code, run.stderr).toBe(0);
  return { ...stats, ms: run.ms };
}

describe('safe forms on PostgreSQL under a concurrent writer', () => {
  let safe: { db: TestDatabase; project: TestProject };
  let plain: { db: TestDatabase; project: TestProject };
  beforeAll(async () => {
    [safe, plain] = await Promise.all([prepare('retort_safe'), prepare('retort_plain')]);
  });
  afterAll(async () => {
    for (const p of [safe, plain]) {
      p?.project.cleanup();
      await p?.db.drop();
    }
  });

  it('the generated revision builds and validates while the writer goes on (its longest wait stays far below a scan)', async () => {
    const file = await safe.project.retort.autogenerate({ message: 'constraints' });
    const text = readFileSync(file.path, 'utf8');
    expect(text).toContain("await op.noTransaction(() => op.createIndex('ix_books_slow', 'books', [{ expression: 'slowfn.len(title)' }], { concurrently: true }));");
    expect(text).toContain("await op.noTransaction(() => op.createCheck('ck_books_slow', 'books', 'slowfn.len(title) >= 0', { notValid: true, validate: true }));");
    expect(text).toContain("await op.noTransaction(() => op.createUnique('uq_books_sku', 'books', ['sku'], { concurrently: true }));");
    expect(text).toContain("{ notValid: true, validate: true }));");
    expect(text).toContain('notNullViaCheck: true,');
    const { maxMs, inserts, ms } = await upgradeUnderWriter(safe.db, safe.project);
    console.info(`safe forms: writer's longest INSERT ${maxMs.toFixed(0)} ms over ${inserts} inserts during a ${ms} ms upgrade`);
    expect(inserts).toBeGreaterThan(20);
    // Each slow scan takes about ROWS ms; the writer never waited for one.
    expect(maxMs, `writer waited ${maxMs.toFixed(0)} ms at most during a ${ms} ms upgrade`).toBeLessThan(ROWS / 2);
    const constraints = await rawQuery<{ conname: string; convalidated: boolean }>(safe.db,
      "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'books'::regclass AND contype IN ('c', 'f', 'u') ORDER BY conname");
    expect(constraints).toEqual([
      { conname: 'ck_books_slow', convalidated: true },
      { conname: 'fk_books_author', convalidated: true },
      { conname: 'uq_books_sku', convalidated: true },
    ]);
    const [notNull] = await rawQuery<{ attnotnull: boolean }>(safe.db, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'books'::regclass AND attname = 'title'");
    expect(notNull).toEqual({ attnotnull: true });
    const [valid] = await rawQuery<{ indisvalid: boolean }>(safe.db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_books_slow'::regclass");
    expect(valid).toEqual({ indisvalid: true });
    expect((await safe.project.retort.check()).ok).toBe(true);
  });

  it('the plain forms of the same change block the writer for a whole scan', async () => {
    await plain.project.retort.autogenerate({ message: 'constraints', plainForms: true });
    const { maxMs, inserts, ms } = await upgradeUnderWriter(plain.db, plain.project);
    console.info(`plain forms: writer's longest INSERT ${maxMs.toFixed(0)} ms over ${inserts} inserts during a ${ms} ms upgrade`);
    expect(maxMs).toBeGreaterThan(ROWS / 2);
  });
});
