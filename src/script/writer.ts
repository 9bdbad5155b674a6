/**
 * Writes new revision files from the script template: `<dir>/script.ts.tmpl` when the project has
 * one (it is meant to be edited), else the built-in template shipped in `templates/`. A plain SQL
 * revision (`format: 'sql'`) comes from `<dir>/script.sql.tmpl` or `templates/script.sql.tmpl`,
 * with the same placeholders.
 *
 * Placeholders are `{{name}}`, chosen because `${...}` is a template literal in TypeScript and
 * would collide with code users put in their template:
 * - `{{message}}` the message (for a doc comment line: later lines get ` * `, `*\/` is escaped)
 * - `{{revision}}` the id; `{{revises}}` the parents as text (`a, b` or `base`)
 * - `{{downRevision}}` `null`, `'a'` or `['a', 'b']`; `{{branchLabels}}`, `{{dependsOn}}` arrays
 * - `{{imports}}` import lines (the line disappears when there are none)
 * - `{{upgrade}}`, `{{downgrade}}` the bodies, indented like the placeholder
 * - `{{createDate}}` the creation time, ISO 8601 UTC (or the `createDate` text given)
 * - `{{upgradeArgs}}`, `{{downgradeArgs}}` the parameter of each function: `{ op }`, `{ op, db }`...
 *   as the body uses them (`_context` when it uses neither), so a generated file passes
 *   `tsc --noUnusedLocals --noUnusedParameters`; a stub to be written by hand gets `{ op, db }`.
 */
import { linesInTemplates } from './code-lines.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RetortError } from '../errors.js';
import { readRevisionHeader } from './header.js';
import { branchLabelProblem, printable, revisionIdProblem } from './ids.js';
import { builtInScriptTemplatePath, builtInSqlTemplatePath } from './templates.js';
import { readSqlRevisionFile } from './sql-revision.js';

/** Name of the editable script template in a version directory. */
export const SCRIPT_TEMPLATE_NAME = 'script.ts.tmpl';

/** Name of the editable template of plain SQL revisions in a version directory. */
export const SQL_TEMPLATE_NAME = 'script.sql.tmpl';

/** Longest slug in a file name, as Alembic's `truncate_slug_length`. */
export const MAX_SLUG_LENGTH = 40;

/** What {@link writeRevision} writes. */
export interface WriteRevisionOptions {
  /** The version directory; created when missing. */
  readonly dir: string;
  readonly revision: string;
  readonly message: string;
  /** Parents: none for a first revision, several for a merge. */
  readonly downRevisions: readonly string[];
  readonly branchLabels?: readonly string[];
  readonly dependsOn?: readonly string[];
  /** Body of `upgrade` (default: a comment saying to write it). Lines are re-indented. */
  readonly upgradeBody?: string;
  /** Body of `downgrade`. */
  readonly downgradeBody?: string;
  /**
   * Imports: names to import from `retort-migrate` (`'bigint'`), or whole lines
   * (`"import { x } from './y.js';"`).
   */
  readonly imports?: readonly string[];
  /** Template text to use instead of `<dir>/script.ts.tmpl` or the built-in one. */
  readonly template?: string;
  /** Creation time (default: now); for reproducible output. */
  readonly now?: Date;
  /** The creation time as text, written as given (a revision converted from another tool keeps its date). */
  readonly createDate?: string;
  /** `sql`: a plain `.sql` revision (up and down sections) instead of a TypeScript script. */
  readonly format?: 'ts' | 'sql';
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
const KNOWN_PLACEHOLDERS = [
  'message', 'revision', 'revises', 'downRevision', 'branchLabels', 'dependsOn', 'imports', 'upgrade',
  'downgrade', 'createDate', 'upgradeArgs', 'downgradeArgs',
];

/** The names of the migration context a stub to be written by hand destructures. */
const STUB_ARGS = '{ op, db }';

/** The destructured parameter a body needs: the context fields it uses, or an unused name. */
function contextArgs(body: string | undefined): string {
  if (body === undefined) return STUB_ARGS;
  // Strings and comments say nothing about use; neither does an object key (`x: integer()`).
  const code = body
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''")
    .replace(/\/\/.*$/gm, '')
    .replace(/\/\*[\s\S]*?\*\//g, '');
  const used = ['op', 'db', 'x', 'tag'].filter((name) => new RegExp(`(^|[^.\\w$])${name}\\b(?!\\s*:)`).test(code));
  return used.length === 0 ? '_context' : `{ ${used.join(', ')} }`;
}

/**
 * The file-name slug of a message, as Alembic makes it: the words (letters and digits, accents
 * dropped) lowercased and joined with `_`; longer than 40 characters, it is cut at the last word
 * boundary and ends with `_`.
 */
export function slugify(message: string): string {
  const words = message
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .match(/[a-z0-9]+/g);
  let slug = (words ?? []).join('_');
  if (slug.length > MAX_SLUG_LENGTH) {
    const cut = slug.slice(0, MAX_SLUG_LENGTH);
    const boundary = cut.lastIndexOf('_');
    slug = (boundary > 0 ? cut.slice(0, boundary) : cut) + '_';
  }
  return slug;
}

/** The file name of a revision: `<rev>_<slug>.ts`, or `<rev>.ts` when the message has no words (`.sql` for SQL). */
export function revisionFileName(revision: string, message: string, extension: '.ts' | '.sql' = '.ts'): string {
  const slug = slugify(message);
  return slug.length > 0 ? `${revision}_${slug}${extension}` : `${revision}${extension}`;
}

/** A string as a single-quoted TypeScript literal. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function arrayLiteral(values: readonly string[]): string {
  return `[${values.map(quote).join(', ')}]`;
}

function renderImports(imports: readonly string[]): string {
  const names = [...new Set(imports.filter((i) => !i.trimStart().startsWith('import ')))].sort();
  const lines = imports.filter((i) => i.trimStart().startsWith('import '));
  if (names.length > 0) lines.unshift(`import { ${names.join(', ')} } from 'retort-migrate';`);
  return lines.join('\n');
}

/**
 * A body without its common leading indentation (and blank first/last lines): the placeholder's
 * indentation is then added to every line, so a body rendered already indented (autogenerate's)
 * and one that is not come out the same.
 */
function dedent(body: string): string {
  const text = body.replace(/^\s*\n/, '').trimEnd();
  const lines = text.split('\n');
  // Lines inside a template literal (an SQL body) are the body's own: neither measured nor cut.
  const inside = linesInTemplates(text);
  const indents = lines.filter((l, i) => !inside[i] && l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l, i) => (inside[i] ? l : l.slice(common))).join('\n');
}

/** The message's lines, with `*\/` escaped so that it cannot end the doc comment early. */
function messageLines(message: string): string[] {
  return message.trim().replace(/\*\//g, '*\\/').split(/\r\n|\r|\n/).map((line) => line.trimEnd());
}

/**
 * How continuation lines of a multi-line value start: for the message inside a doc comment
 * (` * {{message}}` or `/** {{message}}`) the comment's ` * ` decoration, else the indentation.
 */
function continuationPrefix(name: string, before: string, indent: string): string {
  if (name !== 'message') return indent;
  if (/^\s*\*+\s*$/.test(before)) return before;
  // A message in an SQL comment continues as one.
  if (/^\s*--\s*$/.test(before)) return before;
  if (/^\s*\/\*\*?\s*$/.test(before)) return `${indent} * `;
  return indent;
}

/** Checks the ids and labels a caller passes, so that a written file can always be read back. */
function checkInput(options: WriteRevisionOptions): void {
  const checks: Array<[string, string, string | undefined]> = [
    ['revision id', options.revision, revisionIdProblem(options.revision)],
    ...options.downRevisions.map((r): [string, string, string | undefined] => ['down revision', r, revisionIdProblem(r)]),
    ...(options.branchLabels ?? []).map((l): [string, string, string | undefined] => ['branch label', l, branchLabelProblem(l)]),
    ...(options.dependsOn ?? []).map((d): [string, string, string | undefined] => ['dependency', d, branchLabelProblem(d)]),
  ];
  for (const [what, value, problem] of checks) {
    if (problem !== undefined) {
      throw new RetortError('BadArgument', `The ${what} '${printable(value)}' ${problem}.`, {
        fields: { [what.replace(/ (\w)/, (_m, c: string) => c.toUpperCase())]: printable(value) },
        hint: 'Use letters, digits and underscores, at most 64 characters.',
      });
    }
  }
}

/**
 * Renders the revision file text from a template (no file access).
 * @throws RetortError `BadRevisionFile` for an unknown placeholder in the template.
 */
export function renderRevision(template: string, options: WriteRevisionOptions, templatePath = '<template>'): string {
  const values: Record<string, string> = {
    message: messageLines(options.message).join('\n'),
    revision: options.revision,
    revises: options.downRevisions.length > 0 ? options.downRevisions.join(', ') : 'base',
    downRevision:
      options.downRevisions.length === 0 ? 'null'
      : options.downRevisions.length === 1 ? quote(options.downRevisions[0] as string)
      : arrayLiteral(options.downRevisions),
    branchLabels: arrayLiteral(options.branchLabels ?? []),
    dependsOn: arrayLiteral(options.dependsOn ?? []),
    imports: renderImports(options.imports ?? []),
    upgrade: dedent(options.upgradeBody ?? '// write the upgrade here'),
    downgrade: dedent(options.downgradeBody ?? '// write the downgrade here'),
    createDate: options.createDate ?? (options.now ?? new Date()).toISOString(),
    upgradeArgs: contextArgs(options.upgradeBody),
    downgradeArgs: contextArgs(options.downgradeBody),
  };
  const out: string[] = [];
  for (const line of template.split(/\r?\n/)) {
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    let dropLine = false;
    const rendered = line.replace(PLACEHOLDER, (placeholder: string, name: string, offset: number) => {
      if (!KNOWN_PLACEHOLDERS.includes(name)) {
        throw new RetortError('BadRevisionFile', `The script template ${templatePath} has an unknown placeholder {{${name}}}.`, {
          fields: { path: templatePath, placeholder: name },
          hint: `Known placeholders: ${KNOWN_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}.`,
        });
      }
      const value = values[name] as string;
      // A placeholder alone on its line that renders to nothing takes its line with it.
      if (value === '' && line.trim() === placeholder) dropLine = true;
      // Multi-line values continue at the placeholder's indentation, so bodies look hand-written.
      const prefix = continuationPrefix(name, line.slice(0, offset), indent);
      const inside = linesInTemplates(value);
      return value
        .split('\n')
        .map((l, i) => (i === 0 || inside[i] ? l : l === '' ? prefix.trimEnd() : prefix + l))
        .join('\n');
    });
    if (!dropLine) out.push(rendered === line ? line : rendered.trimEnd());
  }
  return out.join('\n');
}

/**
 * The path and text {@link writeRevision} would write (the directory's template, checked to read
 * back as given), without writing anything.
 */
export function revisionText(options: WriteRevisionOptions): { path: string; text: string } {
  checkInput(options);
  const dir = resolve(options.dir);
  const sql = options.format === 'sql';
  const local = join(dir, sql ? SQL_TEMPLATE_NAME : SCRIPT_TEMPLATE_NAME);
  let templatePath = local;
  let template = options.template;
  if (template === undefined) {
    if (!existsSync(local)) templatePath = sql ? builtInSqlTemplatePath() : builtInScriptTemplatePath();
    template = readFileSync(templatePath, 'utf8');
  } else templatePath = '<template option>';
  const text = renderRevision(template, options, templatePath);
  const path = join(dir, revisionFileName(options.revision, options.message, sql ? '.sql' : '.ts'));
  verifyReadBack(path, text, options, templatePath);
  return { path, text };
}

/**
 * Writes a new revision file and returns its absolute path.
 * @throws RetortError `FileExists` when the file is already there (never overwritten),
 *   `BadArgument` for an invalid id or label, `BadRevisionFile` when the template does not yield
 *   a file whose header reads back as given.
 */
export function writeRevision(options: WriteRevisionOptions): string {
  const { path, text } = revisionText(options);
  mkdirSync(dirname(path), { recursive: true });
  try {
    // 'wx': fail if the file exists, atomically, rather than check-then-write.
    writeFileSync(path, text.endsWith('\n') ? text : `${text}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new RetortError('FileExists', `The file ${path} already exists; retort never overwrites a file.`, {
        fields: { path },
        hint: 'Choose another --rev-id or message, or remove the file.',
      });
    }
    throw error;
  }
  return path;
}

/** A template edited by the user could drop or mangle a header field: check before writing. */
function verifyReadBack(path: string, text: string, options: WriteRevisionOptions, templatePath: string): void {
  let header;
  try {
    header = options.format === 'sql' ? readSqlRevisionFile(path, text) : readRevisionHeader(path, text);
    if (header === undefined) throw new Error('no Revision ID line and no -- retort:up section');
  } catch (error) {
    throw new RetortError('BadRevisionFile', `The script template ${templatePath} does not produce a readable revision header.`, {
      fields: { path: templatePath },
      hint: 'Keep the `export const revision = ...`, `downRevision`, `branchLabels` and `dependsOn` lines of the template.',
      cause: error,
    });
  }
  const same = (a: readonly string[], b: readonly string[]) => {
    const expected = [...new Set(b)];
    return a.length === expected.length && a.every((x, i) => x === expected[i]);
  };
  if (
    header.revision !== options.revision ||
    !same(header.downRevisions, options.downRevisions) ||
    !same(header.branchLabels, options.branchLabels ?? []) ||
    !same(header.dependsOn, options.dependsOn ?? [])
  ) {
    throw new RetortError('BadRevisionFile', `The script template ${templatePath} does not write the revision header it is given.`, {
      fields: { path: templatePath },
      hint: 'Use the {{revision}}, {{downRevision}}, {{branchLabels}} and {{dependsOn}} placeholders in the header lines.',
    });
  }
}
