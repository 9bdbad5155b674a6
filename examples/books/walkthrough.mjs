#!/usr/bin/env node
/**
 * The books walkthrough on embedded SQLite, as a new user would type it: init, two revisions,
 * upgrade, current, history, the schema module and `check`, a typed Kysely program whose types
 * come from that module, downgrade to base. Each command is printed with its output, each file
 * written is printed too, and the project stays in examples/books/project/ to read and to play
 * with (`cd examples/books/project && node ../../../dist/cli/bin.js history`). Run with
 * `npm run example` (which builds first); each run starts the project afresh.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = join(root, 'dist/cli/bin.js');
const project = join(here, 'project');
rmSync(project, { recursive: true, force: true });
mkdirSync(project, { recursive: true });

/** Print a file of the project, as `cat` would. */
function show(path) {
  console.log(`\n$ cat ${relative(project, path)}`);
  process.stdout.write(readFileSync(path, 'utf8'));
}

/** Run `retort ARGS` in the project, echoing the command and its output. */
function retort(...args) {
  console.log(`\n$ retort ${args.join(' ')}`);
  const out = execFileSync(process.execPath, [bin, ...args], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  process.stdout.write(out);
  return out;
}

/** Like retort(), but shows stderr (progress lines) too. */
function retortWithProgress(...args) {
  console.log(`\n$ retort ${args.join(' ')}`);
  execFileSync(process.execPath, [bin, ...args], { cwd: project, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Write a new revision with `retort revision`, then fill in its upgrade and downgrade. */
function revision(message, upgrade, downgrade, imports) {
  console.log(`\n$ retort revision -m "${message}"`);
  const out = execFileSync(process.execPath, [bin, 'revision', '-m', message, '--json'], { cwd: project, encoding: 'utf8' });
  const { path } = JSON.parse(out);
  console.log(`Generating ${path} ... done`);
  let text = readFileSync(path, 'utf8');
  text = text.replace(/export async function upgrade\(([^)]*)\)[^{]*\{[\s\S]*?\n\}/, `export async function upgrade($1) {\n${upgrade}\n}`);
  text = text.replace(/export async function downgrade\(([^)]*)\)[^{]*\{[\s\S]*?\n\}/, `export async function downgrade($1) {\n${downgrade}\n}`);
  text = text.replace("import type { MigrationContext } from 'retort-migrate';", (line) => `${line}\nimport { ${imports.join(', ')} } from 'retort-migrate';`);
  writeFileSync(path, text);
  console.log(`(edited ${relative(project, path)}: upgrade and downgrade filled in)`);
  show(path);
}

/** The schema module: the tables as the two revisions leave them; `DB` is the Kysely type app.ts uses. */
const SCHEMA = `import { defineSchema, table, bigint, text, varchar, timestamp } from 'retort-migrate';

export const books = table('books', {
  id: bigint().unsigned().primaryKey().autoIncrement(),
  title: text().notNull(),
  author: varchar(64).notNull(),
  created_at: timestamp(),
  updated_at: timestamp(),
  isbn: bigint().notNull(),
});

const schema = defineSchema({ books });
export default schema;
export type DB = typeof schema.$kysely;
`;

try {
  console.log(`# The books walkthrough, in ${project}`);
  retort('init', '.');
  revision(
    'add books table',
    [
      "  await op.createTable('books', {",
      '    id: bigint().unsigned().primaryKey().autoIncrement(),',
      '    title: text().notNull(),',
      '    author: varchar(64).notNull(),',
      '    created_at: timestamp(),',
      '    updated_at: timestamp(),',
      '  });',
    ].join('\n'),
    "  await op.dropTable('books');",
    ['bigint', 'text', 'varchar', 'timestamp'],
  );
  retortWithProgress('upgrade', 'head');
  revision(
    'add isbn column',
    "  await op.addColumn('books', 'isbn', bigint().notNull());",
    "  await op.dropColumn('books', 'isbn');",
    ['bigint'],
  );
  retortWithProgress('upgrade', 'head');
  retort('current');
  retort('history');

  console.log('\n(src/schema.ts now declares the books table as the revisions made it)');
  writeFileSync(join(project, 'src/schema.ts'), SCHEMA);
  show(join(project, 'src/schema.ts'));
  retort('check');

  show(join(here, 'app.ts'));
  console.log('\n$ node --import tsx examples/books/app.ts app.db');
  execFileSync(process.execPath, ['--import', 'tsx', join(here, 'app.ts'), join(project, 'app.db')], { cwd: root, stdio: 'inherit' });

  retortWithProgress('downgrade', 'base');
  const after = retort('current');
  console.log('\nThe walkthrough is done.');
  if (!after.includes('base')) throw new Error('expected the database at base after downgrade base');
  console.log(`The project is in ${relative(process.cwd(), project) || '.'}: read its files, run retort there.`);
} catch (error) {
  console.error(`The walkthrough failed; its project is in ${project}.`);
  throw error;
}
