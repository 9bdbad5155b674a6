/**
 * The schema the database should have. `retort revision --autogenerate -m "..."` compares it with
 * the database and writes the difference as a revision; `DB` types your Kysely queries.
 */
import { defineSchema } from 'retort-migrate';
// import { table, integer, varchar, index } from 'retort-migrate';
//
// export const users = table('users', {
//   id: integer().primaryKey(),
//   name: varchar(200).notNull(),
//   age: integer(),
// }, (t) => [index('ix_users_name').on(t.name)]);

const schema = defineSchema({
  // users,
});
export default schema;
export type DB = typeof schema.$kysely;
