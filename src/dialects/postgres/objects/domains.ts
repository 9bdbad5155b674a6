/**
 * PostgreSQL domains: read from pg_type (typtype 'd') with their CHECKs as `pg_get_constraintdef`
 * prints them, written with CREATE DOMAIN, changed in place with ALTER DOMAIN (default, NOT NULL,
 * CHECKs, comment). A new base type or collation cannot be altered: the domain is dropped and
 * created again, which PostgreSQL refuses while a column uses it (it says so; nothing is lost).
 * Domains are created before the tables (their phase comes first), so a column typed with one
 * finds it: an initial revision from a pulled module runs.
 */
import type { ConstraintSpec } from '../../../schema/model.js';
import type { DomainSpec, SchemaObject } from '../../../schema/objects.js';
import type { ObjectDdl, Session } from '../../dialect.js';
import { canonicalType, postgresExpressionsEqual } from '../autogen/equality.js';
import { notExtensionMember } from '../autogen/unmodelled.js';
import type { PgWriter } from './writer.js';
import { dropStatement } from './writer.js';

type Check = Extract<ConstraintSpec, { kind: 'check' }>;

/**
 * `FROM` to `ORDER BY` of the types of kind `typtype` of the schemas read ($1) as `t` in `n`,
 * with `joins`, their comment as `ds.description`, not an extension's (composite types share it).
 */
export function typesOf(typtype: 'd' | 'c', joins: string): string {
  return `FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
${joins}
LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = t.oid AND ds.classoid = 'pg_catalog.pg_type'::regclass AND ds.objsubid = 0
WHERE t.typtype = '${typtype}' AND n.nspname = ANY($1::text[]) AND ${notExtensionMember('pg_type', 't.oid')}
ORDER BY n.nspname, t.typname`;
}

/** Domains of the schemas read ($1), not an extension's, with their CHECKs and comment. */
const DOMAINS_SQL = `
SELECT n.nspname AS schema, t.typname AS name, pg_catalog.format_type(t.typbasetype, t.typtypmod) AS type,
       t.typnotnull AS not_null, t.typdefault AS "default",
       CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN co.collname END AS collation,
       ARRAY(SELECT c.conname::text FROM pg_catalog.pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_names,
       ARRAY(SELECT pg_catalog.pg_get_constraintdef(c.oid, true) FROM pg_catalog.pg_constraint c
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_defs,
       ds.description AS comment
${typesOf('d', `JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation`)}`;

interface DomainRow {
  schema: string;
  name: string;
  type: string;
  not_null: boolean;
  default: string | null;
  collation: string | null;
  check_names: string[];
  check_defs: string[];
  comment: string | null;
}

/** `CHECK (cond) [NOT VALID]` → `cond` (the outer parentheses are the syntax's, not the condition's). */
function conditionOf(definition: string): string {
  const body = definition.replace(/\s+NOT VALID$/i, '').replace(/^CHECK\s*/i, '').trim();
  return body.startsWith('(') && body.endsWith(')') ? body.slice(1, -1) : body;
}

/** Every domain of the schemas read, in one query. */
export async function readDomains(session: Session, schemas: readonly string[], modelSchema: (schema: string) => string | undefined): Promise<DomainSpec[]> {
  const rows = await session.query<DomainRow>(DOMAINS_SQL, [schemas]);
  return rows.map((r) => {
    const schema = modelSchema(r.schema);
    const checks = r.check_names.map((name, i) => Object.freeze({ kind: 'check', name, condition: conditionOf(r.check_defs[i] ?? '') }) as Check);
    return Object.freeze({
      kind: 'domain',
      name: r.name,
      ...(schema === undefined ? {} : { schema }),
      type: r.type,
      ...(r.default === null ? {} : { default: r.default }),
      ...(r.not_null ? { notNull: true } : {}),
      ...(r.collation === null ? {} : { collation: r.collation }),
      checks: Object.freeze(checks),
      ...(r.comment === null ? {} : { comment: r.comment }),
    }) as DomainSpec;
  });
}

const sameText = (a: string | undefined, b: string | undefined) =>
  a === undefined || b === undefined ? a === b : postgresExpressionsEqual(a, b);

/** The check of `among` that `c` is (by name when `c` has one, and by condition). */
function matching(c: Check, among: readonly Check[]): Check | undefined {
  return among.find((x) => (c.name === undefined || x.name === undefined || x.name === c.name) && postgresExpressionsEqual(x.condition, c.condition));
}

/** Live and declared domains compared as the server stores them. */
export function domainsEqual(live: DomainSpec, declared: DomainSpec): boolean {
  return canonicalType({ kind: 'raw', sql: live.type }) === canonicalType({ kind: 'raw', sql: declared.type }) &&
    sameText(live.default, declared.default) && (live.notNull ?? false) === (declared.notNull ?? false) &&
    (live.collation ?? null) === (declared.collation ?? null) && (live.comment ?? null) === (declared.comment ?? null) &&
    live.checks.length === declared.checks.length && declared.checks.every((c) => matching(c, live.checks) !== undefined);
}

/** True when ALTER DOMAIN turns `from` into `to`: the base type and collation stay. */
export function domainInPlace(from: SchemaObject, to: SchemaObject): boolean {
  return from.kind === 'domain' && to.kind === 'domain' &&
    canonicalType({ kind: 'raw', sql: from.type }) === canonicalType({ kind: 'raw', sql: to.type }) && (from.collation ?? null) === (to.collation ?? null);
}

/** The DDL of domains. */
export function domainDdl(w: PgWriter): ObjectDdl {
  const checkClause = (c: Check) => `${c.name === undefined ? '' : `CONSTRAINT ${w.ident(c.name)} `}CHECK (${c.condition})`;
  return {
    create(o, ctx) {
      const d = o as DomainSpec;
      const name = w.name(d.name, d.schema, ctx);
      const parts = [
        `CREATE DOMAIN ${name} AS ${d.type}`,
        ...(d.collation === undefined ? [] : [`COLLATE ${w.ident(d.collation)}`]),
        ...(d.default === undefined ? [] : [`DEFAULT ${d.default}`]),
        ...(d.notNull ? ['NOT NULL'] : []),
        ...d.checks.map(checkClause),
      ];
      return [parts.join(' '), ...(d.comment === undefined ? [] : [w.comment(`DOMAIN ${name}`, d.comment)])];
    },
    drop: (ref, ctx, options) => [dropStatement('DOMAIN', w.name(ref.name, ref.schema, ctx), options)],
    alter(from, to, ctx) {
      if (!domainInPlace(from, to)) return undefined;
      const a = from as DomainSpec;
      const b = to as DomainSpec;
      const name = w.name(b.name, b.schema, ctx);
      const out: string[] = [];
      // Checks that go are dropped before those that come: a renamed check keeps its name free.
      for (const c of a.checks) {
        if (matching(c, b.checks) === undefined) {
          if (c.name === undefined) return undefined; // an unnamed check cannot be dropped by name
          out.push(`ALTER DOMAIN ${name} DROP CONSTRAINT ${w.ident(c.name)}`);
        }
      }
      if (!sameText(a.default, b.default)) out.push(`ALTER DOMAIN ${name} ${b.default === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${b.default}`}`);
      if ((a.notNull ?? false) !== (b.notNull ?? false)) out.push(`ALTER DOMAIN ${name} ${b.notNull ? 'SET' : 'DROP'} NOT NULL`);
      for (const c of b.checks) if (matching(c, a.checks) === undefined) out.push(`ALTER DOMAIN ${name} ADD ${checkClause(c)}`);
      if ((a.comment ?? null) !== (b.comment ?? null)) out.push(w.comment(`DOMAIN ${name}`, b.comment));
      return out;
    },
  };
}
