/**
 * Loading a config: find the file, read its export, validate it, resolve it into targets; and
 * choosing the targets a command runs on.
 */
import { resolve } from 'node:path';
import { isRetortError, RetortError } from '../errors.js';
import type { RetortConfig, TargetsConfig } from './define.js';
import { findConfig } from './find.js';
import { readConfigExport } from './module.js';
import {
  configRoot,
  DEFAULT_TARGET_NAME,
  resolveTarget,
  resolveTargets,
  shownPath,
  type ResolveContext,
  type ResolvedTarget,
} from './resolve.js';
import { closestMatch } from './suggest.js';
import { validateConfig, validateTargets } from './validate.js';
import { parseXArgs } from './xargs.js';

/** Options of {@link loadConfig}; the CLI fills them from its global options. */
export interface LoadConfigOptions {
  /** Where the search starts, and what relative `configPath` and `--url` SQLite paths are relative to. Default `process.cwd()`. */
  readonly cwd?: string;
  /** `--config FILE` (or a folder to look in). */
  readonly configPath?: string;
  /** `--url`: replaces the URL of every target. */
  readonly url?: string;
  /** `-x KEY=VALUE` arguments, raw (`['k=v']`) or parsed; passed to a computed `targets` function. */
  readonly xArgs?: readonly string[] | Readonly<Record<string, string>>;
}

/** A loaded, validated, resolved config. */
export interface LoadedConfig {
  /** Absolute path of the config file. */
  readonly path: string;
  /** The config file's folder: what relative paths in it are relative to. */
  readonly root: string;
  /** True when the config has `targets`. */
  readonly isMulti: boolean;
  /**
   * The targets: a list, or (for a computed `targets`) a function that computes them on first
   * call and then returns the same list. Use {@link selectTargets} or {@link listTargets}.
   */
  readonly targets: readonly ResolvedTarget[] | (() => Promise<readonly ResolvedTarget[]>);
  /** The target used when a multi-target command names none (`defaultTarget`). */
  readonly defaultTarget: string | undefined;
  /** The parsed `-x` arguments. */
  readonly xArgs: Readonly<Record<string, string>>;
  /** True when `--url` replaced the configured URL(s). */
  readonly urlOverridden: boolean;
}

/**
 * Finds, imports, validates and resolves the config.
 *
 * @throws RetortError `ConfigNotFound`, `ConfigInvalid`, `BadUrl` or `BadArgument` (a bad `-x`).
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const xArgs = normaliseXArgs(options.xArgs);
  const path = findConfig(cwd, options.configPath);
  const source = { file: path, shownAs: shownPath(path, cwd) };
  const config = validateConfig(await readConfigExport(source), source);
  const root = configRoot(path);
  const ctx: ResolveContext = { source, root, cwd, urlOverride: options.url };
  const base = { path, root, xArgs, urlOverridden: options.url !== undefined, defaultTarget: config.defaultTarget };

  if (config.targets === undefined) {
    if (config.defaultTarget !== undefined) {
      throw new RetortError('ConfigInvalid', `${source.shownAs}: \`defaultTarget\` needs \`targets\`.`, {
        fields: { file: path, key: 'defaultTarget' },
        hint: 'Remove `defaultTarget`, or list the databases under `targets`.',
      });
    }
    const { defaultTarget: _unused, targets: _none, ...single } = config;
    return Object.freeze({ ...base, isMulti: false, targets: Object.freeze([resolveTarget({}, single, DEFAULT_TARGET_NAME, ctx)]) });
  }

  const targets = config.targets;
  if (typeof targets !== 'function') {
    const list = resolveTargets(config, validateTargets(targets, source), ctx);
    if (list.length === 0) {
      throw new RetortError('ConfigInvalid', `${source.shownAs}: \`targets\` is empty.`, {
        fields: { file: path, key: 'targets' },
        hint: 'Name at least one database under `targets`, or remove the key.',
      });
    }
    checkDefaultTarget(config.defaultTarget, list, path);
    return Object.freeze({ ...base, isMulti: true, targets: Object.freeze(list) });
  }
  return Object.freeze({ ...base, isMulti: true, targets: computedTargets(config, targets, ctx, xArgs) });
}

function normaliseXArgs(xArgs: LoadConfigOptions['xArgs']): Readonly<Record<string, string>> {
  if (xArgs === undefined) return Object.freeze({});
  // `Array.isArray` does not narrow readonly arrays, hence the explicit casts.
  if (Array.isArray(xArgs)) return Object.freeze(parseXArgs(xArgs as readonly string[]));
  return Object.freeze({ ...(xArgs as Readonly<Record<string, string>>) });
}

/** Calls a computed `targets` once (memoised), then validates and resolves what it returned. */
function computedTargets(
  config: RetortConfig,
  compute: Extract<TargetsConfig, (...args: never[]) => unknown>,
  ctx: ResolveContext,
  xArgs: Readonly<Record<string, string>>,
): () => Promise<readonly ResolvedTarget[]> {
  let cached: Promise<readonly ResolvedTarget[]> | undefined;
  const run = async (): Promise<readonly ResolvedTarget[]> => {
    let raw: unknown;
    try {
      raw = await compute({ xArgs, configPath: ctx.source.file, url: ctx.urlOverride });
    } catch (error) {
      if (isRetortError(error)) throw error;
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new RetortError('ConfigInvalid', `${ctx.source.shownAs}: the \`targets\` function failed: ${reason}`, {
        fields: { file: ctx.source.file, key: 'targets' },
        hint: 'Fix the `targets` function (run with --verbose for the stack).',
        cause: error,
      });
    }
    const list = Object.freeze(resolveTargets(config, validateTargets(raw, ctx.source), ctx));
    checkDefaultTarget(config.defaultTarget, list, ctx.source.file);
    return list;
  };
  return () => (cached ??= run());
}

function checkDefaultTarget(name: string | undefined, list: readonly ResolvedTarget[], file: string): void {
  if (name !== undefined && !list.some((t) => t.name === name)) throw unknownTarget(name, list, file, 'defaultTarget');
}

/** Every target of the config (computing them if the config has a `targets` function). */
export async function listTargets(config: LoadedConfig): Promise<readonly ResolvedTarget[]> {
  return typeof config.targets === 'function' ? config.targets() : config.targets;
}

/** Which targets a command runs on: `--target NAME`, `--all-targets`, or neither. */
export interface TargetSelection {
  readonly target?: string | undefined;
  readonly all?: boolean | undefined;
}

/**
 * The targets a command runs on. With `target`, that one; with `all`, every one (possibly none
 * for a computed list); with neither, the only target of a single-target config or the
 * config's `defaultTarget`.
 *
 * @throws RetortError `UnknownTarget` (listing the names), or `BadArgument` for a multi-target
 * config without a selection, for both options at once, or for `--url` with several targets.
 */
export async function selectTargets(config: LoadedConfig, selection: TargetSelection = {}): Promise<ResolvedTarget[]> {
  if (selection.target !== undefined && selection.all) {
    throw new RetortError('BadArgument', 'Pass either --target or --all-targets, not both.', {
      fields: { target: selection.target },
      hint: 'Drop one of the two options.',
    });
  }
  const list = await listTargets(config);
  if (selection.target !== undefined) {
    const found = list.find((t) => t.name === selection.target);
    if (found === undefined) throw unknownTarget(selection.target, list, config.path, 'target');
    return [found];
  }
  if (selection.all) {
    if (config.urlOverridden && list.length > 1) {
      throw new RetortError('BadArgument', '--url with --all-targets would run every target against the same database.', {
        fields: { targets: list.map((t) => t.name) },
        hint: 'Drop --url, or pick one target with --target.',
      });
    }
    return [...list];
  }
  if (!config.isMulti) return [...list];
  if (config.defaultTarget !== undefined) {
    const found = list.find((t) => t.name === config.defaultTarget);
    if (found === undefined) throw unknownTarget(config.defaultTarget, list, config.path, 'defaultTarget');
    return [found];
  }
  const names = list.map((t) => t.name);
  throw new RetortError('BadArgument', `The config names several targets (${names.join(', ') || 'none yet'}); choose which to run on.`, {
    fields: { file: config.path, targets: names },
    hint: 'Pass --target NAME or --all-targets, or set `defaultTarget` in the config.',
  });
}

function unknownTarget(name: string, list: readonly ResolvedTarget[], file: string, key: string): RetortError {
  const names = list.map((t) => t.name);
  const guess = closestMatch(name, names);
  return new RetortError('UnknownTarget', `Unknown target '${name}'; the config has ${names.length === 0 ? 'no targets' : names.join(', ')}.`, {
    fields: { target: name, targets: names, file, key, ...(guess === undefined ? {} : { suggestion: guess }) },
    hint: guess === undefined ? 'Pass one of the names listed, or --all-targets.' : `Did you mean '${guess}'?`,
  });
}
