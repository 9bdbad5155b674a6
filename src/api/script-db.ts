/**
 * The `db` a revision script receives.
 */
import type { Kysely } from 'kysely';
import type { ResolvedTarget } from '../config/index.js';
import type { Dialect } from '../dialects/dialect.js';

/**
 * The run's Kysely instance, scoped to the target's `dbSchema` on a dialect with schemas, so
 * that a tenant's data migration (`db.insertInto('books')`) reaches that tenant's tables, as the
 * DDL of `op` does (the compiler qualifies every name), and not whatever `search_path` names.
 * Raw SQL (`op.execute`, `sql\`...\``) is not rewritten: the dialect's `scopeToSchema` hook
 * (PostgreSQL's search_path, set once before the revisions run) points it at the same schema.
 */
export function scriptDb(db: Kysely<any>, dialect: Dialect, target: ResolvedTarget): Kysely<any> {
  // withSchema shares the pinned connection: the script's queries stay in the run's transaction.
  return dialect.capabilities.schemas && target.dbSchema !== undefined ? db.withSchema(target.dbSchema) : db;
}
