import { Kysely, SqliteDialect } from 'kysely';
import { describe, expectTypeOf, it } from 'vitest';
import { bigint, enumOf, integer, longtext, mediumint, mediumtext, set, sql, text, timestamp, tinyint, varchar, year } from '../../src/schema/columns.js';
import { defineSchema } from '../../src/schema/define.js';
import { index } from '../../src/schema/extras.js';
import { table } from '../../src/schema/table.js';

const userdata = table('userdata', {
  id: integer().primaryKey(),
  name: varchar(200),
  age: integer(),
}, (t) => [index('ix_userdata_name').on(t.name)]);
// @ts-expect-error extras get typed references: no column 'nmae'
table('typo', { name: text() }, (t) => [index('ix_typo').on(t.nmae)]);

const books = table('books', {
  id: bigint().primaryKey().autoIncrement(),
  title: text().notNull(),
  mood: enumOf('mood', ['happy', 'sad']).notNull().default('happy'),
  created_at: timestamp().notNull().default(sql`CURRENT_TIMESTAMP`),
  owner_id: integer().references('userdata.id'),
});

const events = table('events', { id: integer().primaryKey(), kind: text().notNull() }, { schema: 'audit', comment: 'log' });

const tags = table('tags', { id: integer().primaryKey(), label: text() }, (t) => [index('ix_tags_label').on(t.label)], { schema: 'meta' });

const metrics = table('metrics', {
  id: integer().primaryKey(),
  level: tinyint().unsigned().notNull().default(0),
  views: mediumint().unsigned(),
  body: mediumtext().notNull(),
  archive: longtext(),
  born: year(),
  perms: set(['read', 'write']),
});

const schema = defineSchema({ userdata, books, events, tags, metrics });
type DB = typeof schema.$kysely;

declare const db: Kysely<DB>;
void SqliteDialect;

describe('the Kysely type of a schema', () => {
  it('types selects by the declared columns', async () => {
    const rows = await db.selectFrom('userdata').select(['id', 'name']).execute();
    expectTypeOf(rows).toEqualTypeOf<{ id: number; name: string | null }[]>();
    // @ts-expect-error misspelt column
    await db.selectFrom('userdata').select(['id', 'nmae']).execute();
    // @ts-expect-error unknown table
    await db.selectFrom('userdatas').selectAll().execute();
  });

  it('lets inserts omit columns with a default or auto-increment, and nullable ones', async () => {
    await db.insertInto('books').values({ title: 'Dune' }).execute();
    await db.insertInto('userdata').values({ id: 1 }).execute();
    // @ts-expect-error title is NOT NULL without a default
    await db.insertInto('books').values({ mood: 'sad' }).execute();
    // @ts-expect-error id is the primary key (NOT NULL, no default)
    await db.insertInto('userdata').values({ name: 'x' }).execute();
    // @ts-expect-error not one of the enum's values
    await db.insertInto('books').values({ title: 'x', mood: 'angry' }).execute();
  });

  it('selects generated columns as their plain type', async () => {
    const row = await db.selectFrom('books').select(['id', 'mood', 'owner_id']).executeTakeFirstOrThrow();
    expectTypeOf(row.id).toEqualTypeOf<number | string>();
    expectTypeOf(row.mood).toEqualTypeOf<'happy' | 'sad'>();
    expectTypeOf(row.owner_id).toEqualTypeOf<number | null>();
  });

  it('knows a table declared in a namespace as schema.table', async () => {
    const kinds = await db.selectFrom('audit.events').select('kind').execute();
    expectTypeOf(kinds).toEqualTypeOf<{ kind: string }[]>();
    await db.selectFrom('meta.tags').select(['id', 'label']).execute();
    // @ts-expect-error the table lives in the audit namespace
    await db.selectFrom('events').selectAll().execute();
  });

  it('types the MySQL-flavoured builders: numbers for tinyint, mediumint and year, strings for the texts and set', async () => {
    const row = await db.selectFrom('metrics').selectAll().executeTakeFirstOrThrow();
    expectTypeOf(row).toEqualTypeOf<{
      id: number; level: number; views: number | null; body: string; archive: string | null; born: number | null; perms: string | null;
    }>();
    await db.insertInto('metrics').values({ id: 1, body: 'x' }).execute();
    // @ts-expect-error body is NOT NULL without a default
    await db.insertInto('metrics').values({ id: 2 }).execute();
  });
});
