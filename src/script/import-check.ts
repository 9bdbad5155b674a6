/**
 * Plain words for the two mistakes every newcomer makes with builders: importing a name that
 * retort-migrate does not export (`import { tinyint } from 'retort-migrate'` on a version without
 * it ran until the call, then said `(0 , import_retort_migrate.tinyint) is not a function`), and
 * using a builder without importing it (`integer is not defined`).
 */
import { RetortError } from '../errors.js';
import { closestMatch } from '../config/suggest.js';
import { lineOf } from './lexer.js';

/** The names retort-migrate exports, once the loader has loaded it (for suggestions). */
let exportedNames: readonly string[] = [];

/** Called by the loader with the package's own exports. */
export function noteRetortExports(names: readonly string[]): void {
  exportedNames = names;
}

/**
 * Before a compiled module runs: every name it uses from 'retort-migrate' must exist, or the
 * module is refused with its file, line and the nearest real name.
 * @throws RetortError `BadImport`
 */
export function checkImports(path: string, source: string, compiled: string, exported: Readonly<Record<string, unknown>>): void {
  const name = unknownImport(compiled, exported);
  if (name !== undefined) {
    const line = importLine(source, name);
    throw new RetortError('BadImport', `${path}${line === undefined ? '' : `:${line}`}: \`${name}\` is imported from 'retort-migrate', which exports no such name.`, {
      fields: { file: path, ...(line === undefined ? {} : { line }), name },
      hint: suggestion(name),
    });
  }
}

/**
 * The first name that compiled code (one module, or a batch of them) uses from 'retort-migrate'
 * and that `exported` lacks; undefined when there is none.
 */
export function unknownImport(compiled: string, exported: Readonly<Record<string, unknown>>): string | undefined {
  const pattern = unknownNamePattern(exported);
  for (let match = pattern.exec(compiled); match !== null; match = pattern.exec(compiled)) {
    if (!(match[1]! in exported)) return match[1]!;
  }
  return undefined;
}

/** {@link unknownNamePattern}'s regular expression for each set of exports. */
const unknownNamePatterns = new WeakMap<object, RegExp>();

/**
 * A use of a name from 'retort-migrate' (esbuild's CommonJS output writes it
 * `import_retort_migrate<n>.name`) that is NOT one of `exported`'s own names, so a scan stops
 * only at a suspect. Why not match every use and look each up: a 2,000-table schema module has
 * 12,000 uses, and a match object for each took ~10 ms of every `check`; this scan takes 0.4 ms.
 * (A suspect is still looked up with `in`, as before.)
 */
function unknownNamePattern(exported: Readonly<Record<string, unknown>>): RegExp {
  let pattern = unknownNamePatterns.get(exported);
  if (pattern === undefined) {
    // Each known name must end where the used name ends: `integer` must not pass `integer2`.
    const known = Object.keys(exported).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)).map((n) => n.replaceAll('$', '\\$'));
    pattern = new RegExp(`\\bimport_retort_migrate\\d*\\.(?!(?:${known.join('|')})(?![\\w$]))([A-Za-z_$][\\w$]*)`, 'g');
    unknownNamePatterns.set(exported, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

/** The line of `name` in an `import { ... } from 'retort-migrate'` of `source`. */
function importLine(source: string, name: string): number | undefined {
  for (const m of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]retort-migrate['"]/g)) {
    const inList = new RegExp(`(^|[\\s,])${name.replace(/\$/g, '\\$')}(?=[\\s,]|$)`).exec(m[1]!);
    if (inList) return lineOf(source, m.index + m[0].indexOf('{') + 1 + inList.index + inList[1]!.length);
  }
  return undefined;
}

function suggestion(name: string): string {
  const near = closestMatch(name, exportedNames);
  return `${near === undefined ? '' : `Did you mean \`${near}\`? `}For a column type retort has no builder for, use rawType('...') with the database's own spelling.`;
}

/**
 * The message of an error a user's script threw, with these two mistakes said plainly; any
 * other error's message as it is.
 */
export function explainScriptError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const notFunction = /\(?0\s*,\s*import_retort_migrate\d*\.([A-Za-z_$][\w$]*)\)? is not a function/.exec(message);
  if (notFunction) return `\`${notFunction[1]}\` is imported from 'retort-migrate', which exports no such name. ${suggestion(notFunction[1]!)}`;
  const notDefined = error instanceof ReferenceError ? /^([A-Za-z_$][\w$]*) is not defined$/.exec(message) : null;
  if (notDefined && exportedNames.includes(notDefined[1]!)) {
    return `\`${notDefined[1]}\` is used but not imported: add it to \`import { ... } from 'retort-migrate'\` at the top of the file.`;
  }
  return message;
}
