/**
 * Plain `.sql` revision files, for teams that prefer SQL to `op.*` calls:
 * ```sql
 * -- add books table
 * --
 * -- Revision ID: 1f2a3b4c5d6e
 * -- Revises: 0a9b8c7d6e5f            (`base` or empty for a first revision; `a, b` for a merge)
 * -- Branch Labels: []
 * -- Depends On: []
 * -- Create Date: 2026-12-05T23:00:00.000Z
 *
 * -- retort:up
 * CREATE TABLE books (id integer PRIMARY KEY, title text NOT NULL);
 *
 * -- retort:down
 * DROP TABLE books;
 * ```
 * The header is the leading comment: its first line is the message, `Key: value` lines are the
 * fields (any case and spacing, and the `.ts` names: `revision`, `downRevision`/`down_revision`,
 * `branchLabels`, `dependsOn`). Values are a list: `a, b`, `['a', 'b']`, `'a'`, or
 * `null`/`none`/`base`/`[]` for none. `-- retort:no-transaction` before a statement runs it
 * outside the revision's transaction (as `op.noTransaction`), `-- retort:ack RULE reason`
 * acknowledges a lint finding of the next statement (as `.ack()`). Statements are split as
 * sql-split.ts says.
 *
 * A file becomes the same module a `.ts` revision is (`upgrade`, `downgrade` calling
 * `op.execute` per statement), so the run path (history, statement counts, checksums,
 * transactions, `--sql`, lint) is the same. That module is generated code compiled with the
 * `.sql` file as its file name and each statement's call on the statement's own line and column:
 * the stack frame of a failing statement names `file.sql:LINE:COLUMN`, and stack-map.ts reads it
 * as-is. The generated code holds no text of the file: the statements are passed as data.
 */
import { Script } from 'node:vm';
import { branchLabelProblem, printable, revisionIdProblem } from './ids.js';
import type { RevisionHeader } from './revision.js';
import { badSqlFile, splitSql, type SqlItem } from './sql-split.js';

/** Whether `path` names a plain SQL revision. */
export function isSqlRevisionPath(path: string): boolean {
  return path.endsWith('.sql');
}

type Field = 'revision' | 'downRevision' | 'branchLabels' | 'dependsOn' | 'createDate';

/** Header keys, lower case without spaces, `_` or `-`. */
const KEYS: ReadonlyMap<string, Field> = new Map([
  ['revision', 'revision'], ['revisionid', 'revision'],
  ['revises', 'downRevision'], ['downrevision', 'downRevision'], ['downrevisions', 'downRevision'],
  ['branchlabels', 'branchLabels'], ['branchlabel', 'branchLabels'],
  ['dependson', 'dependsOn'],
  ['createdate', 'createDate'],
]);

const FIELD_LINE = /^--\s*([A-Za-z][A-Za-z _-]*?)\s*:\s*(.*?)\s*$/;
const UP_MARKER = /^[ \t]*--[ \t]*retort:up\b/m;
const HINT = 'A .sql revision starts with a comment: the message, then `-- Revision ID: <id>` and `-- Revises: <id>|base`, then `-- retort:up` (and `-- retort:down`) sections.';

/**
 * The header of a `.sql` file, or `undefined` for a file that is not a revision (no
 * `Revision ID` and no `-- retort:up`): an SQL dump or a seed file kept next to the revisions.
 * Reads only the leading comment (graph commands read thousands of files).
 * @throws RetortError `BadRevisionFile` naming the file and line of a missing or bad field.
 */
export function readSqlRevisionFile(path: string, source: string): RevisionHeader | undefined {
  const fields = new Map<Field, { values: string[]; line: number }>();
  let message: string | undefined;
  const lines = source.split('\n');
  for (const [index, raw] of lines.entries()) {
    const text = raw.trim();
    if (text === '') continue;
    if (!text.startsWith('--') || /^--\s*retort:/.test(text)) break;
    const field = FIELD_LINE.exec(text);
    const key = field === null ? undefined : KEYS.get(field[1]!.toLowerCase().replace(/[ _-]/g, ''));
    if (key === undefined) {
      message ??= text.replace(/^--\s*/, '');
      continue;
    }
    if (fields.has(key)) throw badSqlFile(path, index + 1, `the header field '${field![1]}' is given twice`, HINT);
    fields.set(key, { values: listValue(field![2]!, key), line: index + 1 });
  }
  const revision = fields.get('revision');
  if (revision === undefined) {
    if (!UP_MARKER.test(source)) return undefined;
    throw badSqlFile(path, undefined, 'no `-- Revision ID: <id>` line in the leading comment', HINT);
  }
  if (revision.values.length !== 1) throw badSqlFile(path, revision.line, 'the Revision ID must be a single id', HINT);
  const down = fields.get('downRevision');
  if (down === undefined) throw badSqlFile(path, undefined, 'no `-- Revises: <id>` line in the leading comment (use `base` for a first revision)', HINT);
  const check = (name: Field, what: string, problemOf: (v: string) => string | undefined) => {
    const field = fields.get(name);
    for (const value of field?.values ?? []) {
      const problem = problemOf(value);
      if (problem !== undefined) throw badSqlFile(path, field!.line, `the ${what} '${printable(value)}' ${problem}`, HINT);
    }
    return Object.freeze([...new Set(field?.values ?? [])]);
  };
  check('revision', 'revision id', revisionIdProblem);
  return Object.freeze({
    revision: revision.values[0]!,
    downRevisions: check('downRevision', 'down revision', revisionIdProblem),
    branchLabels: check('branchLabels', 'branch label', branchLabelProblem),
    dependsOn: check('dependsOn', 'dependency', branchLabelProblem),
    message: message ?? '',
    path,
  });
}

/** `a, b`, `['a', 'b']`, `'a'`; `null`, `none`, `[]` (and `base` for the parents) are none. */
function listValue(text: string, key: Field): string[] {
  const values = text.replace(/^\[|\]$/g, '').split(/[,\s]+/).map((v) => v.replace(/^['"`]|['"`]$/g, '')).filter((v) => v !== '');
  const none = ['null', 'none', ...(key === 'downRevision' ? ['base'] : [])];
  return values.length === 1 && none.includes(values[0]!.toLowerCase()) ? [] : values;
}

/** The two sections of a `.sql` revision, each a list of statements and markers. */
interface Sections {
  readonly up: readonly SqlItem[];
  readonly down: readonly SqlItem[] | undefined;
  readonly upLine: number;
  readonly downLine: number | undefined;
}

const SECTION_HINT = 'Put the upgrade after a `-- retort:up` line and the downgrade after a `-- retort:down` line; `-- retort:no-transaction` and `-- retort:ack RULE reason` go right before a statement.';

function sectionsOf(path: string, items: readonly SqlItem[]): Sections {
  let up: SqlItem[] | undefined;
  let down: SqlItem[] | undefined;
  let upLine = 0;
  let downLine: number | undefined;
  let current: SqlItem[] | undefined;
  for (const item of items) {
    if (item.kind === 'marker' && (item.name === 'up' || item.name === 'down')) {
      if ((item.name === 'up' ? up : down) !== undefined) throw badSqlFile(path, item.line, `a second '-- retort:${item.name}' section`, SECTION_HINT);
      if (item.name === 'up' && down !== undefined) throw badSqlFile(path, item.line, "the '-- retort:up' section comes after '-- retort:down'", SECTION_HINT);
      current = [];
      if (item.name === 'up') { up = current; upLine = item.line; } else { down = current; downLine = item.line; }
      continue;
    }
    if (item.kind === 'marker' && item.name !== 'no-transaction' && item.name !== 'ack') throw badSqlFile(path, item.line, `unknown marker '-- retort:${item.name}'`, SECTION_HINT);
    if (item.kind === 'marker' && item.name === 'ack' && ackOf(item.argument)[1] === '') {
      throw badSqlFile(path, item.line, "'-- retort:ack' needs a rule and a reason", "Write `-- retort:ack raw-execute why it is safe` on the line before the statement.");
    }
    if (current === undefined) throw badSqlFile(path, item.line, "a statement before the '-- retort:up' line", SECTION_HINT);
    current.push(item);
  }
  if (up === undefined) throw badSqlFile(path, undefined, "no '-- retort:up' section", SECTION_HINT);
  for (const section of [up, down]) {
    const last = section?.at(-1);
    if (last?.kind === 'marker') throw badSqlFile(path, last.line, `'-- retort:${last.name}' is not followed by a statement`, SECTION_HINT);
  }
  return { up, down, upLine, downLine };
}

/** The rule and the reason of `-- retort:ack RULE reason...`. */
function ackOf(argument: string): [rule: string, reason: string] {
  const match = /^(\S+)\s*(.*)$/.exec(argument);
  return match === null ? ['', ''] : [match[1]!, match[2]!];
}

/**
 * The code of one section's function, line by line (`lines[k]` goes on line k + 1): each
 * statement's `op.execute` call on its own line and column;
 * consecutive `no-transaction` statements share one `op.noTransaction` block.
 */
function emitSection(lines: string[], name: 'upgrade' | 'downgrade', at: number, items: readonly SqlItem[], statements: string[]): void {
  const put = (line: number, code: string) => {
    while (lines.length < line) lines.push('');
    lines[line - 1] += code;
  };
  /**
   * V8 names the `await` of a call whose promise settles later (the runner's case), and the call
   * itself when it throws at once: `await` goes at the statement's column, the call right after.
   */
  const call = (line: number, column: number, code: string) => {
    while (lines.length < line) lines.push('');
    const before = lines[line - 1]!;
    const pad = Math.max(before === '' ? 0 : 1, column - 1 - before.length);
    lines[line - 1] = before + ' '.repeat(pad) + code;
  };
  put(at, `exports.${name} = async function ${name}({ op }) {`);
  let outside = false;
  let last = at;
  let markers: Extract<SqlItem, { kind: 'marker' }>[] = [];
  for (const item of items) {
    if (item.kind === 'marker') { markers.push(item); continue; }
    const marked = markers.find((m) => m.name === 'no-transaction');
    if (outside && marked === undefined) { put(last, ' });'); outside = false; }
    if (marked !== undefined && !outside) { put(marked.line, ' await op.noTransaction(async () => {'); outside = true; }
    statements.push(item.sql);
    // `-- retort:ack RULE reason` acknowledges a lint finding of the statement, as `.ack()` does.
    const acks = markers.filter((m) => m.name === 'ack').map((m) => {
      const [rule, reason] = ackOf(m.argument);
      statements.push(rule, reason);
      return `.ack(S[${statements.length - 2}], S[${statements.length - 1}])`;
    });
    call(item.line, item.column, `await op.execute(S[${statements.length - 1 - acks.length * 2}])${acks.join('')};`);
    last = item.line;
    markers = [];
  }
  put(last, outside ? ' }); };' : ' };');
}

/**
 * The module of a `.sql` revision: `upgrade` and (when the file has a down section) `downgrade`,
 * each running the section's statements through `op.execute` in order.
 * @throws RetortError `BadRevisionFile` naming the file and line of what cannot be read.
 */
export function sqlRevisionModule(path: string, source: string): Record<string, unknown> {
  const sections = sectionsOf(path, splitSql(path, source));
  const statements: string[] = [];
  const lines: string[] = [];
  emitSection(lines, 'upgrade', sections.upLine, sections.up, statements);
  if (sections.down !== undefined) emitSection(lines, 'downgrade', sections.downLine!, sections.down, statements);
  // Wrapped on line 1 without a line break, so the lines stay the file's.
  const script = new Script(`(function (S, exports) {${lines.join('\n')}\n})`, { filename: path });
  const exports: Record<string, unknown> = {};
  (script.runInThisContext() as (s: readonly string[], e: object) => void)(Object.freeze(statements), exports);
  return exports;
}
