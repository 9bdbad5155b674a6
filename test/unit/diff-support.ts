/** Helpers of the diff tests: schemas from the builders, and the round-trip property. */
import { expect } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import type { DiffOptions, DiffResult } from '../../src/autogen/types.js';
import { buildOp } from '../../src/ops/facade.js';
import type { Operation } from '../../src/ops/operations.js';
import * as columns from '../../src/schema/columns.js';
import * as extras from '../../src/schema/extras.js';
import { applyOperations } from '../../src/schema/apply.js';
import { defineSchema } from '../../src/schema/define.js';
import type { SchemaModel } from '../../src/schema/model.js';
import type { TableDefinition } from '../../src/schema/table.js';

/** The model of a schema made of `tables`. */
export function model(...tables: TableDefinition[]): SchemaModel {
  return defineSchema(Object.fromEntries(tables.map((t) => [t.name, t]))).model;
}

/**
 * Diff `from` → `to` and check both directions: the upgrade applied to `from` leaves nothing to
 * do against `to`, and the downgrade applied to `to` leaves nothing to do against `from`.
 */
export function roundTrip(from: SchemaModel, to: SchemaModel, options: DiffOptions = {}): DiffResult {
  const diff = diffSchemas(from, to, options);
  expect(diffSchemas(applyOperations(from, diff.upgrade), to, options).upgrade).toEqual([]);
  expect(diffSchemas(applyOperations(to, diff.downgrade), from, options).upgrade).toEqual([]);
  return diff;
}

/** `kind table` of each operation, for order assertions. */
export function outline(ops: DiffResult['upgrade']): string[] {
  return ops.map((op) => {
    const target = 'table' in op ? op.table : 'name' in op ? op.name : '';
    const name = op.kind === 'addConstraint' ? ` ${op.constraint.name}` : op.kind === 'dropConstraint' || op.kind === 'createIndex' || op.kind === 'dropIndex' ? ` ${op.name}` : '';
    return `${op.kind} ${target}${name}`.trim();
  });
}

/** Run a rendered revision body through the real `op` facade: the operations a script makes. */
export async function runBody(body: string, imports: readonly string[]): Promise<Operation[]> {
  const ops: Operation[] = [];
  const op = buildOp(async (o) => { ops.push(o); }, async (fn) => fn());
  const lib = { ...columns, ...extras } as unknown as Record<string, unknown>;
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction('op', ...imports, body)(op, ...imports.map((n) => lib[n]));
  return ops;
}
