/**
 * `retort squash FROM:TO -m MSG`: one revision replacing a linear range.
 *
 * The squash is rendered from catalogs, not by folding the range's operations: on a scratch
 * database the revisions below the range are applied (A), then the range (B), and the squash's
 * upgrade is autogenerate's diff from A to B (its downgrade the reverse). Folding operations would
 * need a second schema engine that knows what every operation, `alterColumn`'s `using`, a SQLite
 * batch rebuild or raw DDL in `op.execute` does to a table; the server already knows, and the
 * diff engine is the one `baseline` and `check` are tested with. Then the claim is checked, not
 * trusted: a second scratch database is built with the squash in place of the range and its
 * catalog snapshot must equal B's, or nothing is changed.
 *
 * Data is not in a catalog: an `op.execute` that changes rows, `op.bulkInsert`, or a script that
 * queries through `db` is refused by default; `keepData` copies the SQL statements verbatim after
 * the schema operations, with a warning in the file (queries through `db` are refused always).
 */
import { mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { diffSchemas } from '../autogen/diff.js';
import { renderRevisionBody } from '../autogen/render.js';
import type { Dialect } from '../dialects/dialect.js';
import { snapshotDifferences, type CatalogSnapshot, type ScratchDatabase } from '../dialects/snapshot.js';
import { isRetortError, RetortError } from '../errors.js';
import { collectRevision } from '../lint/collect.js';
import type { SchemaModel } from '../schema/model.js';
import { readRevisionHeader } from '../script/header.js';
import type { Revision, RevisionGraph } from '../script/graph/index.js';
import { newRevisionId } from '../script/ids.js';
import { prepareScripts } from '../script/script-loader.js';
import { revisionText } from '../script/writer.js';
import { isDataStatement, linearRange, type SquashRange } from '../squash/range.js';
import { dialectDiffOptions, readLive } from './autogenerate.js';
import { dialectOf, withDatabase } from './database.js';
import type { RetortOptions } from './options.js';
import { projectFor, type Project } from './project.js';
import { bindRetort } from './retort.js';

/** Options of `squash`. */
export interface SquashOptions {
  readonly message: string;
  /** The squash's id (default: a new one, by the config's id strategy). */
  readonly revId?: string;
  /** Keep data statements (`op.execute` of INSERT/UPDATE..., `op.bulkInsert`) verbatim, after the schema. */
  readonly keepData?: boolean;
}

/** What `squash` did. */
export interface SquashResult {
  readonly revision: string;
  readonly file: string;
  /** The replaced revisions, oldest first (the squash's `replaces`). */
  readonly replaces: readonly string[];
  /** The files deleted (git keeps them). */
  readonly removed: readonly string[];
  /**
   * Revisions after the range: their files are unchanged (so are their recorded checksums); the
   * graph reads the replaced parent they name as the squash.
   */
  readonly children: readonly string[];
  /** Data statements copied verbatim (`keepData`), and other things a person should read. */
  readonly warnings: readonly string[];
  /** The scratch databases' catalogs (after the range, after the squash) were compared equal. */
  readonly verified: true;
}

/** A data change found in the range: where, and what. */
interface DataChange {
  readonly revision: string;
  readonly file: string;
  readonly line: number | undefined;
  readonly what: string;
  /** The statement to keep verbatim; undefined for one that cannot be kept (a query through `db`). */
  readonly statement?: string;
  readonly rows?: { table: string; schema?: string; rows: readonly Readonly<Record<string, unknown>>[] };
}

/** Replace the range `range` (`FROM:TO`) with one revision. */
export async function squash(project: Project, range: string, options: SquashOptions, run: RetortOptions = {}): Promise<SquashResult> {
  if (typeof options.message !== 'string' || options.message.trim() === '') {
    throw new RetortError('BadArgument', '`retort squash` needs a message saying what the squashed revision holds.', { hint: 'Pass -m, e.g. `retort squash 0001:0050 -m "initial schema"`.' });
  }
  const graph = await project.graph();
  const found = linearRange(graph, range);
  const dialect = await dialectOf(project.target);
  const data = await dataChanges(found.revisions, dialect, run);
  refuseData(data, options.keepData === true);
  const revision = newRevisionId({ strategy: project.target.revisionIds, ...(options.revId === undefined ? {} : { explicit: options.revId }), existing: graph.revisions.map((r) => r.revision) });
  const built = await onScratch(project, dialect, graph, async (retort, snapshot, model) => {
    for (const base of baseTargets(found)) await retort.upgrade(base);
    const before = await model();
    const applied = await retort.upgrade(found.revisions[found.revisions.length - 1]!.revision);
    if (applied.steps.length !== found.revisions.length) {
      throw new RetortError('CannotSquash', `Upgrading to ${range} on a scratch database ran ${applied.steps.length} revisions, not the range's ${found.revisions.length}: something outside the range is needed by it.`, {
        fields: { ran: applied.steps.map((s) => s.revision) }, hint: 'Squash a range whose revisions depend only on revisions below it.',
      });
    }
    return { before, after: await model(), catalog: await snapshot() };
  });
  const diff = diffSchemas(built.before, built.after, { ...dialectDiffOptions(dialect), ...(project.target.dbSchema === undefined ? {} : { defaultSchema: project.target.dbSchema }) });
  const rendered = renderRevisionBody(diff);
  const kept = options.keepData === true ? data : [];
  const warnings = [
    ...kept.map((d) => `${d.revision} (${basename(d.file)}${d.line === undefined ? '' : `:${d.line}`}): ${d.what} kept verbatim after the schema operations; check it still applies to the squashed schema.`),
    ...diff.warnings.filter((w) => w.direction === 'upgrade').map((w) => w.message),
  ];
  const upgradeBody = [diff.upgrade.length === 0 ? '// the range changed nothing in the catalog' : rendered.upgrade, ...keptLines(kept)].join('\n');
  const { path, text } = squashText(found, revision, options.message.trim(), upgradeBody, diff.upgrade.length === 0 ? '// nothing to undo' : rendered.downgrade, rendered.imports);
  const applied = applyFiles(found, path, text);
  try {
    const fresh = projectFor(project.config, project.target);
    const squashed = await fresh.graph();
    const catalog = await onScratch(fresh, dialect, squashed, async (retort, snapshot) => {
      for (const base of baseTargets(found)) await retort.upgrade(base);
      await retort.upgrade(revision);
      return snapshot();
    });
    const differences = snapshotDifferences(built.catalog, catalog, ['after the range', 'after the squash']);
    if (differences.length > 0) {
      throw new RetortError('CannotSquash', `The squash would not build the catalog the range builds (${differences.length} difference(s)); nothing was changed.\n  ${differences.slice(0, 10).join('\n  ')}`, {
        fields: { differences }, hint: 'The range holds something the schema model does not render (`retort check` lists unmodelled objects): squash a shorter range, or keep these revisions.',
      });
    }
  } catch (error) {
    applied.undo();
    throw error;
  }
  applied.commit();
  return { revision, file: path, replaces: found.revisions.map((r) => r.revision), removed: found.revisions.map((r) => r.path), children: found.referrers.map((r) => r.revision), warnings, verified: true };
}

/** What the scratch database must hold before the range: FROM's parents and the range's outside dependencies. */
function baseTargets(found: SquashRange): string[] {
  return [...found.parents, ...found.dependsOn];
}

/** The data changes of the range's upgrades, read without a database as `lint` reads them. */
async function dataChanges(revisions: readonly Revision[], dialect: Dialect, run: RetortOptions): Promise<DataChange[]> {
  await prepareScripts(revisions.map((r) => r.path));
  const options = { dialect: dialect.name, x: run.x ?? {}, transactions: dialect.capabilities.transactionalDdl };
  const out: DataChange[] = [];
  for (const revision of revisions) {
    let collected;
    try {
      collected = await collectRevision(revision, options);
    } catch (error) {
      if (isRetortError(error) && error.code === 'OfflineUnsupported') {
        out.push({ revision: revision.revision, file: revision.path, line: undefined, what: 'its upgrade queries the database through `db`' });
        continue;
      }
      throw error;
    }
    for (const call of collected.upgrade) {
      const op = call.op;
      const line = call.location()?.line;
      if (op.kind === 'execute' && isDataStatement(op.sql)) {
        out.push({ revision: revision.revision, file: revision.path, line, what: `op.execute(${JSON.stringify(op.sql.trim().slice(0, 60))})`, statement: op.sql });
      } else if (op.kind === 'bulkInsert') {
        out.push({ revision: revision.revision, file: revision.path, line, what: `op.bulkInsert('${op.table}', ${op.rows.length} rows)`, rows: { table: op.table, ...(op.schema === undefined ? {} : { schema: op.schema }), rows: op.rows } });
      }
    }
  }
  return out;
}

function refuseData(data: readonly DataChange[], keep: boolean): void {
  const blocking = keep ? data.filter((d) => d.statement === undefined && d.rows === undefined) : data;
  if (blocking.length === 0) return;
  const lines = blocking.map((d) => `  ${d.revision} (${d.file}${d.line === undefined ? '' : `:${d.line}`}): ${d.what}`);
  throw new RetortError('CannotSquash', `The range changes data, which a squash rendered from the catalog would lose; nothing was changed.\n${lines.join('\n')}`, {
    fields: { dataChanges: blocking.map((d) => ({ revision: d.revision, file: d.file, line: d.line ?? null, what: d.what })) },
    hint: keep
      ? 'A query through `db` cannot be copied: write it as op.execute(SQL), or squash a range without it.'
      : 'Pass --keep-data to copy these statements verbatim after the schema operations (read the squash afterwards), or squash a range without them.',
  });
}

function keptLines(kept: readonly DataChange[]): string[] {
  if (kept.length === 0) return [];
  const lines = ['', '// Kept verbatim from the squashed revisions (data is not in a catalog): check they still apply.'];
  for (const d of kept) {
    lines.push(`// from ${d.revision}`);
    if (d.statement !== undefined) lines.push(`await op.execute(${JSON.stringify(d.statement)});`);
    if (d.rows !== undefined) {
      const options = d.rows.schema === undefined ? '' : `, { schema: ${JSON.stringify(d.rows.schema)} }`;
      lines.push(`await op.bulkInsert(${JSON.stringify(d.rows.table)}, ${JSON.stringify(d.rows.rows)}${options});`);
    }
  }
  return lines;
}

/** The squash file's path and text: the template's, with the `replaces` line after the id. */
function squashText(found: SquashRange, revision: string, message: string, upgradeBody: string, downgradeBody: string, imports: readonly string[]): { path: string; text: string } {
  const last = found.revisions[found.revisions.length - 1]!;
  const { path, text } = revisionText({
    dir: dirname(last.path), revision, message, downRevisions: found.parents, branchLabels: found.branchLabels, dependsOn: found.dependsOn,
    upgradeBody, downgradeBody, imports,
  });
  const ids = found.revisions.map((r) => `'${r.revision}'`).join(', ');
  const line = /^export const revision\b.*$/m;
  if (!line.test(text)) {
    throw new RetortError('BadRevisionFile', `The script template of ${dirname(path)} has no \`export const revision = ...\` line to put \`replaces\` after.`, { fields: { path }, hint: 'Keep the header lines of the template.' });
  }
  const withReplaces = text.replace(line, (l) => `${l}\n/** The revisions this squash replaced (\`retort squash\`): a database at ${last.revision} is at ${revision}. */\nexport const replaces: string[] = [${ids}];`);
  const header = readRevisionHeader(path, withReplaces);
  if ((header.replaces ?? []).join(',') !== found.revisions.map((r) => r.revision).join(',')) {
    throw new RetortError('BadRevisionFile', `The squash file ${path} would not read back its \`replaces\`.`, { fields: { path }, hint: 'Keep `dependsOn` as the last header line of the script template.' });
  }
  return { path, text: withReplaces };
}

/**
 * Put the squash in place: write it and move the range's files aside (a hidden folder the
 * directory scan skips). `undo` restores everything; `commit` deletes the old files.
 */
function applyFiles(found: SquashRange, path: string, text: string): { undo(): void; commit(): void } {
  const aside = join(dirname(path), `.retort-squash-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(aside);
  writeFileSync(path, text.endsWith('\n') ? text : `${text}\n`, { flag: 'wx' });
  const moved: [string, string][] = [];
  try {
    for (const r of found.revisions) {
      const to = join(aside, `${moved.length}_${basename(r.path)}`);
      renameSync(r.path, to);
      moved.push([r.path, to]);
    }
  } catch (error) {
    undo();
    throw error;
  }
  function undo(): void {
    for (const [from, to] of moved) renameSync(to, from);
    rmSync(aside, { recursive: true, force: true });
    unlinkSync(path);
  }
  return { undo, commit: () => rmSync(aside, { recursive: true, force: true }) };
}

type Bound = ReturnType<typeof bindRetort>;

/** Run `fn` on a scratch database of `project`'s server, built with `graph`, and drop it. */
async function onScratch<T>(
  project: Project, dialect: Dialect, graph: RevisionGraph,
  fn: (retort: Bound, snapshot: () => Promise<CatalogSnapshot>, model: () => Promise<SchemaModel>) => Promise<T>,
): Promise<T> {
  if (dialect.scratch === undefined || dialect.catalogSnapshot === undefined) {
    throw new RetortError('UnsupportedOperation', `retort squash needs scratch databases and catalog snapshots, which ${dialect.name} lacks.`, { fields: { dialect: dialect.name } });
  }
  const reader = dialect.catalogSnapshot;
  const scratch: ScratchDatabase = await dialect.scratch.create(project.target.url, `retort_squash_${process.pid}_${randomBytes(4).toString('hex')}`);
  try {
    const target = { ...project.target, url: scratch.url, createDbSchema: true };
    const here: Project = { ...projectFor(project.config, target), graph: async () => graph };
    const retort = bindRetort(async () => here, { target: target.name });
    const { versionTable, historyTable, dbSchema, autogenerate } = target;
    const schemas = autogenerate.schemas ?? (dbSchema === undefined ? undefined : [dbSchema]);
    const snapshot = () => withDatabase(target, ({ session }) =>
      reader.read(session, { ...(schemas === undefined ? {} : { schemas }), excludeTables: [versionTable, historyTable] }));
    const model = () => withDatabase(target, async ({ session }) => (await readLive(here, dialect, session)).live);
    return await fn(retort, snapshot, model);
  } finally {
    await scratch.drop();
  }
}
