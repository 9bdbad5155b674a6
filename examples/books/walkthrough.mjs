#!/usr/bin/env node
/**
 * The books walkthrough on embedded SQLite, as a new user would type it: init, two revisions,
 * upgrade, current, history, a typed Kysely program, downgrade to base. Each command is printed
 * with its output. Run with `npm run example` (which builds first).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = join(root, 'dist/cli/bin.js');
const project = mkdtempSync(join(tmpdir(), 'retort-books-'));

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
  text = `import { ${imports.join(', ')} } from 'retort-migrate';\n${text}`;
  writeFileSync(path, text);
  console.log(`(edited ${path.slice(project.length + 1)}: upgrade and downgrade filled in)`);
}

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

  console.log('\n$ node --import tsx examples/books/app.ts app.db');
  execFileSync(process.execPath, ['--import', 'tsx', join(here, 'app.ts'), join(project, 'app.db')], { cwd: root, stdio: 'inherit' });

  retortWithProgress('downgrade', 'base');
  const after = retort('current');
  console.log('\nThe walkthrough is done.');
  if (!after.includes('base')) throw new Error('expected the database at base after downgrade base');
} finally {
  rmSync(project, { recursive: true, force: true });
}
