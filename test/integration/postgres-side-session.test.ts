/**
 * A PostgreSQL catalog read (`pull`, autogenerate, `check`) reads the tables' indexes, and the
 * objects beyond tables with what the model has no place for, on two side connections
 * (Session.openSide) while it reads the tables on its own: the model must be the same as when
 * everything is read on one session, in a home schema other than public too (where a view's,
 * function's or index's text depends on the side connection having the reader's search_path).
 * And a side session never waits for a pool that has no room: the reader then reads on its own
 * session. The reader tells its caller once its longest queries (columns, indexes) are on their
 * way, so that `check` evaluates the schema module only then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src/dialects/dialect.js';
import { expectNoWaitWhenFull, readWithSides } from '../support/side-sessions.js';
import { postgresAutogen } from '../../src/dialects/postgres/autogen/index.js';
import { openPg, type PgFixture } from '../support/pg-autogen.js';

let fx: PgFixture;

beforeAll(async () => {
  fx = await openPg('retort_pgside');
  await fx.exec(`
    CREATE SCHEMA app;
    CREATE TABLE app.items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10, 2) DEFAULT 0.0);
    CREATE FUNCTION app.norm(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower($1)';
    CREATE INDEX items_norm ON app.items (app.norm(name)) WHERE price > 0;
    CREATE VIEW app.cheap AS SELECT id, name FROM app.items WHERE price < 10;
    CREATE FUNCTION app.item_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM app.items';
    CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
    CREATE TRIGGER items_touch BEFORE UPDATE ON app.items FOR EACH ROW EXECUTE FUNCTION app.touch();
    CREATE SEQUENCE app.tickets START 100;
    ALTER TABLE app.items ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own ON app.items USING (price >= 0);
    CREATE RULE no_delete AS ON DELETE TO app.items DO INSTEAD NOTHING;
  `);
}, 30_000);

afterAll(async () => {
  await fx?.close();
});

/** The live model, read on `session` with its side sessions counted (or refused). */
const readWith = (session: Session, side: 'allowed' | 'refused') => readWithSides(session, side, (s) => postgresAutogen.readSchema(s, { schemas: ['app'] }));

describe('PostgreSQL catalog reads beside the table reads', () => {
  it('read the same model on a side connection as on one session', async () => {
    await fx.connection.withSession(async (session) => {
      const beside = await readWith(session, 'allowed');
      const alone = await readWith(session, 'refused');
      expect(beside.sides).toBe(2);
      expect(alone.sides).toBe(0);
      expect(beside.model).toEqual(alone.model);
      // The texts read on the side connection name the home schema's objects unqualified.
      const objects = (beside.model as unknown as { objects: { kind: string; name: string; body?: string }[] }).objects;
      expect(objects.find((o) => o.kind === 'view')?.body).toMatch(/FROM items\b/);
      const items = (beside.model as unknown as { tables: { name: string; indexes: { name: string; columns: unknown[] }[] }[] }).tables[0];
      expect(items?.indexes.find((ix) => ix.name === 'items_norm')?.columns).toEqual([{ expression: 'norm(name)' }]);
      expect((beside.model as unknown as { unmodelled: { kind: string; name: string }[] }).unmodelled).toContainEqual(expect.objectContaining({ kind: 'rule', name: 'no_delete' }));
    });
  }, 30_000);

  it('tells the caller once, when the columns and indexes queries are on their way, with side sessions and without', async () => {
    // `check` evaluates the schema module (CPU-bound, it holds the event loop) only then, so
    // that every round trip before those queries has gone and the server works meanwhile.
    for (const side of ['allowed', 'refused'] as const) {
      await fx.connection.withSession(async (session) => {
        const issued: string[] = [];
        const logged = (s: Session): Session => ({
          ...s,
          query: (sql, params) => {
            issued.push(/pg_catalog\.pg_attribute a ON a\.attrelid = rel\.oid/.test(sql) ? 'columns' : /ix\.indexrelid AS oid/.test(sql) ? 'indexes' : 'other');
            return s.query(sql, params);
          },
        });
        const calls: string[][] = [];
        const read = (s: Session) => postgresAutogen.readSchema(logged(s), { schemas: ['app'], onRequested: () => calls.push([...issued]) });
        await readWithSides({ ...session, openSide: async () => { const o = await session.openSide!(); return o === undefined ? undefined : { ...logged(o), release: () => o.release() }; } }, side, read);
        expect(calls).toHaveLength(1);
        expect(calls[0]).toContain('columns');
        // Without a side session the indexes are read on the run's own session after the rest: nothing to wait for.
        if (side === 'allowed') expect(calls[0]).toContain('indexes');
        else expect(calls[0]).not.toContain('indexes');
        expect(issued).toContain('indexes');
      });
    }
  }, 30_000);

  it('never waits for a pool that has no room for a side session', async () => {
    // The pool holds three: the run's client and two side sessions fill it.
    await fx.connection.withSession((session) => expectNoWaitWhenFull(session, 2, (s) => postgresAutogen.readSchema(s, { schemas: ['app'] })));
  }, 30_000);
});
