/**
 * The one error class of retort. Every failure a user can meet is a {@link RetortError} with a
 * stable `code` (for `--json` and for scripts), a `kind` that decides the CLI exit code, and
 * structured `fields` (the revisions, the file, the statement...). The library throws these; the
 * CLI only formats them.
 */

/** What sort of failure an error is; decides the exit code of the contract. */
export type ErrorKind = 'migration' | 'input' | 'check' | 'lock';

/** Exit codes of the contract, per error kind. */
export const EXIT_CODES: Readonly<Record<ErrorKind | 'ok', number>> = Object.freeze({
  ok: 0,
  migration: 1,
  input: 2,
  check: 3,
  lock: 4,
});

/**
 * Every stable error code and the kind it belongs to. Add new codes here; never rename one
 * (users match on them in scripts).
 */
export const ERROR_CODES = {
  // bad input: graph
  UnknownRevision: 'input',
  AmbiguousRevision: 'input',
  MultipleHeads: 'input',
  RelativeOutOfRange: 'input',
  RevisionNotOnBranch: 'input',
  CycleDetected: 'input',
  DuplicateRevision: 'input',
  DuplicateBranchLabel: 'input',
  MissingParent: 'input',
  BadRevisionFile: 'input',
  BadTarget: 'input',
  RangeNotAllowed: 'input',
  RangeNotAncestor: 'input',
  OverlappingTargets: 'input',
  // bad input: config, url, arguments
  ConfigNotFound: 'input',
  ConfigInvalid: 'input',
  BadUrl: 'input',
  BadArgument: 'input',
  UnknownTarget: 'input',
  TemplateNotFound: 'input',
  FileExists: 'input',
  ChecksumMismatch: 'input',
  OfflineUnsupported: 'input',
  /** A revision's own BEGIN/COMMIT/ROLLBACK inside the transaction retort runs it in (runtime/transaction-control.ts). */
  TransactionControl: 'input',
  UnsupportedOperation: 'input',
  UnresolvedFailure: 'input',
  SchemaInvalid: 'input',
  DatabaseNotAtHead: 'input',
  NoSchemaModule: 'input',
  ForeignVersionTable: 'input',
  SchemaNotFound: 'input',
  EmptySchemaModule: 'input',
  BadImport: 'input',
  /** `adopt --from TOOL`: the tool's version table is not in the database. */
  ToolTableMissing: 'input',
  /** `baseline` / `adopt` on a project or database retort already manages. */
  AlreadyManaged: 'input',
  /** The schema module exports Drizzle tables and drizzle-orm (an optional peer) cannot be found. */
  DrizzleNotInstalled: 'input',
  /** The database is inside a range `retort squash` replaced: upgrade it with the old files first. */
  InsideSquashedRange: 'input',
  /** `squash`: the range is not linear, holds data changes, or the squash would not build the same catalog. */
  CannotSquash: 'input',
  /**
   * A revision converted by `adopt --alembic-scripts` whose body is still the stub: its Python was
   * never ported, so nothing of it ran.
   */
  UnportedRevision: 'input',
  // the database or a migration failed
  ConnectionFailed: 'migration',
  /** The server did not complete the connect (TCP, TLS, authentication) within `connectTimeout`. */
  ConnectTimeout: 'migration',
  /** An open connection died: cut, reset, server stopped, backend killed, or a dead peer detected. */
  ConnectionLost: 'migration',
  DatabaseNotFound: 'migration',
  MigrationFailed: 'migration',
  /** A statement of a revision gave up waiting for its lock (lockWaitTimeout), after its retries. */
  LockWaitTimeout: 'migration',
  ScriptError: 'migration',
  MissingAwait: 'migration',
  VersionTableMismatch: 'migration',
  Interrupted: 'migration',
  // the run lock was lost during a run (its connection died, or a lease was taken over): exit 1
  LockLost: 'migration',
  // retort's own history / version-table write failed (not the script's statement)
  HistoryWriteFailed: 'migration',
  BookkeepingConflict: 'migration',
  /** The disk (or a quota) had no room for a write of the database (SQLite's SQLITE_FULL). */
  DiskFull: 'migration',
  // check found a difference
  CheckFailed: 'check',
  // lock
  LockTimeout: 'lock',
  /**
   * The run lock cannot be taken at all (the SQLite lock file belongs to another OS user and this
   * one cannot write it): nothing was executed, as for a lock held elsewhere.
   */
  LockUnavailable: 'lock',
  /**
   * Another process (not a retort run) held the SQLite database's write or exclusive lock past the
   * busy timeout: a statement could not take the file's lock.
   */
  DatabaseBusy: 'lock',
} as const satisfies Record<string, ErrorKind>;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Options for {@link RetortError}. */
export interface RetortErrorOptions {
  /** Structured facts about the failure, copied into `--json` output. Must be JSON-serialisable. */
  readonly fields?: Record<string, unknown>;
  /** What the user can do next; printed after the message. */
  readonly hint?: string;
  /** The underlying error, kept for `--verbose`; never printed unredacted. */
  readonly cause?: unknown;
}

/** The base (and only) error class of retort. */
export class RetortError extends Error {
  /** Stable machine-readable code, e.g. `UnknownRevision`. */
  readonly code: ErrorCode;
  /** The failure kind, which decides the exit code. */
  readonly kind: ErrorKind;
  /** Structured facts: revisions, file, statement, ... */
  readonly fields: Readonly<Record<string, unknown>>;
  /** What to do next, if there is something useful to say. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: RetortErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RetortError';
    this.code = code;
    this.kind = ERROR_CODES[code];
    this.fields = Object.freeze({ ...(options.fields ?? {}) });
    this.hint = options.hint;
  }

  /** The process exit code of the contract for this error. */
  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  /** The `{"error": {...}}` body of `--json` output. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...this.fields,
    };
  }
}

/** True when `value` is a {@link RetortError}, also across module copies (checks the shape). */
export function isRetortError(value: unknown): value is RetortError {
  return (
    value instanceof RetortError ||
    (value instanceof Error &&
      (value as { name?: unknown }).name === 'RetortError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
