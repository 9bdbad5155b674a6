/**
 * Named enum types (PostgreSQL's CREATE TYPE ... AS ENUM): created before the tables that use
 * them, dropped after. A value can be added in place; removing or reordering values needs a new
 * type and a column rewrite, which only a person can write safely, so it is a warning.
 */
import type { EnumSpec, SchemaModel } from '../schema/model.js';
import type { DiffContext, Plan } from './plan.js';
import { schemaPart } from './plan.js';

function enumKey(ctx: DiffContext, e: EnumSpec): string {
  return `${ctx.schemaKey(e.schema)}.${e.name}`;
}

/** Record the enum changes from `from` to `to`. */
export function diffEnums(from: SchemaModel, to: SchemaModel, ctx: DiffContext, plan: Plan): void {
  if (!ctx.namedEnums) return;
  const before = new Map(from.enums.map((e) => [enumKey(ctx, e), e]));
  const after = new Map(to.enums.map((e) => [enumKey(ctx, e), e]));
  for (const [key, target] of after) {
    const current = before.get(key);
    const where = schemaPart(target.schema);
    if (current === undefined) {
      plan.add('createEnums',
        { kind: 'createEnum', name: target.name, ...where, values: target.values },
        { kind: 'dropEnum', name: target.name, ...where });
      continue;
    }
    diffValues(current, target, plan);
  }
  for (const [key, current] of before) {
    if (after.has(key)) continue;
    const where = schemaPart(current.schema);
    plan.add('dropEnums',
      { kind: 'dropEnum', name: current.name, ...where },
      { kind: 'createEnum', name: current.name, ...where, values: current.values });
  }
}

function diffValues(current: EnumSpec, target: EnumSpec, plan: Plan): void {
  const kept = target.values.filter((v) => current.values.includes(v));
  const removed = current.values.filter((v) => !target.values.includes(v));
  const currentOrder = current.values.filter((v) => kept.includes(v));
  if (removed.length > 0 || currentOrder.join('\u0000') !== kept.join('\u0000')) {
    plan.add('createEnums', undefined, undefined, {
      up: [{
        code: 'enumValuesChanged',
        message: `enum '${target.name}' lost or reordered values (now ${JSON.stringify(target.values)}, ` +
          `was ${JSON.stringify(current.values)}): write this migration by hand (new type, convert the columns, drop the old type)`,
      }],
    });
    return;
  }
  const where = schemaPart(target.schema);
  target.values.forEach((value, i) => {
    if (current.values.includes(value)) return;
    // Position the new value next to a neighbour so the order matches the declaration.
    const previous = target.values[i - 1];
    const next = target.values[i + 1];
    const position = previous !== undefined ? { after: previous } : next !== undefined ? { before: next } : {};
    // IF NOT EXISTS: the downgrade cannot remove the value, so upgrading again must find it there.
    plan.add('createEnums', { kind: 'addEnumValue', name: target.name, ...where, value, ...position, ifNotExists: true }, undefined, {
      down: [{
        code: 'enumValueNotRemovable',
        message: `enum '${target.name}' keeps the value '${value}': a value cannot be removed from an enum in place`,
      }],
    });
  });
}
