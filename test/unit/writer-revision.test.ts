import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRevisionHeader } from '../../src/script/header.js';
import { renderRevision, revisionFileName, slugify, writeRevision } from '../../src/script/writer.js';
import { builtInScriptTemplatePath } from '../../src/script/templates.js';

const root = mkdtempSync(join(tmpdir(), 'retort-writer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const NOW = new Date('2026-11-23T14:05:01Z');

describe('slugify', () => {
  it.each([
    ['add books table', 'add_books_table'],
    ['Add ISBN column!', 'add_isbn_column'],
    ['  créer la table « été »  ', 'creer_la_table_ete'],
    ['merge 1f2a, 3b4c', 'merge_1f2a_3b4c'],
    ['', ''],
    ['!!!', ''],
    ['日本語', ''],
    ['a'.repeat(50), 'a'.repeat(40) + '_'],
    ['add the very long column name to the books table now', 'add_the_very_long_column_name_to_the_'],
  ])('%j -> %j', (message, slug) => {
    expect(slugify(message)).toBe(slug);
    expect(slug.length).toBeLessThanOrEqual(41);
  });

  it('names files <rev>_<slug>.ts, or <rev>.ts without words', () => {
    expect(revisionFileName('1f2a3b4c5d6e', 'add books')).toBe('1f2a3b4c5d6e_add_books.ts');
    expect(revisionFileName('0001', '...')).toBe('0001.ts');
  });
});

describe('writeRevision', () => {
  it('writes a first revision with the built-in template, hand-written style, read back by the header reader', () => {
    const dir = join(root, 'first');
    const path = writeRevision({ dir, revision: '1f2a3b4c5d6e', message: 'add books table', downRevisions: [], now: NOW });
    expect(path).toBe(join(dir, '1f2a3b4c5d6e_add_books_table.ts'));
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(`/**
 * add books table
 *
 * Revision ID: 1f2a3b4c5d6e
 * Revises: base
 * Create Date: 2026-11-23T14:05:01.000Z
 */
import type { MigrationContext } from 'retort-migrate';

export const revision = '1f2a3b4c5d6e';
export const downRevision: string | string[] | null = null;
export const branchLabels: string[] = [];
export const dependsOn: string[] = [];

export async function upgrade({ op, db }: MigrationContext) {
  // write the upgrade here
}

export async function downgrade({ op, db }: MigrationContext) {
  // write the downgrade here
}
`);
    expect(readRevisionHeader(path, text)).toEqual({
      revision: '1f2a3b4c5d6e', downRevisions: [], branchLabels: [], dependsOn: [], message: 'add books table', path,
    });
  });

  it('round-trips merges, labels, dependencies, imports, bodies and multi-line messages', () => {
    const dir = join(root, 'merge');
    const path = writeRevision({
      dir,
      revision: '0003',
      message: 'merge the */ branches\nsecond line',
      downRevisions: ['0002a', '0002b'],
      branchLabels: ['feature-x'],
      dependsOn: ['0001'],
      imports: ['text', 'bigint', 'text', "import { helper } from '../src/helper.js';"],
      upgradeBody: "await op.createTable('books', {\n  id: bigint().primaryKey(),\n  title: text(),\n});",
      downgradeBody: "await op.dropTable('books');",
      now: NOW,
    });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(" * merge the *\\/ branches\n * second line\n");
    expect(text).toContain("import { bigint, text } from 'retort-migrate';\nimport { helper } from '../src/helper.js';\n");
    expect(text).toContain("export const downRevision: string | string[] | null = ['0002a', '0002b'];");
    expect(text).toContain("export const branchLabels: string[] = ['feature-x'];");
    expect(text).toContain(
      "  await op.createTable('books', {\n    id: bigint().primaryKey(),\n    title: text(),\n  });\n}",
    );
    expect(text).toContain("  await op.dropTable('books');\n}");
    expect(text).not.toMatch(/[ \t]$/m);
    expect(readRevisionHeader(path, text)).toEqual({
      revision: '0003',
      downRevisions: ['0002a', '0002b'],
      branchLabels: ['feature-x'],
      dependsOn: ['0001'],
      message: 'merge the */ branches', // the writer's escape is undone on reading
      path,
    });
  });

  it('writes a single parent as a string', () => {
    const path = writeRevision({ dir: join(root, 'single'), revision: 'b2', message: 'next', downRevisions: ['a1'] });
    expect(readFileSync(path, 'utf8')).toContain("export const downRevision: string | string[] | null = 'a1';");
  });

  it("uses the version directory's script.ts.tmpl when present", () => {
    const dir = join(root, 'custom');
    mkdirSync(dir);
    writeFileSync(join(dir, 'script.ts.tmpl'), `// custom: {{ message }}
export const revision = '{{revision}}';
export const down_revision = {{downRevision}};
export const branch_labels = {{branchLabels}};
export const depends_on = {{dependsOn}};
export const upgrade = async () => {
    {{upgrade}}
};
`);
    const path = writeRevision({ dir, revision: 'c1', message: 'custom one', downRevisions: ['b1'], upgradeBody: 'a();\nb();' });
    expect(readFileSync(path, 'utf8')).toBe(`// custom: custom one
export const revision = 'c1';
export const down_revision = 'b1';
export const branch_labels = [];
export const depends_on = [];
export const upgrade = async () => {
    a();
    b();
};
`);
  });

  it('never overwrites an existing file', () => {
    const dir = join(root, 'exists');
    const first = writeRevision({ dir, revision: 'd1', message: 'same', downRevisions: [] });
    writeFileSync(first, '// mine');
    expect(() => writeRevision({ dir, revision: 'd1', message: 'same', downRevisions: [] })).toThrow(
      expect.objectContaining({ code: 'FileExists', fields: { path: first } }),
    );
    expect(readFileSync(first, 'utf8')).toBe('// mine');
  });

  it('refuses bad ids and labels before writing anything', () => {
    const dir = join(root, 'bad');
    expect(() => writeRevision({ dir, revision: '../x', message: 'm', downRevisions: [] })).toThrow(
      expect.objectContaining({ code: 'BadArgument' }),
    );
    expect(() => writeRevision({ dir, revision: 'ok', message: 'm', downRevisions: [], branchLabels: ['a@b'] })).toThrow(
      expect.objectContaining({ code: 'BadArgument' }),
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a template with an unknown placeholder or without the header lines', () => {
    const options = { dir: join(root, 'tmpl'), revision: 'e1', message: 'm', downRevisions: [] };
    expect(() => writeRevision({ ...options, template: '{{revison}}' })).toThrow(
      expect.objectContaining({ code: 'BadRevisionFile', fields: expect.objectContaining({ placeholder: 'revison' }) }),
    );
    expect(() => writeRevision({ ...options, template: "export const revision = 'other';\nexport const downRevision = null;" })).toThrow(
      expect.objectContaining({ code: 'BadRevisionFile' }),
    );
    expect(() => writeRevision({ ...options, template: '// nothing' })).toThrow(expect.objectContaining({ code: 'BadRevisionFile' }));
  });

  it('indents a multi-line body like the placeholder, whether the body came indented or not', () => {
    const template = 'export async function upgrade() {\n  {{upgrade}}\n}\n';
    const expected = [
      'export async function upgrade() {',
      "  await op.alterColumn('t', 'a', {",
      "    newName: 'b',",
      '  });',
      '',
      "  await op.dropTable('x');",
      '}',
      '',
    ].join('\n');
    const flat = "await op.alterColumn('t', 'a', {\n  newName: 'b',\n});\n\nawait op.dropTable('x');";
    const indented = flat.split('\n').map((l) => (l === '' ? l : `    ${l}`)).join('\n');
    for (const upgradeBody of [flat, indented, `\n${indented}\n`]) {
      expect(renderRevision(template, { dir: '/nowhere', revision: 'f1', message: 'm', downRevisions: [], upgradeBody })).toBe(expected);
    }
  });

  it('renders without touching the disk', () => {
    const template = readFileSync(builtInScriptTemplatePath(), 'utf8');
    const text = renderRevision(template, { dir: '/nowhere', revision: 'f1', message: '', downRevisions: [] });
    expect(readRevisionHeader('/nowhere/f1.ts', text)).toMatchObject({ revision: 'f1', message: '' });
  });
});
