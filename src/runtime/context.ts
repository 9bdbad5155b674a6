/**
 * What a revision script's `upgrade` / `downgrade` receive.
 */
import type { Kysely } from 'kysely';
import type { Op } from '../ops/facade.js';

/**
 * The argument of `upgrade` and `downgrade`.
 * @typeParam DB - the Kysely `Database` type (`typeof schema.$kysely`) for typed data migrations
 */
export interface MigrationContext<DB = any> {
  /** Schema operations: `await op.createTable(...)`. Await every call. */
  readonly op: Op;
  /**
   * A Kysely instance on the run's own connection, inside the revision's transaction. In offline
   * (`--sql`) mode there is no database: queries built with it must be passed to `op.execute`
   * as text, or guarded with `if (!offline)`.
   */
  readonly db: Kysely<DB>;
  /** The `-x KEY=VALUE` arguments of the command line. */
  readonly x: Readonly<Record<string, string>>;
  /** The `--tag` of `upgrade` / `downgrade`, if given. */
  readonly tag: string | undefined;
  /** The revision being run. */
  readonly revision: string;
  /** 'up' in `upgrade`, 'down' in `downgrade`. */
  readonly direction: 'up' | 'down';
  /** True when printing SQL (`--sql`) instead of running it. */
  readonly offline: boolean;
  /** The dialect's name, for the rare script that must differ per database. */
  readonly dialect: string;
}

/** The module shape of a revision script once loaded. */
export interface RevisionModule {
  upgrade(ctx: MigrationContext): Promise<void> | void;
  downgrade?(ctx: MigrationContext): Promise<void> | void;
}
