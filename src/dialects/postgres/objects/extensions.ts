/**
 * PostgreSQL extensions: read from pg_extension (database-wide; not `plpgsql`, which every
 * database has), written with CREATE EXTENSION [WITH SCHEMA] [VERSION], changed in place with
 * ALTER EXTENSION (UPDATE TO a declared version, SET SCHEMA, comment). What an extension creates
 * is its own (pg_depend deptype 'e'): never read as objects of the model, never listed.
 *
 * The version and the comment are compared only when declared: an extension's default version
 * differs from server to server, and its comment is the extension's own text. `pull` writes no
 * version, so a pulled module asks for whatever the server installs by default.
 */
import type { ExtensionSpec, SchemaObject } from '../../../schema/objects.js';
import type { ObjectDdl, Session } from '../../dialect.js';
import type { PgWriter } from './writer.js';
import { dropStatement } from './writer.js';

/** Every extension but plpgsql, with its schema, version and comment. */
const EXTENSIONS_SQL = `
SELECT e.extname AS name, n.nspname AS schema, e.extversion AS version, ds.description AS comment
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = e.oid AND ds.classoid = 'pg_catalog.pg_extension'::regclass AND ds.objsubid = 0
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname`;

interface ExtensionRow {
  name: string;
  schema: string;
  version: string;
  comment: string | null;
}

/** Every extension of the database, in one query (its schema as the model names it: the home one as undefined). */
export async function readExtensions(session: Session, modelSchema: (schema: string) => string | undefined): Promise<ExtensionSpec[]> {
  const rows = await session.query<ExtensionRow>(EXTENSIONS_SQL);
  return rows.map((r) => {
    const schema = modelSchema(r.schema);
    return Object.freeze({
      kind: 'extension',
      name: r.name,
      ...(schema === undefined ? {} : { schema }),
      version: r.version,
      ...(r.comment === null ? {} : { comment: r.comment }),
    }) as ExtensionSpec;
  });
}

/** Live and declared extensions: the schema always, the version and comment when declared. */
export function extensionsEqual(live: ExtensionSpec, declared: ExtensionSpec): boolean {
  return (live.schema ?? null) === (declared.schema ?? null) &&
    (declared.version === undefined || declared.version === live.version) &&
    (declared.comment === undefined || declared.comment === live.comment);
}

/** Every extension change is made in place (ALTER EXTENSION). */
export function extensionInPlace(from: SchemaObject, to: SchemaObject): boolean {
  return from.kind === 'extension' && to.kind === 'extension';
}

/** The DDL of extensions. */
export function extensionDdl(w: PgWriter): ObjectDdl {
  return {
    create(o, ctx) {
      const e = o as ExtensionSpec;
      const version = e.version === undefined ? '' : ` VERSION ${w.literal(e.version)}`;
      return [
        `CREATE EXTENSION ${w.ident(e.name)} WITH SCHEMA ${w.schema(e.schema, ctx)}${version}`,
        ...(e.comment === undefined ? [] : [w.comment(`EXTENSION ${w.ident(e.name)}`, e.comment)]),
      ];
    },
    drop: (ref, _ctx, options) => [dropStatement('EXTENSION', w.ident(ref.name), options)],
    alter(from, to, ctx) {
      const a = from as ExtensionSpec;
      const b = to as ExtensionSpec;
      const name = w.ident(b.name);
      const out: string[] = [];
      if ((a.schema ?? null) !== (b.schema ?? null)) out.push(`ALTER EXTENSION ${name} SET SCHEMA ${w.schema(b.schema, ctx)}`);
      // Only to a declared version: the other direction of a version nobody declared is no change.
      if (b.version !== undefined && a.version !== undefined && a.version !== b.version) out.push(`ALTER EXTENSION ${name} UPDATE TO ${w.literal(b.version)}`);
      if (b.comment !== undefined && a.comment !== b.comment) out.push(w.comment(`EXTENSION ${name}`, b.comment));
      return out;
    },
  };
}
