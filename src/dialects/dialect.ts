/**
 * What a dialect is to the core. The core never tests a dialect's name: it asks
 * {@link DialectCapabilities} and calls the interfaces below. Each dialect lives in its own folder
 * (`dialects/sqlite`, `dialects/postgres`, `dialects/mysql`) and is loaded lazily by the registry,
 * so that graph-only commands never load a database driver.
 */
import type { Kysely } from 'kysely';
import type { Operation } from '../ops/operations.js';
import type { LintRule } from '../lint/types.js';
import type { ColumnType, DefaultValue, IndexSpec, SchemaModel, TableOptions, TableSpec } from '../schema/model.js';
import type { ObjectKind, ObjectRef, SchemaObject } from '../schema/objects.js';
import type { DatabaseCopies } from './copies.js';
import type { CatalogSnapshotReader, ScratchDatabases } from './snapshot.js';

/** What a dialect can do; the core decides by these, never by name. */
export interface DialectCapabilities {
  /** DDL runs inside transactions and rolls back (PostgreSQL, SQLite). */
  readonly transactionalDdl: boolean;
  /** Namespaces for tables (PostgreSQL schemas). MySQL databases are addressed by the URL. */
  readonly schemas: boolean;
  /** Named enum types that need CREATE TYPE (PostgreSQL). */
  readonly namedEnums: boolean;
  /** ALTER TABLE can change a column's type and nullability in place (false on SQLite: batch). */
  readonly alterColumnInPlace: boolean;
  /** CREATE INDEX CONCURRENTLY. */
  readonly concurrentIndexes: boolean;
  /** Partial indexes (`WHERE`). */
  readonly partialIndexes: boolean;
  /** Column and table comments. */
  readonly comments: boolean;
  /**
   * Dropping a column drops the foreign keys on it (PostgreSQL, SQLite's rebuild); MySQL refuses
   * to drop a column or index a key needs, so the key must be dropped first.
   */
  readonly dropColumnDropsForeignKeys: boolean;
  /**
   * The kinds of objects beyond tables this dialect models (reads, compares, creates). Declared
   * objects of other kinds are left out of a comparison on this dialect, with a warning.
   */
  readonly objectKinds?: readonly ObjectKind[];
  /** Row-level security on tables (PostgreSQL). */
  readonly rowLevelSecurity?: boolean;
  /**
   * Serial columns (PostgreSQL): a sequence owned by the column, its default `nextval` of it,
   * told apart from an identity. Absent: `serial()` is the column's auto-increment (MySQL's
   * AUTO_INCREMENT, SQLite's INTEGER PRIMARY KEY AUTOINCREMENT).
   */
  readonly serialColumns?: boolean;
  /**
   * How one statement can change retort's version table and write the revision's history row
   * together (one round trip per revision saved, and atomic on its own where no transaction is
   * open): `'dml-cte'`, a data-changing CTE (`WITH v AS (UPDATE ... RETURNING 1) INSERT ...
   * SELECT ... FROM v`); `'multi-table-update'`, an UPDATE of two tables (`UPDATE a, b SET ...`),
   * for a version UPDATE beside a `running` history row. Absent: two statements.
   */
  readonly combinedBookkeeping?: 'dml-cte' | 'multi-table-update';
}

/** A parsed connection URL. `password` is kept only to connect and to redact; never print it. */
export interface ConnectionUrl {
  /** The original text; print {@link redactUrl}(`raw`) instead. */
  readonly raw: string;
  /** The scheme as written, e.g. `postgresql`. */
  readonly scheme: string;
  readonly host?: string;
  readonly port?: number;
  /** The user: a `user=` query parameter's, else the authority's (libpq's precedence). */
  readonly user?: string;
  /** The password, likewise: a `password=` query parameter's, else the authority's. */
  readonly password?: string;
  /** Database name (PostgreSQL, MySQL) or file path (SQLite; `:memory:` for memory). */
  readonly database?: string;
  /** Query-string parameters. */
  readonly params: Readonly<Record<string, string>>;
}

/** The timeouts of every network connection retort opens, in ms (0: none / off). */
export interface ConnectionTimeouts {
  /** TCP connect, TLS and authentication together (`ConnectTimeout` past it). */
  readonly connectMs: number;
  /** Idle time before TCP keepalive probes start; 0 turns keepalive off. */
  readonly keepaliveMs: number;
  /**
   * Silence from the server during a statement before retort asks the server, on a separate
   * connection, whether the statement still runs (`ConnectionLost` when it does not); 0 never asks.
   */
  readonly statementIdleMs: number;
}

/** How long a run's statements may wait for locks and run (from the config), in ms; 0: no limit. */
export interface StatementLimits {
  readonly lockWaitMs: number;
  readonly statementMs: number;
  /** Times a statement that gave up waiting for its lock runs again, where that is safe. */
  readonly lockWaitRetries: number;
}

/**
 * A dialect's spelling of {@link StatementLimits}: the session settings that bound every later
 * statement's lock wait (and run time), and how it reports a lock wait given up.
 */
export interface StatementLimitSql {
  /** Statements run once at the start of a run (and printed by `--sql`), outside any transaction. */
  settings(limits: StatementLimits, serverVersion: string | undefined): readonly string[];
  /** True when `error` says a statement stopped waiting for a lock (the statement took no effect). */
  isLockWaitTimeout(error: unknown): boolean;
  /**
   * Statements that clean up what a statement that timed out may have left before it runs again
   * (PostgreSQL: the INVALID index a CREATE INDEX CONCURRENTLY leaves when it gives up while
   * waiting for older transactions); none when it left nothing.
   */
  beforeRetry?(sql: string): readonly string[];
}

/** Options of {@link Dialect.connect}. */
export interface ConnectOptions {
  /** The target's name, for errors (`ConnectionLost` names it). */
  readonly target?: string;
  /** The target's timeouts (the URL's own parameters win); absent: the defaults. */
  readonly timeouts?: ConnectionTimeouts;
  /**
   * Return before the first connection's handshake is over, which then completes in
   * {@link Connection.ready}: a run opens its lock's connection meanwhile. A dialect may ignore
   * it (and connect fully first).
   */
  readonly early?: boolean;
}

/**
 * A statement written with its per-revision values as parameters: the same statement as its text
 * form, for a session that keeps it prepared and sends only the values each time (the server
 * then parses and plans it once per run, not once per revision). Placeholders are the dialect's
 * ({@link Dialect.parameter}).
 */
export interface ParameterizedStatement {
  readonly text: string;
  readonly values: readonly (string | number | null)[];
}

/** What became of statements sent together ({@link Session.executeAll}). */
export interface BatchOutcome {
  /** How many completed, in order: the one after them failed, when `error` is set. */
  readonly completed: number;
  /** The failure, if one of them failed (or the connection or the run lock was lost). */
  readonly error?: unknown;
}

/**
 * A pinned connection for one run. Everything a run does (lock, transactions, DDL, version table,
 * the scripts' `db`) goes through this one connection, so that BEGIN/COMMIT issued as SQL text
 * apply to what the scripts do.
 */
export interface Session {
  /**
   * A Kysely instance bound to this one connection: the `db` revision scripts receive. Made on
   * first call (SQLite and PostgreSQL load Kysely only then: `current` and a no-op upgrade never
   * build a query), the same instance after.
   */
  kysely(): Promise<Kysely<any>>;
  /** Execute one statement, ignoring rows. */
  execute(sql: string): Promise<void>;
  /**
   * Execute one INSERT/UPDATE/DELETE and return the number of rows it matched, so retort's own
   * bookkeeping can tell "changed the version table" from "matched nothing".
   */
  executeCounting?(sql: string): Promise<number>;
  /**
   * Execute one INSERT and return the id the server gave its row (AUTO_INCREMENT, rowid), read
   * from the statement's own reply, so learning it costs no second round trip. Absent: the run
   * asks with {@link Dialect.lastInsertIdSql}.
   */
  executeInsert?(sql: string): Promise<number | undefined>;
  /**
   * Run retort's own row changes `statements` as ONE transaction sent in ONE request, so that
   * bookkeeping that must commit together (a revision's version change, its history row, the
   * next revision's `running` row) costs one round trip and one commit. All or nothing: on an
   * error nothing stays (the error is thrown, with {@link UnitError.unitIndex} naming the
   * statement where the session can tell), and a statement whose row count is not its
   * `expectedRows` rolls everything back and is reported, not thrown. Absent: the session cannot
   * (the run sends them one by one between BEGIN and COMMIT).
   */
  executeUnit?(statements: readonly UnitStatement[]): Promise<UnitOutcome>;
  /** Run one query and return its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /**
   * Another connection to the same database, for reads that can run at the same time as this
   * session's own (catalog reads: the server works on both at once). The caller releases it. A
   * dialect whose readers set session state on it (PostgreSQL's search_path) closes it then, so
   * that state goes with it; one whose readers set none may hand it back to its pool (MySQL).
   * Resolves undefined, never
   * rejects, when no second connection can be had now (the pool is full, the server refuses one
   * more): the caller then does those reads on this session, after its own. Absent: likewise.
   */
  openSide?(): Promise<SideSession | undefined>;
  /**
   * Queue `sql` to be sent ahead of this session's next request (whoever makes it: retort, or a
   * script through `db`), in the same round trip where the protocol allows (PostgreSQL: one
   * simple-protocol message holding both). Only for statements that fail with the connection
   * alone (BEGIN): a failure is reported as the carrying request's. Absent: the caller executes
   * `sql` at once.
   */
  defer?(sql: string): void;
  /**
   * Execute `statements` in order in one round trip, stopping at the first that fails (with
   * anything deferred first). Never rejects for a failure: resolves with how many completed and
   * the error. Absent: the caller sends them one at a time. `forms`, where given, holds for some
   * of the statements (same index) their parameterized form, which the session may run instead
   * of the text (a prepared statement, in the same round trip); a session may ignore it.
   */
  executeAll?(statements: readonly string[], forms?: readonly (ParameterizedStatement | undefined)[]): Promise<BatchOutcome>;
  /**
   * The server's version string as it reports it (MySQL/MariaDB `SELECT VERSION()`, e.g.
   * `10.11.6-MariaDB`), when the dialect's spelling depends on it. Pass it on as
   * {@link CompileContext.serverVersion}.
   */
  readonly serverVersion?: string;
}

/** A {@link Session.openSide} connection: a session of its own, closed by `release`. */
export interface SideSession extends Session {
  release(): void;
}

/** One statement of {@link Session.executeUnit}. */
export interface UnitStatement {
  readonly sql: string;
  /** The rows it must match (absent: any count); another count rolls the unit back. */
  readonly expectedRows?: number;
}

/** How a {@link Session.executeUnit} ended without an error. */
export type UnitOutcome =
  /** Committed; `insertId`: the id of the row the last statement inserted, when it is an INSERT. */
  | { readonly committed: true; readonly insertId: number | undefined }
  /** Rolled back: statement `index` (0-based) matched `rows` rows instead of its expected count. */
  | { readonly committed: false; readonly index: number; readonly rows: number };

/** An error a {@link Session.executeUnit} threw, with the 0-based index of the statement that raised it when known. */
export interface UnitError extends Error {
  unitIndex?: number;
}

/** Where compilation happens: online (with the live catalog) or offline (SQL text only). */
export interface CompileContext {
  /** The run's default namespace (`dbSchema`), when the dialect has schemas. */
  readonly defaultSchema?: string;
  /**
   * Reads one table's current definition from the live database. Absent in offline mode: an
   * operation that needs it (MySQL MODIFY without `existing`, SQLite rebuild) must then say so
   * with a clear `OfflineUnsupported` error.
   */
  readonly readTable?: (table: string, schema?: string) => Promise<TableSpec | undefined>;
  /**
   * The live server's version string ({@link Session.serverVersion}); absent offline, where a
   * dialect emits the spelling every supported server version accepts.
   */
  readonly serverVersion?: string;
}

/**
 * A dialect's DDL for one kind of object beyond tables. A dialect plugs a kind in by returning
 * one of these from its compiler's `objectDdl(kind)` (see dialects/postgres/objects/).
 */
export interface ObjectDdl {
  /** `CREATE [OR REPLACE] ...` and the statements that complete it (comments, indexes, ownership). */
  create(object: SchemaObject, ctx: CompileContext, orReplace: boolean): string[];
  /** `DROP ...`. */
  drop(ref: ObjectRef, ctx: CompileContext, options: { readonly ifExists: boolean; readonly cascade: boolean }): string[];
  /**
   * The smallest statements that turn `from` into `to` in place; absent, or returning undefined
   * for a change it cannot make in place: the compiler drops `from` and creates `to`.
   */
  alter?(from: SchemaObject, to: SchemaObject, ctx: CompileContext): string[] | undefined;
}

/** Turns operations into SQL statements: the same text online and offline. */
export interface DdlCompiler {
  /** The statements for `op`, in order, without trailing semicolons. */
  compile(op: Operation, ctx: CompileContext): Promise<readonly string[]>;
}

/** What a revision did, so that a dialect can skip a costly check that nothing could fail. */
export interface RevisionActivity {
  /** The kinds of the operations it ran, in order. */
  readonly operations: readonly Operation['kind'][];
  /** True when the script ran queries of its own through `db`. */
  readonly queried: boolean;
}

/** Per-dialect hooks around a run's transactions (SQLite's foreign-key pragmas, for example). */
export interface RunHooks {
  /** Statements run once at the start of a session, outside any transaction. */
  readonly sessionStart?: readonly string[];
  /** Statements run once at the end of a session, outside any transaction. */
  readonly sessionEnd?: readonly string[];
  /**
   * Statements an offline (`--sql`) script begins with: session settings the compiled text relies
   * on, which an online run sets when its server needs them but the session of whoever applies the
   * script may lack (MySQL: `NO_BACKSLASH_ESCAPES` turned off, or its string literals change).
   */
  readonly scriptStart?: readonly string[];
  /**
   * Statements that point the unqualified names of a revision's raw SQL (`op.execute`, `sql```)
   * at the target's `dbSchema`, run (or printed with `--sql`) before the first revision. Without
   * them a tenant's raw `UPDATE books ...` would reach whatever the session's default schema is.
   */
  scopeToSchema?(schema: string): readonly string[];
  /**
   * Called before each COMMIT (or after each migration when there is no transaction); throws a
   * RetortError to make the run fail and roll back (SQLite's `PRAGMA foreign_key_check`).
   */
  verify?(session: Session, activity: RevisionActivity): Promise<void>;
}

/** What a run lock guards: one version table (so tenants in other schemas never wait on each other). */
export interface LockScope {
  /** The version table's name. */
  readonly versionTable: string;
  /** Its namespace (`dbSchema`); absent: the connection's default (PG `current_schema()`, MySQL the URL's database). */
  readonly schema?: string;
}

/** How a run lock is held, where that is a choice. */
export interface LockOptions {
  /**
   * The length of a lease, for a lock that is a lease row rather than bound to a connection (a
   * Galera cluster): a killed holder's lease frees after this long; a live holder renews it.
   */
  readonly leaseSeconds: number;
  /**
   * At most this long (ms) for the lock connection's connect and handshake: what is left of the
   * lock timeout. A server that does not answer in time fails with `ConnectTimeout`.
   */
  readonly connectMs?: number;
}

/** Who holds a run lock, as far as the server can tell. */
export interface LockHolder {
  /** One line for the error message, e.g. `pid 4242 (postgres@127.0.0.1, application retort, since ...)`. */
  readonly description: string;
  /** The same facts, structured, for `--json`. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * The run lock of one database, on a connection of its own (never the run's session: a failing
 * revision's ROLLBACK must not touch it, and it must survive the session's transactions). The
 * core polls {@link RunLock.tryAcquire} with a backoff; the lock dies with its connection, so a
 * killed process never leaves it held.
 */
export interface RunLock {
  /** What is locked, for messages (`advisory lock 123`, `GET_LOCK('retort:db.retort_version')`, a file). */
  readonly name: string;
  /** Take the lock if it is free, without waiting; true when this handle now holds it. */
  tryAcquire(): Promise<boolean>;
  /** Who holds the lock now, when the server can tell. */
  holder(): Promise<LockHolder | undefined>;
  /**
   * Resolves when this handle still holds the lock; throws RetortError `LockLost` (exit 1) when
   * its connection died, the lease was taken over, or it cannot be confirmed. Called by the runner
   * before every statement of a run, so it must be cheap: no round trip in the common case (state
   * kept by connection events and a background heartbeat that also keeps the idle lock connection
   * alive past idle_session_timeout / wait_timeout).
   */
  ensureHeld(): Promise<void>;
  /** Release the lock (if held) and close the dedicated connection. Never throws. */
  release(): Promise<void>;
}

/** The connection factory of a dialect. */
export interface Connection {
  /** Run `fn` on one pinned connection, then release it. */
  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /**
   * Open the run lock for `scope` on a dedicated connection (not yet taken). Resolves to
   * undefined when no other process can reach the database (SQLite `:memory:`).
   */
  openLock?(scope: LockScope, options: LockOptions): Promise<RunLock | undefined>;
  /**
   * What the user should know about this server before a run changes it (e.g. a server setting
   * that retort overrides for its session, and why). Runs print these once.
   */
  readonly notices?: readonly string[];
  /**
   * With {@link ConnectOptions.early}: settles when the first connection's handshake is over,
   * rejected with the error `connect` would have thrown. Absent: connected already.
   */
  readonly ready?: Promise<void>;
  /** Close the pool / file. */
  close(): Promise<void>;
}

/** Equality and in-place answers for one comparison (see {@link DialectAutogen.objectComparer}). */
export interface ObjectComparison {
  equal(live: SchemaObject, declared: SchemaObject): boolean;
  inPlace(from: SchemaObject, to: SchemaObject): boolean;
}

/** What to read of a live database for autogenerate, `check` and `pull`. */
export interface ReadSchemaOptions {
  /**
   * Namespaces to read: PostgreSQL schemas, MySQL databases. Default: the run's `dbSchema`, else
   * the connection's default (`public`, the URL's database, SQLite's `main`).
   */
  readonly schemas?: readonly string[];
  /**
   * Only tables for which this returns true are read. Applied to the list of table names before
   * any per-table catalog work, so excluded tables cost nothing (the version and history tables
   * are always excluded by the caller through this).
   */
  readonly include?: (table: string, schema: string | undefined) => boolean;
  /**
   * Called once the reader has sent the queries the server takes longest over, so the caller can
   * run CPU-bound work of its own (`check` evaluates the schema module) while the server works:
   * work that blocks the event loop earlier holds back every round trip before those queries.
   * A reader whose reads cannot overlap with the caller's calls it at once. Called at most once.
   */
  readonly onRequested?: () => void;
}

/**
 * What the live server gives where a declaration says nothing, read once per comparison (MySQL:
 * the default engine, each database's default character set and collation, each character set's
 * default collation). The dialect's `normalizeDeclared` fills it into the declared schema, so a
 * table that names InnoDB equals one that names nothing, and `pull` leaves it out of the module.
 */
export interface ServerDefaults {
  /** The options a new table of `schema` (undefined: the default namespace) gets when it names none. */
  tableOptions(schema: string | undefined): TableOptions;
  /** Each character set's default collation (MySQL), by character set, lower case. */
  readonly charsetCollations?: ReadonlyMap<string, string>;
}

/**
 * A dialect's part in autogenerate: reading the whole schema in a few bulk catalog queries
 * (whatever the number of tables), and its notions of equality for the diff engine.
 */
export interface DialectAutogen {
  /** The live schema: tables (columns, keys, indexes, constraints, comments) and named enums. */
  readSchema(session: Session, options: ReadSchemaOptions): Promise<SchemaModel>;
  /** True when two column types are the same on this dialect (`int4` and `integer`, `bool` and `tinyint(1)`). */
  typesEqual(a: ColumnType, b: ColumnType): boolean;
  /** True when two server defaults are the same after normalisation (`'0'`, `0`, `'0'::integer`). */
  defaultsEqual(a: DefaultValue | undefined, b: DefaultValue | undefined): boolean;
  /** True when two SQL expressions (checks, index predicates) are the same once the server has reformatted them. */
  expressionsEqual(a: string, b: string): boolean;
  /** The name the server gives a partition's copy of its parent's index (see DiffOptions.partitionIndexName); absent: the neutral guess. */
  partitionIndexName?(table: string, index: IndexSpec, key?: 'primaryKey' | 'unique'): string;
  /**
   * The declared model as this dialect would store it (e.g. SQLite has no enum names and no
   * comments; MySQL's boolean is tinyint(1)), so that declared and live models compare fairly.
   */
  normalizeDeclared(model: SchemaModel, defaults?: ServerDefaults): SchemaModel;
  /** What the server fills in where a declaration is silent (see {@link ServerDefaults}); absent: nothing. */
  readDefaults?(session: Session, options: ReadSchemaOptions): Promise<ServerDefaults>;
  /**
   * True when a live object and a declared one are the same once the server has stored the
   * declared one (its SQL text reformatted, its defaults filled in). Absent: structural equality.
   */
  objectsEqual?(live: SchemaObject, declared: SchemaObject): boolean;
  /**
   * True when this dialect changes `from` into `to` in place (CREATE OR REPLACE, ALTER), so what
   * depends on it survives. Absent: never (the diff drops and creates it, and its dependents).
   */
  objectsInPlace?(from: SchemaObject, to: SchemaObject): boolean;
  /**
   * For one comparison: equality and in-place answers that may ask the server (PostgreSQL stores
   * a declared view's query in a temporary view and reads it back when the texts alone differ).
   * Called once per comparison, outside any transaction; it leaves nothing behind. Absent:
   * {@link objectsEqual} and {@link objectsInPlace}.
   */
  objectComparer?(session: Session, live: SchemaModel, declared: SchemaModel, options: ReadSchemaOptions): Promise<ObjectComparison>;
  /** A type's text in one spelling (`int4` and `integer`), for a function's identity. */
  typeKey?(sqlType: string): string;
  /**
   * For one comparison: the lock-friendly form of each operation autogenerate writes for a table
   * that exists already (PostgreSQL CONCURRENTLY, NOT VALID + VALIDATE; MySQL ALGORITHM/LOCK),
   * decided by the live server's version and schema. Absent: the plain forms.
   */
  safeForms?(session: Session, live: SchemaModel): Promise<(op: Operation) => Operation>;
  /**
   * The name the server gives a primary key declared without one (PostgreSQL `<table>_pkey`),
   * so that `pull` writes only the names a person chose; absent: every name read was chosen.
   */
  defaultPrimaryKeyName?(table: string): string;
  /**
   * The name the server gives a serial column's sequence (PostgreSQL `<table>_<column>_seq`),
   * where the capabilities say `serialColumns`.
   */
  serialSequenceName?(table: string, column: string): string;
}

/**
 * SQL expressions the history table's rows use, evaluated by the server (online and in an
 * offline script a DBA applies), so a row records the session that really ran the statements.
 */
export interface HistorySqlExpressions {
  /** The current time in UTC, as a zone-less timestamp. */
  readonly nowUtc: string;
  /** The database user of the session. */
  readonly user: string;
  /** The client host as the server sees it (may be NULL, e.g. over a Unix socket). */
  readonly host: string;
}

/** What a dialect found out about a failed statement by asking the server (see {@link Dialect.explainFailure}). */
export interface FailureExplanation {
  /** One or two sentences appended to the driver's message: what the server's state really is. */
  readonly reason: string;
  /** What to do, replacing the generic "fix the script" hint. */
  readonly hint: string;
  /** Structured facts for `--json` (JSON-serialisable). */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * What a database server said about a failed statement beyond the driver's one-line message (see
 * {@link Dialect.describeServerError}).
 */
export interface ServerErrorReport {
  /**
   * Lines to print under the message, as the database's own client prints them (PostgreSQL:
   * `DETAIL:  Key (email)=(a@b.c) is duplicated.`, `HINT:  ...`, the statement's line with a caret).
   */
  readonly lines: readonly string[];
  /** The same for `--json`: the server's error code and the objects it named (JSON-serialisable). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** What to do, where the error alone tells it (replacing the generic "fix the script" hint). */
  readonly hint?: string;
}

/** A dialect: capabilities, quoting, DDL, connections. */
export interface Dialect {
  /** For display and for the registry only; the core never branches on it. */
  readonly name: string;
  readonly capabilities: DialectCapabilities;
  readonly compiler: DdlCompiler;
  readonly hooks: RunHooks;
  /**
   * The `retort lint` rules for this dialect, with its own reasons (which lock, what it blocks,
   * whether the table is rewritten) and safe alternatives; absent: only graph hygiene.
   */
  readonly lintRules?: readonly LintRule[];
  /** `"name"` or `` `name` ``, escaping as the dialect needs. */
  quoteIdentifier(name: string): string;
  /** A string literal, escaped. */
  quoteString(value: string): string;
  /** Statement that opens a transaction (`BEGIN`, `BEGIN IMMEDIATE` on SQLite for the write lock). */
  readonly beginSql: string;
  readonly commitSql: string;
  readonly rollbackSql: string;
  /**
   * A statement as a `--sql` script prints it for the server's own client; absent: `sql;`
   * (MySQL: a statement with semicolons of its own goes between DELIMITER lines).
   */
  scriptStatement?(sql: string): string;
  /**
   * Open a connection (verifying it answers). Failures are RetortErrors `ConnectionFailed`,
   * `ConnectTimeout` or `DatabaseNotFound` naming host and port, never the password. A connection
   * lost later fails its statements with `ConnectionLost`, never with an unhandled event.
   */
  connect(url: ConnectionUrl, options?: ConnectOptions): Promise<Connection>;
  /** Reads one table's definition from the live database (used by compile and later by autogenerate). */
  readTable(session: Session, table: string, schema?: string): Promise<TableSpec | undefined>;
  /**
   * Which of `tables` exist as tables (in `schema`, else where {@link readTable} looks), in one
   * catalog query: a run creates its version and history tables only when missing, so a run with
   * nothing to do issues no DDL (on a Galera cluster every DDL statement, even a `CREATE TABLE IF
   * NOT EXISTS` of a table that exists, is a cluster-wide barrier).
   */
  existingTables(session: Session, tables: readonly string[], schema?: string): Promise<Set<string>>;
  /** Autogenerate support (bulk introspection and equality hooks). */
  readonly autogen?: DialectAutogen;
  /**
   * True when `error` says the server rolled a statement back because another session wrote the
   * same row at the same moment (MySQL 1213: an InnoDB deadlock, or a Galera certification
   * conflict), so that the statement took no effect and, run on its own, may run again.
   */
  isWriteConflict?(error: unknown): boolean;
  /**
   * Called when a statement of a revision failed with an SQL error, on the run's session outside
   * any transaction (a transaction the error aborted cannot answer): the dialect may read the
   * catalog to say what the bare error does not (PostgreSQL: the index that "already exists" is an
   * INVALID leftover of a killed `CREATE INDEX CONCURRENTLY`). Resolves to undefined when it has
   * nothing to add; must not throw.
   */
  explainFailure?(session: Session, error: unknown, statement: string): Promise<FailureExplanation | undefined>;
  /**
   * What the server said about a failed statement besides the message the driver's error carries
   * (PostgreSQL sends DETAIL, HINT, CONTEXT and the position of the error apart from it: without
   * them "could not create unique index" does not say which key is duplicated). `statement` is the
   * failed statement's text, which the error's position counts in. Undefined when `error` is not
   * one of this driver's server errors; must not throw.
   */
  describeServerError?(error: unknown, statement: string | undefined): ServerErrorReport | undefined;
  /** Who and when for history rows; absent (SQLite): the client's clock, user and host name. */
  readonly historySql?: HistorySqlExpressions;
  /**
   * A query of one row `{ id }`: the id of the row the session inserted last (its history row), so
   * a run updates its own `running` row by id and never another run's.
   */
  readonly lastInsertIdSql?: string;
  /**
   * The placeholder of the `index`-th (1-based) parameter of a statement (PostgreSQL `$1`):
   * retort's bookkeeping statement then also has a {@link ParameterizedStatement} form that a
   * session can keep prepared. Absent: retort's statements go as text only.
   */
  readonly parameter?: (index: number) => string;
  /**
   * Reserve `count` ids of the history table's key inside the session's open transaction and
   * return the first, so a run gives its rows ids itself and the key's high-water mark is written
   * once per run, not once per row (SQLite's AUTOINCREMENT: a page per commit). The ids must stay
   * above every id used or given out before, and whatever is inserted without an id later must
   * get one above the block. Undefined (the member or its result): rows take the database's ids.
   */
  reserveHistoryIds?(session: Session, table: { readonly name: string; readonly schema?: string }, count: number): Promise<number | undefined>;
  /** Lock-wait and statement limits (absent: the config's limits are not applied on this dialect). */
  readonly statementLimits?: StatementLimitSql;
  /** The catalog as the server prints it, for `retort test` (absent: the dialect cannot be tested). */
  readonly catalogSnapshot?: CatalogSnapshotReader;
  /** Databases made and dropped for one `retort test` run. */
  readonly scratch?: ScratchDatabases;
  /** Template databases and their copies, for `retort-migrate/testing`'s per-worker databases. */
  readonly copies?: DatabaseCopies;
}
