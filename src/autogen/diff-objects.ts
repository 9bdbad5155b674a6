/**
 * Objects beyond tables: extensions, domains and composite types, sequences, functions, views,
 * triggers and policies. Each kind is created in its phase (see PHASES) and dropped in the mirror
 * one; functions and views share a phase and are ordered by what each one's SQL names (a view
 * after the views and functions it reads, and dropped before them).
 *
 * A changed object is altered in place when the dialect says the change keeps it (CREATE OR
 * REPLACE, ALTER); otherwise it is dropped before the tables change and created after, and so is
 * every object that depends on it (a view over a re-created view, a trigger of a re-created
 * function). A view over a table whose columns change type or go is re-created too.
 */
import type { Operation } from '../ops/operations.js';
import type { ColumnSpec, IndexSpec, SchemaModel, TableSpec } from '../schema/model.js';
import type { ObjectKind, SchemaObject, SequenceSpec, ViewSpec } from '../schema/objects.js';
import { describeObject, identityArgs, objectRef } from '../schema/objects.js';
import { sameIndex } from './same.js';
import type { DiffContext, Phase, Plan } from './plan.js';
import { PHASES } from './plan.js';

/** Where a kind is created (and altered) and where it is dropped. */
const PHASE_OF: Readonly<Record<ObjectKind, { readonly create: Phase; readonly drop: Phase }>> = {
  extension: { create: 'createExtensions', drop: 'dropExtensions' },
  domain: { create: 'createTypes', drop: 'dropTypes' },
  compositeType: { create: 'createTypes', drop: 'dropTypes' },
  sequence: { create: 'createSequences', drop: 'dropSequences' },
  function: { create: 'createRoutines', drop: 'dropObjects' },
  procedure: { create: 'createRoutines', drop: 'dropObjects' },
  view: { create: 'createRoutines', drop: 'dropObjects' },
  materializedView: { create: 'createRoutines', drop: 'dropObjects' },
  trigger: { create: 'createTriggers', drop: 'dropObjects' },
  policy: { create: 'createPolicies', drop: 'dropObjects' },
};

/** Where a routine that a table's expressions call is created and dropped: before the tables, after them. */
const EARLY_ROUTINE = { create: 'createTypes', drop: 'dropTypes' } as const;

/**
 * Strings of a table that hold SQL expressions (defaults, generated columns, CHECKs, index
 * expressions), as members of its JSON text: group 1 is the string literal.
 */
const EXPRESSION_MEMBER = /"(?:sql|expression|condition|where)":("(?:[^"\\]|\\.)*")/g;

/**
 * The routines that tables' expressions call (a function in an index expression, a default, a
 * CHECK), with the routines those call: they must exist before the tables, so they are created
 * first and dropped last.
 */
function routinesOfTables(model: SchemaModel, objects: readonly SchemaObject[], deps: Map<SchemaObject, { objects: Set<SchemaObject> }>): Set<SchemaObject> {
  const routines = objects.filter((o) => o.kind === 'function' || o.kind === 'procedure');
  const out = new Set<SchemaObject>();
  if (routines.length === 0) return out;
  const named = new Set<string>();
  // The expression strings are found in the tables' JSON text, where each is `"key":"..."`: a
  // replacer function called for every value of every table was 90 ms of a GitLab `check`. No
  // such pattern can start inside a string, whose quotes JSON escapes.
  for (const m of JSON.stringify(model.tables).matchAll(EXPRESSION_MEMBER)) {
    for (const w of words(JSON.parse(m[1] as string) as string)) named.add(w);
  }
  const pending = routines.filter((r) => named.has(r.name));
  while (pending.length > 0) {
    const r = pending.pop() as SchemaObject;
    if (out.has(r)) continue;
    out.add(r);
    for (const d of deps.get(r)?.objects ?? []) if (d.kind === 'function' || d.kind === 'procedure') pending.push(d);
  }
  return out;
}

/** Kinds whose drop is destructive enough to flag (data or what uses them goes too). */
const FLAGGED_DROPS: ReadonlySet<ObjectKind> = new Set(['extension', 'domain', 'compositeType', 'sequence', 'materializedView']);

/** The key that matches a live object with a declared one. */
function keyOf(o: SchemaObject, ctx: DiffContext): string {
  const ref = objectRef(o);
  const args = o.kind === 'function' || o.kind === 'procedure' ? identityArgs(o.args).map(ctx.typeKey).join(',') : '';
  // A view and a materialized view share a namespace, but one is never altered into the other.
  // An extension's name is the database's: its schema is an attribute (ALTER EXTENSION SET SCHEMA).
  const schema = o.kind === 'extension' ? '' : ctx.schemaKey(ref.schema);
  return JSON.stringify([o.kind, schema, ref.table ?? '', o.name, args]);
}

/** Words of SQL text: identifiers lower-cased (unless quoted), for finding which objects a text names. */
function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)/g)) {
    out.add(m[1] !== undefined ? m[1].replaceAll('""', '"') : (m[2] as string).toLowerCase());
  }
  return out;
}

/** The SQL texts of an object, and the names it refers to structurally. */
function references(o: SchemaObject): { texts: string[]; names: string[] } {
  switch (o.kind) {
    case 'view':
    case 'materializedView':
      return { texts: [o.body], names: [...(o.dependsOn ?? [])] };
    case 'function':
    case 'procedure':
      return { texts: [o.body, o.returns ?? '', ...o.args.map((a) => `${a.type} ${a.default ?? ''}`)], names: [...(o.dependsOn ?? [])] };
    case 'trigger':
      return { texts: [o.when ?? '', o.body ?? ''], names: [o.table, ...(o.function === undefined ? [] : [o.function.split('.').pop() as string])] };
    case 'policy':
      return { texts: [o.using ?? '', o.withCheck ?? ''], names: [o.table] };
    case 'domain':
      return { texts: [o.type, o.default ?? '', ...o.checks.map((c) => c.condition)], names: [] };
    case 'compositeType':
      return { texts: o.attributes.map((a) => a.type), names: [] };
    case 'sequence':
      return { texts: [], names: o.ownedBy === undefined ? [] : [o.ownedBy.table] };
    case 'extension':
      return { texts: [], names: [] };
  }
}

/**
 * What each object depends on among `objects` (by key), and the tables it names. A name an SQL
 * text merely mentions may be a column that shares it: that only adds an ordering constraint.
 */
function dependencies(objects: readonly SchemaObject[]): Map<SchemaObject, { objects: Set<SchemaObject>; tables: Set<string> }> {
  const byName = new Map<string, SchemaObject[]>();
  for (const o of objects) {
    // Nothing names a trigger or a policy.
    if (o.kind !== 'trigger' && o.kind !== 'policy') byName.set(o.name, [...(byName.get(o.name) ?? []), o]);
  }
  const out = new Map<SchemaObject, { objects: Set<SchemaObject>; tables: Set<string> }>();
  for (const o of objects) {
    const { texts, names } = references(o);
    const mentioned = new Set([...names, ...texts.flatMap((t) => [...words(t)])]);
    const deps = new Set<SchemaObject>();
    for (const word of mentioned) for (const target of byName.get(word) ?? []) if (target !== o) deps.add(target);
    out.set(o, { objects: deps, tables: mentioned });
  }
  return out;
}

/** `objects` with each one after what it depends on (Kahn's algorithm; a cycle keeps the given order). */
function dependencyOrder(objects: readonly SchemaObject[], deps: Map<SchemaObject, { objects: Set<SchemaObject> }>): SchemaObject[] {
  const pending = new Set(objects);
  const order: SchemaObject[] = [];
  while (pending.size > 0) {
    const ready = [...pending].find((o) => [...(deps.get(o)?.objects ?? [])].every((d) => !pending.has(d)));
    const next = ready ?? ([...pending][0] as SchemaObject);
    pending.delete(next);
    order.push(next);
  }
  return order;
}

/**
 * True when routine `o` names `d` only in its body: the server records no dependency on what a
 * body reads (it is resolved when called), so `d` may be dropped and created again under it, and
 * `o` (with the triggers that use it) stays.
 */
function bodyOnly(o: SchemaObject, d: SchemaObject): boolean {
  if (o.kind !== 'function' && o.kind !== 'procedure') return false;
  const signature = [o.returns ?? '', ...o.args.map((a) => `${a.type} ${a.default ?? ''}`)].flatMap((t) => [...words(t)]);
  return !signature.includes(d.name);
}

/** Objects of kinds the dialect does not model are left out of the declared side, with a warning. */
function supported(model: SchemaModel, ctx: DiffContext, plan: Plan | undefined): SchemaObject[] {
  const out: SchemaObject[] = [];
  for (const o of model.objects ?? []) {
    if (ctx.objectKinds.has(o.kind)) out.push(o);
    else plan?.add('createRoutines', undefined, undefined, {
      up: [{ code: 'objectNotSupported', message: `the ${describeObject(objectRef(o))} is declared, but this database has no ${o.kind}s retort can manage: left out` }],
    });
  }
  return out;
}

/** Tables whose columns change type or go away: views over them cannot stay. */
function reshapedTables(from: SchemaModel, to: SchemaModel, ctx: DiffContext): Set<string> {
  const after = new Map(to.tables.map((t) => [`${ctx.schemaKey(t.schema)}.${t.name}`, t]));
  const out = new Set<string>();
  const sameType = (a: ColumnSpec, b: ColumnSpec) => ctx.typesEqual(a.type, b.type);
  for (const t of from.tables) {
    const next: TableSpec | undefined = after.get(`${ctx.schemaKey(t.schema)}.${t.name}`);
    if (next === undefined) continue;
    const columns = new Map(next.columns.map((c) => [c.spec.renamedFrom ?? c.name, c]));
    if (t.columns.some((c) => {
      const n = columns.get(c.name) ?? next.columns.find((x) => x.name === c.name);
      return n === undefined || !sameType(c.spec, n.spec);
    })) out.add(t.name);
  }
  return out;
}

function dropOp(o: SchemaObject): Operation {
  return { kind: 'dropObject', object: objectRef(o) };
}

function createOp(o: SchemaObject): Operation {
  return { kind: 'createObject', object: o };
}

/** A sequence without its owner: created before the tables, owned once they exist. */
function unowned(s: SequenceSpec): SequenceSpec {
  const { ownedBy: _o, ...rest } = s;
  return rest;
}

/** Record the changes of objects from `from` (live) to `to` (declared). */
export function diffObjects(from: SchemaModel, to: SchemaModel, ctx: DiffContext, plan: Plan): void {
  const live = (from.objects ?? []).filter((o) => ctx.objectKinds.has(o.kind));
  const declared = supported(to, ctx, plan);
  if (live.length === 0 && declared.length === 0) return;
  const before = new Map(live.map((o) => [keyOf(o, ctx), o]));
  const after = new Map(declared.map((o) => [keyOf(o, ctx), o]));
  const liveDeps = dependencies(live);
  const declaredDeps = dependencies(declared);
  // Only a routine can be early, and finding which are means scanning every table's expressions
  // (76 ms of a no-op GitLab `check`): done once a routine is dropped, created or changed.
  let early: Set<SchemaObject> | undefined;
  const phaseOf = (o: SchemaObject) => {
    if (o.kind !== 'function' && o.kind !== 'procedure') return PHASE_OF[o.kind];
    early ??= new Set([...routinesOfTables(from, live, liveDeps), ...routinesOfTables(to, declared, declaredDeps)]);
    return early.has(o) ? EARLY_ROUTINE : PHASE_OF[o.kind];
  };

  // What goes (dropped, or dropped and re-created): removed objects, changes that cannot be made
  // in place, objects over reshaped tables, and then everything that depends on those.
  const removed = new Set<SchemaObject>();
  const recreated = new Set<SchemaObject>();
  const altered: [SchemaObject, SchemaObject][] = [];
  const indexChanges: [SchemaObject, SchemaObject][] = [];
  for (const [key, o] of before) {
    const next = after.get(key);
    if (next === undefined) removed.add(o);
    else if (!ctx.objectsEqual(withoutIndexes(o), withoutIndexes(next))) {
      if (ctx.objectsInPlace(o, next) && ctx.objectsInPlace(next, o)) altered.push([o, next]);
      else recreated.add(o);
    } else if (!sameIndexes(o, next, ctx)) indexChanges.push([o, next]);
  }
  const reshaped = reshapedTables(from, to, ctx);
  for (const o of live) {
    if ((o.kind === 'view' || o.kind === 'materializedView') && [...(liveDeps.get(o)?.tables ?? [])].some((t) => reshaped.has(t)) && after.has(keyOf(o, ctx))) {
      recreated.add(o);
    }
  }
  // Dependents of what goes, transitively (live dependencies: what the database would refuse to drop).
  for (let grew = true; grew;) {
    grew = false;
    for (const o of live) {
      if (removed.has(o) || recreated.has(o)) continue;
      const gone = [...(liveDeps.get(o)?.objects ?? [])].some((d) => (removed.has(d) || recreated.has(d)) && !bodyOnly(o, d));
      if (gone && after.has(keyOf(o, ctx))) {
        recreated.add(o);
        grew = true;
      }
    }
  }
  const inPlace = new Map(altered.filter(([o]) => !recreated.has(o)).map(([o, n]) => [o, n]));

  // Drops, dependents first (reverse dependency order of the live side).
  for (const o of [...dependencyOrder(live, liveDeps)].reverse()) {
    if (!removed.has(o) && !recreated.has(o)) continue;
    const phase = phaseOf(o);
    // A re-created function, view, trigger or policy goes before the tables change; a re-created
    // type or sequence goes just before it is created again (its phase comes first).
    const dropPhase = !recreated.has(o) ? phase.drop : PHASES.indexOf(phase.create) < PHASES.indexOf('dropObjects') ? phase.create : 'dropObjects';
    if (o.kind === 'sequence' && o.ownedBy !== undefined) {
      // Dropping the owning column or table would drop the sequence with it: release it first.
      plan.add('dropObjects', { kind: 'alterObject', from: o, to: unowned(o) }, { kind: 'alterObject', from: unowned(o), to: o });
      plan.add(dropPhase, dropOp(unowned(o)), createOp(unowned(o)), flagged(o, removed));
      continue;
    }
    plan.add(dropPhase, dropOp(o), createOp(o), recreated.has(o) ? typeInUse(o, from) : flagged(o, removed));
  }

  // Creations and in-place changes, in dependency order of the declared side.
  for (const next of dependencyOrder(declared, declaredDeps)) {
    const key = keyOf(next, ctx);
    const old = before.get(key);
    if (old !== undefined && !inPlace.has(old) && !recreated.has(old)) continue; // unchanged
    const phase = phaseOf(next).create;
    if (old !== undefined && inPlace.has(old)) {
      const ownerChanged = old.kind === 'sequence' && next.kind === 'sequence' && JSON.stringify(old.ownedBy) !== JSON.stringify(next.ownedBy);
      plan.add(ownerChanged ? 'ownSequences' : phase, { kind: 'alterObject', from: old, to: next }, { kind: 'alterObject', from: next, to: old }, versionBack(old, next));
      continue;
    }
    if (next.kind === 'sequence' && next.ownedBy !== undefined) {
      plan.add(phase, createOp(unowned(next)), dropOp(unowned(next)));
      plan.add('ownSequences', { kind: 'alterObject', from: unowned(next), to: next }, { kind: 'alterObject', from: next, to: unowned(next) });
      continue;
    }
    plan.add(phase, createOp(next), dropOp(next));
  }
  for (const [o, next] of indexChanges) if (!recreated.has(o)) diffViewIndexes(o as ViewSpec, next as ViewSpec, ctx, plan);
}

/** A materialized view's indexes are compared as a table's, by content (see diffViewIndexes). */
function withoutIndexes(o: SchemaObject): SchemaObject {
  if (o.kind !== 'materializedView' || o.indexes === undefined) return o;
  const { indexes: _i, ...rest } = o;
  return rest;
}

function sameIndexes(a: SchemaObject, b: SchemaObject, ctx: DiffContext): boolean {
  const ia = a.kind === 'materializedView' ? a.indexes ?? [] : [];
  const ib = b.kind === 'materializedView' ? b.indexes ?? [] : [];
  return ia.length === ib.length && ia.every((x) => ib.some((y) => x.name === y.name && sameIndex(x, y, ctx)));
}

/** Indexes of a materialized view that stays: created and dropped like a table's. */
function diffViewIndexes(from: ViewSpec, to: ViewSpec, ctx: DiffContext, plan: Plan): void {
  const where = { table: to.name, ...(to.schema === undefined ? {} : { schema: to.schema }) };
  const create = (ix: IndexSpec): Operation => ({
    kind: 'createIndex', name: ix.name, ...where, columns: ix.columns, unique: ix.unique, ...(ix.where === undefined ? {} : { where: ix.where }),
  });
  const drop = (ix: IndexSpec): Operation => ({ kind: 'dropIndex', name: ix.name, ...where });
  const next = to.indexes ?? [];
  const old = from.indexes ?? [];
  for (const ix of old) if (!next.some((y) => y.name === ix.name && sameIndex(ix, y, ctx))) plan.add('dropObjects', drop(ix), create(ix));
  for (const ix of next) if (!old.some((y) => y.name === ix.name && sameIndex(ix, y, ctx))) plan.add('createRoutines', create(ix), drop(ix));
}

function flagged(o: SchemaObject, removed: ReadonlySet<SchemaObject>): { up?: { code: 'dropObject'; message: string }[] } {
  if (!removed.has(o) || !FLAGGED_DROPS.has(o.kind)) return {};
  const what = describeObject(objectRef(o));
  return { up: [{ code: 'dropObject', message: `drops the ${what}${o.kind === 'sequence' ? ' and its current value' : o.kind === 'extension' ? ' and every object it made' : ''}` }] };
}

/**
 * A domain or composite type that is dropped and created again while live columns use it: the
 * server refuses the drop (nothing is lost, but the revision fails). Said before it runs.
 */
function typeInUse(o: SchemaObject, live: SchemaModel): { up?: { code: 'unsupportedChange'; message: string }[] } {
  if (o.kind !== 'domain' && o.kind !== 'compositeType') return {};
  const users = live.tables.flatMap((t) => t.columns.filter((c) => c.spec.type.kind === 'raw' && words(c.spec.type.sql).has(o.name)).map((c) => `${t.name}.${c.name}`));
  if (users.length === 0) return {};
  return { up: [{ code: 'unsupportedChange', message: `re-creates the ${describeObject(objectRef(o))}, which ${users.join(', ')} use${users.length === 1 ? 's' : ''}: PostgreSQL refuses to drop it while they do; change those columns first` }] };
}

/** An extension's version change: its reverse goes back to a version most extensions ship no script for. */
function versionBack(old: SchemaObject, next: SchemaObject): { down?: { code: 'unsupportedChange'; message: string }[] } {
  if (old.kind !== 'extension' || next.kind !== 'extension' || next.version === undefined || old.version === undefined || old.version === next.version) return {};
  return { down: [{ code: 'unsupportedChange', message: `goes back to version ${old.version} of extension ${old.name}: most extensions ship no downgrade script, so this may fail` }] };
}
