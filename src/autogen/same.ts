/**
 * Content equality of indexes and constraints for the diff: every attribute the model holds is
 * compared (access method, per-element operator class, collation, order and NULLS placement,
 * INCLUDE columns, NULLS NOT DISTINCT, storage parameters, DEFERRABLE, NOT VALID, MATCH,
 * NO INHERIT, check bodies), each with its default spelled out so that an absent attribute equals
 * the default one (`asc` order, the `btree` method, `MATCH SIMPLE`, `deferrable: false`...).
 * Expressions go through the dialect's `expressionsEqual`.
 */
import type { ConstraintSpec, IndexElement, IndexSpec, StorageParameters } from '../schema/model.js';
import { elementColumn, elementExpression, elementOptions } from '../schema/elements.js';
import type { DiffContext } from './plan.js';

/** True when two lists are equal element by element. */
export function sameList<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean = (x, y) => x === y): boolean {
  return a.length === b.length && a.every((x, i) => eq(x, b[i] as T));
}

/** A name as the catalog spells it: without the quotes a person may have written, and without `pg_catalog.`. */
function bareName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const unquoted = name.trim().replace(/^"(.*)"$/, '$1');
  return unquoted.replace(/^pg_catalog\./, '');
}

const TRUE_WORDS = new Set(['true', 'on', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', '0']);

/** Storage parameters in one spelling: lower-case keys, booleans as true/false, quotes removed. */
export function canonicalStorage(params: StorageParameters | undefined): string {
  const entries = Object.entries(params ?? {}).map(([k, v]) => {
    const value = String(v).trim().replace(/^'(.*)'$/, '$1').toLowerCase();
    const canonical = TRUE_WORDS.has(value) ? 'true' : FALSE_WORDS.has(value) ? 'false' : value;
    return `${k.trim().toLowerCase()}=${canonical}`;
  });
  return entries.sort().join(',');
}

/** True when two index elements index the same thing the same way. */
export function sameElement(a: IndexElement, b: IndexElement, ctx: DiffContext): boolean {
  const colA = elementColumn(a);
  const colB = elementColumn(b);
  if (colA !== undefined || colB !== undefined) {
    if (colA !== colB) return false;
  } else if (!ctx.expressionsEqual(elementExpression(a) ?? '', elementExpression(b) ?? '')) {
    return false;
  }
  const x = elementOptions(a);
  const y = elementOptions(b);
  const order = (o: typeof x) => o.order ?? 'asc';
  // NULLS LAST is the default of ASC, NULLS FIRST that of DESC.
  const nulls = (o: typeof x) => o.nulls ?? (order(o) === 'desc' ? 'first' : 'last');
  return order(x) === order(y) && nulls(x) === nulls(y) && (x.length ?? 0) === (y.length ?? 0) &&
    bareName(x.opclass)?.toLowerCase() === bareName(y.opclass)?.toLowerCase() &&
    bareName(x.collation) === bareName(y.collation);
}

/** The access method, `btree` when absent. */
function method(using: string | undefined): string {
  return (using ?? 'btree').toLowerCase();
}

/** True when two indexes of one table are the same index (names aside). */
export function sameIndex(a: IndexSpec, b: IndexSpec, ctx: DiffContext): boolean {
  const whereEqual = a.where === undefined || b.where === undefined
    ? a.where === b.where
    : ctx.expressionsEqual(a.where, b.where);
  return a.unique === b.unique && whereEqual && method(a.using) === method(b.using) &&
    (a.fulltext ?? false) === (b.fulltext ?? false) && (a.spatial ?? false) === (b.spatial ?? false) &&
    sameList(a.columns, b.columns, (x, y) => sameElement(x, y, ctx)) &&
    sameList(a.include ?? [], b.include ?? []) &&
    (a.nullsNotDistinct ?? false) === (b.nullsNotDistinct ?? false) &&
    canonicalStorage(a.with) === canonicalStorage(b.with);
}

function action(a: string | undefined): string {
  return a ?? 'no action';
}

/** DEFERRABLE / INITIALLY DEFERRED / NOT VALID in one spelling (INITIALLY DEFERRED implies DEFERRABLE). */
function timing(c: ConstraintSpec): string {
  const deferred = c.initiallyDeferred === true;
  return `${c.deferrable === true || deferred}/${deferred}/${c.notValid === true}`;
}

/** True when two constraints have the same content (names aside). */
export function sameContent(a: ConstraintSpec, b: ConstraintSpec, ctx: DiffContext): boolean {
  if (a.kind !== b.kind || timing(a) !== timing(b)) return false;
  const keyIndex = (x: ConstraintSpec, y: ConstraintSpec) => x.kind !== 'check' && x.kind !== 'foreignKey' && y.kind !== 'check' && y.kind !== 'foreignKey'
    ? sameList(x.include ?? [], y.include ?? []) && canonicalStorage(x.with) === canonicalStorage(y.with)
    : true;
  switch (a.kind) {
    case 'check': {
      const other = b as typeof a;
      return ctx.expressionsEqual(a.condition, other.condition) && (a.noInherit ?? false) === (other.noInherit ?? false);
    }
    case 'foreignKey': {
      const other = b as typeof a;
      return sameList(a.columns, other.columns) && a.refTable === other.refTable && sameList(a.refColumns, other.refColumns) &&
        ctx.schemaKey(a.refSchema) === ctx.schemaKey(other.refSchema) &&
        action(a.onDelete) === action(other.onDelete) && action(a.onUpdate) === action(other.onUpdate) &&
        (a.match ?? 'simple') === (other.match ?? 'simple');
    }
    case 'exclude': {
      const other = b as typeof a;
      const whereEqual = a.where === undefined || other.where === undefined ? a.where === other.where : ctx.expressionsEqual(a.where, other.where);
      return method(a.using) === method(other.using) && whereEqual && keyIndex(a, b) &&
        sameList(a.elements, other.elements, (x, y) => x.operator === y.operator && sameElement(x.element, y.element, ctx));
    }
    case 'unique': {
      const other = b as typeof a;
      return sameList(a.columns, other.columns) && keyIndex(a, b) && (a.nullsNotDistinct ?? false) === (other.nullsNotDistinct ?? false);
    }
    case 'primaryKey':
      return sameList(a.columns, (b as typeof a).columns) && keyIndex(a, b);
  }
}

/** Storage parameters set, or reset (null), to go from `before` to `after` (compared canonically). */
export function storageChanges(before: StorageParameters | undefined, after: StorageParameters | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(after ?? {})) if (canonicalStorage({ [k]: v }) !== canonicalStorage({ [k]: before?.[k] ?? '' })) out[k] = v;
  for (const k of Object.keys(before ?? {})) if (!(k in (after ?? {}))) out[k] = null;
  return out;
}
