/**
 * The schema the analytics database should have. `retort revision --autogenerate --target
 * analytics -m "..."` compares it with that database and writes the difference as a revision.
 */
import { defineSchema } from 'retort-migrate';
// import { table, bigint, varchar, timestamp, index } from 'retort-migrate';
//
// export const events = table('events', {
//   id: bigint().primaryKey().autoIncrement(),
//   name: varchar(100).notNull(),
//   at: timestamp().notNull(),
// }, (t) => [index('ix_events_at').on(t.at)]);

const schema = defineSchema({
  // events,
});
export default schema;
export type DB = typeof schema.$kysely;
