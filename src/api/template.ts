/**
 * A migrated database per test worker. The revisions are migrated once into a template database
 * whose name carries a hash of the revisions' checksums (so an edited or added revision makes a
 * new template, and an unchanged chain reuses the one an earlier run left); each worker gets a
 * copy of it (PostgreSQL `CREATE DATABASE ... TEMPLATE`, MySQL / MariaDB a database cloned table
 * by table, SQLite a file copy), which it drops at the end.
 *
 * Several workers start at once and all ask for the template: the making of a template and every
 * copy of it happen under one lock (the dialect's run lock, on a name of its own), so exactly one
 * process migrates and the others wait, then copy. The copies are under the lock too: PostgreSQL
 * refuses to copy a database another session is connected to, and a waiter checking the
 * template's version table is such a session.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { parseUrl } from '../config/url.js';
import type { DatabaseCopies } from '../dialects/copies.js';
import type { Dialect } from '../dialects/dialect.js';
import type { ScratchDatabase } from '../dialects/snapshot.js';
import { RetortError } from '../errors.js';
import { fileChecksum } from '../runtime/history-table.js';
import { acquireRunLock } from '../runtime/lock.js';
import type { RevisionGraph } from '../script/graph/index.js';
import { dialectOf } from './database.js';
import type { RetortOptions } from './options.js';
import { projectFor, type Project } from './project.js';
import { bindRetort, type Retort } from './retort.js';

/** Options of {@link migratedTemplate} and {@link workerDatabase}. */
export interface TemplateOptions {
  /**
   * Seconds to wait for another process making the template (default 600: a long chain may take
   * minutes to migrate, and every other worker waits for it).
   */
  readonly templateTimeout?: number;
}

/** Options of {@link workerDatabase}. */
export interface WorkerDatabaseOptions extends TemplateOptions {
  /**
   * The worker's id, part of its database's name. Default: `VITEST_POOL_ID`, else
   * `JEST_WORKER_ID`, else `1`. The process id is added, so two test runs never share a name.
   */
  readonly worker?: string;
}

/** The template database of one set of revisions. */
export interface MigratedTemplate {
  /** Its URL (password masked nowhere: it is the configured URL with another database name). */
  readonly url: string;
  /** Its name (a file path for SQLite). */
  readonly name: string;
  /** The hash of the revisions' checksums in its name. */
  readonly key: string;
  /** True when this call migrated it; false when it existed at the graph's heads and was reused. */
  readonly created: boolean;
  /** The heads it holds. */
  readonly heads: readonly string[];
}

/** One worker's database: a copy of the template. */
export interface WorkerDatabase {
  readonly url: string;
  readonly name: string;
  readonly template: MigratedTemplate;
  /** `copy`: copied from the template; `migrated`: the dialect could not copy what it holds, so the revisions were run. */
  readonly made: 'copy' | 'migrated';
  /** Drop it (safe to call twice). */
  drop(): Promise<void>;
}

const DEFAULT_TIMEOUT_SECONDS = 600;

function untestable(dialect: Dialect): RetortError {
  return new RetortError('UnsupportedOperation', `retort-migrate/testing cannot copy ${dialect.name} databases.`, { fields: { dialect: dialect.name } });
}

/**
 * The template's key: sha256 over each revision's id and file checksum (sorted by id), and the
 * version table and schema it is recorded in, cut to 12 hex characters.
 */
export async function templateKey(graph: RevisionGraph, project: Project): Promise<string> {
  const hash = createHash('sha256').update(`${project.target.versionTable}|${project.target.dbSchema ?? ''}\n`);
  const revisions = [...graph.revisions].sort((a, b) => (a.revision < b.revision ? -1 : 1));
  for (const r of revisions) hash.update(`${r.revision}:${await fileChecksum(r.path)}\n`);
  return hash.digest('hex').slice(0, 12);
}

/** A name fragment from the configured database's name (or file), safe in every dialect. */
function baseName(url: string): string {
  const database = parseUrl(url).database ?? '';
  const base = basename(database).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]/g, '_').slice(0, 30);
  return base === '' ? 'db' : base;
}

interface Context {
  readonly project: Project;
  readonly graph: RevisionGraph;
  readonly copies: DatabaseCopies;
  readonly key: string;
  readonly name: string;
  /** A retort on database `url`, with the project's graph and scripts. */
  on(url: string): Retort;
}

async function contextOf(project: Project, run: RetortOptions): Promise<Context> {
  const graph = await project.graph();
  const dialect = await dialectOf(project.target);
  const copies = dialect.copies ?? (() => { throw untestable(dialect); })();
  const key = await templateKey(graph, project);
  const on = (url: string) => {
    // A new database has no dbSchema yet: the first upgrade makes it.
    const here: Project = { ...projectFor(project.config, { ...project.target, url, createDbSchema: true }), graph: () => project.graph() };
    return bindRetort(async () => here, { ...run, target: project.target.name, url });
  };
  return { project, graph, copies, key, name: `${baseName(project.target.url)}_tpl_${key}`, on };
}

/** Run `fn` holding the lock on `ctx`'s template (see the module comment). */
async function underTemplateLock<T>(ctx: Context, options: TemplateOptions, fn: () => Promise<T>): Promise<T> {
  const { target } = ctx.project;
  const dialect = await dialectOf(target);
  const connection = await dialect.connect(parseUrl(ctx.copies.lockUrl(target.url, ctx.name)), { target: target.name, timeouts: target.timeouts });
  try {
    const lock = await acquireRunLock(connection, {
      scope: { versionTable: `retort_template_${ctx.key}` },
      timeoutSeconds: options.templateTimeout ?? DEFAULT_TIMEOUT_SECONDS,
      target: target.name,
      leaseSeconds: target.lockLeaseSeconds,
    });
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  } finally {
    await connection.close();
  }
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The template at the graph's heads: reused when it holds them, else (re)made and migrated. Call under the lock. */
async function ensureTemplate(ctx: Context): Promise<MigratedTemplate> {
  const { url } = ctx.project.target;
  const template = ctx.copies.named(url, ctx.name);
  const heads = ctx.graph.heads;
  const result = (created: boolean): MigratedTemplate => ({ url: template.url, name: template.name, key: ctx.key, created, heads });
  if (await ctx.copies.exists(url, ctx.name)) {
    // A process killed while migrating it leaves a template below the heads: made again.
    if (sameSet((await ctx.on(template.url).current()).current, heads)) return result(false);
    await template.drop();
  }
  await ctx.copies.create(url, ctx.name);
  try {
    await ctx.on(template.url).upgrade('heads');
  } catch (error) {
    await template.drop().catch(() => undefined);
    throw error;
  }
  return result(true);
}

/**
 * The template of `project`'s revisions: migrated now, or reused when a template of the same
 * revision checksums exists at the heads. Waits while another process makes it.
 */
export async function migratedTemplate(project: Project, options: TemplateOptions, run: RetortOptions): Promise<MigratedTemplate> {
  const ctx = await contextOf(project, run);
  return underTemplateLock(ctx, options, () => ensureTemplate(ctx));
}

/** The worker id of the test runner (see {@link WorkerDatabaseOptions.worker}). */
function workerId(options: WorkerDatabaseOptions): string {
  const id = options.worker ?? process.env['VITEST_POOL_ID'] ?? process.env['JEST_WORKER_ID'] ?? '1';
  return id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || '1';
}

/** A database for this worker, copied from the template (made first if needed). */
export async function workerDatabase(project: Project, options: WorkerDatabaseOptions, run: RetortOptions): Promise<WorkerDatabase> {
  const ctx = await contextOf(project, run);
  const { url } = project.target;
  const name = `${baseName(url)}_${ctx.key.slice(0, 8)}_w${workerId(options)}_${process.pid}`;
  return underTemplateLock(ctx, options, async () => {
    const template = await ensureTemplate(ctx);
    const leftover = ctx.copies.named(url, name);
    // The same name from an earlier file of this worker that was not dropped (a crash).
    if (await ctx.copies.exists(url, name)) await leftover.drop();
    const copy: ScratchDatabase | undefined = await ctx.copies.copy(url, ctx.name, name);
    if (copy !== undefined) return { url: copy.url, name: copy.name, template, made: 'copy' as const, drop: () => copy.drop() };
    const made = await ctx.copies.create(url, name);
    try {
      await ctx.on(made.url).upgrade('heads');
    } catch (error) {
      await made.drop().catch(() => undefined);
      throw error;
    }
    return { url: made.url, name: made.name, template, made: 'migrated' as const, drop: () => made.drop() };
  });
}
