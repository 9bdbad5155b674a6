/**
 * Reads the header of a revision file (its id, parents, labels, dependencies and message) from the
 * source text, without executing it: graph commands (`heads`, `history`, ...) read thousands of
 * files and must not pay for compiling and running them.
 *
 * The header is the contract's top-level declarations:
 * ```ts
 * /** add books table *\/
 * export const revision = '1f2a3b4c5d6e';
 * export const downRevision: string | string[] | null = null;
 * export const branchLabels: string[] = [];
 * export const dependsOn: string[] = [];
 * ```
 * Alembic's spellings (`down_revision`, `branch_labels`, `depends_on`), `let`/`var`, any type
 * annotation, any quotes, trailing commas and comments are accepted too.
 */
import { RetortError } from '../errors.js';
import type { RevisionHeader } from './revision.js';
import { branchLabelProblem, printable, revisionIdProblem } from './ids.js';
import { Lexer, lineOf, type Token } from './lexer.js';

/** The header fields, by every name a user may give them. */
const FIELD_NAMES: ReadonlyMap<string, HeaderField> = new Map([
  ['revision', 'revision'],
  ['downRevision', 'downRevision'],
  ['down_revision', 'downRevision'],
  ['downRevisions', 'downRevision'],
  ['branchLabels', 'branchLabels'],
  ['branch_labels', 'branchLabels'],
  ['dependsOn', 'dependsOn'],
  ['depends_on', 'dependsOn'],
  ['replaces', 'replaces'],
]);

type HeaderField = 'revision' | 'downRevision' | 'branchLabels' | 'dependsOn' | 'replaces';

/**
 * The fields every revision declares: once all of them are found the scan stops. `replaces`
 * (squash revisions only) is therefore read only when it comes before the last of them, which is
 * where `retort squash` writes it (right after `revision`).
 */
const CORE_FIELDS: readonly HeaderField[] = ['revision', 'downRevision', 'branchLabels', 'dependsOn'];

/** A header value as written: `null`/`undefined` (`[]`), one string, or an array of strings. */
interface ParsedValue {
  readonly values: readonly string[];
  readonly isArray: boolean;
  readonly start: number;
}

/** What a scan of a source text found at its top level. */
export interface HeaderScan {
  /** The header fields found, by canonical name. */
  readonly fields: ReadonlyMap<HeaderField, ParsedValue>;
  /** Names exported at the top level (`upgrade`, `downgrade`, ...). */
  readonly exports: ReadonlySet<string>;
  /** First line of the leading doc comment, or `''`. */
  readonly message: string;
  /** Where the first unterminated string, comment or template starts, if the scan met one. */
  readonly unterminated: number | undefined;
}

/** The error for a broken revision file: names the file and the line, with a hint. */
function badFile(path: string, source: string, offset: number | undefined, problem: string): RetortError {
  const line = offset === undefined ? undefined : lineOf(source, offset);
  const where = line === undefined ? path : `${path}:${line}`;
  return new RetortError('BadRevisionFile', `Revision file ${where}: ${problem}.`, {
    // `file` as the run path names it (MigrationFailed, ConfigInvalid); `path` kept for existing users.
    fields: { path, file: path, ...(line === undefined ? {} : { line }), problem },
    hint:
      "A revision file declares `export const revision = '<id>';` and " +
      "`export const downRevision = null | '<id>' | ['<id>', ...];` with plain string literals; fix the file or move it out of the migrations folder.",
  });
}

/**
 * The message: the first line of a doc comment's text, without the `/**` and `*` decoration.
 * The text starts on the opening line (`/** add books *\/`) or, when that is bare, on the next one
 * (`/**` then ` * add books`). A comment whose first line is blank has an empty message.
 */
function messageOf(comment: string): string {
  const bodyEnd = comment.length - 2;
  let lineStart = comment.startsWith('/**') ? 3 : 2;
  let lineEnd = comment.indexOf('\n', lineStart);
  if (lineEnd === -1 || lineEnd > bodyEnd) lineEnd = bodyEnd;
  if (comment.slice(lineStart, lineEnd).trim() === '' && lineEnd < bodyEnd) {
    lineStart = lineEnd + 1;
    lineEnd = comment.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > bodyEnd) lineEnd = bodyEnd;
  }
  let line = comment.slice(lineStart, lineEnd).trim();
  if (line.startsWith('*')) line = line.slice(1).trim();
  // The writer escapes `*/` in a message as `*\/` (it would end the comment): undo it, so that a
  // message reads back as it was given.
  return line.replaceAll('*\\/', '*/');
}

/**
 * Scans a source text for its top-level header declarations and exports. Throws only for a
 * header declaration whose value is not a literal; missing fields are the caller's business.
 */
export function scanHeader(path: string, source: string): HeaderScan {
  const lexer = new Lexer(source);
  const fields = new Map<HeaderField, ParsedValue>();
  const exports = new Set<string>();
  let firstExport: number | undefined;
  let previous: Token | undefined;
  for (let token = lexer.next(); token.kind !== 'eof'; previous = token, token = lexer.next()) {
    // Bodies of functions, calls and literals cannot hold header declarations: skip them fast.
    if (lexer.depth > 0) {
      lexer.skipTo(0);
      continue;
    }
    // `export` is only legal at the top level; `foo.export` is a property, not a declaration.
    if (token.kind !== 'ident' || token.value !== 'export' || lexer.depth !== 0) continue;
    if (previous?.kind === 'punct' && (previous.value === '.' || previous.value === '?.')) continue;
    firstExport ??= token.start;
    let next = lexer.next();
    if (next.kind !== 'ident') continue;
    if (next.value === 'async') next = lexer.next();
    if (next.kind === 'ident' && (next.value === 'function' || next.value === 'class')) {
      let name = lexer.next();
      if (name.kind === 'punct' && name.value === '*') name = lexer.next();
      if (name.kind === 'ident') exports.add(name.value);
      continue;
    }
    if (next.value !== 'const' && next.value !== 'let' && next.value !== 'var') continue;
    const name = lexer.next();
    if (name.kind !== 'ident') continue;
    exports.add(name.value);
    const field = FIELD_NAMES.get(name.value);
    if (field === undefined) continue;
    if (fields.has(field)) {
      throw badFile(path, source, name.start, `'${field}' is declared twice (as '${name.value}' here)`);
    }
    fields.set(field, parseDeclarationValue(lexer, path, source, name));
    // All four found: the rest of the file (the upgrade and downgrade bodies, most of its bytes)
    // cannot change the header, so stop. This is what makes 5,000 files cost a few milliseconds.
    // The price: a second declaration of a field further down goes unnoticed here (TypeScript
    // rejects a redeclared `const` when the file is loaded anyway).
    if (CORE_FIELDS.every((f) => fields.has(f))) break;
  }
  return { fields, exports, message: leadingMessage(lexer, firstExport), unterminated: lexer.unterminated?.start };
}

/**
 * The leading comment: the first top-level `/** ... *\/` before the first export, else the first
 * plain block comment there (a licence banner followed by the doc comment picks the doc comment).
 */
function leadingMessage(lexer: Lexer, firstExport: number | undefined): string {
  let plain: string | undefined;
  for (const comment of lexer.comments) {
    if (firstExport !== undefined && comment.start > firstExport) break;
    if (comment.depth !== 0) continue;
    if (comment.text.startsWith('/**') && comment.text !== '/**/') return messageOf(comment.text);
    plain ??= comment.text;
  }
  return plain === undefined ? '' : messageOf(plain);
}

/** After `export const NAME`: skips a type annotation up to `=`, then reads the literal value. */
function parseDeclarationValue(lexer: Lexer, path: string, source: string, name: Token): ParsedValue {
  const baseDepth = lexer.depth;
  let token = lexer.next();
  // The annotation may hold `|`, `[]`, `<...>`, `(...) => ...`; `=` at the declaration's own depth
  // is the assignment (an `=>` is a separate token, never `=`).
  while (!(token.kind === 'punct' && token.value === '=' && lexer.depth === baseDepth)) {
    const endsStatement = token.kind === 'punct' && token.value === ';' && lexer.depth === baseDepth;
    if (token.kind === 'eof' || endsStatement) {
      throw badFile(path, source, name.start, `'${name.value}' has no value`);
    }
    token = lexer.next();
  }
  const value = lexer.next();
  const notLiteral = () =>
    badFile(
      path, source, value.start,
      `the value of '${name.value}' must be null, a string literal or an array of string literals`,
    );
  if (value.kind === 'string') return checkTerminated({ values: [value.value], isArray: false, start: value.start });
  if (value.kind === 'ident' && (value.value === 'null' || value.value === 'undefined')) {
    return { values: [], isArray: false, start: value.start };
  }
  if (value.kind !== 'punct' || value.value !== '[') throw notLiteral();
  const values: string[] = [];
  for (;;) {
    let item = lexer.next();
    if (item.kind === 'punct' && item.value === ']') break;
    if (item.kind !== 'string') throw notLiteral();
    values.push(item.value);
    item = lexer.next();
    if (item.kind === 'punct' && item.value === ']') break;
    if (item.kind !== 'punct' || item.value !== ',') throw notLiteral();
  }
  return checkTerminated({ values, isArray: true, start: value.start });

  function checkTerminated(parsed: ParsedValue): ParsedValue {
    const open = lexer.unterminated;
    if (open !== undefined && open.start >= value.start) {
      throw badFile(path, source, open.start, `unterminated ${open.what} in the value of '${name.value}'`);
    }
    return parsed;
  }
}

/**
 * Reads the header of one revision file from its source text.
 * @param path - the file's path, used in the header and in error messages
 * @param source - the file's text
 * @throws RetortError `BadRevisionFile` naming the file, the line and what is missing or wrong.
 */
export function readRevisionHeader(path: string, source: string): RevisionHeader {
  return headerFromScan(path, source, scanHeader(path, source));
}

/** Builds and validates the header from a scan (shared with the directory scanner). */
export function headerFromScan(path: string, source: string, scan: HeaderScan): RevisionHeader {
  const { fields } = scan;
  const revision = fields.get('revision');
  if (revision === undefined) {
    // Without a revision the scan went to the end of the file, so what it found open is final:
    // no second pass (a 10 MB file of garbage would cost its lexing twice).
    const open = scan.unterminated;
    throw badFile(path, source, open, "no `export const revision = '<id>'` declaration" +
      (open === undefined ? '' : ' (the file has an unterminated string, comment or template literal)'));
  }
  if (revision.isArray || revision.values.length !== 1) {
    throw badFile(path, source, revision.start, 'the revision must be a single string literal');
  }
  const down = fields.get('downRevision');
  if (down === undefined) {
    throw badFile(path, source, undefined,
      "no `export const downRevision = ...` declaration (use null for a first revision)");
  }
  const id = revision.values[0] as string;
  checkIds(path, source, revision, revisionIdProblem, 'revision id');
  checkIds(path, source, down, revisionIdProblem, 'down revision');
  const labels = fields.get('branchLabels');
  const dependsOn = fields.get('dependsOn');
  const replaces = fields.get('replaces');
  if (labels !== undefined) checkIds(path, source, labels, branchLabelProblem, 'branch label');
  if (dependsOn !== undefined) checkIds(path, source, dependsOn, branchLabelProblem, 'dependency');
  if (replaces !== undefined) checkIds(path, source, replaces, revisionIdProblem, 'replaced revision');
  return Object.freeze({
    revision: id,
    downRevisions: Object.freeze(unique(down.values)),
    branchLabels: Object.freeze(unique(labels?.values ?? [])),
    dependsOn: Object.freeze(unique(dependsOn?.values ?? [])),
    message: scan.message,
    path,
    ...(replaces === undefined || replaces.values.length === 0 ? {} : { replaces: Object.freeze(unique(replaces.values)) }),
  });
}

function checkIds(
  path: string, source: string, parsed: ParsedValue, problemOf: (v: string) => string | undefined, what: string,
): void {
  for (const value of parsed.values) {
    const problem = problemOf(value);
    if (problem !== undefined) throw badFile(path, source, parsed.start, `the ${what} '${printable(value)}' ${problem}`);
  }
}

function unique(values: readonly string[]): readonly string[] {
  return values.length < 2 ? values : [...new Set(values)];
}
