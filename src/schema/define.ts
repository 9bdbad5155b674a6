/**
 * `defineSchema({ ...tables, ...objects })`: the target schema of autogenerate, as the neutral
 * {@link SchemaModel}, plus a phantom `$kysely` type: the Kysely `Database` type derived from the
 * column builders, so that `export type DB = typeof schema.$kysely` is never written by hand.
 * Objects beyond tables (views, functions, triggers, ... from object-builders.ts) go in the same
 * record; they are not part of the Kysely type.
 */
import type { Generated } from 'kysely';
import { RetortError } from '../errors.js';
import type { EnumSpec, SchemaModel, TableSpec } from './model.js';
import type { SchemaObject } from './objects.js';
import { describeObject, isSchemaObject, objectRef } from './objects.js';
import type { ColumnMap, TableDefinition } from './table.js';

/** What `defineSchema` takes: tables and objects, by any names. */
export type SchemaEntries = Readonly<Record<string, TableDefinition<string, ColumnMap> | SchemaObject>>;

/** The tables among the entries. */
type TablesOf<E> = { [K in keyof E as E[K] extends TableDefinition ? K : never]: E[K] extends TableDefinition ? E[K] : never };

/**
 * The Kysely column type of one builder: `T | null` when nullable, `Generated<...>` when an insert
 * may omit it (a default or auto-increment).
 */
export type KyselyColumn<B> = B extends { readonly $type: infer T; readonly $nullable: infer N; readonly $hasDefault: infer D }
  ? [D] extends [true]
    ? Generated<[N] extends [false] ? T : T | null>
    : [N] extends [false]
      ? T
      : T | null
  : never;

/** The Kysely row type of a table's builders. */
export type KyselyTable<C extends ColumnMap> = { -readonly [K in keyof C]: KyselyColumn<C[K]> };

/** The key Kysely knows a table by: `name`, or `schema.name` when a namespace is declared. */
export type KyselyTableName<T extends TableDefinition> = [NonNullable<T['$schema']>] extends [never]
  ? T['name']
  : `${NonNullable<T['$schema']>}.${T['name']}`;

/** The Kysely `Database` type of a set of tables (other entries are left out), keyed by each table's database name. */
export type KyselyDatabase<Entries> = {
  -readonly [K in keyof TablesOf<Entries> as KyselyTableName<TablesOf<Entries>[K]>]: KyselyTable<TablesOf<Entries>[K]['columns']>;
};

/** A defined schema: the neutral model, the entries, and the phantom Kysely type. */
export interface SchemaDefinition<Tables extends SchemaEntries> {
  /** The neutral model autogenerate compares with the database. */
  readonly model: SchemaModel;
  /** The table and object definitions, as passed. */
  readonly tables: Tables;
  /** Phantom: use as `typeof schema.$kysely`; has no value at run time. */
  readonly $kysely: KyselyDatabase<Tables>;
}

function enumsOf(tables: readonly TableSpec[]): EnumSpec[] {
  const found = new Map<string, EnumSpec>();
  for (const t of tables) {
    for (const c of t.columns) {
      if (c.spec.type.kind !== 'enum') continue;
      const { name, values } = c.spec.type;
      const key = `${t.schema ?? ''}.${name}`;
      const seen = found.get(key);
      if (seen === undefined) {
        found.set(key, Object.freeze({ name, ...(t.schema === undefined ? {} : { schema: t.schema }), values }));
      } else if (seen.values.join('\u0000') !== values.join('\u0000')) {
        throw new RetortError('SchemaInvalid', `Enum '${name}' is declared twice with different values.`, {
          fields: { enum: name, values: [...seen.values], otherValues: [...values], table: t.name, column: c.name },
          hint: 'Declare the enum once (const mood = enumOf(...)) and reuse the builder in every column.',
        });
      }
    }
  }
  return [...found.values()];
}

/** Objects in declaration order; the same object declared twice is an error. */
function objectsOf(entries: readonly SchemaObject[]): SchemaObject[] {
  const seen = new Set<string>();
  for (const o of entries) {
    const ref = objectRef(o);
    const key = JSON.stringify([ref.kind === 'materializedView' ? 'view' : ref.kind, ref.schema ?? '', ref.table ?? '', ref.name, ref.args ?? '']);
    if (seen.has(key)) {
      throw new RetortError('SchemaInvalid', `The ${describeObject(ref)} is declared twice in the schema.`, {
        fields: { kind: o.kind, name: o.name },
        hint: 'Give each object one definition; pass it once to defineSchema.',
      });
    }
    seen.add(key);
  }
  return entries.map((o) => Object.freeze(o));
}

/**
 * Define the schema from its tables and objects: `export default defineSchema({ books, authors, book_titles })`.
 * Enum types are collected from the columns that use them.
 */
export function defineSchema<Tables extends SchemaEntries>(tables: Tables): SchemaDefinition<Tables> {
  const values = Object.values(tables);
  const objects = objectsOf(values.filter(isSchemaObject));
  const specs = values.filter((t): t is TableDefinition => !isSchemaObject(t)).map((t) => t.spec);
  const seen = new Set<string>();
  for (const spec of specs) {
    const key = `${spec.schema ?? ''}.${spec.name}`;
    if (seen.has(key)) {
      throw new RetortError('SchemaInvalid', `Table '${spec.name}' is declared twice in the schema.`, {
        fields: { table: spec.name },
        hint: 'Give each table one definition; pass it once to defineSchema.',
      });
    }
    seen.add(key);
  }
  const model: SchemaModel = Object.freeze({
    tables: Object.freeze(specs),
    enums: Object.freeze(enumsOf(specs)),
    ...(objects.length === 0 ? {} : { objects: Object.freeze(objects) }),
  });
  // `$kysely` exists only in the type system; reading it at run time gives undefined.
  return Object.freeze({ model, tables }) as SchemaDefinition<Tables>;
}

/** True when `value` looks like the result of {@link defineSchema} (for loaders of schema modules). */
export function isSchemaDefinition(value: unknown): value is SchemaDefinition<SchemaEntries> {
  const model = (value as { model?: Partial<SchemaModel> } | null)?.model;
  return typeof value === 'object' && value !== null && Array.isArray(model?.tables) && Array.isArray(model?.enums);
}
