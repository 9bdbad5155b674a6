/**
 * `upgrade`, `downgrade` and `stamp`, online or offline (`--sql`).
 */
import type { Dialect, LockHolder } from '../dialects/dialect.js';
import { RetortError } from '../errors.js';
import { offlineChannel, onlineChannel, type Channel } from '../runtime/channel.js';
import type { RevisionModule } from '../runtime/context.js';
import { offlineDb } from '../runtime/offline-db.js';
import { runSteps, type StepResult, type TransactionMode } from '../runtime/steps.js';
import {
  createVersionTableOp,
  purgeSql,
  qualifiedName,
  readHeads,
  versionChangeSql,
  type VersionTableRef,
} from '../runtime/version-table.js';
import type { MigrationStep, RevisionGraph } from '../script/graph/index.js';
import { prepareScripts } from '../script/script-loader.js';
import type { ResolvedTarget } from '../config/index.js';
import { knownHeads } from './known-heads.js';
import { compileContextFor, dialectOf, withDatabase, type WithDatabaseOptions } from './database.js';
import { ensureRunTables } from './run-tables.js';
import { checkBeforeRun, emitHistoryTableDdl, recorderFor, stampHistorySql } from './history-run.js';
import type { RetortOptions } from './options.js';
import type { Project } from './project.js';
import { scriptDb } from './script-db.js';
import type { RunResult } from './results.js';

/** Options of `upgrade` / `downgrade`. */
export interface MigrateOptions {
  /** Print the SQL instead of running it. */
  readonly sql?: boolean;
  /** An arbitrary tag passed to scripts as `ctx.tag`. */
  readonly tag?: string;
  /** Seconds to wait for the run lock (default: {@link RetortOptions.lockTimeout}, then the config's `lockTimeout`). */
  readonly lockTimeout?: number;
}

/** Options of `stamp`. */
export interface StampOptions {
  /** Empty the version table first (for a table that names revisions no file has). */
  readonly purge?: boolean;
  readonly sql?: boolean;
  /** Seconds to wait for the run lock (as {@link MigrateOptions.lockTimeout}). */
  readonly lockTimeout?: number;
}

type Planner = (graph: RevisionGraph, heads: readonly string[], target: string) => MigrationStep[];

const planUpgrade: Planner = (graph, heads, target) => graph.planUpgrade(heads, target);
const planDowngrade: Planner = (graph, heads, target) => graph.planDowngrade(heads, target);

function versionTableOf(target: ResolvedTarget): VersionTableRef {
  return { name: target.versionTable, ...(target.dbSchema === undefined ? {} : { schema: target.dbSchema }) };
}

/** The revision modules of a run, prepared (compiled, batched) before its first step, and the checksums of their files as read. */
async function revisionModules(paths: readonly string[]): Promise<{ loadModule: (path: string) => Promise<RevisionModule>; checksum: (path: string) => string | undefined }> {
  const scripts = await prepareScripts(paths);
  return { loadModule: async (path) => (await scripts.load(path)) as unknown as RevisionModule, checksum: (path) => scripts.checksum(path) };
}

async function migrate(project: Project, target: string, direction: 'up' | 'down', options: MigrateOptions, run: RetortOptions): Promise<RunResult> {
  const graph = await project.graph(); // graph errors come before any connection
  // So do typos in the target: `upgrade nonsense` against a server that is down is exit 2, not 1.
  if (!options.sql) graph.assertTargetNames(target);
  const planner = direction === 'up' ? planUpgrade : planDowngrade;
  const common = { graph, x: run.x ?? {}, tag: options.tag, transaction: project.target.transaction, versionTable: versionTableOf(project.target), limits: project.target.limits };
  const events = stepEvents(project.target.name, run);
  if (options.sql) {
    const dialect = await dialectOf(project.target);
    if (direction === 'down' && !target.includes(':')) {
      throw new RetortError('RangeNotAllowed', `downgrade --sql needs a range FROM:TO, got '${target}'.`, {
        fields: { target },
        hint: 'There is no database to read the current revision from: say where to start, e.g. `retort downgrade --sql head:base`.',
      });
    }
    // Offline there is no version table to read: FROM (default base) stands for what the database holds.
    const { start: startHeads, steps } = graph.planOffline(direction, target.includes(':') ? target : `:${target}`);
    if (steps.length > 1) warnNotOneTransaction(dialect, common.transaction, project.target.name, run);
    const channel = offlineChannel(dialect.scriptStatement?.bind(dialect));
    // First, the session settings the compiled text relies on (an online run sets them at connect).
    for (const sql of dialect.hooks.scriptStart ?? []) await channel.run(sql);
    await emitSchemaScope(dialect, channel, project.target);
    if (startHeads.length === 0 && direction === 'up') await emitVersionTableDdl(dialect, channel, project);
    // The history too, so a DBA applying the script keeps it (rows: status ok, no duration).
    await emitHistoryTableDdl(dialect, channel, project.target, compileContextFor(project.target, dialect));
    let revision = '';
    const { loadModule, checksum } = await revisionModules(scriptPaths(graph, steps));
    // Where an online run sends them: after its own tables, before the first step.
    if (steps.length > 0) await emitStatementLimits(dialect, channel, project.target);
    const outcome = await runSteps(steps, startHeads, {
      ...common, dialect, channel, compileContext: compileContextFor(project.target, dialect),
      history: await recorderFor(dialect, channel, project.target, graph, { checksum }),
      loadModule, db: offlineDb(() => revision),
      onStepStart: (step, message) => { revision = step.revision; events.onStepStart?.(step, message); },
    });
    return { target: project.target.name, steps: outcome.results, current: outcome.heads, sql: channel.text(), statements: channel.statements };
  }
  return withDatabase(project.target, async ({ dialect, session, compileContext, ensureHeld }) => {
    const channel = onlineChannel(session, { observe: statementObserver(project, run), ensureHeld });
    await emitSchemaScope(dialect, channel, project.target);
    const tables = await ensureRunTables({ dialect, session, channel, target: project.target, compileContext, createVersionTable: direction === 'up' });
    const rows = await readHeads(dialect, session, common.versionTable, tables.versionTableExisted || direction === 'up');
    const heads = await adoptSquashedRows(dialect, channel, graph, rows, common.versionTable, run, project.target.name);
    // Under the run lock: refuse over a half-applied revision or a changed applied file.
    await checkBeforeRun({ dialect, session, channel, target: project.target, graph, heads, direction });
    const steps = planner(graph, heads, target);
    const note = steps.length === 0 && direction === 'up' ? olderTargetNote(graph, heads, target) : undefined;
    if (steps.length > 1) warnNotOneTransaction(dialect, common.transaction, project.target.name, run);
    const { loadModule, checksum } = await revisionModules(scriptPaths(graph, steps));
    if (steps.length > 0) await emitStatementLimits(dialect, channel, project.target, session.serverVersion);
    const outcome = await runSteps(steps, heads, {
      ...common, dialect, channel, compileContext, loadModule, ...events,
      // Kysely is loaded for scripts to run only: a run with nothing to do never builds a query.
      db: steps.length === 0 ? offlineDb(() => '') : scriptDb(await session.kysely(), dialect, project.target),
      history: await recorderFor(dialect, channel, project.target, graph, { plannedRows: steps.length, checksum }),
      ...(run.signal === undefined ? {} : { signal: run.signal }),
    });
    const warnings = ranNothingWarnings(graph, outcome.results);
    return { target: project.target.name, steps: outcome.results, current: outcome.heads, ...(note === undefined ? {} : { note }), ...(warnings.length === 0 ? {} : { warnings }) };
  }, runOptions(project, options, run));
}

/**
 * A revision whose script ran nothing (no operation, no query) moved the version table and not
 * the schema: said, so that "Done: the database is now at X" is not read as "the schema is X's".
 * An empty `downgrade` is the common case (Alembic's `pass`): what the upgrade did stays. A merge
 * revision has nothing to do by design and is left out.
 */
function ranNothingWarnings(graph: RevisionGraph, steps: readonly StepResult[]): string[] {
  return steps
    .filter((step) => step.ranNothing === true && graph.get(step.revision)?.isMergePoint !== true)
    .map((step) => (step.direction === 'down'
      ? `The downgrade of ${step.revision} ran no operation: what its upgrade did is still in the database, though the version table no longer claims ${step.revision}.`
      : `The upgrade of ${step.revision} ran no operation: the version table claims ${step.revision}, though nothing of it was done.`));
}

/**
 * `transaction: 'all'` asks for the run as one transaction, which a database whose DDL commits at
 * once (MySQL, MariaDB) cannot give: there the revisions are applied and recorded one at a time,
 * as in every mode, and a failure leaves those before it applied. Said before the first step, so a
 * user who chose 'all' for all-or-nothing is not left to find out from a half-applied run.
 */
function warnNotOneTransaction(dialect: Dialect, mode: TransactionMode, target: string, run: RetortOptions): void {
  if (mode !== 'all' || dialect.capabilities.transactionalDdl) return;
  run.onEvent?.({
    type: 'info', target,
    message: `transaction: 'all' cannot make this run one transaction on ${dialect.name}: each DDL statement commits at once there, so the revisions are applied and recorded one at a time, and a failure leaves those before it applied.`,
  });
}

/**
 * `upgrade OLDER` does nothing, as in Alembic (so a deploy pinned to a revision stays idempotent),
 * but a person who meant to go back is told how.
 */
function olderTargetNote(graph: RevisionGraph, heads: readonly string[], target: string): string | undefined {
  const below = graph.targetsBelow(heads, target);
  if (below.length === 0) return undefined;
  return `${below.join(', ')} ${below.length === 1 ? 'is' : 'are'} below the current head(s) ${heads.join(', ')}: upgrade never goes down. To go back, run \`retort downgrade ${target}\`.`;
}

/**
 * Under the run lock: a version row holding the last revision of a squashed range is rewritten to
 * the squash (one UPDATE, atomic on its own), so the steps that follow move rows the graph knows.
 * A row inside a squashed range, or one no file has, is refused before anything runs.
 */
async function adoptSquashedRows(
  dialect: Dialect, channel: Channel, graph: RevisionGraph, rows: readonly string[], table: VersionTableRef, run: RetortOptions, target: string,
): Promise<string[]> {
  const { heads, moved } = knownHeads(graph, rows);
  for (const { from, to } of moved) {
    await channel.run(versionChangeSql(dialect, table, { kind: 'update', from, to }));
    run.onEvent?.({ type: 'info', target, message: `Version row ${from} is now ${to}: ${to} squashed the range that ends at ${from}.` });
  }
  return heads;
}

/**
 * The run lock of an online upgrade, downgrade or stamp (offline runs take none): taken before
 * the version table is read, so a run that waited sees what the previous holder applied. The
 * server's notices (a setting retort overrides for its session) are printed first.
 */
function runOptions(project: Project, options: { readonly lockTimeout?: number }, run: RetortOptions): WithDatabaseOptions {
  const target = project.target.name;
  const info = (message: string) => run.onEvent?.({ type: 'info', target, message });
  return {
    lock: {
      timeoutSeconds: options.lockTimeout ?? run.lockTimeout ?? project.target.lockTimeoutSeconds,
      onWait: (holder: LockHolder | undefined, lockName: string) =>
        info(`Waiting for the run lock (${lockName}${holder === undefined ? '' : `, held by ${holder.description}`})...`),
    },
    onNotice: info,
  };
}

/** The files of the steps, compiled in one parallel batch before the run (cache misses only). */
function scriptPaths(graph: RevisionGraph, steps: readonly MigrationStep[]): string[] {
  return steps.flatMap((step) => graph.get(step.revision)?.path ?? []);
}

function statementObserver(project: Project, run: RetortOptions): ((sql: string) => void) | undefined {
  const onEvent = run.onEvent;
  return onEvent && ((sql: string) => onEvent({ type: 'statement', target: project.target.name, sql }));
}

function stepEvents(targetName: string, run: RetortOptions) {
  return {
    onStepStart: (step: MigrationStep, message: string) => run.onEvent?.({ type: 'step-start', target: targetName, step, message }),
    onStepDone: (result: StepResult) => run.onEvent?.({ type: 'step-done', target: targetName, result }),
    onLockRetry: (message: string) => run.onEvent?.({ type: 'info', target: targetName, message }),
  };
}

/**
 * Point the raw SQL of the revisions at the target's `dbSchema` (PostgreSQL: its search_path),
 * online and offline alike, so a DBA's script reaches the same tables as a run. Outside any
 * transaction: a session setting survives the revisions' rollbacks.
 */
async function emitSchemaScope(dialect: Dialect, channel: Channel, target: ResolvedTarget): Promise<void> {
  if (target.dbSchema === undefined) return;
  for (const sql of dialect.hooks.scopeToSchema?.(target.dbSchema) ?? []) await channel.run(sql);
}

/**
 * The lock-wait and statement limits (session settings, outside any transaction): every later
 * statement, retort's own included, waits at most that long for a lock; offline too, so a DBA's
 * script behaves as a run. Online they are sent only when there are steps to run: a no-op run
 * sends nothing beyond its reads (on Galera every statement a deploy's N processes send counts).
 */
async function emitStatementLimits(dialect: Dialect, channel: Channel, target: ResolvedTarget, serverVersion?: string): Promise<void> {
  for (const sql of dialect.statementLimits?.settings(target.limits, serverVersion) ?? []) await channel.run(sql);
}

async function emitVersionTableDdl(dialect: Dialect, channel: Channel, project: Project, compileContext = compileContextFor(project.target, dialect)): Promise<void> {
  for (const sql of await dialect.compiler.compile(createVersionTableOp(versionTableOf(project.target)), compileContext)) {
    await channel.run(sql);
  }
}

/** Apply revisions up to `target` (default `head`). */
export function upgrade(project: Project, target: string, options: MigrateOptions, run: RetortOptions): Promise<RunResult> {
  return migrate(project, target, 'up', options, run);
}

/** Revert revisions down to `target`. */
export function downgrade(project: Project, target: string, options: MigrateOptions, run: RetortOptions): Promise<RunResult> {
  return migrate(project, target, 'down', options, run);
}

/** Set the version table to `revisions` without running any script. */
export async function stamp(project: Project, revisions: readonly string[], options: StampOptions, run: RetortOptions = {}): Promise<RunResult> {
  const graph = await project.graph();
  for (const revision of revisions) graph.assertTargetNames(revision);
  const table = versionTableOf(project.target);
  const apply = async (dialect: Dialect, channel: Channel, heads: readonly string[]): Promise<RunResult> => {
    const plan = graph.planStamp(options.purge ? [] : heads, revisions);
    if (options.purge) await channel.run(purgeSql(dialect, table));
    for (const change of plan.changes) await channel.run(versionChangeSql(dialect, table, change));
    for (const sql of await stampHistorySql(dialect, project.target, graph, plan.steps, !channel.offline)) await channel.run(sql);
    // A stamp runs no script: its steps name the move, with no duration.
    const steps = plan.steps.map((step) => ({
      direction: step.direction, revision: (step.direction === 'up' ? step.to : step.from).join(', '),
      from: step.from, to: step.to, message: 'stamp', durationMs: 0, statements: 0,
    }));
    return { target: project.target.name, steps, current: [...plan.heads] };
  };
  if (options.sql) {
    const dialect = await dialectOf(project.target);
    const channel = offlineChannel(dialect.scriptStatement?.bind(dialect));
    await emitVersionTableDdl(dialect, channel, project);
    await emitHistoryTableDdl(dialect, channel, project.target, compileContextFor(project.target, dialect));
    const result = await apply(dialect, channel, []);
    return { ...result, sql: channel.text(), statements: channel.statements };
  }
  return withDatabase(project.target, async ({ dialect, session, compileContext, ensureHeld }) => {
    const channel = onlineChannel(session, { observe: statementObserver(project, run), ensureHeld });
    const tables = await ensureRunTables({ dialect, session, channel, target: project.target, compileContext, createVersionTable: true });
    // `stamp base` on a fresh database only creates the table (sqlalchemy-migrate's version_control): say so.
    const created = !tables.versionTableExisted;
    const rows = await readHeads(dialect, session, table, true);
    const heads = options.purge ? rows : await adoptSquashedRows(dialect, channel, graph, rows, table, run, project.target.name);
    // One transaction where DDL is transactional, so a stamp is all or nothing.
    if (dialect.capabilities.transactionalDdl) await channel.run(dialect.beginSql);
    try {
      const result = await apply(dialect, channel, heads);
      if (dialect.capabilities.transactionalDdl) await channel.run(dialect.commitSql);
      return created ? { ...result, versionTableCreated: qualifiedName(dialect, table) } : result;
    } catch (error) {
      if (dialect.capabilities.transactionalDdl) await channel.run(dialect.rollbackSql).catch(() => undefined);
      throw error;
    }
  }, runOptions(project, options, run));
}
