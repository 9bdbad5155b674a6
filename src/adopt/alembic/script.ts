/**
 * Reads one Alembic revision script (`versions/*.py`) as Alembic's `Script` sees it, without
 * running Python: the header assignments (`revision`, `down_revision`, `branch_labels`,
 * `depends_on`, with or without the type annotations of Alembic 1.8+ templates), the docstring
 * (message and `Create Date`), and the source of `upgrade()`, `downgrade()` and the rest of the
 * module, which become comments in the converted revision. A header value that is not a literal
 * (a name, a call, an f-string) cannot be known without running the script: it is refused with
 * the file and line rather than guessed.
 */
import { RetortError } from '../../errors.js';
import { branchLabelProblem, printable, revisionIdProblem } from '../../script/ids.js';
import { lineOf } from '../../script/lexer.js';
import { pythonStatements, PythonSyntaxError, type PyStatement, type PyToken } from './python.js';

/** What one Alembic script declares, and its Python to keep as comments. */
export interface AlembicScript {
  readonly path: string;
  readonly revision: string;
  /** Lines of the header assignments, for errors about their values (missing parent...). */
  readonly lines: Readonly<Record<HeaderName, number | undefined>>;
  readonly downRevisions: readonly string[];
  readonly branchLabels: readonly string[];
  readonly dependsOn: readonly string[];
  /** The docstring's first paragraph, as Alembic's `Script.doc` (empty without a docstring). */
  readonly message: string;
  /** The docstring's `Create Date:` as written (Alembic writes local time, maybe with an offset). */
  readonly createDate: string | undefined;
  /** `def upgrade...` with its body, as written; undefined when the script has none. */
  readonly upgrade: string | undefined;
  readonly downgrade: string | undefined;
  /** The functions whose body does nothing (`pass`, a docstring): a merge's, typically. */
  readonly empty: ReadonlySet<'upgrade' | 'downgrade'>;
  /** Every other module-level statement (imports, helpers), as written, in order. */
  readonly rest: string;
}

/** The header assignments, by their Python names. */
export type HeaderName = 'revision' | 'down_revision' | 'branch_labels' | 'depends_on';
const HEADER_NAMES: readonly HeaderName[] = ['revision', 'down_revision', 'branch_labels', 'depends_on'];

/** An Alembic script retort cannot read: file and line, exit 2. */
export function badScript(path: string, source: string, offset: number | undefined, problem: string): RetortError {
  const line = offset === undefined ? undefined : lineOf(source, offset);
  return new RetortError('BadRevisionFile', `Alembic script ${path}${line === undefined ? '' : `:${line}`}: ${problem}.`, {
    fields: { path, file: path, ...(line === undefined ? {} : { line }), problem },
    hint: 'retort reads the header without running Python: `revision`, `down_revision`, `branch_labels` and `depends_on` must be string literals, None, or tuples or lists of strings. Write the value out in the script (or move a file that is no revision out of the folder) and run adopt again.',
  });
}

/** A header value: `None`, strings (adjacent ones concatenated), or a tuple or list of strings, as Alembic's `util.to_tuple` reads it. */
function literalValues(tokens: readonly PyToken[], fail: (offset: number, problem: string) => never): string[] {
  const first = tokens[0];
  if (first === undefined) return fail(0, 'the assignment has no value');
  if (tokens.length === 1 && first.kind === 'name' && first.value === 'None') return [];
  const bracket = first.kind === 'op' && (first.value === '(' || first.value === '[') ? first.value : undefined;
  let inner = tokens;
  if (bracket !== undefined) {
    const last = tokens[tokens.length - 1];
    if (last?.value !== (bracket === '(' ? ')' : ']')) return fail(first.start, 'a value that is not one tuple or list of strings');
    inner = tokens.slice(1, -1);
  }
  const values: string[] = [];
  let current: string | undefined;
  for (const token of inner) {
    if (token.kind === 'string' && !token.computed) current = (current ?? '') + token.value;
    else if (token.kind === 'op' && token.value === ',' && current !== undefined) {
      values.push(current);
      current = undefined;
    } else {
      const what = token.kind === 'string' ? 'an f-string or bytes literal' : `'${token.value}'`;
      return fail(token.start, `${what} where a string literal was expected (the value must be known without running Python)`);
    }
  }
  if (current !== undefined) values.push(current);
  return values;
}

/** `NAME [: annotation] = value` at module level, for a header name; undefined for any other statement. */
function headerAssignment(statement: PyStatement, fail: (offset: number, problem: string) => never): { name: HeaderName; values: string[] } | undefined {
  const [first, second] = statement.tokens;
  if (statement.indent !== 0 || first?.kind !== 'name' || !HEADER_NAMES.includes(first.value as HeaderName)) return undefined;
  if (second?.kind !== 'op' || (second.value !== '=' && second.value !== ':')) {
    // `revision.foo`, `revision(...)` or `revision += ...`: not an assignment retort can read.
    if (second?.kind === 'op' && second.value.endsWith('=') && second.value !== '==') return fail(first.start, `\`${first.value} ${second.value}\` computes the value at run time`);
    return undefined;
  }
  let at = 1;
  if (second.value === ':') {
    // The annotation (`str`, `Union[str, Sequence[str], None]`, `str | None`...) says nothing the value does not.
    let depth = 0;
    for (at = 2; at < statement.tokens.length; at++) {
      const t = statement.tokens[at] as PyToken;
      if (t.kind === 'op' && '([{'.includes(t.value)) depth++;
      else if (t.kind === 'op' && ')]}'.includes(t.value)) depth--;
      else if (depth === 0 && t.kind === 'op' && t.value === '=') break;
    }
    if (at >= statement.tokens.length) return fail(first.start, `\`${first.value}\` is annotated but never given a value`);
  }
  const value = statement.tokens.slice(at + 1);
  if (value.some((t) => t.kind === 'op' && t.value === '=')) return fail(first.start, `a chained assignment to \`${first.value}\``);
  return { name: first.value as HeaderName, values: literalValues(value, fail) };
}

/** Whether a statement opens the top-level `def NAME` (plain or async), or a decorator line above one. */
function defName(statement: PyStatement): string | undefined {
  const t = statement.tokens;
  const at = t[0]?.value === 'async' ? 1 : 0;
  return statement.indent === 0 && t[at]?.value === 'def' && t[at + 1]?.kind === 'name' ? t[at + 1]?.value : undefined;
}

/** A statement of a function body that does nothing: `pass`, `...`, a docstring. */
function doesNothing(statement: PyStatement): boolean {
  const [only, more] = statement.tokens;
  if (statement.tokens.length === 3 && statement.tokens.every((t) => t.kind === 'op' && t.value === '.')) return true;
  return more === undefined && only !== undefined && ((only.kind === 'name' && only.value === 'pass') || (only.kind === 'string' && !only.computed));
}

/** The message and `Create Date` of a module docstring, as Alembic's `Script.doc` reads it. */
function fromDocstring(doc: string | undefined): { message: string; createDate: string | undefined } {
  const text = (doc ?? '').trim();
  const message = text.split('\n\n')[0] ?? '';
  const createDate = /^\s*Create Date:[ \t]*(\S.*?)\s*$/m.exec(text)?.[1];
  return { message: message.trim(), createDate };
}

/**
 * Reads the script at `path` from `source`.
 * @throws RetortError `BadRevisionFile` (exit 2) naming the file and line: a string never closed,
 *   a header value that is not a literal, no `revision`, an id or label retort cannot keep.
 */
export function readAlembicScript(path: string, source: string): AlembicScript {
  const fail = (offset: number | undefined, problem: string): never => {
    throw badScript(path, source, offset, problem);
  };
  let statements: PyStatement[];
  try {
    statements = pythonStatements(source.replace(/^\uFEFF/, ''));
  } catch (error) {
    if (error instanceof PythonSyntaxError) return fail(error.offset, error.message);
    throw error;
  }
  const found = new Map<HeaderName, { values: string[]; offset: number }>();
  const blocks: Record<'upgrade' | 'downgrade', string | undefined> = { upgrade: undefined, downgrade: undefined };
  const empty = new Set<'upgrade' | 'downgrade'>();
  let rest = '';
  let restEnd = 0;
  let doc: string | undefined;
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i] as PyStatement;
    const only = statement.tokens.length === 1 ? statement.tokens[0] : undefined;
    if (i === 0 && only?.kind === 'string' && !only.computed) {
      doc = only.value;
      continue;
    }
    const assignment = headerAssignment(statement, fail);
    if (assignment !== undefined) {
      // As in Python, a later assignment wins.
      found.set(assignment.name, { values: assignment.values, offset: statement.start });
      continue;
    }
    // A block: this statement (decorators first) and every more indented one after it.
    let last = i;
    while (statements[last]?.tokens[0]?.value === '@' && statements[last + 1] !== undefined && statements[last + 1]?.indent === 0) last++;
    const name = defName(statements[last] as PyStatement);
    while (statements[last + 1] !== undefined && (statements[last + 1] as PyStatement).indent > 0) last++;
    const end = (statements[last] as PyStatement).end;
    const text = source.slice(statement.start, end);
    if ((name === 'upgrade' || name === 'downgrade') && blocks[name] === undefined) {
      blocks[name] = text;
      // `def upgrade():` then a body of `pass` only (a body on the def line is never taken as empty).
      const body = statements.slice(i + 1, last + 1).filter((st) => st.indent > 0);
      const opener = statements.slice(i, last + 1).find((st) => defName(st) !== undefined);
      if (opener?.tokens.at(-1)?.value === ':' && body.length > 0 && body.every(doesNothing)) empty.add(name);
    } else {
      // Blocks of the rest keep a blank line between them where the script had one.
      rest += rest === '' ? text : `${/\n[ \t\r]*\n/.test(source.slice(restEnd, statement.start)) ? '\n\n' : '\n'}${text}`;
      restEnd = end;
    }
    i = last;
  }
  const revision = found.get('revision');
  if (revision === undefined) return fail(undefined, 'no `revision = ...` assignment at module level, so Alembic itself could not load it as a revision');
  if (revision.values.length !== 1) return fail(revision.offset, '`revision` must be one string');
  const id = revision.values[0] as string;
  const check = (name: HeaderName, value: string, problem: string | undefined) => {
    if (problem !== undefined) fail(found.get(name)?.offset, `${name} '${printable(value)}' ${problem}, which retort cannot keep as ${name === 'branch_labels' ? 'a branch label' : 'a revision id'}`);
  };
  const values = (name: HeaderName) => found.get(name)?.values ?? [];
  check('revision', id, revisionIdProblem(id));
  for (const parent of values('down_revision')) check('down_revision', parent, revisionIdProblem(parent));
  for (const label of values('branch_labels')) check('branch_labels', label, branchLabelProblem(label));
  for (const dependency of values('depends_on')) check('depends_on', dependency, branchLabelProblem(dependency));
  const lines = Object.fromEntries(HEADER_NAMES.map((n) => {
    const at = found.get(n)?.offset;
    return [n, at === undefined ? undefined : lineOf(source, at)];
  })) as Record<HeaderName, number | undefined>;
  return {
    path, revision: id, lines,
    downRevisions: [...new Set(values('down_revision'))],
    branchLabels: [...new Set(values('branch_labels'))],
    dependsOn: [...new Set(values('depends_on'))],
    ...fromDocstring(doc),
    upgrade: blocks.upgrade, downgrade: blocks.downgrade, empty, rest,
  };
}
