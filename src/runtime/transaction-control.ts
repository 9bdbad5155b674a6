/**
 * A revision's own `BEGIN`, `COMMIT` or `ROLLBACK` inside the transaction retort runs it in.
 *
 * Hand-written SQL often carries them (a DBA's script, a `pg_dump`, a `.sql` file copied from
 * another tool). On PostgreSQL a `BEGIN` there only warns and the `COMMIT` after it commits
 * retort's transaction part-way: the statements after it run outside any transaction, a failure
 * can no longer roll them back, and the history recorded the revision as failed with 0
 * statements while the first ones stayed. So such a statement is refused before it runs, while a
 * transaction retort opened is open (PostgreSQL and SQLite per revision or for the whole run).
 * Where none is open (MySQL/MariaDB, `transaction: 'none'`, inside `op.noTransaction`) the
 * statements are the script's own business and run as written.
 */
import { RetortError } from '../errors.js';
import { splitSql } from '../script/sql-split.js';

/** The statement alone, upper-case, single-spaced, without comments or its `;`. */
function normalized(sql: string): string {
  return sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/;\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

/**
 * Opening, ending or abandoning a transaction: `BEGIN [WORK|TRANSACTION|ISOLATION ...]`, SQLite's
 * `BEGIN DEFERRED|IMMEDIATE|EXCLUSIVE`, `START TRANSACTION ...`, `COMMIT`, `END`, `ABORT`,
 * `ROLLBACK` (with `WORK`/`TRANSACTION`, `AND [NO] CHAIN`). Not `ROLLBACK TO SAVEPOINT`, `SAVEPOINT`,
 * `RELEASE`, nor MariaDB's `BEGIN NOT ATOMIC ... END` block.
 */
const CONTROL = /^(?:START TRANSACTION\b.*|BEGIN(?: (?:TRANSACTION|WORK|ISOLATION|READ|DEFERRABLE|NOT DEFERRABLE|DEFERRED|IMMEDIATE|EXCLUSIVE)\b.*)?|(?:COMMIT|END|ABORT|ROLLBACK)(?: (?:WORK|TRANSACTION))?(?: AND (?:NO )?CHAIN)?)$/;

/** The first statement of `sql` (one statement, or several in one `op.execute` text) that controls the transaction. */
export function transactionControlIn(sql: string): string | undefined {
  let statements: string[];
  try {
    statements = splitSql('op.execute', sql).flatMap((item) => (item.kind === 'statement' ? [item.sql] : []));
  } catch {
    statements = [sql];
  }
  return statements.find((statement) => CONTROL.test(normalized(statement)));
}

/** The error for `control`, a statement of the script that would end or open the revision's transaction. */
export function transactionControlError(control: string): RetortError {
  const shown = normalized(control);
  return new RetortError(
    'TransactionControl',
    `\`${shown}\` would ${/^(?:BEGIN|START)/.test(shown) ? 'open a transaction inside' : 'end'} the transaction retort runs the revision in. ` +
      'retort commits that transaction itself, with the revision\'s version and history rows; ' +
      'a COMMIT of the script\'s own would commit part of the revision and leave the rest outside any transaction, ' +
      'where a failure cannot roll it back. Nothing of this statement ran, and the revision is rolled back.',
    {
      fields: { transactionStatement: shown },
      hint: 'Remove the BEGIN/COMMIT/ROLLBACK statements: the revision is one transaction already. A statement that must run outside one ' +
        'goes in `await op.noTransaction(async () => { ... })` (in a .sql revision: `-- retort:no-transaction` on the line before it).',
    },
  );
}
