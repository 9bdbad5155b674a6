/**
 * Autogenerate, `check` and `pull`: the schema module declared in TypeScript compared with the
 * live database, read in a few bulk catalog queries by the dialect.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { diffSchemas } from '../autogen/diff.js';
import type { DiffOptions, DiffResult, RenameCandidate, RenameDecision } from '../autogen/types.js';
import { renderRevisionBody } from '../autogen/render.js';
import { renderSchemaModule } from '../autogen/render-schema.js';
import type { Dialect, DialectAutogen, ServerDefaults } from '../dialects/dialect.js';
import { isRetortError, RetortError } from '../errors.js';
import { TOOL_TABLES } from '../adopt/tools.js';
import { explainScriptError } from '../script/import-check.js';
import { formatLocation, locateError } from '../script/stack-map.js';
import type { Operation } from '../ops/operations.js';
import { readHeads } from '../runtime/version-table.js';
import { isSchemaDefinition } from '../schema/define.js';
import type { SchemaModel, UnmodelledObject } from '../schema/model.js';
import { loadScript } from '../script/script-loader.js';
import type { RevisionGraph } from '../script/graph/index.js';
import { createRevision, type RevisionOptions } from './authoring.js';
import { squashedHeadsOf } from './known-heads.js';
import { withDatabase, type OpenDatabase } from './database.js';
import type { Project } from './project.js';
import type { RevisionFileResult } from './results.js';
import { historyFindingsOn, type UnresolvedRevision } from './integrity.js';
import type { ChecksumMismatch } from '../runtime/integrity.js';

/** Options of a comparison. */
export interface CompareOptions {
  /** Renames decided beforehand (a person, or a program that knows). */
  readonly renames?: readonly RenameDecision[];
  /**
   * Asked once, with the live catalog already read, when a dropped and an added column look alike
   * (the CLI's prompt in a terminal). The answers are added to `renames` and the diff is made
   * again from the same catalog, which is not read twice.
   */
  readonly decideRenames?: (candidates: readonly RenameCandidate[]) => Promise<readonly RenameDecision[]>;
  /**
   * Write the plain forms of changes to existing tables (one transaction, locks held for the whole
   * build or scan) instead of the dialect's lock-friendly ones (CONCURRENTLY, NOT VALID +
   * VALIDATE, ALGORITHM/LOCK). For databases no one uses while they migrate.
   */
  readonly plainForms?: boolean;
  /**
   * Autogenerate only: write the revision even when the schema module declares no table and the
   * database has some (a revision that drops every table). Without it that is refused.
   */
  readonly allowEmptySchema?: boolean;
}

/** The declared schema against the live database. */
export interface Comparison {
  readonly diff: DiffResult;
  /** The heads the database holds. */
  readonly current: readonly string[];
  /** The heads of the revision graph. */
  readonly heads: readonly string[];
  /** True when the database does not hold exactly the graph's heads. */
  readonly notAtHead: boolean;
  /** What the database holds that the model has no place for: not compared, reported. */
  readonly unmodelled: readonly UnmodelledObject[];
  /** How many tables the schema module declares. */
  readonly declaredTables: number;
}

function autogenOf(dialect: Dialect): DialectAutogen {
  if (dialect.autogen === undefined) {
    throw new RetortError('UnsupportedOperation', `Autogenerate is not available for ${dialect.name}.`, { fields: { dialect: dialect.name } });
  }
  return dialect.autogen;
}

/**
 * The diff hooks of a dialect: its notions of equality and what it can do. A comparison adds
 * the run's filters and answers; tests use it to diff as `check` does.
 */
export function dialectDiffOptions(dialect: Dialect): DiffOptions {
  const autogen = autogenOf(dialect);
  const caps = dialect.capabilities;
  return {
    typesEqual: (a, b) => autogen.typesEqual(a, b),
    defaultsEqual: (a, b) => autogen.defaultsEqual(a, b),
    expressionsEqual: (a, b) => autogen.expressionsEqual(a, b),
    namedEnums: caps.namedEnums,
    comments: caps.comments,
    dropColumnDropsForeignKeys: caps.dropColumnDropsForeignKeys,
    objectKinds: caps.objectKinds ?? [],
    rowLevelSecurity: caps.rowLevelSecurity ?? false,
    ...(caps.serialColumns === true && autogen.serialSequenceName !== undefined ? { serialSequenceName: (t, c) => autogen.serialSequenceName!(t, c) } : {}),
    ...(autogen.objectsEqual === undefined ? {} : { objectsEqual: (a, b) => autogen.objectsEqual!(a, b) }),
    ...(autogen.objectsInPlace === undefined ? {} : { objectsInPlace: (a, b) => autogen.objectsInPlace!(a, b) }),
    ...(autogen.typeKey === undefined ? {} : { typeKey: (t) => autogen.typeKey!(t) }),
    ...(autogen.partitionIndexName === undefined ? {} : { partitionIndexName: (t, ix, key) => autogen.partitionIndexName!(t, ix, key) }),
  };
}

/**
 * The target's schema module path, known to exist: checked before connecting, so a project
 * without one is told so whatever state its database is in.
 */
function schemaModulePath(project: Project): string {
  const path = project.target.schema;
  if (path === undefined) {
    throw new RetortError('NoSchemaModule', 'No schema module is configured, so there is nothing to compare the database with.', {
      hint: "Set `schema: './src/schema.ts'` in the config (`retort pull` writes one from an existing database).",
    });
  }
  if (!existsSync(path)) {
    throw new RetortError('NoSchemaModule', `The schema module ${path} does not exist.`, {
      fields: { file: path },
      hint: 'Create it (see `retort init`), or write it from the database with `retort pull`.',
    });
  }
  return path;
}

/** Load the target's schema module (its default export from `defineSchema`). */
export async function loadDeclaredSchema(project: Project, path = schemaModulePath(project)): Promise<SchemaModel> {
  const module = await loadScript(path).catch((error: unknown) => {
    throw moduleFailed(path, error);
  });
  const schema = module.default ?? module.schema;
  if (isSchemaDefinition(schema)) return schema.model;
  // A Drizzle schema module: read only when one is met, so drizzle-orm stays an optional peer.
  const drizzle = await import('../schema/drizzle/index.js');
  if (drizzle.isDrizzleModule(module)) return drizzle.drizzleSchemaModel(module, path);
  throw new RetortError('NoSchemaModule', `The schema module ${path} does not export a schema made with defineSchema() (nor Drizzle tables).`, {
    fields: { file: path },
    hint: 'End the module with `export default defineSchema({ ...tables })`, or export Drizzle tables (pgTable, mysqlTable, sqliteTable).',
  });
}

/**
 * An error thrown while the schema module ran (a builder misused, a typo): where in the user's
 * file, with the stack mapped to the lines they wrote for `--verbose`.
 */
function moduleFailed(path: string, error: unknown): RetortError {
  const at = locateError(error);
  const where = at === undefined ? '' : ` at ${formatLocation(at)}`;
  const location = at === undefined ? {} : { line: at.line, column: at.column, thrownIn: at.file };
  if (isRetortError(error)) {
    if (error.code === 'BadImport' || error.code === 'BadRevisionFile') return error;
    return new RetortError(error.code, `${error.message}${where === '' ? '' : ` (${where.trim()})`}`, {
      fields: { file: path, ...location, ...error.fields }, ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error,
    });
  }
  const missing = missingPackage(error);
  if (missing !== undefined) {
    // Most often drizzle-orm, an optional peer of retort: the project installs it.
    return new RetortError(missing.name === 'drizzle-orm' ? 'DrizzleNotInstalled' : 'SchemaInvalid',
      `The schema module ${path} imports '${missing.specifier}'${where}, but the package '${missing.name}' is not installed where the module is.`, {
        fields: { file: path, ...location, package: missing.name },
        hint: `Install it in the project: \`npm install ${missing.name}\`.`,
        cause: error,
      });
  }
  return new RetortError('SchemaInvalid', `The schema module ${path} failed to load${where}: ${explainScriptError(error)}`, {
    fields: { file: path, ...location },
    hint: 'Fix the error in the schema module (run with --verbose for the stack).',
    cause: error,
  });
}

/** The package a failed import named (`drizzle-orm` of `drizzle-orm/pg-core`), when the error is a missing package. */
function missingPackage(error: unknown): { specifier: string; name: string } | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  const specifier = /Cannot find (?:module|package) '([^']+)'/.exec(error instanceof Error ? error.message : '')?.[1];
  if (specifier === undefined || specifier.startsWith('.') || specifier.startsWith('/') || /^[a-z]:/i.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return { specifier, name: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]! };
}

/**
 * The tables a comparison looks at: the config's include/exclude filters, never the tables
 * retort keeps for itself. The dialects apply it to the table list before reading any catalog
 * rows of a table, so excluded tables cost nothing.
 */
function comparedTables(project: Project): (table: string, schema: string | undefined) => boolean {
  const { versionTable, historyTable, autogenerate } = project.target;
  // Other tools' tables stay where adopt left them: `check` never proposes dropping alembic_version.
  const toolTable = (table: string) => !autogenerate.toolTables && TOOL_TABLES.has(table.toLowerCase());
  return (table, schema) => table !== versionTable && table !== historyTable && !toolTable(table) && autogenerate.includes(table, schema);
}

/** The namespaces to read: the config's `autogenerate.schemas`, else `dbSchema`, else the connection's default. */
function namespaces(project: Project): readonly string[] | undefined {
  const { dbSchema, autogenerate } = project.target;
  return autogenerate.schemas ?? (dbSchema === undefined ? undefined : [dbSchema]);
}

/** Read the live schema of the target (for `pull`, `baseline` and comparisons), and what the server fills in where a declaration is silent. */
export async function readLive(project: Project, dialect: Dialect, session: Parameters<DialectAutogen['readSchema']>[0], onRequested?: () => void): Promise<{ live: SchemaModel; defaults?: ServerDefaults }> {
  const schemas = namespaces(project);
  const autogen = autogenOf(dialect);
  const options = { ...(schemas === undefined ? {} : { schemas }), include: comparedTables(project), ...(onRequested === undefined ? {} : { onRequested }) };
  const live = await autogen.readSchema(session, options);
  const defaults = await autogen.readDefaults?.(session, options);
  return defaults === undefined ? { live } : { live, defaults };
}

/** Compare the declared schema with the live database. */
export async function compare(project: Project, options: CompareOptions = {}): Promise<Comparison> {
  const path = schemaModulePath(project);
  return withDatabase(project.target, async (db) => (await compareOn(project, db, path, options)).comparison);
}

/**
 * The comparison on an open database, and the revision graph it used.
 *
 * The catalog is read while this process loads the revision graph and the schema module: the
 * queries are sent first, and the schema module is evaluated once the reader says its longest
 * queries are on their way (ReadSchemaOptions.onRequested), so the server's work overlaps with
 * ours instead of following it. A schema module that fails still wins: its error is the one
 * reported, once the session is idle again.
 */
async function compareOn(project: Project, { dialect, session }: Pick<OpenDatabase, 'dialect' | 'session'>, path: string, options: CompareOptions): Promise<{ comparison: Comparison; graph: RevisionGraph }> {
  const autogen = autogenOf(dialect);
  const versionTable = { name: project.target.versionTable, ...(project.target.dbSchema === undefined ? {} : { schema: project.target.dbSchema }) };
  let requested!: () => void;
  const sent = new Promise<void>((resolve) => { requested = resolve; });
  const reading = (async () => ({ heads: await readHeads(dialect, session, versionTable), ...(await readLive(project, dialect, session, requested)) }))();
  // Handled now so a failed read waiting behind the local work is not an unhandled rejection.
  reading.catch(() => undefined);
  let graph: RevisionGraph;
  let declared: SchemaModel;
  try {
    graph = await project.graph();
    // Evaluating the schema module holds the event loop (about 45 ms for 2,000 tables): begun
    // before the catalog's longest queries were sent, it held back every round trip before them,
    // and the server started late. It waits until they are on their way (or the read is over:
    // a failure is reported after the module's own error, as below).
    await Promise.race([sent, reading.then(() => undefined, () => undefined)]);
    declared = await loadDeclaredSchema(project, path);
  } catch (error) {
    await reading.catch(() => undefined);
    throw error;
  }
  const { heads: recorded, live, defaults } = await reading;
  const current = squashedHeadsOf(graph, recorded);
  const declaredHere = autogen.normalizeDeclared(declared, defaults);
  const schemas = namespaces(project);
  const objects = await autogen.objectComparer?.(session, live, declaredHere, schemas === undefined ? {} : { schemas });
  const safeForm = options.plainForms === true ? undefined : await autogen.safeForms?.(session, live);
  const diffWith = (renames: readonly RenameDecision[] | undefined) => diffSchemas(live, declaredHere, {
    ...dialectDiffOptions(dialect),
    ...(objects === undefined ? {} : { objectsEqual: objects.equal, objectsInPlace: objects.inPlace }),
    ...(safeForm === undefined ? {} : { safeForm }),
    ...(project.target.dbSchema === undefined ? {} : { defaultSchema: project.target.dbSchema }),
    ...(renames === undefined ? {} : { renames }),
    ...(project.target.autogenerate.rewrite === undefined ? {} : { rewrite: project.target.autogenerate.rewrite }),
    include: comparedTables(project),
  } satisfies DiffOptions);
  let diff = diffWith(options.renames);
  if (options.decideRenames !== undefined && diff.renameCandidates.length > 0) {
    const decided = await options.decideRenames(diff.renameCandidates);
    if (decided.length > 0) diff = diffWith([...(options.renames ?? []), ...decided]);
  }
  const heads = [...graph.heads];
  const notAtHead = [...current].sort().join(',') !== [...heads].sort().join(',');
  return { graph, comparison: { diff, current, heads, notAtHead, unmodelled: live.unmodelled ?? [], declaredTables: declared.tables.length } };
}

/** The result of `revision --autogenerate`. */
export interface AutogenerateResult extends RevisionFileResult {
  readonly diff: DiffResult;
  /** True when the diff was empty and the revision is an empty one. */
  readonly empty: boolean;
  /** What the database holds that the model has no place for: neither compared nor written. */
  readonly unmodelled: readonly UnmodelledObject[];
}

/** Write a revision whose upgrade turns the database into the declared schema. */
export async function autogenerate(project: Project, options: RevisionOptions & CompareOptions): Promise<AutogenerateResult> {
  const comparison = await compare(project, options);
  if (comparison.notAtHead) {
    // As Alembic: a diff against a database that is behind would repeat what pending revisions do.
    throw new RetortError('DatabaseNotAtHead', `The database is at ${comparison.current.join(', ') || 'base'}, not at head (${comparison.heads.join(', ')}): autogenerate would repeat what the pending revisions do.`, {
      fields: { current: comparison.current, heads: comparison.heads },
      hint: 'Run `retort upgrade head` first, then autogenerate again.',
    });
  }
  refuseDroppingEverything(project, comparison, options.allowEmptySchema === true);
  const empty = comparison.diff.upgrade.length === 0;
  const rendered = renderRevisionBody(comparison.diff);
  const file = await createRevision(project, {
    ...options,
    upgradeBody: empty ? '// no changes: the database already matches the schema' : rendered.upgrade,
    downgradeBody: empty ? '// no changes' : rendered.downgrade,
    imports: rendered.imports,
  });
  return { ...file, diff: comparison.diff, empty, unmodelled: comparison.unmodelled };
}

/**
 * An untouched schema stub (`retort init`'s) against a database with tables would write a
 * revision that drops every one of them: almost always a schema module not written yet, or the
 * wrong `schema` path. Refused unless asked for.
 */
function refuseDroppingEverything(project: Project, comparison: Comparison, allowed: boolean): void {
  const drops = comparison.diff.upgrade.filter((op) => op.kind === 'dropTable');
  if (allowed || comparison.declaredTables > 0 || drops.length === 0) return;
  const names = drops.map((op) => (op as { table: string }).table).sort();
  throw new RetortError('EmptySchemaModule', `The schema module ${project.target.schema ?? ''} declares no table, so autogenerate would drop every table of the database (${names.length}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}). Nothing was written.`, {
    fields: { file: project.target.schema, tables: names },
    hint: 'Write the schema from the database with `retort pull --force` (then edit it), point `schema` in the config at your schema module, or pass --allow-empty-schema if dropping everything is what you want.',
  });
}

/** The result of `check`. */
export interface CheckResult {
  readonly ok: boolean;
  readonly operations: readonly Operation[];
  readonly notAtHead: boolean;
  readonly current: readonly string[];
  readonly heads: readonly string[];
  /** Applied revisions whose file changed since they ran (until `retort accept`). */
  readonly checksumMismatches: readonly ChecksumMismatch[];
  /**
   * Revisions whose last history row is `running` or `failed` with statements committed: every
   * `upgrade` refuses until `retort resolve`, so `check` is not ok either.
   */
  readonly unresolved: readonly UnresolvedRevision[];
  /** The operations as the TypeScript an autogenerated revision would contain. */
  readonly rendered: string;
  /**
   * What the database holds that the model has no place for, so it was not compared. It does not
   * make `ok` false (the schema module cannot declare it), unless `strict` was asked for.
   */
  readonly unmodelled: readonly UnmodelledObject[];
  /**
   * Differences autogenerate cannot write as operations (an enum whose live values were removed
   * or reordered): each fails the check, with the warning autogenerate would write.
   */
  readonly handWritten: readonly string[];
}

/** Warning codes that mark a difference no generated operation fixes, so `check` must fail on them. */
const HAND_WRITTEN: ReadonlySet<string> = new Set(['enumValuesChanged']);

/** Options of `check`. */
export interface CheckOptions {
  /** Not ok when the database holds anything the model has no place for (`retort check --strict`). */
  readonly strict?: boolean;
}

/**
 * `check`: ok when autogenerate would emit nothing, the database is at head, no applied file
 * changed, no failure is unresolved (and, with `strict`, it holds nothing retort cannot compare).
 */
export async function check(project: Project, options: CheckOptions = {}): Promise<CheckResult> {
  const path = schemaModulePath(project);
  // One connection for the comparison and the history.
  const { comparison, checksumMismatches, unresolved } = await withDatabase(project.target, async (db) => {
    const { comparison: c, graph } = await compareOn(project, db, path, {});
    return { comparison: c, ...(await historyFindingsOn(project, graph, db, c.current)) };
  });
  const operations = comparison.diff.upgrade;
  const blind = options.strict === true && comparison.unmodelled.length > 0;
  const handWritten = comparison.diff.warnings.filter((w) => w.direction === 'upgrade' && HAND_WRITTEN.has(w.code)).map((w) => w.message);
  const differs = operations.length > 0 || handWritten.length > 0;
  return {
    ok: !differs && !comparison.notAtHead && checksumMismatches.length === 0 && unresolved.length === 0 && !blind,
    handWritten,
    unmodelled: comparison.unmodelled,
    checksumMismatches,
    unresolved,
    operations,
    notAtHead: comparison.notAtHead,
    current: comparison.current,
    heads: comparison.heads,
    rendered: differs ? renderRevisionBody(comparison.diff).upgrade : '',
  };
}

/** The result of `pull`. */
export interface PullResult {
  readonly path: string;
  readonly tables: readonly string[];
  /** What the database holds that the model has no place for: not written into the module. */
  readonly unmodelled: readonly UnmodelledObject[];
}

/** `pull`: write the TypeScript schema module of the live database. */
export async function pull(project: Project, options: { out?: string; force?: boolean }): Promise<PullResult> {
  const path = options.out === undefined ? (project.target.schema ?? resolve(project.config.root, 'src/schema.ts')) : resolve(options.out);
  if (existsSync(path) && !options.force) {
    throw new RetortError('FileExists', `${path} exists; pull does not overwrite a schema module.`, {
      fields: { file: path },
      hint: 'Pass --out with another file, or --force to overwrite it.',
    });
  }
  const { live, defaults, defaultPrimaryKeyName } = await withDatabase(project.target, async ({ dialect, session }) => ({
    ...(await readLive(project, dialect, session)),
    defaultPrimaryKeyName: dialect.autogen?.defaultPrimaryKeyName,
  }));
  writeSchemaModule(path, live, defaults, defaultPrimaryKeyName);
  return { path, tables: live.tables.map((t) => t.name), unmodelled: live.unmodelled ?? [] };
}

/** Write `live` as a TypeScript schema module at `path` (`pull`, and `baseline` for a project without one). */
export function writeSchemaModule(path: string, live: SchemaModel, defaults: ServerDefaults | undefined, defaultPrimaryKeyName: DialectAutogen['defaultPrimaryKeyName']): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderSchemaModule(live, {
    ...(defaultPrimaryKeyName === undefined ? {} : { defaultPrimaryKeyName }),
    ...(defaults === undefined ? {} : { defaultTableOptions: (schema: string | undefined) => defaults.tableOptions(schema) }),
  }));
}
