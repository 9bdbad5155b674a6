/**
 * Checks a config value key by key. Each error names the file, the key (as a path such as
 * `targets.analytics.transaction`), what the key allows and what it got; an unknown key gets the
 * closest known key as a suggestion. The URL's value is never echoed (it may hold a password).
 */
import { RetortError } from '../errors.js';
import type { NamedTargetConfig, RetortConfig, TargetConfig } from './define.js';
import { autogenerateProblem } from './autogenerate.js';
import { closestMatch } from './suggest.js';

/** Where the value being validated came from, for the messages. */
export interface ConfigSource {
  /** Absolute path of the config file (the `file` field of errors). */
  readonly file: string;
  /** How the file is named in messages (usually relative to the working directory). */
  readonly shownAs: string;
}

/** Tokens a `fileTemplate` may use. */
export const FILE_TEMPLATE_TOKENS = Object.freeze(['rev', 'slug', 'year', 'month', 'day', 'hour', 'minute', 'second', 'epoch']);

/** A check: undefined when `value` is acceptable, else what the key allows ("a non-empty string"). */
type Check = (value: unknown) => string | undefined;

const nonEmptyString: Check = (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : 'a non-empty string');

const oneOf =
  (key: string): Check =>
  (v) =>
    typeof v === 'string' && ENUM_VALUES[key]!.includes(v) ? undefined : listAllowed(ENUM_VALUES[key]!);

/** Keys whose value is one of a few words: a near miss gets "did you mean". */
const ENUM_VALUES: Readonly<Record<string, readonly string[]>> = {
  transaction: ['per-migration', 'all', 'none'],
  revisionIds: ['random', 'sequential', 'date'],
};

/** A duration in seconds: a finite number, 0 or more. */
function seconds(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'a number of seconds (0 or more)';
}

const TARGET_CHECKS: Readonly<Record<keyof TargetConfig, Check>> = {
  url: nonEmptyString,
  migrations: (v) =>
    (typeof v === 'string' && v.trim() !== '') ||
    (Array.isArray(v) && v.length > 0 && v.every((d) => typeof d === 'string' && d.trim() !== ''))
      ? undefined
      : 'a folder path or a non-empty array of folder paths',
  schema: nonEmptyString,
  dbSchema: nonEmptyString,
  createDbSchema: (v) => (typeof v === 'boolean' ? undefined : 'true or false'),
  versionTable: nonEmptyString,
  historyTable: nonEmptyString,
  transaction: oneOf('transaction'),
  revisionIds: oneOf('revisionIds'),
  lockTimeout: seconds,
  lockLease: (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 1 && v <= 3600 ? undefined : 'a number of seconds from 1 to 3600',
  connectTimeout: seconds,
  keepalive: seconds,
  statementIdleTimeout: seconds,
  lockWaitTimeout: seconds,
  statementTimeout: seconds,
  lockWaitRetries: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 20 ? undefined : 'a whole number from 0 to 20'),
  fileTemplate: (v) => {
    const allowed = `a file name pattern using ${FILE_TEMPLATE_TOKENS.map((t) => `{${t}}`).join(', ')}`;
    if (typeof v !== 'string' || v.trim() === '' || /[\\/]/.test(v)) return `${allowed} (no folders)`;
    const tokens = [...v.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);
    return tokens.every((t) => FILE_TEMPLATE_TOKENS.includes(t)) ? undefined : allowed;
  },
  autogenerate: autogenerateProblem,
};

const TOP_CHECKS: Readonly<Record<keyof RetortConfig, Check>> = {
  ...TARGET_CHECKS,
  targets: (v) =>
    typeof v === 'function' || Array.isArray(v) || isPlainObject(v)
      ? undefined
      : 'an object of named targets, an array of targets with `name`, or a function returning either',
  defaultTarget: nonEmptyString,
};

/** Keys whose values are never shown in errors. */
const SECRET_KEYS = new Set(['url']);

/**
 * Validates the whole exported config. Keys set to `undefined` count as absent (so
 * `url: process.env.DATABASE_URL` is fine when the variable is unset).
 *
 * @throws RetortError `ConfigInvalid` with fields `{ file, key }`.
 */
export function validateConfig(value: unknown, source: ConfigSource): RetortConfig {
  if (!isPlainObject(value)) {
    throw invalid(source, '', `${source.shownAs}: the config must be an object (\`export default defineConfig({ ... })\`), got ${describe(value, false)}.`);
  }
  checkKeys(value, TOP_CHECKS, '', source);
  const config = value as RetortConfig;
  if (config.versionTable !== undefined && config.versionTable === config.historyTable) {
    throw invalid(source, 'historyTable', `${source.shownAs}: \`versionTable\` and \`historyTable\` must differ, both are '${config.versionTable}'.`);
  }
  return config;
}

/**
 * Validates the `targets` of a config (static, or as returned by the function) and gives them
 * as a list of named targets, in declaration order.
 *
 * @throws RetortError `ConfigInvalid` naming the target and key.
 */
export function validateTargets(value: unknown, source: ConfigSource): NamedTargetConfig[] {
  const entries: Array<[string, unknown, string]> = [];
  if (Array.isArray(value)) {
    value.forEach((entry, index) => {
      const at = `targets[${index}]`;
      if (!isPlainObject(entry)) throw wrongType(source, at, 'an object with `name`', entry);
      const name = entry['name'];
      if (typeof name !== 'string' || name.trim() === '' || name.trim() !== name) {
        throw wrongType(source, `${at}.name`, 'a non-empty string without surrounding spaces', name);
      }
      entries.push([name, omitName(entry), at]);
    });
  } else if (isPlainObject(value)) {
    for (const [name, entry] of Object.entries(value)) entries.push([name, entry, targetPath(name)]);
  } else {
    throw wrongType(source, 'targets', 'an object of named targets or an array of targets with `name`', value);
  }
  const seen = new Set<string>();
  return entries.map(([name, entry, at]) => {
    if (seen.has(name)) throw invalid(source, at, `${source.shownAs}: two targets are named '${name}'; names must be unique.`);
    seen.add(name);
    if (!isPlainObject(entry)) throw wrongType(source, at, 'an object of target settings', entry);
    checkKeys(entry, TARGET_CHECKS, `${at}.`, source);
    return { ...(entry as TargetConfig), name };
  });
}

function checkKeys(obj: Record<string, unknown>, checks: Readonly<Record<string, Check>>, prefix: string, source: ConfigSource): void {
  for (const [key, value] of Object.entries(obj)) {
    const check = Object.hasOwn(checks, key) ? checks[key] : undefined;
    if (check === undefined) throw unknownKey(source, prefix, key, Object.keys(checks));
    if (value === undefined) continue;
    const allowed = check(value);
    if (allowed !== undefined) {
      throw wrongType(source, prefix + key, allowed, value, { secret: SECRET_KEYS.has(key), values: ENUM_VALUES[key] });
    }
  }
}

function unknownKey(source: ConfigSource, prefix: string, key: string, known: string[]): RetortError {
  const suggestion = closestMatch(key, known);
  const guess = suggestion === undefined ? '' : `; did you mean \`${prefix}${suggestion}\`?`;
  return invalid(
    source,
    prefix + key,
    `${source.shownAs}: unknown key \`${prefix}${key}\`${guess}`,
    `Known keys${prefix === '' ? '' : ' of a target'}: ${known.join(', ')}.`,
    suggestion,
  );
}

function wrongType(
  source: ConfigSource,
  key: string,
  allowed: string,
  value: unknown,
  options: { secret?: boolean; values?: readonly string[] | undefined } = {},
): RetortError {
  const got = describe(value, options.secret ?? false);
  const suggestion = typeof value === 'string' && options.values ? closestMatch(value, options.values) : undefined;
  const hint = suggestion === undefined ? undefined : `Did you mean '${suggestion}'?`;
  return invalid(source, key, `${source.shownAs}: \`${key}\` must be ${allowed}, got ${got}.`, hint, suggestion);
}

function invalid(source: ConfigSource, key: string, message: string, hint?: string, suggestion?: string): RetortError {
  return new RetortError('ConfigInvalid', message, {
    fields: { file: source.file, key, ...(suggestion === undefined ? {} : { suggestion }) },
    hint: hint ?? `Fix \`${key || 'the export'}\` in ${source.shownAs}.`,
  });
}

/** `'text'` for strings, `5 (a number)`, `an array`...; secrets show their type only. */
function describe(value: unknown, secret: boolean): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  const type = typeof value;
  if (type === 'string') {
    const text = value as string;
    if (secret) return text === '' ? 'an empty string' : 'a string';
    return text.length > 60 ? `'${text.slice(0, 57)}...'` : `'${text}'`;
  }
  if (type === 'object') return 'an object';
  if (type === 'function') return 'a function';
  if (secret) return `a ${type}`;
  return `${String(value)} (a ${type})`;
}

function listAllowed(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}`;
}

function targetPath(name: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(name) ? `targets.${name}` : `targets[${JSON.stringify(name)}]`;
}

function omitName(entry: Record<string, unknown>): Record<string, unknown> {
  const { name: _name, ...rest } = entry;
  return rest;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  // Modules loaded through a loader may build objects in another realm: accept any object
  // whose prototype is a root prototype.
  return proto === null || Object.getPrototypeOf(proto) === null;
}
