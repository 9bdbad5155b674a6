/**
 * `renderSchemaModule(model)`: the TypeScript schema module `retort pull` writes from a live
 * database: one `table(...)` per table, keys written where a person would write them (a
 * single-column primary key or foreign key on its column, the rest as table extras), then
 * `defineSchema` and the derived Kysely type. A named enum is one `const` that its columns share.
 */
import type { ColumnType, ConstraintSpec, NamedColumn, SchemaModel, TableOptions, TableSpec } from '../schema/model.js';
import type { Imports } from './render-parts.js';
import { columnChain, constraintCall, key, objectLiteral, storageLiteral, str, typeCall } from './render-parts.js';
import type { SchemaObject } from '../schema/objects.js';
import { OBJECT_KINDS } from '../schema/objects.js';
import { indexCall, objectCall } from './render-objects.js';

const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends false ' +
  'finally for function if import in instanceof new null return super switch this throw true try typeof var void while ' +
  'with yield let static implements interface package private protected public await schema').split(' '));

/** A unique variable name for each table, object and enum (an object's name gets its kind: `film_list_view`, `mood_enum`). */
function variableNames<T extends { readonly name: string; readonly kind?: string }>(entries: readonly T[]): Map<T, string> {
  const used = new Set<string>();
  const out = new Map<T, string>();
  for (const t of entries) {
    const suffix = 'kind' in t ? `_${t.kind === 'function' ? 'fn' : t.kind}` : '';
    let base = `${t.name}${suffix}`.replace(/[^A-Za-z0-9_$]/g, '_');
    if (/^[0-9]/.test(base)) base = `_${base}`;
    if (RESERVED.has(base)) base = `${base}Table`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    out.set(t, name);
  }
  return out;
}

type ForeignKey = Extract<ConstraintSpec, { kind: 'foreignKey' }>;

/** How the module names things the catalog named by default. */
export interface RenderSchemaOptions {
  /** The module to import the builders from (default 'retort-migrate'). */
  readonly importFrom?: string;
  /** The dialect's name for an unnamed primary key of `table` (left out of the module). */
  readonly defaultPrimaryKeyName?: (table: string) => string;
  /** The table options a table of `schema` gets without asking (MySQL's engine, charset, collation): left out. */
  readonly defaultTableOptions?: (schema: string | undefined) => TableOptions;
}

/**
 * Move single-column keys onto their columns; keep the rest as extras. A primary key goes on its
 * column only when it has one column and the server's default name (`.primaryKey()` cannot carry
 * a name); otherwise it is one `primaryKey(name?).on(...)` and its columns are just not null.
 */
function layout(table: TableSpec, options: RenderSchemaOptions): { columns: NamedColumn[]; extras: ConstraintSpec[] } {
  let columns = [...table.columns];
  const extras: ConstraintSpec[] = [];
  const setOn = (name: string, change: (c: NamedColumn) => NamedColumn) => {
    columns = columns.map((c) => (c.name === name ? change(c) : c));
  };
  for (const c of table.constraints) {
    const single = (c.kind === 'primaryKey' || c.kind === 'foreignKey') && c.columns.length === 1 ? (c.columns[0] as string) : undefined;
    const column = single === undefined ? undefined : columns.find((x) => x.name === single);
    if (c.kind === 'primaryKey') {
      const plain = !c.deferrable && !c.initiallyDeferred && c.include === undefined && c.with === undefined;
      const chosenName = c.name !== undefined && c.name !== options.defaultPrimaryKeyName?.(table.name) ? c.name : undefined;
      if (column !== undefined && chosenName === undefined && plain) {
        setOn(column.name, (x) => ({ name: x.name, spec: { ...x.spec, primaryKey: true, nullable: false } }));
        continue;
      }
      for (const name of c.columns) setOn(name, (x) => ({ name: x.name, spec: { ...x.spec, primaryKey: false, nullable: false } }));
      const { name: _name, ...unnamed } = c;
      extras.push(chosenName === undefined ? unnamed : { ...unnamed, name: chosenName });
    } else if (c.kind === 'foreignKey' && column !== undefined && column.spec.references === undefined && c.refSchema === undefined &&
      !c.deferrable && !c.initiallyDeferred && !c.notValid && (c.match ?? 'simple') === 'simple') {
      const fk = c as ForeignKey;
      setOn(column.name, (x) => ({
        name: x.name,
        spec: {
          ...x.spec,
          references: {
            table: fk.refTable, column: fk.refColumns[0] as string,
            ...(fk.name === undefined ? {} : { name: fk.name }),
            ...(fk.onDelete === undefined ? {} : { onDelete: fk.onDelete }),
            ...(fk.onUpdate === undefined ? {} : { onUpdate: fk.onUpdate }),
          },
        },
      }));
    } else {
      extras.push(c);
    }
  }
  return { columns, extras };
}

function rowLevelSecurity(options: TableOptions): string | undefined {
  const rls = options.rowLevelSecurity;
  if (rls === undefined) return undefined;
  return objectLiteral([['enabled', rls.enabled ? 'true' : undefined], ['forced', rls.forced ? 'true' : undefined]]) || undefined;
}

/** How the module refers to another table: its variable, or `{ name, schema }` when it is not in the module. */
type TableRefs = (name: string, schema: string | undefined) => string;
type EnumRefs = (type: ColumnType) => string | undefined;

/** The identity of an enum type as columns carry it (name and values). */
const enumKey = (name: string, values: readonly string[]) => JSON.stringify([name, values]);

function renderTable(table: TableSpec, variable: string, imports: Imports, render: RenderSchemaOptions, tableRef: TableRefs, enumRef: EnumRefs): string {
  const { columns, extras } = layout(table, render);
  const body = columns.map((c) => `  ${key(c.name)}: ${columnChain(c.spec, imports, enumRef)},`).join('\n');
  // A partition of a parent outside the module has no typed `t`: its columns are named as strings.
  const parentOutside = table.partitionOf !== undefined && tableRef(table.partitionOf.parent, table.partitionOf.parentSchema).startsWith('{');
  const ref = (name: string) => (parentOutside ? str(name) : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `t.${name}` : `t[${str(name)}]`);
  const items = extras.map((c) => constraintCall(c, imports, ref));
  for (const ix of table.indexes) items.push(indexCall(ix, imports, ref));
  const extrasFn = items.length === 0 ? '' : `, (t) => [\n${items.map((i) => `  ${i},`).join('\n')}\n]`;
  const o = table.options;
  const defaults = render.defaultTableOptions?.(table.schema) ?? {};
  // An option equal to what the server gives anyway is left out: the module says what was chosen.
  const chosen = (key: 'engine' | 'charset' | 'collate' | 'rowFormat') => {
    const value = o[key];
    return value === undefined || value.toLowerCase() === defaults[key]?.toLowerCase() ? undefined : str(value);
  };
  const options = objectLiteral([
    ['schema', table.schema === undefined ? undefined : str(table.schema)],
    ['comment', o.comment === undefined ? undefined : str(o.comment)],
    ['engine', chosen('engine')],
    // A collation names its character set: the charset is said only when the collation is not.
    ['charset', chosen('collate') === undefined ? chosen('charset') : undefined],
    ['collate', chosen('collate')],
    ['rowFormat', chosen('rowFormat')],
    ['unlogged', o.unlogged ? 'true' : undefined],
    ['with', storageLiteral(o.with)],
    ['partitionBy', o.partitionBy === undefined ? undefined : str(o.partitionBy)],
    ['inherits', o.inherits === undefined ? undefined : `[${o.inherits.map((p) => tableRef(p.name, p.schema)).join(', ')}]`],
    ['rowLevelSecurity', rowLevelSecurity(o)],
  ]);
  const tail = `${extrasFn}${options === '' ? '' : `, ${options}`}`;
  if (table.partitionOf !== undefined) {
    imports.add('partition');
    const { parent, parentSchema, bound } = table.partitionOf;
    return `export const ${variable} = partition(${str(table.name)}, ${tableRef(parent, parentSchema)}, ${str(bound)}${tail});`;
  }
  imports.add('table');
  return `export const ${variable} = table(${str(table.name)}, {\n${body}\n}${tail});`;
}

/** The tables in order, each partition and inheriting table after its parents (a module's consts must be declared before use). */
function parentsFirst(tables: readonly TableSpec[]): TableSpec[] {
  const key = (name: string, schema: string | undefined) => `${schema ?? ''}.${name}`;
  const byKey = new Map(tables.map((t) => [key(t.name, t.schema), t]));
  const parents = (t: TableSpec): TableSpec[] => [
    ...(t.partitionOf === undefined ? [] : [key(t.partitionOf.parent, t.partitionOf.parentSchema)]),
    ...(t.options.inherits ?? []).map((p) => key(p.name, p.schema)),
  ].map((k) => byKey.get(k)).filter((p): p is TableSpec => p !== undefined);
  const out: TableSpec[] = [];
  const placed = new Set<TableSpec>();
  const visit = (t: TableSpec, depth: number): void => {
    if (placed.has(t) || depth > tables.length) return;
    for (const p of parents(t)) visit(p, depth + 1);
    placed.add(t);
    out.push(t);
  };
  for (const t of tables) visit(t, 0);
  return out;
}

/**
 * An extension without the version the server installed and the comment it came with: a module
 * pins them only when a person writes them (they are compared only then), so a pulled module
 * takes each server's default version and the extension's own comment.
 */
function unversioned(o: SchemaObject): SchemaObject {
  if (o.kind !== 'extension') return o;
  const { version: _v, comment: _c, ...rest } = o;
  return rest;
}

/**
 * Render the schema module of `model`.
 * @param model - the schema read from the database
 * @param options - where the builders come from, and the dialect's default key names
 */
export function renderSchemaModule(model: SchemaModel, options: RenderSchemaOptions = {}): string {
  const imports: Imports = new Set(['defineSchema']);
  const byName = (a: { name: string; schema?: string }, b: { name: string; schema?: string }) => {
    const x = `${a.schema ?? ''}.${a.name}`;
    const y = `${b.schema ?? ''}.${b.name}`;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const tables = parentsFirst([...model.tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  // Objects by kind (types first), then by name: the diff orders them by dependency, not the module.
  const objects = [...(model.objects ?? [])].map(unversioned).sort((a, b) => OBJECT_KINDS.indexOf(a.kind) - OBJECT_KINDS.indexOf(b.kind) || byName(a, b));
  // An enum is declared once and every column of its type references it: copies would be
  // separate declarations of one type, which defineSchema refuses as soon as one is edited.
  const enums = [...model.enums].sort(byName).map((e) => ({ kind: 'enum', name: e.name, spec: e }));
  const names = variableNames<TableSpec | SchemaObject | (typeof enums)[number]>([...tables, ...objects, ...enums]);
  const enumVars = new Map(enums.map((e) => [enumKey(e.name, e.spec.values), names.get(e) as string]));
  const enumRef: EnumRefs = (type) => (type.kind === 'enum' ? enumVars.get(enumKey(type.name, type.values)) : undefined);
  const enumLines = enums.map((e) => `const ${names.get(e) as string} = ${typeCall({ kind: 'enum', name: e.name, values: e.spec.values }, imports)};`);
  const bySchemaName = new Map(tables.map((t) => [`${t.schema ?? ''}.${t.name}`, names.get(t) as string]));
  const tableRef: TableRefs = (name, schema) =>
    bySchemaName.get(`${schema ?? ''}.${name}`) ?? objectLiteral([['name', str(name)], ['schema', schema === undefined ? undefined : str(schema)]]);
  const blocks = [
    ...(enumLines.length === 0 ? [] : [enumLines.join('\n')]),
    ...tables.map((t) => renderTable(t, names.get(t) as string, imports, options, tableRef, enumRef)),
    ...objects.map((o) => `export const ${names.get(o) as string} = ${objectCall(o, imports)};`),
  ];
  const list = [...tables, ...objects].map((t) => names.get(t) as string);
  const importLine = `import { ${[...imports].sort().join(', ')} } from ${str(options.importFrom ?? 'retort-migrate')};`;
  return [
    '/** The database schema, written by `retort pull`. Edit it: it is the target of autogenerate. */',
    importLine,
    '',
    ...blocks.flatMap((b) => [b, '']),
    list.length > 12 ? `const schema = defineSchema({\n${list.map((n) => `  ${n},`).join('\n')}\n});` : `const schema = defineSchema({ ${list.join(', ')} });`,
    'export default schema;',
    '/** The Kysely `Database` type of this schema. */',
    'export type DB = typeof schema.$kysely;',
    '',
  ].join('\n');
}
