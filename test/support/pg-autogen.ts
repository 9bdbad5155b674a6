/**
 * Helpers of the PostgreSQL autogenerate tests: a connection to a fresh database, applying
 * operations the way a run does (compiled by the dialect, one transaction), reading the live
 * schema in bulk, and diffing with the same hooks `compare` passes.
 */
import { dialectDiffOptions } from '../../src/api/autogenerate.js';
import { diffSchemas } from '../../src/autogen/diff.js';
import type { DiffResult } from '../../src/autogen/types.js';
import { parseUrl } from '../../src/config/url.js';
import type { Connection, ReadSchemaOptions } from '../../src/dialects/dialect.js';
import { postgresDialect } from '../../src/dialects/postgres/index.js';
import { postgresAutogen } from '../../src/dialects/postgres/autogen/index.js';
import type { Operation } from '../../src/ops/operations.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { createTestDatabase } from './databases.js';
import type { TestDatabase } from './databases.js';

/** A fresh PostgreSQL database with a retort connection to it. */
export interface PgFixture {
  readonly database: TestDatabase;
  readonly connection: Connection;
  /** Run SQL text (several statements allowed) on one session. */
  exec(sqlText: string): Promise<void>;
  /** Compile `ops` with the dialect and run them in one transaction; returns the statements. */
  apply(ops: readonly Operation[]): Promise<string[]>;
  /** The live schema, read in bulk. */
  read(options?: ReadSchemaOptions): Promise<SchemaModel>;
  /** Live → declared as `check` compares them (the dialect's comparer asks the server about changed views). */
  compare(declared: SchemaModel, options?: ReadSchemaOptions): Promise<DiffResult>;
  close(): Promise<void>;
}

/** Open a fresh database. */
export async function openPg(prefix: string, defaultSchema = 'public'): Promise<PgFixture> {
  const database = await createTestDatabase('postgres', prefix);
  const connection = await postgresDialect.connect(parseUrl(database.url));
  return {
    database,
    connection,
    exec: (sqlText) => connection.withSession((s) => s.execute(sqlText)),
    apply: (ops) =>
      connection.withSession(async (session) => {
        const statements: string[] = [];
        await session.execute(postgresDialect.beginSql);
        for (const op of ops) {
          const compiled = await postgresDialect.compiler.compile(op, {
            defaultSchema,
            readTable: (t, s) => postgresDialect.readTable(session, t, s),
          });
          for (const statement of compiled) await session.execute(statement);
          statements.push(...compiled);
        }
        await session.execute(postgresDialect.commitSql);
        return statements;
      }),
    read: (options = {}) => connection.withSession((s) => postgresAutogen.readSchema(s, options)),
    compare: (declared, options = {}) => connection.withSession(async (s) => {
      const live = await postgresAutogen.readSchema(s, options);
      const normalized = postgresAutogen.normalizeDeclared(declared);
      const objects = await postgresAutogen.objectComparer!(s, live, normalized, options);
      return diffSchemas(live, normalized, { ...dialectDiffOptions(postgresDialect), objectsEqual: objects.equal, objectsInPlace: objects.inPlace, defaultSchema });
    }),
    close: async () => {
      await connection.close();
      await database.drop();
    },
  };
}

/** Live → declared, with PostgreSQL's hooks, as `compare` does (declared side normalised). */
export function pgDiff(live: SchemaModel, declared: SchemaModel, defaultSchema = 'public'): DiffResult {
  return diffSchemas(live, postgresAutogen.normalizeDeclared(declared), { ...dialectDiffOptions(postgresDialect), defaultSchema });
}

/** Two live models: the diff from one to the other, without normalising either side. */
export function pgLiveDiff(a: SchemaModel, b: SchemaModel): DiffResult {
  return diffSchemas(a, b, { ...dialectDiffOptions(postgresDialect), defaultSchema: 'public' });
}
