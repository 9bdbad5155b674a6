/**
 * PostgreSQL row-level security policies: read from pg_policy with USING and WITH CHECK as
 * `pg_get_expr` prints them and the roles by name, written with CREATE POLICY after the tables,
 * dropped before the tables change. Expressions compare after the same normalisation as CHECKs
 * (casts and grouping parentheses aside), roles as a set. Roles, USING and WITH CHECK change in
 * place (ALTER POLICY); a new command or PERMISSIVE/RESTRICTIVE, or a clause that goes (ALTER
 * POLICY cannot remove one), drops and re-creates the policy. Whether a table enforces its
 * policies (ENABLE / FORCE ROW LEVEL SECURITY) is the table's: `table(..., { rowLevelSecurity })`.
 */
import type { PolicySpec, SchemaObject } from '../../../schema/objects.js';
import type { CompileContext, ObjectDdl, Session } from '../../dialect.js';
import { postgresExpressionsEqual } from '../autogen/equality.js';
import type { PgWriter } from './writer.js';

/** Policies on the tables of the schemas read ($1). */
const POLICIES_SQL = `
SELECT n.nspname AS schema, c.relname AS "table", p.polname AS name, p.polcmd AS cmd, p.polpermissive AS permissive,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::text END FROM unnest(p.polroles) AS r ORDER BY 1) AS roles,
       pg_catalog.pg_get_expr(p.polqual, p.polrelid, true) AS "using",
       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid, true) AS with_check,
       ds.description AS comment
FROM pg_catalog.pg_policy p
JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = p.oid AND ds.classoid = 'pg_catalog.pg_policy'::regclass AND ds.objsubid = 0
WHERE n.nspname = ANY($1::text[])
ORDER BY n.nspname, c.relname, p.polname`;

interface PolicyRow {
  schema: string;
  table: string;
  name: string;
  cmd: '*' | 'r' | 'a' | 'w' | 'd';
  permissive: boolean;
  roles: string[];
  using: string | null;
  with_check: string | null;
  comment: string | null;
}

const COMMANDS: Readonly<Record<PolicyRow['cmd'], NonNullable<PolicySpec['command']>>> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' };

/** Every policy on the tables of the schemas read, in one query (a policy's schema is its table's). */
export async function readPolicies(session: Session, schemas: readonly string[], modelSchema: (schema: string) => string | undefined): Promise<PolicySpec[]> {
  const rows = await session.query<PolicyRow>(POLICIES_SQL, [schemas]);
  return rows.map((r) => {
    const schema = modelSchema(r.schema);
    const command = COMMANDS[r.cmd];
    const publicOnly = r.roles.length === 1 && r.roles[0] === 'public';
    return Object.freeze({
      kind: 'policy',
      name: r.name,
      ...(schema === undefined ? {} : { schema }),
      table: r.table,
      ...(command === 'all' ? {} : { command }),
      ...(r.permissive ? {} : { permissive: false }),
      ...(publicOnly ? {} : { roles: Object.freeze([...r.roles]) }),
      ...(r.using === null ? {} : { using: r.using }),
      ...(r.with_check === null ? {} : { withCheck: r.with_check }),
      ...(r.comment === null ? {} : { comment: r.comment }),
    }) as PolicySpec;
  });
}

/** The roles of a policy as a sorted set (`public` when none are named). */
function roleSet(p: PolicySpec): string {
  return [...new Set((p.roles ?? ['public']).map((r) => (r.toLowerCase() === 'public' ? 'public' : r)))].sort().join(',');
}

const sameExpression = (a: string | undefined, b: string | undefined) =>
  a === undefined || b === undefined ? a === b : postgresExpressionsEqual(a, b);

/** What only a re-creation changes: the command and PERMISSIVE / RESTRICTIVE. */
const shapeOf = (p: PolicySpec) => `${p.command ?? 'all'} ${p.permissive ?? true}`;

/** Live and declared policies compared as the server stores them. */
export function policiesEqual(live: PolicySpec, declared: PolicySpec): boolean {
  return shapeOf(live) === shapeOf(declared) && roleSet(live) === roleSet(declared) &&
    sameExpression(live.using, declared.using) && sameExpression(live.withCheck, declared.withCheck) &&
    (live.comment ?? null) === (declared.comment ?? null);
}

/** True when ALTER POLICY turns `from` into `to`: same command and kind, and no clause goes. */
export function policyInPlace(from: SchemaObject, to: SchemaObject): boolean {
  return from.kind === 'policy' && to.kind === 'policy' && shapeOf(from) === shapeOf(to) &&
    (from.using === undefined || to.using !== undefined) && (from.withCheck === undefined || to.withCheck !== undefined);
}

/** The DDL of policies. */
export function policyDdl(w: PgWriter): ObjectDdl {
  const on = (p: { name: string; table?: string; schema?: string }, ctx: CompileContext) =>
    `${w.ident(p.name)} ON ${w.name(p.table ?? '', p.schema, ctx)}`;
  const roles = (p: PolicySpec) => (p.roles ?? ['public']).map((r) => (r.toLowerCase() === 'public' ? 'PUBLIC' : w.ident(r))).join(', ');
  return {
    create(o, ctx) {
      const p = o as PolicySpec;
      const parts = [
        `CREATE POLICY ${on(p, ctx)}`,
        `AS ${p.permissive === false ? 'RESTRICTIVE' : 'PERMISSIVE'}`,
        `FOR ${(p.command ?? 'all').toUpperCase()}`,
        `TO ${roles(p)}`,
        ...(p.using === undefined ? [] : [`USING (${p.using})`]),
        ...(p.withCheck === undefined ? [] : [`WITH CHECK (${p.withCheck})`]),
      ];
      return [parts.join(' '), ...(p.comment === undefined ? [] : [w.comment(`POLICY ${on(p, ctx)}`, p.comment)])];
    },
    drop: (ref, ctx, { ifExists }) => [`DROP POLICY ${ifExists ? 'IF EXISTS ' : ''}${on(ref, ctx)}`],
    alter(from, to, ctx) {
      if (!policyInPlace(from, to)) return undefined;
      const a = from as PolicySpec;
      const b = to as PolicySpec;
      const changes = [
        ...(roleSet(a) === roleSet(b) ? [] : [`TO ${roles(b)}`]),
        ...(sameExpression(a.using, b.using) || b.using === undefined ? [] : [`USING (${b.using})`]),
        ...(sameExpression(a.withCheck, b.withCheck) || b.withCheck === undefined ? [] : [`WITH CHECK (${b.withCheck})`]),
      ];
      return [
        ...(changes.length === 0 ? [] : [`ALTER POLICY ${on(b, ctx)} ${changes.join(' ')}`]),
        ...((a.comment ?? null) === (b.comment ?? null) ? [] : [w.comment(`POLICY ${on(b, ctx)}`, b.comment)]),
      ];
    },
  };
}
