/**
 * `retort lint`: the risky operations of revisions, read without a database (as `--sql` reads
 * them), judged by the rules the target's dialect declares, plus graph hygiene.
 */
import { RetortError } from '../errors.js';
import { createCollector } from '../lint/collect.js';
import { lintRevision } from '../lint/engine.js';
import { headFindings, orderFindings } from '../lint/graph.js';
import type { LintFinding } from '../lint/types.js';
import { readHeads } from '../runtime/version-table.js';
import type { RevisionGraph } from '../script/graph/index.js';
import { prepareScripts } from '../script/script-loader.js';
import { dialectOf, withDatabase } from './database.js';
import { knownHeads } from './known-heads.js';
import type { RetortOptions } from './options.js';
import type { Project } from './project.js';

/** Options of `lint`. */
export interface LintOptions {
  /** `START:END` (either side may be empty) or a revision (`:REV`); default every revision. */
  readonly range?: string;
  /** Only the revisions after this one (for new revisions in a pull request). */
  readonly since?: string;
  /**
   * Only the revisions the target database has not applied: those the next `upgrade heads`
   * would run there. Reads its version table (no lock, no DDL; a missing table is an empty
   * database).
   */
  readonly pending?: boolean;
}

/** What `lint` found. */
export interface LintResult {
  /** The dialect whose rules applied. */
  readonly dialect: string;
  /** With `pending`: the heads the database holds (empty: nothing applied yet). */
  readonly current?: readonly string[];
  /** How many revisions were read. */
  readonly revisions: number;
  /** Findings not acknowledged: any makes the CLI exit 3. */
  readonly findings: readonly LintFinding[];
  /** Findings the scripts acknowledged, each with its reason. */
  readonly acknowledged: readonly LintFinding[];
}

/** Lint the revisions of `options.range` (or after `options.since`, or not yet applied) of `project`. */
export async function lint(project: Project, options: LintOptions, run: RetortOptions): Promise<LintResult> {
  const given = [options.range === undefined ? undefined : 'a RANGE', options.since === undefined ? undefined : '--since', options.pending ? '--pending' : undefined].filter((g) => g !== undefined);
  if (given.length > 1) {
    throw new RetortError('BadArgument', `Give only one of a RANGE, --since or --pending (got ${given.join(' and ')}).`, {
      hint: '`retort lint --since REV` is the range `REV:`; --pending is the range the database has not applied yet.',
    });
  }
  const graph = await project.graph();
  const since = options.since === undefined ? undefined : graph.resolve(options.since).revision;
  const current = options.pending ? await appliedHeads(project, graph) : undefined;
  const range = since !== undefined ? `${since}:` : options.range === undefined ? ':' : options.range.includes(':') ? options.range : `:${options.range}`;
  const steps = current !== undefined ? graph.planUpgrade(current, 'heads') : graph.planOffline('up', range).steps;
  const revisions = steps.map((s) => graph.get(s.revision)!);
  const dialect = await dialectOf(project.target);
  const rules = dialect.lintRules ?? [];
  const scripts = await prepareScripts(revisions.map((r) => r.path));
  const all: LintFinding[] = [];
  const collectOptions = {
    dialect: dialect.name, x: run.x ?? {}, load: scripts.load,
    transactions: dialect.capabilities.transactionalDdl && project.target.transaction !== 'none',
  };
  // The bound a run sets for the session; a dialect that applies no limits sets none.
  const settings = { lockWaitMs: dialect.statementLimits === undefined ? 0 : project.target.limits.lockWaitMs };
  // Collected first without call stacks (most revisions have no finding); a revision with
  // findings is collected again with them, for the lines.
  const quick = createCollector({ ...collectOptions, locate: false });
  const located = createCollector(collectOptions);
  for (const revision of revisions) {
    const found = lintRevision(await quick.collect(revision), rules, settings);
    all.push(...(found.length === 0 ? found : lintRevision(await located.collect(revision), rules, settings)));
  }
  all.push(...headFindings(graph));
  // A pending revision written on top of an older one than the database's single head is out of order too.
  const after = since ?? (current?.length === 1 ? current[0] : undefined);
  if (after !== undefined) all.push(...orderFindings(revisions, after));
  return {
    dialect: dialect.name,
    ...(current === undefined ? {} : { current }),
    revisions: revisions.length,
    findings: all.filter((f) => f.acknowledged === undefined),
    acknowledged: all.filter((f) => f.acknowledged !== undefined),
  };
}

/**
 * The heads the target's version table holds, as `upgrade` reads them but without its run lock
 * or its DDL: lint changes nothing, and a database that never ran retort (no version table) is
 * simply at base. A row naming a revision no file has is refused as `upgrade` refuses it.
 */
async function appliedHeads(project: Project, graph: RevisionGraph): Promise<string[]> {
  const table = { name: project.target.versionTable, ...(project.target.dbSchema === undefined ? {} : { schema: project.target.dbSchema }) };
  const rows = await withDatabase(project.target, ({ dialect, session }) => readHeads(dialect, session, table));
  return knownHeads(graph, rows).heads;
}
