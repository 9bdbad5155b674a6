/**
 * Issue 12, item 2 on the real MariaDB server: the ALGORITHM / LOCK clauses autogenerate writes
 * for an existing table are accepted by the server and run while another connection keeps
 * inserting; a metadata lock held by another session makes an ALTER give up after
 * `lockWaitTimeout` and run again (MySQL DDL runs alone: no transaction to abort), said on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRetort } from '../support/cli-async.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type TestProject } from '../support/project.js';

let db: TestDatabase;
let project: TestProject;

const schema = (changed: boolean) => `import { defineSchema, table, integer, varchar, text, index } from 'retort-migrate';
export const books = table('books', {
  id: integer().primaryKey(),
  title: varchar(20),
  ${changed ? 'isbn: text(),' : 'old: integer(),'}
}, (t) => [${changed ? "index('ix_books_title').on(t.title)" : "index('ix_books_old').on(t.old)"}]);
export default defineSchema({ books });
`;

beforeAll(async () => {
  db = await createTestDatabase('mysql', 'retort_safemy');
  project = createTestProject({ url: db.url, schema: './schema.ts', lockWaitTimeout: 1, lockWaitRetries: 3 });
  writeFileSync(join(project.dir, 'schema.ts'), schema(false));
  await project.retort.autogenerate({ message: 'base' });
  await project.retort.upgrade('head');
  await rawQuery(db, "INSERT INTO books (id, title, old) SELECT seq, CONCAT('t', seq), seq FROM seq_1_to_2000");
  writeFileSync(join(project.dir, 'schema.ts'), schema(true));
});

afterAll(async () => {
  project?.cleanup();
  await db?.drop();
});

describe('MySQL/MariaDB online DDL clauses on the real server', () => {
  it('the generated ALTERs name ALGORITHM/LOCK, run under a writer and behind a held metadata lock (retried)', async () => {
    const file = await project.retort.autogenerate({ message: 'online' });
    const text = readFileSync(file.path, 'utf8');
    expect(text).toContain("await op.dropIndex('ix_books_old', { table: 'books', algorithm: 'inplace', lock: 'none' });");
    expect(text).toContain("await op.addColumn('books', 'isbn', text(), { algorithm: 'instant' });");
    expect(text).toContain("await op.dropColumn('books', 'old', { algorithm: 'inplace', lock: 'none' });");
    expect(text).toContain("await op.createIndex('ix_books_title', 'books', ['title'], { algorithm: 'inplace', lock: 'none' });");
    // A reader's open transaction holds a metadata lock on books: the first ALTER waits for it.
    const reader = await mysql.createConnection(db.url);
    await reader.query('BEGIN');
    await reader.query('SELECT * FROM books LIMIT 1');
    const writer = await mysql.createConnection(db.url);
    let writing = true;
    let maxMs = 0;
    let inserts = 0;
    const loop = (async () => {
      for (let id = 100_000; writing; id++) {
        const started = performance.now();
        await writer.query('INSERT INTO books (id, title) VALUES (?, ?)', [id, 'w']);
        maxMs = Math.max(maxMs, performance.now() - started);
        inserts += 1;
      }
    })();
    const running = startRetort(project.dir, ['upgrade', 'head', '-v']);
    for (let i = 0; i < 400 && !running.output().stderr.includes('gave up waiting for its lock'); i++) await new Promise((r) => setTimeout(r, 50));
    await reader.query('COMMIT');
    await reader.end();
    const run = await running.done;
    writing = false;
    await loop;
    await writer.end();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('SET SESSION lock_wait_timeout = 1');
    expect(run.stderr).toMatch(/statement 1 gave up waiting for its lock after 1 s \(attempt 1 of 4\); running it again in \d+ ms: ALTER TABLE `books` DROP INDEX `ix_books_old`, ALGORITHM=INPLACE, LOCK=NONE/);
    expect(run.stderr).toContain('ALTER TABLE `books` ADD COLUMN `isbn` TEXT NULL, ALGORITHM=INSTANT');
    expect(run.stderr).toContain('ALTER TABLE `books` ADD INDEX `ix_books_title` (`title`), ALGORITHM=INPLACE, LOCK=NONE');
    console.info(`MariaDB online DDL: writer's longest INSERT ${maxMs.toFixed(0)} ms over ${inserts} inserts during a ${run.ms} ms upgrade (reader held its lock ~1 s)`);
    // The writer queues behind the waiting ALTER (MariaDB grants new metadata locks after a waiting
    // exclusive one) for at most one lock wait: lockWaitTimeout bounds it (measured ~1000 ms).
    expect(maxMs).toBeLessThan(1000 + 500);
    expect((await project.retort.check()).ok).toBe(true);
  }, 60_000);
});
