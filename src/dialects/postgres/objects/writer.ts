/**
 * What the PostgreSQL object DDL modules need from the compiler: quoting, qualified names (the
 * object's schema, else the run's `dbSchema`, else `public`, as for tables), comments, dollar
 * quoting, and the compiler's own CREATE INDEX (a materialized view's indexes are indexes).
 */
import type { IndexSpec } from '../../../schema/model.js';
import type { CompileContext } from '../../dialect.js';
import { DEFAULT_PG_SCHEMA } from '../capabilities.js';

/** The helpers, bound to one compiler. */
export interface PgWriter {
  ident(name: string): string;
  literal(text: string): string;
  /** `"schema"."name"`, always qualified. */
  name(name: string, schema: string | undefined, ctx: CompileContext): string;
  /** `"schema"`: the object's schema, else the run's, else `public` (as {@link PgWriter.name} qualifies). */
  schema(schema: string | undefined, ctx: CompileContext): string;
  /** `COMMENT ON <target> IS '...'` (NULL removes it). */
  comment(target: string, comment: string | undefined): string;
  /** `CREATE INDEX ... ON <relation>` statements of `ix`. */
  createIndex(ix: IndexSpec, relation: string, schema: string | undefined, ctx: CompileContext): string[];
}

/** Build a writer from the compiler's quoting and index statement. */
export function pgWriter(
  quoteIdentifier: (name: string) => string,
  quoteString: (text: string) => string,
  createIndex: PgWriter['createIndex'],
): PgWriter {
  const schemaOf = (schema: string | undefined, ctx: CompileContext) => quoteIdentifier(schema ?? ctx.defaultSchema ?? DEFAULT_PG_SCHEMA);
  const name = (n: string, schema: string | undefined, ctx: CompileContext) => `${schemaOf(schema, ctx)}.${quoteIdentifier(n)}`;
  return {
    ident: quoteIdentifier,
    literal: quoteString,
    name,
    schema: schemaOf,
    comment: (target, comment) => `COMMENT ON ${target} IS ${comment === undefined ? 'NULL' : quoteString(comment)}`,
    createIndex,
  };
}

/** `$tag$body$tag$` with a tag the body does not contain. */
export function dollarQuote(body: string): string {
  let tag = '$body$';
  for (let i = 1; body.includes(tag); i++) tag = `$body${i}$`;
  return `${tag}${body}${tag}`;
}

/** SQL text without a trailing semicolon and surrounding blank space (a view's query as written or read). */
export function withoutSemicolon(sqlText: string): string {
  return sqlText.trim().replace(/;\s*$/, '').trimEnd();
}

/** `WITH (a=b, c=d)` of storage or view options, or ''. */
export function withOptions(options: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(options ?? {});
  return entries.length === 0 ? '' : ` WITH (${entries.map(([k, v]) => `${k}=${v}`).join(', ')})`;
}

/** `DROP <keyword> [IF EXISTS] <name> [CASCADE]`. */
export function dropStatement(keyword: string, name: string, { ifExists, cascade }: { readonly ifExists: boolean; readonly cascade: boolean }): string {
  return `DROP ${keyword} ${ifExists ? 'IF EXISTS ' : ''}${name}${cascade ? ' CASCADE' : ''}`;
}
