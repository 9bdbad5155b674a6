/**
 * Runs the rules over the collected operations of revisions, in order, and turns hits into
 * findings: file and line of the call, the script's acknowledgement if it gave one.
 */
import { readFileSync } from 'node:fs';
import { acknowledgementsOf } from '../ops/ack.js';
import type { Operation } from '../ops/operations.js';
import type { CollectedOperation, CollectedRevision } from './collect.js';
import { describeOperation, tableOf } from './describe.js';
import type { EarlierOperation, LintFinding, LintRule, OperationView, RuleHit, Severity } from './types.js';

/** What the engine knows of the run besides the operations. */
export interface LintSettings {
  /** The config's lockWaitTimeout in ms (0: none); absent when the dialect applies no limits. */
  readonly lockWaitMs: number;
}

/** The id of the revision-level rule: an upgrade that changes something and no downgrade undoing it. */
export const NO_DOWNGRADE = 'no-downgrade';

/** Operations that change data, not the schema. */
const DATA_KINDS: ReadonlySet<Operation['kind']> = new Set(['execute', 'bulkInsert']);

/** The operations of `calls`, batches opened, each with its call. */
function flatten(calls: readonly CollectedOperation[]): { op: Operation; call: CollectedOperation }[] {
  const out: { op: Operation; call: CollectedOperation }[] = [];
  for (const call of calls) {
    if (call.op.kind === 'batch') for (const op of call.op.operations) out.push({ op, call });
    else out.push({ op: call.op, call });
  }
  return out;
}

/**
 * The existing tables whose DDL runs inside the transaction of `calls` (tables the same calls
 * create are not existing: nobody waits on them).
 */
function ddlTables(calls: readonly CollectedOperation[], created: ReadonlySet<string>): Set<string> {
  const tables = new Set<string>();
  for (const { op, call } of flatten(calls)) {
    const table = tableOf(op);
    if (call.inTransaction && table !== undefined && !DATA_KINDS.has(op.kind) && op.kind !== 'createTable' && !created.has(table)) tables.add(table);
  }
  return tables;
}

/** Findings of `rules` over `revision`'s upgrade and downgrade, then the revision-level ones. */
export function lintRevision(revision: CollectedRevision, rules: readonly LintRule[], settings: LintSettings = { lockWaitMs: 0 }): LintFinding[] {
  const findings: LintFinding[] = [];
  const createdBy = (calls: readonly CollectedOperation[]) => new Set(flatten(calls).filter(({ op }) => op.kind === 'createTable').map(({ op }) => tableOf(op)!));
  const upCreated = createdBy(revision.upgrade);
  const upColumns = new Set(flatten(revision.upgrade).flatMap(({ op }) => (op.kind === 'addColumn' ? [`${op.table}.${op.column.name}`] : [])));
  const lintCalls = (calls: readonly CollectedOperation[], direction: 'upgrade' | 'downgrade') => {
    // A downgrade undoing its upgrade's tables and columns breaks nothing the app used before.
    const newTables = new Set<string>(direction === 'downgrade' ? upCreated : []);
    const ddlInTransaction = ddlTables(calls, new Set([...createdBy(calls), ...newTables]));
    const newColumns = direction === 'downgrade' ? upColumns : undefined;
    // Rules read it synchronously while it holds exactly the operations before theirs.
    const earlier: EarlierOperation[] = [];
    const reported = new Set<string>();
    const visit = (op: Operation, call: CollectedOperation, acksFrom: readonly Operation[]) => {
      if (op.kind === 'batch') {
        for (const inner of op.operations) visit(inner, call, [inner, op]);
      } else {
        // One view for every rule: they only read it (2,000 revisions made 60,000 of them).
        const view: OperationView = {
          op, inTransaction: call.inTransaction, newTables, ddlInTransaction, direction, lockWaitMs: settings.lockWaitMs, earlier,
          ...(newColumns === undefined ? {} : { newColumns }),
        };
        for (const rule of rules) {
          if (rule.oncePerRevision && reported.has(rule.id)) continue;
          const hit = rule.check(view);
          if (hit === undefined) continue;
          reported.add(rule.id);
          const ack = acksFrom.flatMap((o) => acknowledgementsOf(o)).find((a) => a.rule === rule.id);
          findings.push(finding(revision, direction, rule.id, hit.severity ?? rule.severity, call.location()?.line ?? 1, describeOperation(op), hit, ack?.reason));
        }
      }
      if (op.kind === 'createTable') newTables.add(op.table);
      if (op.kind !== 'batch') earlier.push({ op, inTransaction: call.inTransaction });
    };
    for (const call of calls) visit(call.op, call, [call.op]);
  };
  lintCalls(revision.upgrade, 'upgrade');
  lintCalls(revision.downgradeOps, 'downgrade');
  if (revision.upgrade.length > 0 && revision.downgrade !== 'present') {
    const missing = revision.downgrade === 'missing';
    findings.push(finding(revision, 'downgrade', NO_DOWNGRADE, 'warning', lineOf(revision.revision.path, missing ? 'upgrade' : 'downgrade'), 'downgrade', {
      message: missing
        ? `Revision ${revision.revision.revision} exports no downgrade: it cannot be reverted, and \`retort test\` cannot check it.`
        : `Revision ${revision.revision.revision}'s downgrade does nothing while its upgrade makes ${revision.upgrade.length} operation(s): a downgrade leaves them in place and the next upgrade fails on them.`,
      fix: "Write the reverse operations in downgrade, or, when the change cannot be undone, say so: `export const lintAck = { 'no-downgrade': 'why' };`.",
    }, revision.acks[NO_DOWNGRADE]));
  }
  return findings;
}

function finding(revision: CollectedRevision, direction: 'upgrade' | 'downgrade', rule: string, severity: Severity, line: number, operation: string, hit: RuleHit, acknowledged: string | undefined): LintFinding {
  return {
    rule, severity, revision: revision.revision.revision, direction, file: revision.revision.path, line, operation,
    message: hit.message, fix: hit.fix, ...(acknowledged === undefined ? {} : { acknowledged }),
  };
}

/** The line of `export [async] function NAME` in `path`, else 1. */
function lineOf(path: string, name: string): number {
  const lines = readFileSync(path, 'utf8').split('\n');
  const index = lines.findIndex((l) => new RegExp(`\\bfunction\\s+${name}\\b|\\b(const|let)\\s+${name}\\b`).test(l));
  return index < 0 ? 1 : index + 1;
}
