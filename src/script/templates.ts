/**
 * The project templates of `retort init` (`templates/<name>/` in the package) and the built-in
 * revision script template. Each template folder holds the files to copy, with their paths, and
 * a one-line `README` that `retort list-templates` shows.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RetortError } from '../errors.js';

/** One init template. */
export interface TemplateInfo {
  /** The name given to `retort init --template`. */
  readonly name: string;
  /** The first line of the template's `README`. */
  readonly description: string;
  /** Absolute path of the template folder. */
  readonly path: string;
}

/** What {@link initProject} wrote. */
export interface InitResult {
  /** Absolute paths of the files written, sorted. */
  readonly files: string[];
}

/** The file of each template folder that describes it and is not copied. */
const README = 'README';

let cachedRoot: string | undefined;

/**
 * The package root: the nearest folder above this module that holds `templates/` and a
 * `package.json`. The same walk works from `dist/script/templates.js` (installed or built) and
 * from `src/script/templates.ts` (tests run from the sources).
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'templates')) && existsSync(join(dir, 'package.json'))) return (cachedRoot = dir);
    const parent = dirname(dir);
    if (parent === dir) {
      throw new RetortError('TemplateNotFound', 'The templates folder of retort cannot be found; the installation is incomplete.', {
        fields: { from: fileURLToPath(import.meta.url) },
        hint: 'Reinstall retort-migrate (its package ships a templates/ folder).',
      });
    }
    dir = parent;
  }
}

/** Absolute path of the folder holding the init templates. */
export function templatesDir(): string {
  return join(packageRoot(), 'templates');
}

/** The built-in revision script template, used when a version directory has no `script.ts.tmpl`. */
export function builtInScriptTemplatePath(): string {
  return join(templatesDir(), 'default', 'migrations', 'script.ts.tmpl');
}

/**
 * The built-in template of plain SQL revisions (`revision --sql-file`), used when a version
 * directory has no `script.sql.tmpl`. Outside the init templates: `init` does not copy it.
 */
export function builtInSqlTemplatePath(): string {
  return join(templatesDir(), 'script.sql.tmpl');
}

/** The init templates, sorted by name. */
export function listTemplates(): TemplateInfo[] {
  const root = templatesDir();
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => {
      const path = join(root, entry.name);
      const readme = join(path, README);
      const description = existsSync(readme) ? (readFileSync(readme, 'utf8').split('\n')[0] ?? '').trim() : '';
      return { name: entry.name, description, path };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every file of a template folder, as paths relative to it (the README excluded). */
function templateFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && !(dir === folder && entry.name === README)) files.push(relative(folder, path));
    }
  };
  walk(folder);
  return files.sort();
}

/**
 * Writes a template's files into `dir` (created when missing). Nothing is written when any of
 * the files already exists: a half-initialised project is worse than a clear refusal.
 * @throws RetortError `TemplateNotFound` for an unknown template, `FileExists` when a file exists.
 */
export function initProject(dir: string, template = 'default'): InitResult {
  const found = listTemplates().find((t) => t.name === template);
  if (found === undefined) {
    const names = listTemplates().map((t) => t.name);
    throw new RetortError('TemplateNotFound', `There is no template named '${template}'.`, {
      fields: { template, templates: names },
      hint: `Use one of: ${names.join(', ')} (see \`retort list-templates\`).`,
    });
  }
  const target = resolve(dir);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new RetortError('FileExists', `${target} exists and is not a folder.`, {
      fields: { path: target },
      hint: 'Give `retort init` a folder, or a path that does not exist yet.',
    });
  }
  const relativePaths = templateFiles(found.path);
  const existing = relativePaths.map((p) => join(target, p)).filter((p) => existsSync(p));
  if (existing.length > 0) {
    throw new RetortError('FileExists', `retort init would overwrite ${existing.join(', ')}; nothing was written.`, {
      fields: { path: existing[0], paths: existing },
      hint: 'Move those files away, or initialise another folder: `retort init DIR`.',
    });
  }
  const files: string[] = [];
  for (const relativePath of relativePaths) {
    const path = join(target, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    // 'wx' again: another process could create the file between the check above and now.
    writeFileSync(path, readFileSync(join(found.path, relativePath)), { flag: 'wx' });
    files.push(path);
  }
  return { files: files.sort() };
}
