/**
 * The shape of `retort.config.ts` (what users write) and {@link defineConfig}, which types it.
 * What the rest of retort consumes is the resolved form in `resolve.ts`.
 */

import type { AutogenerateConfig } from './autogenerate.js';

/** How revisions are wrapped in transactions during a run. */
export type TransactionMode = 'per-migration' | 'all' | 'none';

/** How new revision ids are made: 12 random hex characters, `0001`-style counters, or dates. */
export type RevisionIdStyle = 'random' | 'sequential' | 'date';

/**
 * The settings of one database. At the top level of a config they describe the single database,
 * or act as defaults for every entry of `targets`.
 */
export interface TargetConfig {
  /** Connection URL, e.g. `postgres://app@db:5432/app` or `sqlite:./app.db`. `--url` overrides it. */
  url?: string | undefined;
  /** Version directory, or several (revisions are read from all of them). Default `./migrations`. */
  migrations?: string | readonly string[] | undefined;
  /** Module whose default export is the target schema, for autogenerate and `check`. */
  schema?: string | undefined;
  /** Database namespace (PostgreSQL schema) for the tables and the version table. */
  dbSchema?: string | undefined;
  /**
   * Create `dbSchema` (PostgreSQL: `CREATE SCHEMA IF NOT EXISTS`) when a run that writes finds it
   * missing. Default false: the run stops and says how to create it.
   */
  createDbSchema?: boolean | undefined;
  /** Version table name. Default `retort_version`; `alembic_version` for databases taken over from Alembic. */
  versionTable?: string | undefined;
  /** History table name. Default `retort_history`. */
  historyTable?: string | undefined;
  /** Default `per-migration`: each revision commits on its own. `all`: one transaction for the run. */
  transaction?: TransactionMode | undefined;
  /** How `retort revision` makes ids. Default `random`. */
  revisionIds?: RevisionIdStyle | undefined;
  /** Seconds to wait for the migration lock before giving up (exit code 4). Default 60. */
  lockTimeout?: number | undefined;
  /**
   * Seconds a Galera cluster's run lease lasts without a renewal (the live holder renews it every
   * quarter of this): how long a killed run keeps the others waiting. Default 10.
   */
  lockLease?: number | undefined;
  /**
   * Seconds a connect may take (TCP, TLS, authentication) before it fails with `ConnectTimeout`;
   * 0 waits forever. Default 10. A URL's `connect_timeout` parameter wins.
   */
  connectTimeout?: number | undefined;
  /**
   * Seconds of idleness before TCP keepalive probes start on every connection (so a dead peer or
   * a NAT that dropped the flow is noticed by the OS); 0 turns keepalive off. Default 30. A URL's
   * `keepalives=0` / `keepalives_idle` parameters win.
   */
  keepalive?: number | undefined;
  /**
   * Seconds without a byte from the server while a statement runs, after which retort asks the
   * server on a separate connection whether the statement is still running: one that is (a long
   * DDL, a lock wait) is waited for; otherwise the connection is declared lost (`ConnectionLost`)
   * and its server session ended. 0 never asks. Default 30.
   */
  statementIdleTimeout?: number | undefined;
  /**
   * Seconds each statement of a run may wait for a lock on a table before it gives up
   * (PostgreSQL `lock_timeout`, MySQL/MariaDB `lock_wait_timeout` and `innodb_lock_wait_timeout`,
   * SQLite's busy timeout), so a migration queued behind a long query never makes every other
   * query of that table queue behind it. 0 waits forever. Default 10.
   */
  lockWaitTimeout?: number | undefined;
  /**
   * How many times a statement that gave up waiting for its lock is run again, after a pause
   * that doubles each time (from 0.5 s, jittered), where that is safe (it ran on its own, outside
   * the revision's transaction). Default 3; 0 fails at once.
   */
  lockWaitRetries?: number | undefined;
  /**
   * Seconds any one statement may run (PostgreSQL `statement_timeout`, MariaDB
   * `max_statement_time`, MySQL `max_execution_time`, which bounds SELECTs only). 0 or absent: no limit.
   */
  statementTimeout?: number | undefined;
  /**
   * File name pattern for new revisions, without the `.ts`. Tokens: `{rev}`, `{slug}`, `{year}`,
   * `{month}`, `{day}`, `{hour}`, `{minute}`, `{second}`, `{epoch}` (UTC). Default `{rev}_{slug}`.
   */
  fileTemplate?: string | undefined;
  /** Which tables autogenerate, `check` and `pull` look at, and a hook to rewrite what autogenerate writes. */
  autogenerate?: AutogenerateConfig | undefined;
}

/** A target in list form (as a computed `targets` function may return it): the settings plus a name. */
export interface NamedTargetConfig extends TargetConfig {
  /** The name `--target` selects it by. */
  name: string;
}

/** What a computed `targets` function receives. */
export interface TargetsContext {
  /** The `-x KEY=VALUE` arguments of the run. */
  readonly xArgs: Readonly<Record<string, string>>;
  /** Absolute path of the config file. */
  readonly configPath: string;
  /** The `--url` given on the command line, if any. */
  readonly url: string | undefined;
}

/** The targets of a multi-target config: a fixed map or list, or a list computed at run time. */
export type TargetsConfig =
  | Readonly<Record<string, TargetConfig>>
  | readonly NamedTargetConfig[]
  | ((
      context: TargetsContext,
    ) =>
      | Readonly<Record<string, TargetConfig>>
      | readonly NamedTargetConfig[]
      | Promise<Readonly<Record<string, TargetConfig>> | readonly NamedTargetConfig[]>);

/** The whole of `retort.config.ts`. */
export interface RetortConfig extends TargetConfig {
  /**
   * Several databases (for example one per tenant). The top-level settings are defaults that
   * each target may override. A function is called once per run, e.g. to list tenants from a query.
   */
  targets?: TargetsConfig | undefined;
  /** In a multi-target config, the target commands use when neither `--target` nor `--all-targets` is given. */
  defaultTarget?: string | undefined;
}

/**
 * Types a config (returns it unchanged): `export default defineConfig({ ... })`.
 *
 * @example
 * export default defineConfig({ url: process.env.DATABASE_URL ?? 'sqlite:./app.db', migrations: './migrations' });
 */
export function defineConfig<const C extends RetortConfig>(config: C): C {
  return config;
}
