/**
 * A MySQL/MariaDB catalog read (`pull`, autogenerate, `check`) reads the tables' indexes, and the
 * views, triggers, routines with what the model has no place for, on two side connections
 * (Session.openSide) while it reads the tables on its own: the model must be the same as when
 * everything is read on one session. A side session never waits for a pool that has no room:
 * the reader then reads on its own session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUrl } from '../../src/config/url.js';
import type { Connection, Session } from '../../src/dialects/dialect.js';
import { expectNoWaitWhenFull, readWithSides } from '../support/side-sessions.js';
import { mysqlDialect } from '../../src/dialects/mysql/index.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';

let db: TestDatabase;
let connection: Connection;

beforeAll(async () => {
  db = await createTestDatabase('mysql', 'retort_myside');
  for (const statement of [
    'CREATE TABLE items (id bigint PRIMARY KEY, name varchar(40) NOT NULL, price decimal(10, 2) DEFAULT 0.0, KEY items_name (name(10)), UNIQUE KEY items_price (price, name))',
    'CREATE TABLE parts (id bigint PRIMARY KEY, item_id bigint, CONSTRAINT parts_item FOREIGN KEY (item_id) REFERENCES items (id), CHECK (id > 0))',
    'CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 10',
    'CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW SET NEW.name = TRIM(NEW.name)',
    'CREATE FUNCTION item_count() RETURNS bigint READS SQL DATA RETURN (SELECT count(*) FROM items)',
    'CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DO DELETE FROM parts WHERE id < 0',
  ]) await rawQuery(db, statement);
  connection = await mysqlDialect.connect(parseUrl(db.url));
}, 30_000);

afterAll(async () => {
  await connection?.close();
  await db?.drop();
});

/** The live model, read on `session` with its side sessions counted (or refused). */
const readWith = (session: Session, side: 'allowed' | 'refused') => readWithSides(session, side, (s) => mysqlDialect.autogen!.readSchema(s, {}));

describe('MySQL catalog reads beside the table reads', () => {
  it('read the same model on side connections as on one session', async () => {
    await connection.withSession(async (session) => {
      const beside = await readWith(session, 'allowed');
      const alone = await readWith(session, 'refused');
      expect(beside.sides).toBe(2);
      expect(alone.sides).toBe(0);
      expect(beside.model).toEqual(alone.model);
      const model = beside.model as unknown as { tables: { name: string; indexes: { name: string }[] }[]; objects: { kind: string }[]; unmodelled: { kind: string; name: string }[] };
      expect(model.tables.find((t) => t.name === 'items')?.indexes.map((ix) => ix.name)).toEqual(['items_name']);
      expect(model.objects.map((o) => o.kind).sort()).toEqual(['function', 'trigger', 'view']);
      expect(model.unmodelled).toContainEqual(expect.objectContaining({ kind: 'event', name: 'nightly' }));
    });
  }, 30_000);

  it('never waits for a pool that has no room for a side session', async () => {
    // The pool holds four: the run's session and three side sessions fill it.
    await connection.withSession((session) => expectNoWaitWhenFull(session, 3, (s) => mysqlDialect.autogen!.readSchema(s, {})));
  }, 30_000);
});
