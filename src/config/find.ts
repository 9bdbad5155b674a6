/**
 * Finding the config file: `--config FILE`, or `retort.config.ts` (then `.js`, `.mjs`, `.json`, and
 * the rarer `.mts`, `.cjs`) in the working directory or the nearest parent that has one, so that
 * `retort` works from any subfolder of a project.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RetortError } from '../errors.js';

/** The file names looked for in each folder, in order of preference. */
export const CONFIG_FILE_NAMES = Object.freeze([
  'retort.config.ts',
  'retort.config.js',
  'retort.config.mjs',
  'retort.config.json',
  'retort.config.mts',
  'retort.config.cjs',
]);

const HINT = 'Run `retort init`, or pass --config.';

/**
 * The absolute path of the config file.
 *
 * @param cwd the folder to start from (and that a relative `explicitPath` is relative to).
 * @param explicitPath `--config`: a file, or a folder to look in (that folder only, not upward).
 * @throws RetortError `ConfigNotFound` naming the folders searched, or the missing file.
 */
export function findConfig(cwd: string, explicitPath?: string): string {
  const start = resolve(cwd);
  if (explicitPath !== undefined) {
    const path = resolve(start, explicitPath);
    const kind = kindOf(path);
    if (kind === 'file') return path;
    if (kind === 'dir') {
      const found = findIn(path);
      if (found !== undefined) return found;
      throw notFound(`No retort config in ${path} (looked for ${namesText()}).`, { cwd: start, searched: [path] });
    }
    throw notFound(`Config file ${path} (from --config) does not exist.`, { cwd: start, path, searched: [path] });
  }
  const searched: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    searched.push(dir);
    const found = findIn(dir);
    if (found !== undefined) return found;
    if (dirname(dir) === dir) break;
  }
  throw notFound(`No retort config found in ${start} or any parent folder (looked for ${namesText()}).`, {
    cwd: start,
    searched,
  });
}

function findIn(dir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(dir, name);
    if (kindOf(candidate) === 'file') return candidate;
  }
  return undefined;
}

function kindOf(path: string): 'file' | 'dir' | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : undefined;
  } catch {
    return undefined;
  }
}

function namesText(): string {
  return CONFIG_FILE_NAMES.join(', ');
}

function notFound(message: string, fields: Record<string, unknown>): RetortError {
  return new RetortError('ConfigNotFound', message, { fields: { ...fields, names: [...CONFIG_FILE_NAMES] }, hint: HINT });
}
