/**
 * `retort lint`: the risky operations of revisions, read without a database (as `--sql` reads
 * them), judged by the rules the target's dialect declares, plus graph hygiene.
 */
import { RetortError } from '../errors.js';
import { collectRevision } from '../lint/collect.js';
import { lintRevision } from '../lint/engine.js';
import { headFindings, orderFindings } from '../lint/graph.js';
import type { LintFinding } from '../lint/types.js';
import { prepareScripts } from '../script/script-loader.js';
import { dialectOf } from './database.js';
import type { RetortOptions } from './options.js';
import type { Project } from './project.js';

/** Options of `lint`. */
export interface LintOptions {
  /** `START:END` (either side may be empty) or a revision (`:REV`); default every revision. */
  readonly range?: string;
  /** Only the revisions after this one (for new revisions in a pull request). */
  readonly since?: string;
}

/** What `lint` found. */
export interface LintResult {
  /** The dialect whose rules applied. */
  readonly dialect: string;
  /** How many revisions were read. */
  readonly revisions: number;
  /** Findings not acknowledged: any makes the CLI exit 3. */
  readonly findings: readonly LintFinding[];
  /** Findings the scripts acknowledged, each with its reason. */
  readonly acknowledged: readonly LintFinding[];
}

/** Lint the revisions of `options.range` (or after `options.since`) of `project`. */
export async function lint(project: Project, options: LintOptions, run: RetortOptions): Promise<LintResult> {
  if (options.range !== undefined && options.since !== undefined) {
    throw new RetortError('BadArgument', `Give a RANGE or --since, not both (got '${options.range}' and --since ${options.since}).`, {
      hint: '`retort lint --since REV` is the range `REV:`.',
    });
  }
  const graph = await project.graph();
  const since = options.since === undefined ? undefined : graph.resolve(options.since).revision;
  const range = since !== undefined ? `${since}:` : options.range === undefined ? ':' : options.range.includes(':') ? options.range : `:${options.range}`;
  const { steps } = graph.planOffline('up', range);
  const revisions = steps.map((s) => graph.get(s.revision)!);
  const dialect = await dialectOf(project.target);
  const rules = dialect.lintRules ?? [];
  await prepareScripts(revisions.map((r) => r.path));
  const all: LintFinding[] = [];
  const collectOptions = {
    dialect: dialect.name, x: run.x ?? {},
    transactions: dialect.capabilities.transactionalDdl && project.target.transaction !== 'none',
  };
  for (const revision of revisions) all.push(...lintRevision(await collectRevision(revision, collectOptions), rules));
  all.push(...headFindings(graph));
  if (since !== undefined) all.push(...orderFindings(revisions, since));
  return {
    dialect: dialect.name,
    revisions: revisions.length,
    findings: all.filter((f) => f.acknowledged === undefined),
    acknowledged: all.filter((f) => f.acknowledged !== undefined),
  };
}
