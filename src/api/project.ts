/**
 * A project: its config, the selected target, and its revision graph. The graph is read from the
 * file headers only (no script is executed), and graph errors are raised here, before any
 * connection is opened.
 */
import { loadConfig, selectTargets, type LoadedConfig, type ResolvedTarget } from '../config/index.js';
import { RevisionGraph } from '../script/graph/index.js';
import { scanVersionDirectories } from '../script/directory.js';
import type { RetortOptions } from './options.js';

/** A loaded project, bound to one target. */
export interface Project {
  readonly config: LoadedConfig;
  readonly target: ResolvedTarget;
  /** The revision graph of the target's version directories (read once, then cached). */
  graph(): Promise<RevisionGraph>;
}

/** Load the config and select the target a single-target command runs on. */
export async function openProject(options: RetortOptions): Promise<Project> {
  const config = await loadConfig({
    cwd: options.cwd ?? process.cwd(),
    ...(options.config === undefined ? {} : { configPath: options.config }),
    ...(options.url === undefined ? {} : { url: options.url }),
    xArgs: options.x ?? {},
  });
  const [target] = await selectTargets(config, { ...(options.target === undefined ? {} : { target: options.target }) });
  if (target === undefined) throw new Error('selectTargets returned no target');
  return projectFor(config, target);
}

/** A project bound to an already selected target. */
export function projectFor(config: LoadedConfig, target: ResolvedTarget): Project {
  let cached: Promise<RevisionGraph> | undefined;
  return {
    config,
    target,
    graph: () => (cached ??= scanVersionDirectories(target.migrations).then((headers) => RevisionGraph.build(headers))),
  };
}
