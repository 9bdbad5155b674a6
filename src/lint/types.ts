/**
 * The shapes of `retort lint`: a rule, what it sees of one operation, and a finding. Rules are
 * plain objects in small files per group (common.ts, postgres.ts, mysql.ts, graph.ts); a dialect
 * declares which groups apply to it ({@link Dialect.lintRules}), so the engine never tests a
 * dialect's name.
 */
import type { Operation } from '../ops/operations.js';

/** How bad a finding is: `error` locks or breaks; `warning` needs a person to look. */
export type Severity = 'error' | 'warning';

/** What a rule sees of one operation of a revision's upgrade. */
export interface OperationView {
  readonly op: Operation;
  /** The operation runs inside a transaction (not in `op.noTransaction`, transaction mode not 'none'). */
  readonly inTransaction: boolean;
  /**
   * Tables created earlier in the same revision (in a downgrade: also those its upgrade
   * created): empty, or unknown to the application before the revision, so locks and drops on
   * them hurt no one.
   */
  readonly newTables: ReadonlySet<string>;
  /** In a downgrade, the `table.column`s its upgrade added (dropping them back breaks nothing). */
  readonly newColumns?: ReadonlySet<string>;
  /**
   * The existing tables whose DDL runs in the same transaction as this operation (a data change
   * there holds the DDL's lock for as long as it runs).
   */
  readonly ddlInTransaction: ReadonlySet<string>;
  readonly direction: 'upgrade' | 'downgrade';
  /**
   * The config's lock-wait bound in ms (`lockWaitTimeout`), which a run sets for the session
   * before the first statement; 0 when it sets none.
   */
  readonly lockWaitMs: number;
  /** The operations before this one in the same direction of the revision, in call order. */
  readonly earlier: readonly EarlierOperation[];
}

/** An operation that ran before the one a rule looks at. */
export interface EarlierOperation {
  readonly op: Operation;
  readonly inTransaction: boolean;
}

/** What a rule reports about one operation: the dialect's reason and the safe alternative. */
export interface RuleHit {
  readonly message: string;
  readonly fix: string;
  /** Overrides the rule's severity for this hit. */
  readonly severity?: Severity;
}

/** A lint rule over single operations. */
export interface LintRule {
  /** Stable id, used in output and in `.ack(id, reason)`. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule catches (README table, `--json` consumers). */
  readonly summary: string;
  /**
   * Report only the first hit per revision and direction: the rule is about a state of the
   * session (an unbounded lock wait), not about each operation in it.
   */
  readonly oncePerRevision?: boolean;
  /** A hit when `view` is risky, else undefined. */
  check(view: OperationView): RuleHit | undefined;
}

/** One finding of `retort lint` (the `--json` shape of the contract, plus the acknowledgement). */
export interface LintFinding {
  readonly rule: string;
  readonly severity: Severity;
  readonly revision: string;
  /** Whether the operation is in the revision's upgrade or its downgrade. */
  readonly direction: 'upgrade' | 'downgrade';
  /** The revision file, as given by the graph (absolute). */
  readonly file: string;
  /** 1-based line of the operation's call in the user's file (1 when the finding is about the whole file). */
  readonly line: number;
  /** The operation, e.g. `createIndex ix_books_title ON books`. */
  readonly operation: string;
  readonly message: string;
  readonly fix: string;
  /** The script's reason, when it acknowledged this rule for this operation (then it does not fail lint). */
  readonly acknowledged?: string;
}
