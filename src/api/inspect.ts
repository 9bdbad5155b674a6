/**
 * The read-only commands: `current`, `heads`, `branches`, `history`, `show`.
 */
import { RetortError } from '../errors.js';
import { readHeads } from '../runtime/version-table.js';
import type { Revision, RevisionGraph } from '../script/graph/index.js';
import { withDatabase } from './database.js';
import { knownHeads, squashedHeadsOf } from './known-heads.js';
import type { Project } from './project.js';
import type { CurrentResult, RevisionInfo } from './results.js';

/** Describe one revision for output. */
export function describe(revision: Revision, current?: ReadonlySet<string>): RevisionInfo {
  return {
    revision: revision.revision,
    downRevisions: revision.downRevisions,
    message: revision.message,
    branchLabels: revision.branchLabels,
    memberOfBranches: revision.memberOfBranches,
    dependsOn: revision.dependsOn,
    isHead: revision.isHead,
    isEffectiveHead: revision.isEffectiveHead,
    isBase: revision.isBase,
    isBranchPoint: revision.isBranchPoint,
    isMergePoint: revision.isMergePoint,
    nextRevisions: revision.nextRevisions,
    path: revision.path,
    ...(current === undefined ? {} : { isCurrent: current.has(revision.revision) }),
  };
}

function info(graph: RevisionGraph, id: string, current?: ReadonlySet<string>): RevisionInfo {
  const revision = graph.get(id);
  if (revision === undefined) throw new RetortError('UnknownRevision', `No revision file has id '${id}'.`, { fields: { revision: id } });
  return describe(revision, current);
}

/** The heads the database holds. */
export async function current(project: Project): Promise<CurrentResult> {
  const graph = await project.graph();
  const table = { name: project.target.versionTable, ...(project.target.dbSchema === undefined ? {} : { schema: project.target.dbSchema }) };
  // A row holding the last revision of a squashed range reads as the squash (a run rewrites it).
  const { heads } = knownHeads(graph, await withDatabase(project.target, ({ dialect, session }) => readHeads(dialect, session, table)));
  // As Alembic's `current`: the rows, then the dependency heads they stand on ("effective heads").
  const revisions = graph.currentRevisions(heads).map((r) => describe(r));
  return { target: project.target.name, current: heads, effectiveHeads: revisions.slice(heads.length).map((r) => r.revision), revisions };
}

/** The heads of the graph. */
export async function heads(project: Project): Promise<RevisionInfo[]> {
  const graph = await project.graph();
  return graph.heads.map((id) => info(graph, id));
}

/** The branch points of the graph. */
export async function branches(project: Project): Promise<RevisionInfo[]> {
  const graph = await project.graph();
  return graph.revisions.filter((r) => r.isBranchPoint).reverse().map((r) => describe(r));
}

/** Revisions newest first, optionally within `range` and marking the database's current ones. */
export async function history(project: Project, options: { range?: string; indicateCurrent?: boolean }): Promise<RevisionInfo[]> {
  const graph = await project.graph();
  // The database is read only when asked (-i), or when the range names `current`.
  let heads: string[] | undefined;
  if (options.indicateCurrent || options.range?.includes('current')) {
    const table = { name: project.target.versionTable, ...(project.target.dbSchema === undefined ? {} : { schema: project.target.dbSchema }) };
    heads = squashedHeadsOf(graph, await withDatabase(project.target, ({ dialect, session }) => readHeads(dialect, session, table)));
  }
  const marks = options.indicateCurrent && heads ? new Set(heads) : undefined;
  return graph.history(options.range, heads).map((r) => describe(r, marks));
}

/** One revision (id, prefix, label, or `head`/`heads` forms that name revisions). */
export async function show(project: Project, spec: string): Promise<RevisionInfo[]> {
  const graph = await project.graph();
  return graph.resolveAll(spec).map((r) => describe(r));
}
