/**
 * The error of a revision that failed: which revision, which statement (its index and text), the
 * line of the script, what the server said, and what the rollback left. Built from the run's state
 * by steps.ts; every text in it has the passwords of URLs masked (a failed statement is printed
 * whole, and one that connects elsewhere carries a password of its own).
 */
import { isAbsolute, relative } from 'node:path';
import type { Dialect, ServerErrorReport } from '../dialects/dialect.js';
import { RetortError, isRetortError } from '../errors.js';
import type { MigrationStep } from '../script/graph/index.js';
import { explainScriptError } from '../script/import-check.js';
import { formatLocation, locateError } from '../script/stack-map.js';
import { redactErrorUrls, redactUrlsIn } from '../util/redact.js';
import type { OperationRunner } from './operation-runner.js';

/** A path relative to the working directory when it is inside it, as a user reads it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/**
 * In one transaction for the whole run (`transaction: 'all'` where DDL is transactional), what
 * the rollback after a failure undoes besides the failed revision: the revisions this run applied
 * since it began (or since `op.noTransaction` committed it part-way), and the heads it returns to.
 */
export interface RollbackScope {
  readonly undone: readonly string[];
  readonly heads: readonly string[];
  /**
   * An earlier revision of the run whose `op.noTransaction` committed the run part-way: what ran
   * up to the end of that block stays, the rest of it is undone, and its history row (written as
   * `running` at that commit) becomes `failed` with what stays, until `retort resolve`.
   */
  readonly partlyCommitted?: string;
}

/** Where a revision failed, for {@link stepFailure}. */
export interface FailedStep {
  readonly step: MigrationStep;
  readonly runner: OperationRunner;
  readonly file: string | undefined;
  readonly dialect: Dialect;
  readonly rollback: RollbackScope | undefined;
}

/** A statement longer than this is shown in a message by its start and its end (the `--json` field has it whole). */
const STATEMENT_SHOWN = 2_000;

/**
 * `sql` as a message shows it: whole, or (a bulk insert's chunk runs to tens of kilobytes) its
 * first and last characters around a count of those left out. The end is kept: it holds the last
 * rows, and a long statement's error is as often there as anywhere.
 */
function shortened(sql: string): string {
  if (sql.length <= STATEMENT_SHOWN) return sql;
  const head = sql.slice(0, 1_500);
  const tail = sql.slice(-300);
  return `${head} ... [${sql.length - head.length - tail.length} characters left out; \`--json\` gives the whole statement] ... ${tail}`;
}

/** At most this many revision ids in a message (the `--json` field lists them all). */
const IDS_SHOWN = 5;

/** What the failure's rollback undoes with the failed revision, said to the user; '' when only that revision. */
function rolledBackText(scope: RollbackScope | undefined, revision: string, direction: MigrationStep['direction']): string {
  if (scope === undefined || (scope.undone.length === 0 && scope.partlyCommitted === undefined)) return '';
  const n = scope.undone.length;
  const ids = n <= IDS_SHOWN ? scope.undone.join(', ') : `${scope.undone.slice(0, IDS_SHOWN - 1).join(', ')} ... ${scope.undone.at(-1)}`;
  const where = scope.heads.length === 0 ? 'base (no revision)' : scope.heads.join(', ');
  // A downgrade run's steps are downgrades: undoing them puts those revisions back.
  const steps = direction === 'up' ? `the ${n} revision(s) it applied before (${ids})` : `the ${n} downgrade(s) it ran before (of ${ids})`;
  const undone = n === 0 ? '' : `, ${steps} are undone`;
  if (scope.partlyCommitted === undefined) {
    return `\n  The run was one transaction (transaction: 'all'), rolled back whole: with ${revision}${undone}, and the database is at ${where}.`;
  }
  const part = scope.partlyCommitted;
  return `\n  The run was one transaction (transaction: 'all') that ${part}'s op.noTransaction committed part-way: what ran up to the end of that block stays, the rest of ${part} is undone${undone}, and the version table holds ${where}; the history records ${part} as failed, with the statements that stay, until it is resolved.`;
}

/** The hint of a failure whose rollback undid more than the failed revision (see {@link rolledBackText}). */
function rolledBackHint(scope: RollbackScope): string {
  const part = scope.partlyCommitted;
  if (part === undefined) return 'Fix the script or the database, then run the command again: it applies them all again.';
  return `Finish or undo ${part} by hand, then \`retort resolve ${part} --applied\` (its effect is complete) or \`retort resolve ${part} --rolled-back\` (you undid it); fix the failed script, and run the command again.`;
}

/**
 * The server's report with the passwords of URLs masked. A `LINE n:` whose text changed goes with
 * its caret line: the caret counts in the text as it was.
 */
function maskedReport(report: ServerErrorReport): ServerErrorReport {
  const lines: string[] = [];
  for (let i = 0; i < report.lines.length; i++) {
    const line = report.lines[i]!;
    const masked = redactUrlsIn(line);
    if (line.startsWith('LINE ') && masked !== line) {
      i += 1;
      continue;
    }
    lines.push(masked);
  }
  const fields = Object.fromEntries(Object.entries(report.fields).map(([key, value]) => [key, typeof value === 'string' ? redactUrlsIn(value) : value]));
  return { lines, fields, ...(report.hint === undefined ? {} : { hint: report.hint }) };
}

/**
 * The error a failed revision is reported with: `MigrationFailed` naming the revision, the
 * statement and the script's line (or the script's own RetortError, told where it happened),
 * with the passwords of URLs in its texts masked, and in those of the error it was given (its cause).
 */
export function stepFailure(error: unknown, failed: FailedStep): RetortError {
  const made = buildFailure(error, failed);
  // The driver's error stays the failure's `cause`, which a library caller's console.error prints.
  redactErrorUrls(error);
  // Every text of it: the statement, the driver's message and the server's (which quote the statement).
  const masked = redactUrlsIn(made.message);
  const statement = made.fields.statement;
  if (masked === made.message && (typeof statement !== 'string' || redactUrlsIn(statement) === statement)) return made;
  return new RetortError(made.code, masked, {
    fields: typeof statement === 'string' ? { ...made.fields, statement: redactUrlsIn(statement) } : made.fields,
    ...(made.hint === undefined ? {} : { hint: made.hint }),
    cause: error,
  });
}

/** {@link stepFailure} before the masking. */
function buildFailure(error: unknown, { step, runner, file, dialect, rollback }: FailedStep): RetortError {
  const fields = {
    revision: step.revision,
    direction: step.direction,
    file,
    statementsApplied: runner.statementsApplied,
    // Those that the coming rollback cannot undo (all of them where DDL is not transactional).
    statementsCommitted: runner.statementsCommitted,
    ...(runner.failed ? { statement: runner.failed.sql, statementIndex: runner.failed.index } : {}),
  };
  // The line of the script that threw (or whose operation failed), as the user wrote it.
  const at = (file === undefined ? undefined : locateError(error, file)) ?? runner.failedAt;
  const location = at === undefined ? {} : { line: at.line, column: at.column };
  if (isRetortError(error)) {
    // Keep the script's own error code (MissingAwait, OfflineUnsupported...) and add where it
    // happened; a message about the server or the file alone (ConnectionLost, DiskFull,
    // DatabaseBusy) is told which revision and statement it stopped.
    const at = runner.failed === undefined ? '' : `, statement ${runner.failed.index}`;
    const message = error.message.includes(step.revision) ? error.message : `${step.direction === 'up' ? 'Upgrade' : 'Downgrade'} of revision ${step.revision}${at}: ${error.message}`;
    return new RetortError(error.code, message, { fields: { ...fields, ...location, ...error.fields }, hint: error.hint, cause: error });
  }
  const explanation = runner.failed?.explanation;
  // The server's DETAIL, HINT, CONTEXT and position, which the driver's message leaves out.
  const described = dialect.describeServerError?.(error, runner.failed?.sql);
  const server = described === undefined ? undefined : maskedReport(described);
  const said = server === undefined ? '' : server.lines.map((line) => `\n  ${line}`).join('');
  const reason = explainScriptError(error) + said + (explanation === undefined ? '' : `\n  ${explanation.reason}`);
  const place = at === undefined ? '' : ` at ${formatLocation({ ...at, file: shown(at.file) })}`;
  const where = runner.failed
    ? `statement ${runner.failed.index}${place} failed: ${shortened(runner.failed.sql)}\n  ${reason}`
    : `the script threw${place}: ${reason}`;
  const located = { ...fields, ...location, ...(server === undefined ? {} : { databaseError: server.fields }), ...explanation?.fields };
  const verb = step.direction === 'up' ? 'Upgrade' : 'Downgrade';
  const committed = runner.statementsCommitted;
  if (committed === 0) {
    const undone = rolledBackText(rollback, step.revision, step.direction);
    return new RetortError('MigrationFailed', `${verb} of revision ${step.revision} failed: ${where}${undone}`, {
      fields: undone === '' ? located : {
        ...located, rolledBack: [...rollback!.undone], current: [...rollback!.heads],
        ...(rollback!.partlyCommitted === undefined ? {} : { partlyCommitted: rollback!.partlyCommitted }),
      },
      hint: explanation?.hint ?? server?.hint ?? (undone === ''
        ? 'Fix the script or the database, then run the command again. The version table still names the revisions applied before this one.'
        : rolledBackHint(rollback!)),
      cause: error,
    });
  }
  return new RetortError('MigrationFailed',
    `${verb} of revision ${step.revision} failed: ${where}
  ${committed} statement(s) of it stay committed (they ran outside a transaction); ` +
    `the version table does not claim ${step.revision}, and retort records it as failed in the history (where the connection is gone, its row stays 'running'; either way the next run refuses until resolve).`, {
      fields: located,
      hint: `${explanation === undefined ? '' : `${explanation.hint} `}Finish or undo the revision by hand, then \`retort resolve ${step.revision} --applied\` or \`retort resolve ${step.revision} --rolled-back\`; until then upgrade and downgrade refuse to run.`,
      cause: error,
    });
}
