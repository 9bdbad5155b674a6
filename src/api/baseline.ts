/**
 * `baseline` and `adopt`: take over a database that exists already. The live schema, read as
 * `pull` reads it, becomes the first revision (its upgrade creates the schema, its downgrade drops
 * it), and the database is stamped at that revision in the same command, so the next
 * `revision --autogenerate` starts from where the database is. `adopt` first reads the other
 * tool's version table (confirming the tool was there) and leaves it in place.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { readToolState, type ToolState } from '../adopt/tool-state.js';
import { TOOLS, toolNamed, type ToolInfo, type ToolName } from '../adopt/tools.js';
import { diffSchemas } from '../autogen/diff.js';
import { renderRevisionBody } from '../autogen/render.js';
import type { DiffWarning } from '../autogen/types.js';
import { RetortError } from '../errors.js';
import { createVersionTableOp, readHeads, versionChangeSql, type VersionTableRef } from '../runtime/version-table.js';
import type { SchemaModel, UnmodelledObject } from '../schema/model.js';
import { revisionText, writeRevision } from '../script/writer.js';
import { planRevision } from './authoring.js';
import { dialectDiffOptions, loadDeclaredSchema, readLive, writeSchemaModule } from './autogenerate.js';
import { compileContextFor, withDatabase } from './database.js';
import { stamp } from './migrate.js';
import type { RetortOptions } from './options.js';
import { projectFor, type Project } from './project.js';

/** Options of `baseline`. */
export interface BaselineOptions {
  /** The revision's message (default `baseline`, or says which tool it was adopted from). */
  readonly message?: string;
  /** Write nothing and stamp nothing: return the file and the stamp SQL that would be written. */
  readonly sql?: boolean;
  /** Seconds to wait for the run lock while stamping. */
  readonly lockTimeout?: number;
  /**
   * `adopt --from alembic` only: the Alembic project's versions folder. Its scripts become the
   * graph (stub bodies) and the database is stamped at `alembic_version`'s rows; no baseline.
   */
  readonly alembicScripts?: string;
}

/** The result of `baseline` and `adopt` (the contract's JSON: `revision`, `file`, `stamped`, `from`). */
export interface BaselineResult {
  readonly target: string;
  readonly revision: string;
  /** The revision file (with `sql`: where it would be written). */
  readonly file: string;
  /** The version rows the database holds afterwards (with `sql`: would hold). */
  readonly stamped: readonly string[];
  /** The tool the database was taken over from; null for `baseline`. */
  readonly from: ToolName | null;
  /** False with `sql`: nothing was written or stamped. */
  readonly written: boolean;
  /** The tables the baseline's upgrade creates. */
  readonly tables: readonly string[];
  /** What the diff engine warned about while writing the baseline. */
  readonly warnings: readonly DiffWarning[];
  /** What the database holds that the model has no place for: not in the baseline, reported. */
  readonly unmodelled: readonly UnmodelledObject[];
  /** The schema module written from the database (the config's `schema` was missing or declared nothing). */
  readonly schemaModule?: string;
  /** `adopt`: what the other tool's table says. Left in place; `tool.tables` are what to drop when ready. */
  readonly tool?: ToolState;
  /** With `sql`: the revision file's text (every file's, each after a `-- path` line, with `alembicScripts`). */
  readonly script?: string;
  /** With `alembicScripts`: each converted revision, its file and the script it came from. */
  readonly revisions?: readonly { readonly revision: string; readonly file: string; readonly source: string }[];
  /** With `sql`: the statements that would stamp the database. */
  readonly sql?: string;
}

const EMPTY: SchemaModel = Object.freeze({ tables: [], enums: [], objects: [] });

/** The project's version table. */
export function versionTableOf(project: Project): VersionTableRef {
  const { versionTable, dbSchema } = project.target;
  return { name: versionTable, ...(dbSchema === undefined ? {} : { schema: dbSchema }) };
}

/** The tool `--from` names, or a bad-argument error listing the ones retort knows. */
export function toolFor(name: string): ToolInfo {
  const tool = toolNamed(name);
  if (tool === undefined) {
    throw new RetortError('BadArgument', `retort cannot adopt from '${name}'.`, {
      fields: { from: name, known: TOOLS.map((t) => t.name) },
      hint: `Pass --from with one of: ${TOOLS.map((t) => t.name).join(', ')} (or run \`retort baseline\` for a database no tool managed).`,
    });
  }
  return tool;
}

/** A baseline is the first revision: refuse in a project that has revisions. */
export async function assertNoRevisions(project: Project): Promise<void> {
  const graph = await project.graph();
  if (graph.revisions.length === 0) return;
  throw new RetortError('AlreadyManaged', `The project already has ${graph.revisions.length} revision(s) (heads: ${graph.heads.join(', ')}); a baseline is the first revision of a project.`, {
    fields: { revisions: graph.revisions.length, heads: [...graph.heads] },
    hint: 'To record changes made to the database, use `retort revision --autogenerate`; to start over, move the existing revision files out of the version directory first.',
  });
}

/** `adopt` writing its rows into the tool's own table would not leave that table in place. */
export function assertOwnVersionTable(project: Project, tool: ToolInfo | undefined): void {
  if (tool === undefined || project.target.versionTable.toLowerCase() !== tool.table) return;
  throw new RetortError('BadArgument', `The config's versionTable is '${project.target.versionTable}', ${tool.title}'s own table: adopt leaves that table as ${tool.title} left it.`, {
    fields: { versionTable: project.target.versionTable, tool: tool.name },
    hint: "Remove `versionTable` from the config (retort keeps its own 'retort_version'), then run adopt again.",
  });
}

/** A database whose retort version table holds rows is managed already: refuse to take it over. */
export function assertFreshTarget(heads: readonly string[], table: VersionTableRef): void {
  if (heads.length === 0) return;
  throw new RetortError('AlreadyManaged', `The database already holds revision(s) ${heads.join(', ')} in ${table.name}: retort manages it already.`, {
    fields: { current: heads, versionTable: table.name },
    hint: 'Check the URL names the database to take over; `retort current` shows what it holds.',
  });
}

/** Write (or, with `sql`, show) the baseline of the live database and stamp it. */
export async function baseline(project: Project, options: BaselineOptions, run: RetortOptions = {}, from?: string): Promise<BaselineResult> {
  const tool = from === undefined ? undefined : toolFor(from);
  if (options.alembicScripts !== undefined) {
    if (tool === undefined) throw new RetortError('BadArgument', '--alembic-scripts goes with `retort adopt --from alembic`.', { hint: 'Run `retort adopt --from alembic --alembic-scripts DIR`.' });
    const { alembicScripts } = options;
    return (await import('./adopt-scripts.js')).adoptAlembicScripts(project, { ...options, alembicScripts }, run, tool);
  }
  assertOwnVersionTable(project, tool);
  await assertNoRevisions(project);
  const table = versionTableOf(project);
  const read = await withDatabase(project.target, async ({ dialect, session }) => {
    const toolState = tool === undefined ? undefined : await readToolState(dialect, session, tool, project.target.dbSchema);
    assertFreshTarget(await readHeads(dialect, session, table), table);
    const { live, defaults } = await readLive(project, dialect, session);
    const diff = diffSchemas(EMPTY, live, {
      ...dialectDiffOptions(dialect),
      ...(project.target.dbSchema === undefined ? {} : { defaultSchema: project.target.dbSchema }),
    });
    return { dialect, toolState, live, defaults, diff, primaryKeyName: dialect.autogen?.defaultPrimaryKeyName };
  });
  const { dialect, toolState, live, diff } = read;
  const empty = diff.upgrade.length === 0;
  const rendered = renderRevisionBody(diff);
  const planned = await planRevision(project, {
    message: options.message ?? defaultMessage(tool, toolState),
    head: 'base',
    upgradeBody: empty ? '// the database held no table when this baseline was written' : rendered.upgrade,
    downgradeBody: empty ? '// nothing to drop' : rendered.downgrade,
    imports: rendered.imports,
  });
  const common = {
    target: project.target.name, revision: planned.revision, stamped: [planned.revision], from: tool?.name ?? null,
    tables: live.tables.map((t) => t.name), warnings: diff.warnings.filter((w) => w.direction === 'upgrade'),
    unmodelled: live.unmodelled ?? [], ...(toolState === undefined ? {} : { tool: toolState }),
  };
  if (options.sql) {
    const { path, text } = revisionText(planned);
    const ddl = await dialect.compiler.compile(createVersionTableOp(table), compileContextFor(project.target, dialect));
    const statements = [...ddl, versionChangeSql(dialect, table, { kind: 'insert', version: planned.revision })];
    return { ...common, file: path, written: false, script: text, sql: statements.map((s) => `${s};`).join('\n') };
  }
  const file = writeRevision(planned);
  try {
    // A fresh project: the cached graph was read before the file existed.
    await stamp(projectFor(project.config, project.target), [planned.revision], options.lockTimeout === undefined ? {} : { lockTimeout: options.lockTimeout }, run);
  } catch (error) {
    // Not stamped: take the file back, so running the command again starts from the same place.
    unlinkSync(file);
    throw error;
  }
  const schemaModule = await writeSchemaIfAbsent(project, read);
  return { ...common, file, written: true, ...(schemaModule === undefined ? {} : { schemaModule }) };
}

function defaultMessage(tool: ToolInfo | undefined, state: ToolState | undefined): string {
  if (tool === undefined) return 'baseline';
  const at = state === undefined || state.latest.length === 0 ? '' : ` at ${state.latest.join(', ')}`;
  return `baseline adopted from ${tool.title}${at}`;
}

/**
 * `check` after a baseline compares the schema module with the database: without a module (or
 * with `init`'s stub, which declares nothing) it would propose dropping every table. Such a module
 * is written from the live schema, as `pull` writes it; a module that declares tables is the
 * user's, and is left alone.
 */
export async function writeSchemaIfAbsent(project: Project, read: { live: SchemaModel; defaults?: Parameters<typeof writeSchemaModule>[2]; primaryKeyName: Parameters<typeof writeSchemaModule>[3] }): Promise<string | undefined> {
  const path = project.target.schema;
  if (path === undefined || read.live.tables.length === 0) return undefined;
  if (existsSync(path)) {
    const declared = await loadDeclaredSchema(project).catch(() => undefined);
    if (declared === undefined || declared.tables.length > 0) return undefined;
  }
  writeSchemaModule(path, read.live, read.defaults, read.primaryKeyName);
  return path;
}
