/**
 * `retort test`: the stairway. On a scratch database (made and dropped here) or the one given,
 * every revision from base to head is upgraded, its catalog read, downgraded (the catalog must be
 * the one before its upgrade), and upgraded again (the catalog must be the one after its first
 * upgrade); at head the database is compared with the schema module, as `check` does. It stops
 * at the first revision that fails, since every later step would stand on a wrong catalog.
 */
import { randomBytes } from 'node:crypto';
import { displayUrl } from '../config/url.js';
import type { Dialect } from '../dialects/dialect.js';
import { snapshotDifferences, type CatalogSnapshot, type ScratchDatabase } from '../dialects/snapshot.js';
import { RetortError } from '../errors.js';
import type { MigrationStep } from '../script/graph/index.js';
import { check } from './autogenerate.js';
import { dialectOf, withDatabase } from './database.js';
import type { RetortOptions } from './options.js';
import { projectFor, type Project } from './project.js';
import { bindRetort } from './retort.js';

/** Options of {@link stairway}. */
export interface StairwayOptions {
  /**
   * Make a scratch database next to the target's (a new database on its server, a temporary
   * SQLite file) and drop it at the end: the default. False: run on the target's own database,
   * which must be empty (the CLI's `--url`).
   */
  readonly scratch?: boolean;
}

/** The first revision the stairway found wrong. */
export interface StairwayFailure {
  readonly revision: string;
  /**
   * `downgrade`: the downgrade failed or did not restore the catalog; `upgrade`: the upgrade
   * failed (often: after a downgrade that left something behind) or did not build the same
   * catalog twice; `schema`: at head, the database differs from the schema module.
   */
  readonly step: 'downgrade' | 'upgrade' | 'schema';
  /** One line per difference (kind, object, both definitions) or the error of the failed step. */
  readonly differences: readonly string[];
}

/** The result of {@link stairway}. */
export interface StairwayResult {
  readonly ok: boolean;
  /** How many revisions the chain from base to head holds. */
  readonly revisions: number;
  /** The revisions that went up, down and up again with the catalog restored, in order. */
  readonly passed: readonly string[];
  readonly failures: readonly StairwayFailure[];
  /** False when the target has no schema module: the head was not compared. */
  readonly schemaCompared: boolean;
  /** The database tested (its URL, password masked; a file for SQLite). */
  readonly database: string;
  /** True when it was a scratch database, now dropped. */
  readonly scratch: boolean;
}

function untestable(dialect: Dialect, what: string): RetortError {
  return new RetortError('UnsupportedOperation', `retort test cannot ${what} on ${dialect.name}.`, { fields: { dialect: dialect.name } });
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * What to downgrade to so that only `step`'s revision is undone: `-1` from a single head (also
 * right for a merge revision, which leaves its parents as heads); else the revision's own `-1`.
 */
function downgradeTarget(step: MigrationStep, heads: readonly string[]): string {
  return heads.length === 1 && heads[0] === step.revision ? '-1' : `${step.revision}-1`;
}

/** Run the stairway on `project`'s target (see the module comment). */
export async function stairway(project: Project, options: StairwayOptions = {}, retortOptions: RetortOptions = {}): Promise<StairwayResult> {
  const graph = await project.graph();
  const steps = graph.planUpgrade([], 'heads');
  const dialect = await dialectOf(project.target);
  const reader = dialect.catalogSnapshot ?? (() => { throw untestable(dialect, 'read the catalog'); })();
  let scratch: ScratchDatabase | undefined;
  if (options.scratch !== false) {
    if (dialect.scratch === undefined) throw untestable(dialect, 'make a scratch database');
    scratch = await dialect.scratch.create(project.target.url, `retort_test_${process.pid}_${randomBytes(4).toString('hex')}`);
  }
  try {
    // A scratch database has no dbSchema yet: the first upgrade makes it.
    const target = scratch === undefined ? project.target : { ...project.target, url: scratch.url, createDbSchema: true };
    const here: Project = { ...projectFor(project.config, target), graph: () => project.graph() };
    const retort = bindRetort(async () => here, { ...retortOptions, target: target.name });
    const { versionTable, historyTable, dbSchema, autogenerate } = target;
    const schemas = autogenerate.schemas ?? (dbSchema === undefined ? undefined : [dbSchema]);
    const snapshot = (): Promise<CatalogSnapshot> => withDatabase(target, ({ session }) =>
      reader.read(session, { ...(schemas === undefined ? {} : { schemas }), excludeTables: [versionTable, historyTable] }));

    const failures: StairwayFailure[] = [];
    const passed: string[] = [];
    const fail = (revision: string, step: StairwayFailure['step'], differences: readonly string[]) => failures.push({ revision, step, differences });
    let before = await snapshot();
    for (const step of steps) {
      const r = step.revision;
      const up = await retort.upgrade(r).then((result) => result, (error: unknown) => error as Error);
      if (up instanceof Error) { fail(r, 'upgrade', [`the upgrade failed: ${message(up)}`]); break; }
      const after = await snapshot();
      const down = await retort.downgrade(downgradeTarget(step, up.current)).then(() => undefined, (error: unknown) => error as Error);
      if (down !== undefined) { fail(r, 'downgrade', [`the downgrade failed: ${message(down)}`]); break; }
      const restored = snapshotDifferences(before, await snapshot(), ['before the upgrade', 'after the downgrade']);
      if (restored.length > 0) { fail(r, 'downgrade', restored); break; }
      const again = await retort.upgrade(r).then(() => undefined, (error: unknown) => error as Error);
      if (again !== undefined) { fail(r, 'upgrade', [`the upgrade after the downgrade failed: ${message(again)}`]); break; }
      const second = await snapshot();
      const same = snapshotDifferences(after, second, ['after the first upgrade', 'after the second upgrade']);
      if (same.length > 0) { fail(r, 'upgrade', same); break; }
      passed.push(r);
      before = second;
    }
    const schemaCompared = failures.length === 0 && target.schema !== undefined;
    if (schemaCompared) {
      const result = await check(here);
      if (!result.ok) {
        fail(graph.heads.join(', '), 'schema', result.rendered.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('//')));
      }
    }
    return {
      ok: failures.length === 0,
      revisions: steps.length,
      passed,
      failures,
      schemaCompared,
      database: scratch?.name ?? displayUrl(target.url),
      scratch: scratch !== undefined,
    };
  } finally {
    await scratch?.drop();
  }
}
