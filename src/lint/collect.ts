/**
 * The operations of revision scripts, read without a database, as offline `--sql` reads them:
 * the same module loader (each file compiled and evaluated once), the same `op` facade, the same
 * query-less `db` and `offline: true`. Only the compiler is left out: lint judges operations, not
 * SQL, so a revision whose SQL cannot be rendered offline (a MySQL MODIFY without `existingType`)
 * is still linted.
 */
import { isRetortError, RetortError } from '../errors.js';
import { buildOp } from '../ops/facade.js';
import type { Operation } from '../ops/operations.js';
import type { MigrationContext, RevisionModule } from '../runtime/context.js';
import { offlineDb } from '../runtime/offline-db.js';
import type { Revision } from '../script/graph/index.js';
import { loadScriptOnce } from '../script/script-loader.js';
import { userLocation, type SourceLocation } from '../script/stack-map.js';

/** One operation a script made, with where it was called. */
export interface CollectedOperation {
  readonly op: Operation;
  readonly inTransaction: boolean;
  /** The call's line in the script; mapped only when a finding needs it (a source map per file). */
  location(): SourceLocation | undefined;
}

/** What a revision's upgrade did, and whether its downgrade does anything. */
export interface CollectedRevision {
  readonly revision: Revision;
  readonly upgrade: readonly CollectedOperation[];
  /** The downgrade's operations (empty when it has none, or needs the database to run). */
  readonly downgradeOps: readonly CollectedOperation[];
  /** `missing`: no downgrade export; `empty`: it makes no operation; `present`: it does something (or queries). */
  readonly downgrade: 'missing' | 'empty' | 'present';
  /** Revision-level acknowledgements: `export const lintAck = { 'no-downgrade': 'reason' }`. */
  readonly acks: Readonly<Record<string, string>>;
}

/** Options of {@link collectRevision}. */
export interface CollectOptions {
  readonly dialect: string;
  readonly x: Readonly<Record<string, string>>;
  /** Whether revisions run in transactions (the config's mode is not 'none' and DDL is transactional). */
  readonly transactions: boolean;
  /**
   * Capture each call's stack so that `location()` can name its line (default true). Capturing
   * costs more than collecting: lint collects without it, then again with it for the few
   * revisions that have findings.
   */
  readonly locate?: boolean;
  /**
   * How a revision's module is loaded: default {@link loadScriptOnce}; lint passes the
   * `load` of its `prepareScripts`, which has read every file already.
   */
  readonly load?: (path: string) => Promise<Record<string, unknown>>;
}

/** Collects the operations of many revisions through one `op` facade and one offline `db`. */
export interface Collector {
  collect(revision: Revision): Promise<CollectedRevision>;
}

const UNKNOWN_LOCATION = (): undefined => undefined;

/**
 * A collector for `options`. The facade, the `db` stand-in and the sink are made once, not per
 * script: for 2,000 revisions that was a fifth of lint's time. Scripts run one at a time (each
 * call is awaited before the next starts), so one mutable "current call" is enough.
 */
export function createCollector(options: CollectOptions): Collector {
  const locate = options.locate ?? true;
  const load = options.load ?? loadScriptOnce;
  let ops: CollectedOperation[] = [];
  let path = '';
  let revisionId = '';
  let outside = 0;
  const op = buildOp((operation) => {
    let location: CollectedOperation['location'] = UNKNOWN_LOCATION;
    if (locate) {
      // As the runner does: V8 captures the frames now and formats them only if a finding reads them.
      const site: { stack?: string } = {};
      Error.captureStackTrace(site);
      const file = path;
      let cached: SourceLocation | undefined | null = null;
      location = () => (cached === null ? (cached = userLocation(site.stack, file)) : cached);
    }
    ops.push({ op: operation, inTransaction: options.transactions && outside === 0, location });
    return Promise.resolve();
  }, async (body) => {
    outside += 1;
    try {
      await body();
    } finally {
      outside -= 1;
    }
  });
  const db = offlineDb(() => revisionId);
  const call = async (module: RevisionModule, fn: NonNullable<RevisionModule['downgrade']>, revision: Revision, direction: 'up' | 'down'): Promise<CollectedOperation[]> => {
    ops = [];
    path = revision.path;
    revisionId = revision.revision;
    outside = 0;
    const ctx: MigrationContext = Object.freeze({
      op, db, x: options.x, tag: undefined, revision: revision.revision, direction, offline: true, dialect: options.dialect,
    });
    await fn.call(module, ctx);
    return ops;
  };
  return {
    async collect(revision) {
      const module = (await load(revision.path)) as unknown as RevisionModule & { lintAck?: unknown };
      if (typeof module.upgrade !== 'function') {
        throw new RetortError('BadRevisionFile', `Revision ${revision.revision} (${revision.path}) has no exported upgrade function.`, {
          fields: { revision: revision.revision, file: revision.path },
          hint: 'Export `async function upgrade({ op, db })` from the file.',
        });
      }
      const up = await call(module, module.upgrade, revision, 'up').catch((error: unknown) => {
        // A revision converted by `adopt --alembic-scripts` and not ported yet: its body is Python in
        // a comment, with no operation to lint (its downgrade counts as present: it will be ported too).
        if (isRetortError(error) && error.code === 'UnportedRevision') return undefined;
        throw error;
      });
      if (up === undefined) return { revision, upgrade: [], downgradeOps: [], downgrade: 'present', acks: revisionAcks(module.lintAck, revision) };
      let downgrade: CollectedRevision['downgrade'] = 'missing';
      let downgradeOps: readonly CollectedOperation[] = [];
      if (typeof module.downgrade === 'function') {
        try {
          downgradeOps = await call(module, module.downgrade, revision, 'down');
          downgrade = downgradeOps.length > 0 ? 'present' : 'empty';
        } catch {
          // A downgrade that needs the database (data moves through `db`) does something.
          downgrade = 'present';
          downgradeOps = [];
        }
      }
      return { revision, upgrade: up, downgradeOps, downgrade, acks: revisionAcks(module.lintAck, revision) };
    },
  };
}

/** Load `revision`'s script and collect its upgrade's operations and the shape of its downgrade. */
export async function collectRevision(revision: Revision, options: CollectOptions): Promise<CollectedRevision> {
  return createCollector(options).collect(revision);
}

function revisionAcks(value: unknown, revision: Revision): Record<string, string> {
  if (value === undefined) return {};
  const ok = typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string' && v.trim() !== '');
  if (!ok) {
    throw new RetortError('BadRevisionFile', `Revision ${revision.revision} (${revision.path}) exports a lintAck that is not { 'rule-id': 'reason' }.`, {
      fields: { revision: revision.revision, file: revision.path },
      hint: "Write `export const lintAck = { 'no-downgrade': 'the dropped data cannot come back' };`.",
    });
  }
  return value as Record<string, string>;
}
