/**
 * MySQL / MariaDB views: read from information_schema.VIEWS, written with CREATE OR REPLACE VIEW
 * (which changes a view in place whatever its columns become: MySQL keeps no dependencies
 * between views, so nothing over it has to go). The server stores the query reprinted
 * (`select \`db\`.\`t\`.\`id\` AS \`id\` from \`db\`.\`t\``); the view's own database is cut out
 * of that text so that a pulled module works in a database of another name. The DEFINER is
 * noise (whoever ran the revision) and is neither read nor written; ALGORITHM is not modelled.
 * Options: `check_option` (`cascaded` / `local`) and `security_invoker: 'true'` (SQL SECURITY
 * INVOKER), named as PostgreSQL names the same options.
 */
import { RetortError } from '../../../errors.js';
import type { ObjectRef, ViewSpec } from '../../../schema/objects.js';
import type { CompileContext, ObjectDdl } from '../../dialect.js';

/** Views of the databases read (`?` list appended by the caller). */
export const VIEWS_SQL = `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS name, VIEW_DEFINITION AS body, CHECK_OPTION AS checkOption, SECURITY_TYPE AS security
  FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN`;

/** A row of {@link VIEWS_SQL}. */
export interface ViewRow {
  s: string;
  name: string;
  body: string;
  checkOption: string;
  security: string;
}

/** `definition` without the qualification by database `db` (`\`db\`.\`t\`` → `\`t\``). */
export function unqualified(definition: string, db: string): string {
  return definition.replaceAll(`\`${db.replaceAll('`', '``')}\`.`, '');
}

/** The options of a row, as the model keeps them (absent when they are the defaults). */
export function viewOptions(row: Pick<ViewRow, 'checkOption' | 'security'>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (row.checkOption !== 'NONE') out['check_option'] = row.checkOption.toLowerCase();
  if (row.security === 'INVOKER') out['security_invoker'] = 'true';
  return Object.keys(out).length === 0 ? undefined : out;
}

/** A row as a view (`schema` as the model names it: undefined for the connection's database). */
export function viewOf(row: ViewRow, schema: string | undefined): ViewSpec {
  const options = viewOptions(row);
  return Object.freeze({
    kind: 'view', name: row.name, ...(schema === undefined ? {} : { schema }), body: unqualified(row.body, row.s),
    ...(options === undefined ? {} : { options: Object.freeze(options) }),
  }) as ViewSpec;
}

/** The DDL of views, with the compiler's quoting. */
export function mysqlViewDdl(quote: (name: string) => string): ObjectDdl {
  const name = (n: string, schema: string | undefined) => (schema === undefined ? quote(n) : `${quote(schema)}.${quote(n)}`);
  const create = (o: ViewSpec, _ctx: CompileContext, orReplace: boolean): string[] => {
    const { check_option: check, security_invoker: invoker, ...other } = o.options ?? {};
    const unknown = Object.keys(other);
    if (o.kind !== 'view' || unknown.length > 0 || (check !== undefined && !['cascaded', 'local'].includes(check))) {
      throw new RetortError('UnsupportedOperation', `MySQL cannot create ${o.kind === 'view' ? 'view' : 'materialized view'} '${o.name}'${unknown.length > 0 ? ` with option(s) ${unknown.join(', ')}` : ''}.`, {
        fields: { view: o.name },
        hint: "MySQL views take the options check_option ('cascaded' or 'local') and security_invoker ('true'); there are no materialized views.",
      });
    }
    const security = invoker === 'true' ? 'SQL SECURITY INVOKER ' : '';
    const withCheck = check === undefined ? '' : ` WITH ${check.toUpperCase()} CHECK OPTION`;
    return [`CREATE ${orReplace ? 'OR REPLACE ' : ''}${security}VIEW ${name(o.name, o.schema)} AS\n${o.body.trim().replace(/;\s*$/, '')}${withCheck}`];
  };
  return {
    create: (o, ctx, orReplace) => create(o as ViewSpec, ctx, orReplace),
    drop: (ref: ObjectRef, _ctx, { ifExists }) => [`DROP VIEW ${ifExists ? 'IF EXISTS ' : ''}${name(ref.name, ref.schema)}`],
    // CREATE OR REPLACE VIEW changes anything of a view in place.
    alter: (_from, to, ctx) => create(to as ViewSpec, ctx, true),
  };
}
