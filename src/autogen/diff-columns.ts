/**
 * The columns of a table present on both sides: renames (declared with `renamedFrom` or decided at
 * a prompt), additions, drops and in-place changes. A dropped and an added column of equal type
 * are never silently taken for a rename: they are reported as a candidate and stay drop + add with
 * a loud warning until a hint or a decision says otherwise.
 */
import type { ColumnChanges } from '../ops/operations.js';
import type { ColumnSpec, GeneratedColumn, NamedColumn, SerialSequence, TableSpec } from '../schema/model.js';
import { bareColumn } from './normalize.js';
import { resolveSerial, sameSerial, serialRelativeTo } from './serial.js';
import type { DiffContext, PendingWarning, Plan } from './plan.js';
import { schemaPart } from './plan.js';

/** How the columns of two versions of a table correspond. */
export interface ColumnMatch {
  /** Pairs (old, new), renamed or not. */
  readonly pairs: readonly (readonly [NamedColumn, NamedColumn])[];
  readonly added: readonly NamedColumn[];
  readonly dropped: readonly NamedColumn[];
}

/** Match the columns of `from` and `to`, honouring rename hints and decisions. */
export function matchColumns(from: TableSpec, to: TableSpec, ctx: DiffContext): ColumnMatch {
  const oldByName = new Map(from.columns.map((c) => [c.name, c]));
  const newNames = new Set(to.columns.map((c) => c.name));
  const decided = new Map(ctx.renames
    .filter((r) => r.table === to.name && ctx.schemaKey(r.schema) === ctx.schemaKey(to.schema))
    .map((r) => [r.to, r.from]));
  const pairs: (readonly [NamedColumn, NamedColumn])[] = [];
  const added: NamedColumn[] = [];
  const used = new Set<string>();
  for (const column of to.columns) {
    const same = oldByName.get(column.name);
    const oldName = same ? column.name : (column.spec.renamedFrom ?? decided.get(column.name));
    const old = oldName === undefined ? undefined : oldByName.get(oldName);
    // A hint whose old column is gone, or whose old name is still declared, is already applied.
    if (old !== undefined && !used.has(old.name) && (old.name === column.name || !newNames.has(old.name))) {
      pairs.push([old, column]);
      used.add(old.name);
    } else {
      added.push(column);
    }
  }
  const dropped = from.columns.filter((c) => !used.has(c.name));
  return { pairs, added, dropped };
}

/** A column's table and name: where its serial sequence's defaults come from. */
type Place = readonly [table: string, column: string];

/**
 * The serial sequence of `spec` at `from`, relative to `at` (the names an operation runs under):
 * `undefined` when the column is not serial, or when the dialect has no serial columns.
 */
function serialAt(spec: ColumnSpec, from: Place, at: Place, ctx: DiffContext): SerialSequence | undefined {
  const name = ctx.serialSequenceName;
  if (name === undefined) return spec.serial;
  const resolved = resolveSerial(spec, from[0], from[1], name);
  return resolved === undefined ? undefined : serialRelativeTo(resolved, at[0], at[1], spec.type, name);
}

function changesBetween(old: ColumnSpec, next: ColumnSpec, ctx: DiffContext, places: { old: Place; next: Place; op: Place }): ColumnChanges {
  const changes: { -readonly [K in keyof ColumnChanges]: ColumnChanges[K] } = {};
  if (!ctx.typesEqual(old.type, next.type) || old.unsigned !== next.unsigned) {
    changes.type = next.type;
    // As the op facade spells it: `unsigned` present only when the new type is unsigned.
    if (next.unsigned) changes.unsigned = true;
  }
  if (old.nullable !== next.nullable) changes.nullable = next.nullable;
  if (!ctx.defaultsEqual(old.default, next.default)) changes.default = next.default ?? null;
  if (ctx.comments && (old.comment ?? null) !== (next.comment ?? null)) changes.comment = next.comment ?? null;
  if (old.autoIncrement !== next.autoIncrement) changes.autoIncrement = next.autoIncrement;
  if ((old.charset ?? null) !== (next.charset ?? null)) changes.charset = next.charset ?? null;
  if ((old.collation ?? null) !== (next.collation ?? null)) changes.collation = next.collation ?? null;
  if ((old.onUpdate === undefined) !== (next.onUpdate === undefined) || !ctx.defaultsEqual(old.onUpdate, next.onUpdate)) {
    changes.onUpdate = next.onUpdate ?? null;
  }
  if (!sameGenerated(old.generated, next.generated, ctx)) changes.generated = next.generated ?? null;
  // The identity kind of a column that stays (or becomes) an identity; BY DEFAULT when absent.
  if (next.autoIncrement && (old.identity ?? 'byDefault') !== (next.identity ?? 'byDefault')) changes.identity = next.identity ?? 'byDefault';
  // Serial or identity, and the serial sequence's name, type and settings (PostgreSQL), compared
  // resolved: a renamed column's sequence keeps its old name unless the change renames it too.
  const name = ctx.serialSequenceName;
  if (name !== undefined && !sameSerial(resolveSerial(old, ...places.old, name), resolveSerial(next, ...places.next, name))) {
    changes.serial = serialAt(next, places.next, places.op, ctx) ?? null;
  }
  return changes;
}

function sameGenerated(a: GeneratedColumn | undefined, b: GeneratedColumn | undefined, ctx: DiffContext): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.stored === b.stored && ctx.expressionsEqual(a.expression, b.expression);
}

/**
 * What alterColumn's `existing` says about a column: its whole definition, keys aside, in the
 * shape the op facade gives it (so a rendered and re-run script yields the same operation). MySQL's
 * MODIFY rewrites the whole column, so offline it loses whatever this leaves out.
 */
export function existingOf(spec: ColumnSpec, serial: SerialSequence | undefined = spec.serial): Partial<ColumnSpec> {
  return Object.freeze({
    type: spec.type, unsigned: spec.unsigned, nullable: spec.nullable,
    ...(spec.autoIncrement ? { autoIncrement: true } : {}),
    ...(spec.default === undefined ? {} : { default: spec.default }),
    ...(spec.comment === undefined ? {} : { comment: spec.comment }),
    ...(spec.charset === undefined ? {} : { charset: spec.charset }),
    ...(spec.collation === undefined ? {} : { collation: spec.collation }),
    ...(spec.onUpdate === undefined ? {} : { onUpdate: spec.onUpdate }),
    ...(spec.generated === undefined ? {} : { generated: spec.generated }),
    ...(spec.identity === undefined ? {} : { identity: spec.identity }),
    ...(serial === undefined ? {} : { serial }),
  });
}

/**
 * A column as added by addColumn: keys travel as constraints of their own (a foreign key is added
 * after the column and dropped before it: see diffConstraints), except an inline unique.
 */
function addable(column: NamedColumn, ctx: DiffContext): NamedColumn {
  const bare = bareColumn(column);
  const keepKey = ctx.dropColumnDropsForeignKeys || bare.spec.references === undefined;
  if (!bare.spec.primaryKey && keepKey) return bare;
  const { references, ...spec } = bare.spec;
  return { name: bare.name, spec: Object.freeze({ ...spec, primaryKey: false, ...(keepKey && references !== undefined ? { references } : {}) }) };
}

/** Record column renames (phase renameColumns) and changes (phase columns) of one table (`from`: its name before a rename). */
export function diffColumns(to: TableSpec, match: ColumnMatch, ctx: DiffContext, plan: Plan, from: string = to.name): void {
  const table = to.name;
  const where = schemaPart(to.schema);
  for (const [old, next] of match.pairs) {
    if (old.name === next.name) continue;
    plan.add('renameColumns',
      { kind: 'alterColumn', table, ...where, column: old.name, changes: { newName: next.name }, existing: existingOf(old.spec) },
      { kind: 'alterColumn', table, ...where, column: next.name, changes: { newName: old.name }, existing: existingOf(old.spec) });
  }
  const candidates = new Map<string, string[]>();
  for (const d of match.dropped) {
    for (const a of match.added) {
      if (!ctx.typesEqual(d.spec.type, a.spec.type)) continue;
      ctx.candidates.push({ table, ...where, from: d.name, to: a.name });
      candidates.set(d.name, [...(candidates.get(d.name) ?? []), a.name]);
      candidates.set(a.name, [...(candidates.get(a.name) ?? []), d.name]);
    }
  }
  const renameWarning = (column: string): PendingWarning[] => {
    const others = candidates.get(column);
    if (others === undefined) return [];
    return [{
      code: 'possibleRename', table, column,
      message: `'${table}.${column}' may be a rename of/to ${others.map((o) => `'${o}'`).join(' or ')}: this drop and add ` +
        `lose the column's data; if it is a rename, declare .renamedFrom('<old name>') and generate again`,
    }];
  };
  for (const column of match.added) {
    const warnings = [...renameWarning(column.name)];
    if (!column.spec.nullable && column.spec.default === undefined && !column.spec.autoIncrement) {
      warnings.push({ code: 'notNullAdded', table, column: column.name,
        message: `adds NOT NULL column '${table}.${column.name}' without a default: fails if the table has rows` });
    }
    // The downgrade of an added column drops it, with whatever was written into it since.
    plan.add('columns', { kind: 'addColumn', table, ...where, column: addable(column, ctx) },
      { kind: 'dropColumn', table, ...where, column: column.name }, { up: warnings, down: [dropColumnWarning(table, column.name)] });
  }
  for (const [old, next] of match.pairs) {
    // Both directions run under the new names (renames come before, and are undone after).
    const places = { old: [from, old.name] as const, next: [table, next.name] as const, op: [table, next.name] as const };
    const changes = changesBetween(old.spec, next.spec, ctx, places);
    if (Object.keys(changes).length === 0) continue;
    const back = changesBetween(next.spec, old.spec, ctx, { old: places.next, next: places.old, op: places.op });
    plan.add('columns',
      { kind: 'alterColumn', table, ...where, column: next.name, changes, existing: existingOf(old.spec, serialAt(old.spec, places.old, places.op, ctx)) },
      { kind: 'alterColumn', table, ...where, column: next.name, changes: back, existing: existingOf(next.spec) },
      { up: alterWarnings(table, next.name, old.spec, next.spec, changes, ctx), down: alterWarnings(table, next.name, next.spec, old.spec, back, ctx) });
  }
  for (const column of match.dropped) {
    plan.add('columns', { kind: 'dropColumn', table, ...where, column: column.name },
      { kind: 'addColumn', table, ...where, column: addable(column, ctx) }, {
        up: [...renameWarning(column.name), dropColumnWarning(table, column.name)],
      });
  }
}

function dropColumnWarning(table: string, column: string): PendingWarning {
  return { code: 'dropColumn', table, column, message: `drops column '${table}.${column}' and its data` };
}

/** What may lose data or fail in an alterColumn from `from` to `to` (either direction of a diff). */
function alterWarnings(table: string, column: string, from: ColumnSpec, to: ColumnSpec, changes: ColumnChanges, ctx: DiffContext): PendingWarning[] {
  const warnings: PendingWarning[] = [];
  if (changes.type !== undefined && ctx.isNarrowing(from.type, to.type)) {
    warnings.push({ code: 'narrowingType', table, column, message: `changes the type of '${table}.${column}' in a way that may lose data` });
  }
  if (changes.charset !== undefined) {
    warnings.push({ code: 'narrowingType', table, column,
      message: `converts '${table}.${column}' to another character set: characters it cannot hold are lost` });
  }
  if (changes.nullable === false) {
    warnings.push({ code: 'notNullAdded', table, column, message: `makes '${table}.${column}' NOT NULL: fails if the column holds NULLs` });
  }
  if (changes.generated !== undefined && changes.generated !== null && from.generated === undefined) {
    warnings.push({ code: 'valuesReplaced', table, column, message: `makes '${table}.${column}' a generated column: its values are replaced by computed ones` });
  }
  return warnings;
}
