/**
 * The README's first command: the books walkthrough on embedded SQLite runs from start to end
 * and prints what each step did.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

it('runs the books walkthrough (npm run example) end to end', () => {
  const run = spawnSync(process.execPath, [join(root, 'examples/books/walkthrough.mjs')], { encoding: 'utf8', timeout: 120_000 });
  const output = run.stdout + run.stderr;
  expect(run.status, output).toBe(0);
  expect(output).toMatch(/Running upgrade  -> [0-9a-f]{12}, add books table/);
  expect(output).toMatch(/Running upgrade [0-9a-f]{12} -> [0-9a-f]{12}, add isbn column/);
  expect(output).toMatch(/found: "The Name of the Rose" by Umberto Eco, isbn 9780151446476/);
  expect(output).toContain('updating book 999: Book 999 was not found.');
  expect(output).toMatch(/Running downgrade [0-9a-f]{12} -> , add books table/);
  expect(output).toContain('(no revision: the database is at base)');
  // The files a newcomer reads are printed, and kept.
  expect(output).toMatch(/\$ cat migrations\/[0-9a-f]{12}_add_books_table\.ts\n\/\*\*\n \* add books table/);
  expect(output).toContain('export type DB = typeof schema.$kysely;');
  expect(output).toContain('$ retort check\nOK: the database is at head and matches the schema.');
  expect(output).toContain("import type { DB } from './project/src/schema.js';");
  const kept = join(root, 'examples/books/project');
  expect(readdirSync(join(kept, 'migrations')).filter((f) => f.endsWith('.ts'))).toHaveLength(2);
  expect(existsSync(join(kept, 'src/schema.ts'))).toBe(true);
});
