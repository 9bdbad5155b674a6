import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInScriptTemplatePath, initProject, listTemplates, packageRoot } from '../../src/script/templates.js';
import { writeRevision } from '../../src/script/writer.js';
import { scanVersionDirectories } from '../../src/script/directory.js';

const root = mkdtempSync(join(tmpdir(), 'retort-init-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('templates', () => {
  it('finds the package root from the sources', () => {
    expect(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).name).toBe('retort-migrate');
  });

  it('lists the templates with their one-line README', () => {
    const templates = listTemplates();
    expect(templates.map((t) => t.name)).toEqual(['default', 'multi']);
    for (const t of templates) {
      expect(t.description.length).toBeGreaterThan(10);
      expect(t.description).not.toContain('\n');
    }
  });

  it('ships one script template: every copy equals the built-in one', () => {
    const builtIn = readFileSync(builtInScriptTemplatePath(), 'utf8');
    for (const target of ['main', 'analytics']) {
      const copy = join(packageRoot(), 'templates', 'multi', 'migrations', target, 'script.ts.tmpl');
      expect(readFileSync(copy, 'utf8')).toBe(builtIn);
    }
  });
});

describe('initProject', () => {
  it('writes the default template into a new folder; its migrations folder then takes revisions', async () => {
    const dir = join(root, 'app');
    const { files } = initProject(dir, 'default');
    expect(files.map((f) => relative(dir, f))).toEqual([
      join('migrations', 'script.ts.tmpl'),
      'retort.config.ts',
      join('src', 'schema.ts'),
    ]);
    const config = readFileSync(join(dir, 'retort.config.ts'), 'utf8');
    expect(config).toContain("import { defineConfig } from 'retort-migrate';");
    expect(config).toContain("url: process.env.DATABASE_URL ?? 'sqlite:./app.db'");
    expect(config).toContain("migrations: './migrations'");
    expect(readFileSync(join(dir, 'src', 'schema.ts'), 'utf8')).toContain('defineSchema(');
    // The template is not a revision, and the folder reads as an empty history.
    expect(await scanVersionDirectories([join(dir, 'migrations')])).toEqual([]);
    const path = writeRevision({ dir: join(dir, 'migrations'), revision: 'a1b2c3d4e5f6', message: 'first', downRevisions: [] });
    const headers = await scanVersionDirectories([join(dir, 'migrations')]);
    expect(headers).toEqual([
      { revision: 'a1b2c3d4e5f6', downRevisions: [], branchLabels: [], dependsOn: [], message: 'first', path },
    ]);
  });

  it('uses the edited script template of the project', () => {
    const dir = join(root, 'edited');
    initProject(dir);
    const template = join(dir, 'migrations', 'script.ts.tmpl');
    writeFileSync(template, readFileSync(template, 'utf8').replace('// write the upgrade here', ''));
    writeFileSync(template, `// house style\n${readFileSync(template, 'utf8')}`);
    const path = writeRevision({ dir: join(dir, 'migrations'), revision: 'b1', message: 'x', downRevisions: [] });
    expect(readFileSync(path, 'utf8').startsWith('// house style\n')).toBe(true);
  });

  it('writes the multi template with one migrations folder per target', async () => {
    const dir = join(root, 'multi');
    const { files } = initProject(dir, 'multi');
    expect(files.map((f) => relative(dir, f))).toEqual([
      join('migrations', 'analytics', 'script.ts.tmpl'),
      join('migrations', 'main', 'script.ts.tmpl'),
      'retort.config.ts',
      join('src', 'analytics-schema.ts'),
      join('src', 'schema.ts'),
    ]);
    const config = readFileSync(join(dir, 'retort.config.ts'), 'utf8');
    expect(config).toMatch(/targets: \{\s+main: \{/);
    expect(config).toContain("migrations: './migrations/analytics'");
    expect(await scanVersionDirectories([join(dir, 'migrations', 'main'), join(dir, 'migrations', 'analytics')])).toEqual([]);
  });

  it('refuses to overwrite and then writes nothing at all', () => {
    const dir = join(root, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'retort.config.ts'), '// mine');
    expect(() => initProject(dir)).toThrow(
      expect.objectContaining({ code: 'FileExists', fields: expect.objectContaining({ path: join(dir, 'retort.config.ts') }) }),
    );
    expect(readFileSync(join(dir, 'retort.config.ts'), 'utf8')).toBe('// mine');
    expect(existsSync(join(dir, 'migrations'))).toBe(false);
  });

  it('refuses an unknown template and names the known ones', () => {
    expect(() => initProject(join(root, 'x'), 'fancy')).toThrow(
      expect.objectContaining({ code: 'TemplateNotFound', hint: expect.stringContaining('default, multi') }),
    );
    expect(existsSync(join(root, 'x'))).toBe(false);
  });
});
