/**
 * Reading the config file's export: JSON is parsed, code is executed through the project's
 * TypeScript loader (`script/script-loader.ts`), so `retort.config.ts` needs no build step.
 */
import { readFileSync } from 'node:fs';
import { isRetortError, RetortError } from '../errors.js';
import type { ConfigSource } from './validate.js';

type ImportModule = (path: string) => Promise<Record<string, unknown>>;

/** The script loader, imported on first use so that reading a JSON config never loads it. */
async function importModule(): Promise<ImportModule> {
  return (await import('../script/script-loader.js')).loadScript;
}

/**
 * The config value a file exports: its `default` export (or a named `config` export); a default
 * export that is a function is called (and awaited), so a config may be computed.
 *
 * @throws RetortError `ConfigInvalid` when the file cannot be read, parsed or evaluated, or exports no config.
 */
export async function readConfigExport(source: ConfigSource): Promise<unknown> {
  if (source.file.endsWith('.json')) return readJson(source);
  let mod: Record<string, unknown>;
  try {
    mod = await (await importModule())(source.file);
  } catch (error) {
    throw await loadFailed(source, error);
  }
  const exported = mod['default'] !== undefined ? mod['default'] : mod['config'];
  if (exported === undefined) {
    throw new RetortError('ConfigInvalid', `${source.shownAs} has no default export (and no \`config\` export).`, {
      fields: { file: source.file, key: '' },
      hint: 'Write `export default defineConfig({ ... })`.',
    });
  }
  if (typeof exported !== 'function') return exported;
  try {
    return await (exported as () => unknown)();
  } catch (error) {
    throw await loadFailed(source, error);
  }
}

function readJson(source: ConfigSource): unknown {
  try {
    return JSON.parse(readFileSync(source.file, 'utf8')) as unknown;
  } catch (error) {
    throw new RetortError('ConfigInvalid', `${source.shownAs} is not valid JSON: ${firstLine(error)}.`, {
      fields: { file: source.file, key: '' },
      hint: 'Fix the JSON syntax, or use retort.config.ts.',
      cause: error,
    });
  }
}

async function loadFailed(source: ConfigSource, error: unknown): Promise<RetortError> {
  if (isRetortError(error)) return error;
  // The line of the config (or of a module it imports) that threw, as written.
  const { locateError, formatLocation } = await import('../script/stack-map.js');
  const at = locateError(error);
  return new RetortError('ConfigInvalid', `${source.shownAs} failed to load${at === undefined ? '' : ` at ${formatLocation(at)}`}: ${firstLine(error)}.`, {
    fields: { file: source.file, key: '', ...(at === undefined ? {} : { line: at.line, column: at.column, thrownIn: at.file }) },
    hint: 'Fix the error in the config file (run with --verbose for the stack).',
    cause: error,
  });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // A config that throws may quote a URL: mask any `scheme://user:password@` in the text.
  const masked = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s]*@/gi, '$1***@');
  return (masked.split('\n')[0] ?? '').replace(/\.$/, '');
}
