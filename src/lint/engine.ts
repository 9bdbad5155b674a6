/**
 * Runs the rules over the collected operations of revisions, in order, and turns hits into
 * findings: file and line of the call, the script's acknowledgement if it gave one.
 */
import { readFileSync } from 'node:fs';
import { acknowledgementsOf } from '../ops/ack.js';
import type { Operation } from '../ops/operations.js';
import type { CollectedOperation, CollectedRevision } from './collect.js';
import { describeOperation } from './describe.js';
import type { LintFinding, LintRule, RuleHit, Severity } from './types.js';

/** The id of the revision-level rule: an upgrade that changes something and no downgrade undoing it. */
export const NO_DOWNGRADE = 'no-downgrade';

/** Findings of `rules` over `revision`'s upgrade, then the revision-level ones. */
export function lintRevision(revision: CollectedRevision, rules: readonly LintRule[]): LintFinding[] {
  const findings: LintFinding[] = [];
  const newTables = new Set<string>();
  const visit = (op: Operation, call: CollectedOperation, acksFrom: readonly Operation[]) => {
    if (op.kind === 'batch') {
      for (const inner of op.operations) visit(inner, call, [inner, op]);
    } else {
      for (const rule of rules) {
        const hit = rule.check({ op, inTransaction: call.inTransaction, newTables });
        if (hit === undefined) continue;
        const ack = acksFrom.flatMap((o) => acknowledgementsOf(o)).find((a) => a.rule === rule.id);
        findings.push(finding(revision, rule.id, hit.severity ?? rule.severity, call.location()?.line ?? 1, describeOperation(op), hit, ack?.reason));
      }
    }
    if (op.kind === 'createTable') newTables.add(op.table);
  };
  for (const call of revision.upgrade) visit(call.op, call, [call.op]);
  if (revision.upgrade.length > 0 && revision.downgrade !== 'present') {
    const missing = revision.downgrade === 'missing';
    findings.push(finding(revision, NO_DOWNGRADE, 'warning', lineOf(revision.revision.path, missing ? 'upgrade' : 'downgrade'), 'downgrade', {
      message: missing
        ? `Revision ${revision.revision.revision} exports no downgrade: it cannot be reverted, and \`retort test\` cannot check it.`
        : `Revision ${revision.revision.revision}'s downgrade does nothing while its upgrade makes ${revision.upgrade.length} operation(s): a downgrade leaves them in place and the next upgrade fails on them.`,
      fix: "Write the reverse operations in downgrade, or, when the change cannot be undone, say so: `export const lintAck = { 'no-downgrade': 'why' };`.",
    }, revision.acks[NO_DOWNGRADE]));
  }
  return findings;
}

function finding(revision: CollectedRevision, rule: string, severity: Severity, line: number, operation: string, hit: RuleHit, acknowledged: string | undefined): LintFinding {
  return {
    rule, severity, revision: revision.revision.revision, file: revision.revision.path, line, operation,
    message: hit.message, fix: hit.fix, ...(acknowledged === undefined ? {} : { acknowledged }),
  };
}

/** The line of `export [async] function NAME` in `path`, else 1. */
function lineOf(path: string, name: string): number {
  const lines = readFileSync(path, 'utf8').split('\n');
  const index = lines.findIndex((l) => new RegExp(`\\bfunction\\s+${name}\\b|\\b(const|let)\\s+${name}\\b`).test(l));
  return index < 0 ? 1 : index + 1;
}
