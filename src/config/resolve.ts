/**
 * The resolved form of a config, which the runtime and the CLI consume: every path absolute,
 * every default applied, the `--url` override in place, SQLite paths made absolute.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isRetortError, RetortError } from '../errors.js';
import type { NamedTargetConfig, RetortConfig, RevisionIdStyle, TargetConfig, TransactionMode } from './define.js';
import { parseUrl, SQLITE_MEMORY, familyOf } from './url.js';
import type { ConfigSource } from './validate.js';
import { resolveAutogenerate, type ResolvedAutogenerate } from './autogenerate.js';
import type { ConnectionTimeouts, StatementLimits } from '../dialects/dialect.js';

/** Defaults applied to every target. */
export const CONFIG_DEFAULTS = Object.freeze({
  migrations: './migrations',
  versionTable: 'retort_version',
  historyTable: 'retort_history',
  transaction: 'per-migration' as TransactionMode,
  revisionIds: 'random' as RevisionIdStyle,
  lockTimeoutSeconds: 60,
  lockLeaseSeconds: 10,
  connectTimeoutSeconds: 10,
  keepaliveSeconds: 30,
  statementIdleTimeoutSeconds: 30,
  lockWaitTimeoutSeconds: 10,
  lockWaitRetries: 3,
  fileTemplate: '{rev}_{slug}',
});

/** The name of the one target of a single-target config. */
export const DEFAULT_TARGET_NAME = 'default';

/** One database a command can run on, fully resolved. */
export interface ResolvedTarget {
  /** `default` for a single-target config; the key or `name` in `targets` otherwise. */
  readonly name: string;
  /**
   * The connection URL, ready for `parseUrl`: `--url` if given, else the config's. A relative
   * SQLite path has been made absolute (against the config's folder for a config URL, against
   * the working directory for `--url`). Contains the password: show it with `displayUrl`.
   */
  readonly url: string;
  /** Where `url` came from. */
  readonly urlSource: 'config' | 'command-line';
  /** Absolute version directories, in the order given. */
  readonly migrations: readonly string[];
  /** Absolute path of the schema module, if configured. */
  readonly schema: string | undefined;
  /** Database namespace for the tables and the version table, if configured. */
  readonly dbSchema: string | undefined;
  /** Create `dbSchema` when a writing run finds it missing. */
  readonly createDbSchema: boolean;
  readonly versionTable: string;
  readonly historyTable: string;
  readonly transaction: TransactionMode;
  readonly revisionIds: RevisionIdStyle;
  /** Seconds to wait for the migration lock. */
  readonly lockTimeoutSeconds: number;
  /** Seconds a lease-based run lock (Galera) lasts without renewal. */
  readonly lockLeaseSeconds: number;
  /** The connections' timeouts from the config (a URL's own parameters win at connect time). */
  readonly timeouts: ConnectionTimeouts;
  /** Lock waits and statement run times of a run's statements (see {@link StatementLimits}). */
  readonly limits: StatementLimits;
  /** File name pattern for new revisions (see {@link TargetConfig.fileTemplate}). */
  readonly fileTemplate: string;
  /** Absolute path of the config file this target comes from. */
  readonly configPath: string;
  /** The table filter, namespaces and rewrite hook of autogenerate, `check` and `pull`. */
  readonly autogenerate: ResolvedAutogenerate;
}

/** What resolution needs to know besides the config itself. */
export interface ResolveContext {
  readonly source: ConfigSource;
  /** Folder that relative paths in the config resolve against (the config file's folder). */
  readonly root: string;
  /** Working directory: `--url`'s relative SQLite paths resolve against it. */
  readonly cwd: string;
  /** `--url`, if given. */
  readonly urlOverride: string | undefined;
}

/**
 * One target: its own keys over the top-level defaults over {@link CONFIG_DEFAULTS}.
 *
 * @throws RetortError `ConfigInvalid` when no URL is set; `BadUrl` (naming the file) for a bad one.
 */
export function resolveTarget(defaults: TargetConfig, own: TargetConfig, name: string, ctx: ResolveContext): ResolvedTarget {
  const pick = <K extends keyof TargetConfig>(key: K): TargetConfig[K] => (own[key] !== undefined ? own[key] : defaults[key]);
  const migrations = pick('migrations') ?? CONFIG_DEFAULTS.migrations;
  const schema = pick('schema');
  const versionTable = pick('versionTable') ?? CONFIG_DEFAULTS.versionTable;
  const historyTable = pick('historyTable') ?? CONFIG_DEFAULTS.historyTable;
  if (versionTable === historyTable) {
    throw new RetortError('ConfigInvalid', `${ctx.source.shownAs}: target '${name}' uses '${versionTable}' as both version and history table.`, {
      fields: { file: ctx.source.file, key: 'historyTable', target: name },
      hint: 'Give `historyTable` a different name.',
    });
  }
  const target: ResolvedTarget = {
    name,
    ...resolveUrl(pick('url'), name, ctx),
    migrations: Object.freeze((typeof migrations === 'string' ? [migrations] : [...migrations]).map((dir) => resolve(ctx.root, dir))),
    schema: schema === undefined ? undefined : resolve(ctx.root, schema),
    dbSchema: pick('dbSchema'),
    createDbSchema: pick('createDbSchema') ?? false,
    versionTable,
    historyTable,
    transaction: pick('transaction') ?? CONFIG_DEFAULTS.transaction,
    revisionIds: pick('revisionIds') ?? CONFIG_DEFAULTS.revisionIds,
    lockTimeoutSeconds: pick('lockTimeout') ?? CONFIG_DEFAULTS.lockTimeoutSeconds,
    lockLeaseSeconds: pick('lockLease') ?? CONFIG_DEFAULTS.lockLeaseSeconds,
    timeouts: Object.freeze({
      connectMs: (pick('connectTimeout') ?? CONFIG_DEFAULTS.connectTimeoutSeconds) * 1000,
      keepaliveMs: (pick('keepalive') ?? CONFIG_DEFAULTS.keepaliveSeconds) * 1000,
      statementIdleMs: (pick('statementIdleTimeout') ?? CONFIG_DEFAULTS.statementIdleTimeoutSeconds) * 1000,
    }),
    limits: Object.freeze({
      lockWaitMs: (pick('lockWaitTimeout') ?? CONFIG_DEFAULTS.lockWaitTimeoutSeconds) * 1000,
      statementMs: (pick('statementTimeout') ?? 0) * 1000,
      lockWaitRetries: pick('lockWaitRetries') ?? CONFIG_DEFAULTS.lockWaitRetries,
    }),
    fileTemplate: pick('fileTemplate') ?? CONFIG_DEFAULTS.fileTemplate,
    configPath: ctx.source.file,
    autogenerate: resolveAutogenerate(pick('autogenerate')),
  };
  return Object.freeze(target);
}

/** Resolves every target of a multi-target config, with the top-level keys as defaults. */
export function resolveTargets(config: RetortConfig, targets: readonly NamedTargetConfig[], ctx: ResolveContext): ResolvedTarget[] {
  const { targets: _targets, defaultTarget: _default, ...defaults } = config;
  return targets.map(({ name, ...own }) => resolveTarget(defaults, own, name, ctx));
}

function resolveUrl(configUrl: string | undefined, name: string, ctx: ResolveContext): Pick<ResolvedTarget, 'url' | 'urlSource'> {
  if (ctx.urlOverride !== undefined) {
    // From the command line: relative SQLite paths mean what they mean in the user's shell.
    return { url: absoluteSqliteUrl(ctx.urlOverride, ctx.cwd), urlSource: 'command-line' };
  }
  if (configUrl === undefined) {
    const where = name === DEFAULT_TARGET_NAME ? '' : ` for target '${name}'`;
    throw new RetortError('ConfigInvalid', `${ctx.source.shownAs}: no database URL${where}: \`url\` is not set.`, {
      fields: { file: ctx.source.file, key: 'url', target: name },
      hint: 'Set `url` in the config (is the environment variable it reads set?), or pass --url.',
    });
  }
  try {
    // From the config: relative to the config file, so the project works from any folder.
    return { url: absoluteSqliteUrl(configUrl, ctx.root), urlSource: 'config' };
  } catch (error) {
    if (!isRetortError(error)) throw error;
    throw new RetortError(error.code, `${ctx.source.shownAs}: ${error.message}`, {
      fields: { ...error.fields, file: ctx.source.file, key: 'url', target: name },
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    });
  }
}

/**
 * The URL with a relative SQLite path made absolute against `baseDir` (other URLs unchanged),
 * so that `parseUrl` gives the same file whatever the process's working directory.
 */
export function absoluteSqliteUrl(url: string, baseDir: string): string {
  const parsed = parseUrl(url, { baseDir });
  if (familyOf(parsed) !== 'sqlite' || parsed.database === SQLITE_MEMORY || parsed.database === undefined) return url;
  const query = url.indexOf('?');
  // Re-encode only what would change the meaning of the path (`%` escapes and `?`).
  const path = parsed.database.replace(/%/g, '%25').replace(/\?/g, '%3F');
  return `${parsed.scheme}:${path}${query < 0 ? '' : url.slice(query)}`;
}

/** How a file is named in messages: relative to the working directory when inside it. */
export function shownPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** The folder relative config paths resolve against. */
export function configRoot(file: string): string {
  return dirname(file);
}
