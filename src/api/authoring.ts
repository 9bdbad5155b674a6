/**
 * `revision` and `merge`: new revision files, placed in the graph as Alembic places them.
 */
import { dirname, resolve } from 'node:path';
import { RetortError } from '../errors.js';
import type { Revision, RevisionGraph } from '../script/graph/index.js';
import { newRevisionId } from '../script/ids.js';
import { writeRevision, type WriteRevisionOptions } from '../script/writer.js';
import type { Project } from './project.js';
import type { RevisionFileResult } from './results.js';

/** Options of `revision`. */
export interface RevisionOptions {
  readonly message: string;
  /** The parent: `head` (default), `base` for a new root, or any revision spec. */
  readonly head?: string;
  /** Allow `head` to name a revision that is not a head (starting a branch). */
  readonly splice?: boolean;
  readonly branchLabel?: string;
  readonly dependsOn?: readonly string[];
  readonly revId?: string;
  readonly versionPath?: string;
  /** Bodies and imports (from autogenerate). */
  readonly upgradeBody?: string;
  readonly downgradeBody?: string;
  readonly imports?: readonly string[];
  /** `sql`: a plain `.sql` revision with up and down sections (`revision --sql-file`). */
  readonly format?: 'ts' | 'sql';
}

/** Options of `merge`. */
export interface MergeOptions {
  readonly message: string;
  readonly branchLabel?: string;
  readonly revId?: string;
}

function requireMessage(message: string | undefined, command: string): string {
  if (typeof message !== 'string' || message.trim() === '') {
    throw new RetortError('BadArgument', `\`retort ${command}\` needs a message saying what the revision does.`, {
      hint: `Pass -m, e.g. \`retort ${command} -m "add books table"\`.`,
    });
  }
  return message.trim();
}

/** The version directory for a new revision (Alembic's rules for several version locations). */
function versionDirectory(project: Project, parents: readonly Revision[], versionPath: string | undefined): string {
  const dirs = project.target.migrations;
  if (versionPath !== undefined) {
    const wanted = resolve(project.config.root, versionPath);
    if (!dirs.includes(wanted)) {
      throw new RetortError('BadArgument', `--version-path ${versionPath} is not one of the configured version directories.`, {
        fields: { versionPath: wanted, migrations: dirs },
        hint: `Use one of: ${dirs.join(', ')}, or add it to \`migrations\` in the config.`,
      });
    }
    return wanted;
  }
  const first = parents[0];
  if (first !== undefined) return dirname(first.path);
  if (dirs.length > 1) {
    throw new RetortError('BadArgument', 'Several version directories are configured and the new revision has no parent to follow.', {
      fields: { migrations: dirs },
      hint: 'Pass --version-path with the directory for the new branch.',
    });
  }
  return dirs[0] ?? resolve(project.config.root, 'migrations');
}

function assertNewLabel(graph: RevisionGraph, label: string | undefined): void {
  if (label === undefined) return;
  const holder = graph.revisions.find((r) => r.branchLabels.includes(label));
  if (holder !== undefined) {
    throw new RetortError('DuplicateBranchLabel', `Branch label '${label}' is already used by revision ${holder.revision}.`, {
      fields: { label, revision: holder.revision },
      hint: 'Choose another --branch-label.',
    });
  }
}

function newId(project: Project, graph: RevisionGraph, explicit: string | undefined): string {
  return newRevisionId({
    strategy: project.target.revisionIds,
    ...(explicit === undefined ? {} : { explicit }),
    existing: graph.revisions.map((r) => r.revision),
  });
}

/** Write a new revision based on `options.head` (default: the single head). */
export async function createRevision(project: Project, options: RevisionOptions): Promise<RevisionFileResult> {
  const planned = await planRevision(project, options);
  const path = writeRevision(planned);
  return { revision: planned.revision, path, downRevisions: planned.downRevisions, message: planned.message };
}

/**
 * What {@link createRevision} would write (id, directory, parents, bodies), checked against the
 * graph but not written: `baseline --sql` shows it without touching the version directory.
 */
export async function planRevision(project: Project, options: RevisionOptions): Promise<WriteRevisionOptions> {
  const message = requireMessage(options.message, 'revision');
  if (options.format === 'sql' && (options.upgradeBody !== undefined || options.downgradeBody !== undefined)) {
    // The bodies are op.* calls, which a .sql file cannot hold: refuse rather than drop them.
    throw new RetortError('BadArgument', 'A plain .sql revision is written empty: --sql-file cannot take generated operations (--autogenerate).', {
      hint: 'Autogenerate a .ts revision, or write the SQL yourself (`retort upgrade --sql` prints what a .ts revision runs).',
    });
  }
  const graph = await project.graph();
  const headSpec = options.head ?? 'head';
  const parents = headSpec === 'base' ? [] : graph.resolveAll(headSpec);
  if (!options.splice) {
    const notHead = parents.find((p) => !p.isHead);
    if (notHead !== undefined) {
      throw new RetortError('BadArgument', `Revision ${notHead.revision} is not a head revision.`, {
        fields: { revision: notHead.revision },
        hint: 'Pass --splice to start a new branch from it, or base the revision on a head.',
      });
    }
  }
  assertNewLabel(graph, options.branchLabel);
  // As Alembic: a dependency given as a branch label stays a label; a (partial) id becomes the full id.
  const dependsOn = (options.dependsOn ?? []).map((spec) => {
    const target = graph.resolve(spec);
    return target.branchLabels.includes(spec) ? spec : target.revision;
  });
  return {
    dir: versionDirectory(project, parents, options.versionPath),
    revision: newId(project, graph, options.revId),
    message,
    downRevisions: parents.map((p) => p.revision),
    branchLabels: options.branchLabel === undefined ? [] : [options.branchLabel],
    dependsOn,
    ...(options.upgradeBody === undefined ? {} : { upgradeBody: options.upgradeBody }),
    ...(options.downgradeBody === undefined ? {} : { downgradeBody: options.downgradeBody }),
    ...(options.imports === undefined ? {} : { imports: options.imports }),
    ...(options.format === undefined ? {} : { format: options.format }),
  };
}

/** Write a merge revision whose parents are `revisions` (`heads` means every head). */
export async function createMerge(project: Project, revisions: readonly string[], options: MergeOptions): Promise<RevisionFileResult> {
  const message = requireMessage(options.message, 'merge');
  const graph = await project.graph();
  const parents: Revision[] = [];
  for (const spec of revisions) {
    for (const r of graph.resolveAll(spec)) if (!parents.some((p) => p.revision === r.revision)) parents.push(r);
  }
  if (parents.length < 2) {
    throw new RetortError('BadArgument', `A merge needs at least two revisions; ${revisions.join(' ')} names ${parents.length === 0 ? 'none' : `only ${parents[0]?.revision}`}.`, {
      fields: { revisions },
      hint: '`retort heads` lists the heads; `retort merge heads -m MSG` merges all of them.',
    });
  }
  assertNewLabel(graph, options.branchLabel);
  const revision = newId(project, graph, options.revId);
  const downRevisions = parents.map((p) => p.revision);
  const path = writeRevision({
    dir: versionDirectory(project, parents, undefined),
    revision,
    message,
    downRevisions,
    branchLabels: options.branchLabel === undefined ? [] : [options.branchLabel],
    dependsOn: [],
    upgradeBody: '// a merge point: nothing to do',
    downgradeBody: '// a merge point: nothing to do',
  });
  return { revision, path, downRevisions, message };
}
