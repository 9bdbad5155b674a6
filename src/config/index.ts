/**
 * Configuration: `retort.config.ts` (its shape and {@link defineConfig}), finding and loading it,
 * validating it, resolving it into targets, connection URLs and `-x` arguments.
 */
export {
  defineConfig,
  type NamedTargetConfig,
  type RetortConfig,
  type RevisionIdStyle,
  type TargetConfig,
  type TargetsConfig,
  type TargetsContext,
  type TransactionMode,
} from './define.js';
export { resolveAutogenerate, type AutogenerateConfig, type ResolvedAutogenerate, type TableFilter } from './autogenerate.js';
export { CONFIG_FILE_NAMES, findConfig } from './find.js';
export { listTargets, loadConfig, selectTargets, type LoadConfigOptions, type LoadedConfig, type TargetSelection } from './load.js';
export { absoluteSqliteUrl, CONFIG_DEFAULTS, DEFAULT_TARGET_NAME, type ResolvedTarget } from './resolve.js';
export { displayUrl, familyOf, parseUrl, SQLITE_MEMORY, URL_SCHEMES, type DatabaseFamily, type ParseUrlOptions, type UrlScheme } from './url.js';
export { FILE_TEMPLATE_TOKENS, validateConfig, validateTargets, type ConfigSource } from './validate.js';
export { parseXArgs } from './xargs.js';
