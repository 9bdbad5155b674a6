/**
 * SQLite triggers: read from the `CREATE TRIGGER` text in sqlite_master, written with CREATE
 * TRIGGER ... BEGIN ... END. A SQLite trigger fires for one event, always FOR EACH ROW, and
 * carries its own statements (`body`); it has no CREATE OR REPLACE: a changed trigger is dropped
 * and created again.
 */
import type { ObjectRef, TriggerEvent, TriggerSpec } from '../../../schema/objects.js';
import type { ObjectDdl } from '../../dialect.js';
import { RetortError } from '../../../errors.js';
import { tokenize } from '../sql-text.js';
import type { Token } from '../sql-text.js';

const EVENTS: ReadonlySet<string> = new Set(['insert', 'update', 'delete']);

/** The trigger of a `CREATE TRIGGER` statement, or undefined when it does not parse (it then stays unmodelled). */
export function parseTrigger(sql: string): TriggerSpec | undefined {
  const tokens = tokenize(sql);
  const word = (i: number) => (tokens[i]?.kind === 'word' ? tokens[i]?.value.toLowerCase() : undefined);
  const isName = (t: Token | undefined): t is Token => t !== undefined && (t.kind === 'word' || t.kind === 'quoted');
  let i = 0;
  if (word(i++) !== 'create' || word(i++) !== 'trigger') return undefined;
  if (word(i) === 'if' && word(i + 1) === 'not' && word(i + 2) === 'exists') i += 3;
  const name = tokens[i++];
  if (!isName(name) || tokens[i]?.value === '.') return undefined;
  let timing: TriggerSpec['timing'] = 'before';
  if (word(i) === 'before' || word(i) === 'after') timing = word(i++) as 'before' | 'after';
  else if (word(i) === 'instead' && word(i + 1) === 'of') {
    timing = 'instead of';
    i += 2;
  }
  const event = word(i++);
  if (event === undefined || !EVENTS.has(event)) return undefined;
  const updateOf: string[] = [];
  if (event === 'update' && word(i) === 'of') {
    for (i++; isName(tokens[i]); i++) {
      updateOf.push((tokens[i] as Token).value);
      if (tokens[i + 1]?.value !== ',') {
        i++;
        break;
      }
      i++;
    }
  }
  if (word(i++) !== 'on') return undefined;
  const table = tokens[i++];
  if (!isName(table) || tokens[i]?.value === '.') return undefined;
  if (word(i) === 'for' && word(i + 1) === 'each' && word(i + 2) === 'row') i += 3;
  let when: string | undefined;
  const begin = tokens.findIndex((t, at) => at >= i && t.kind === 'word' && t.value.toLowerCase() === 'begin');
  const end = tokens.at(-1)?.value === ';' ? tokens.length - 2 : tokens.length - 1;
  if (begin < 0 || word(end) !== 'end') return undefined;
  if (word(i) === 'when') when = sql.slice((tokens[i] as Token).end, (tokens[begin] as Token).start).trim();
  else if (i !== begin) return undefined;
  return Object.freeze({
    kind: 'trigger', name: name.value, table: table.value, timing, events: Object.freeze([event as TriggerEvent]),
    ...(updateOf.length === 0 ? {} : { updateOf: Object.freeze(updateOf) }),
    level: 'row', ...(when === undefined ? {} : { when }),
    body: sql.slice((tokens[begin] as Token).end, (tokens[end] as Token).start).trim(),
  }) as TriggerSpec;
}

/** The DDL of triggers, with the compiler's quoting. */
export function sqliteTriggerDdl(quote: (name: string) => string): ObjectDdl {
  return {
    create(o) {
      const t = o as TriggerSpec;
      const [event, ...more] = t.events;
      if (t.body === undefined || event === undefined || more.length > 0 || event === 'truncate' || t.function !== undefined || t.enabled !== undefined) {
        throw new RetortError('UnsupportedOperation', `SQLite cannot create trigger '${t.name}': a SQLite trigger fires for exactly one of insert, update or delete and runs its own statements (\`body\`), not a function, and is always enabled (no \`enabled\`).`, {
          fields: { trigger: t.name },
          hint: 'Declare one trigger per event, with body: sql`...;` holding the statements between BEGIN and END.',
        });
      }
      const of = t.updateOf === undefined ? '' : ` OF ${t.updateOf.map(quote).join(', ')}`;
      const when = t.when === undefined ? '' : `\nWHEN ${t.when}`;
      const body = t.body.trim();
      // Every statement of a trigger ends with a semicolon, the last one too.
      return [`CREATE TRIGGER ${quote(t.name)} ${t.timing.toUpperCase()} ${event.toUpperCase()}${of} ON ${quote(t.table)} FOR EACH ROW${when}\nBEGIN\n  ${body}${body.endsWith(';') ? '' : ';'}\nEND`];
    },
    drop: (ref: ObjectRef, _ctx, { ifExists }) => [`DROP TRIGGER ${ifExists ? 'IF EXISTS ' : ''}${quote(ref.name)}`],
  };
}
