/**
 * MySQL / MariaDB triggers: read from information_schema.TRIGGERS (ACTION_STATEMENT is the body
 * as it was written: one statement or a `BEGIN ... END` block), written with CREATE TRIGGER ...
 * FOR EACH ROW <body>. A trigger fires for one event, always for each row. A changed trigger is
 * dropped and created again (MySQL 8 has no CREATE OR REPLACE TRIGGER). The order among
 * triggers of one table, event and timing (FOLLOWS / PRECEDES) is not modelled: they are
 * created in the module's order. Statements are sent one by one, so no DELIMITER is needed
 * (a `--sql` script for the mysql client needs one around a `BEGIN ... END` body).
 */
import { RetortError } from '../../../errors.js';
import type { ObjectRef, TriggerEvent, TriggerSpec } from '../../../schema/objects.js';
import type { ObjectDdl } from '../../dialect.js';

/** Triggers of the databases read (`?` list appended by the caller). */
export const TRIGGERS_SQL = `SELECT TRIGGER_SCHEMA AS s, TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl, EVENT_MANIPULATION AS event,
       ACTION_TIMING AS timing, ACTION_STATEMENT AS body, ACTION_ORDER AS ord
  FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN`;

/** A row of {@link TRIGGERS_SQL}. */
export interface TriggerRow {
  s: string;
  name: string;
  tbl: string;
  event: string;
  timing: string;
  body: string;
  ord: number;
}

/** A row as a trigger (`schema` as the model names it). */
export function triggerOf(row: TriggerRow, schema: string | undefined): TriggerSpec {
  return Object.freeze({
    kind: 'trigger', name: row.name, ...(schema === undefined ? {} : { schema }), table: row.tbl,
    timing: row.timing.toLowerCase() as TriggerSpec['timing'], events: Object.freeze([row.event.toLowerCase() as TriggerEvent]),
    level: 'row', body: row.body.trim(),
  }) as TriggerSpec;
}

/** The DDL of triggers, with the compiler's quoting. */
export function mysqlTriggerDdl(quote: (name: string) => string): ObjectDdl {
  const name = (n: string, schema: string | undefined) => (schema === undefined ? quote(n) : `${quote(schema)}.${quote(n)}`);
  return {
    create(o) {
      const t = o as TriggerSpec;
      const [event, ...more] = t.events;
      if (t.body === undefined || event === undefined || more.length > 0 || event === 'truncate' || t.timing === 'instead of' || t.updateOf !== undefined || t.when !== undefined || t.enabled !== undefined) {
        throw new RetortError('UnsupportedOperation', `MySQL cannot create trigger '${t.name}': a MySQL trigger runs BEFORE or AFTER exactly one of insert, update or delete, for each row, and runs its own statement (\`body\`), without WHEN, UPDATE OF or \`enabled\` (always enabled).`, {
          fields: { trigger: t.name },
          hint: 'Declare one trigger per event, with body: sql`SET NEW.x = ...` or sql`BEGIN ... END`; put a condition inside the body with IF.',
        });
      }
      const body = t.body.trim().replace(/;\s*$/, '');
      return [`CREATE TRIGGER ${name(t.name, t.schema)} ${t.timing.toUpperCase()} ${event.toUpperCase()} ON ${name(t.table, t.schema)} FOR EACH ROW\n${body}`];
    },
    drop: (ref: ObjectRef, _ctx, { ifExists }) => [`DROP TRIGGER ${ifExists ? 'IF EXISTS ' : ''}${name(ref.name, ref.schema)}`],
  };
}
