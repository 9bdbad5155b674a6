/**
 * PostgreSQL composite types (`CREATE TYPE name AS (a integer, b text)`): read from pg_type with
 * the attributes of their pg_class row (relkind 'c'), written with CREATE TYPE, changed in place
 * with ALTER TYPE ... ADD / DROP / ALTER ATTRIBUTE while the attributes that stay keep their
 * order and new ones come last (a composite type's attribute order is its value's shape, which
 * ALTER cannot reorder: then it is dropped and created again, which PostgreSQL refuses while a
 * column uses it).
 */
import type { CompositeTypeSpec, SchemaObject } from '../../../schema/objects.js';
import type { ObjectDdl, Session } from '../../dialect.js';
import { canonicalType } from '../autogen/equality.js';
import { typesOf } from './domains.js';
import type { PgWriter } from './writer.js';
import { dropStatement } from './writer.js';

/** Composite types of the schemas read ($1) made with CREATE TYPE ... AS, with their attributes in order. */
const COMPOSITE_TYPES_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
       ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS names,
       ARRAY(SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS types,
       ds.description AS comment
${typesOf('c', "JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'")}`;

interface CompositeRow {
  schema: string;
  name: string;
  names: string[];
  types: string[];
  comment: string | null;
}

/** Every composite type of the schemas read, in one query. */
export async function readCompositeTypes(session: Session, schemas: readonly string[], modelSchema: (schema: string) => string | undefined): Promise<CompositeTypeSpec[]> {
  const rows = await session.query<CompositeRow>(COMPOSITE_TYPES_SQL, [schemas]);
  return rows.map((r) => {
    const schema = modelSchema(r.schema);
    return Object.freeze({
      kind: 'compositeType',
      name: r.name,
      ...(schema === undefined ? {} : { schema }),
      attributes: Object.freeze(r.names.map((name, i) => Object.freeze({ name, type: r.types[i] ?? '' }))),
      ...(r.comment === null ? {} : { comment: r.comment }),
    }) as CompositeTypeSpec;
  });
}

const typeKey = (sql: string) => canonicalType({ kind: 'raw', sql });

/** Live and declared composite types compared attribute by attribute, types as the server spells them. */
export function compositeTypesEqual(live: CompositeTypeSpec, declared: CompositeTypeSpec): boolean {
  return (live.comment ?? null) === (declared.comment ?? null) && live.attributes.length === declared.attributes.length &&
    live.attributes.every((a, i) => a.name === declared.attributes[i]?.name && typeKey(a.type) === typeKey(declared.attributes[i]?.type ?? ''));
}

/** True when ALTER TYPE turns `from` into `to`: the attributes both have keep their order, and new ones come last. */
export function compositeTypeInPlace(from: SchemaObject, to: SchemaObject): boolean {
  if (from.kind !== 'compositeType' || to.kind !== 'compositeType') return false;
  const names = new Set(from.attributes.map((a) => a.name));
  const kept = from.attributes.filter((a) => to.attributes.some((b) => b.name === a.name)).map((a) => a.name);
  const prefix = to.attributes.slice(0, kept.length).map((a) => a.name);
  return prefix.join('\0') === kept.join('\0') && to.attributes.slice(kept.length).every((a) => !names.has(a.name));
}

/** The DDL of composite types. */
export function compositeTypeDdl(w: PgWriter): ObjectDdl {
  return {
    create(o, ctx) {
      const t = o as CompositeTypeSpec;
      const name = w.name(t.name, t.schema, ctx);
      return [
        `CREATE TYPE ${name} AS (${t.attributes.map((a) => `${w.ident(a.name)} ${a.type}`).join(', ')})`,
        ...(t.comment === undefined ? [] : [w.comment(`TYPE ${name}`, t.comment)]),
      ];
    },
    drop: (ref, ctx, options) => [dropStatement('TYPE', w.name(ref.name, ref.schema, ctx), options)],
    alter(from, to, ctx) {
      if (!compositeTypeInPlace(from, to)) return undefined;
      const a = from as CompositeTypeSpec;
      const b = to as CompositeTypeSpec;
      const name = w.name(b.name, b.schema, ctx);
      // One ALTER TYPE for every attribute change: PostgreSQL checks the result once.
      const actions = [
        ...a.attributes.filter((x) => !b.attributes.some((y) => y.name === x.name)).map((x) => `DROP ATTRIBUTE ${w.ident(x.name)}`),
        ...b.attributes.flatMap((y) => {
          const x = a.attributes.find((z) => z.name === y.name);
          if (x === undefined) return [`ADD ATTRIBUTE ${w.ident(y.name)} ${y.type}`];
          return typeKey(x.type) === typeKey(y.type) ? [] : [`ALTER ATTRIBUTE ${w.ident(y.name)} TYPE ${y.type}`];
        }),
      ];
      return [
        ...(actions.length === 0 ? [] : [`ALTER TYPE ${name} ${actions.join(', ')}`]),
        ...((a.comment ?? null) === (b.comment ?? null) ? [] : [w.comment(`TYPE ${name}`, b.comment)]),
      ];
    },
  };
}
