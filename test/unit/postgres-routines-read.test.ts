/**
 * The pure parts of reading PostgreSQL functions and triggers (objects/functions.ts,
 * triggers.ts): default lists split at top-level commas, defaults given to the last input
 * arguments, TABLE columns left to the result, the WHEN condition cut out of pg_get_triggerdef,
 * tgtype bits and tgargs. The server side is in test/integration/postgres-routines.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { functionOf, splitTopLevel } from '../../src/dialects/postgres/objects/functions.js';
import type { FunctionRow } from '../../src/dialects/postgres/objects/functions.js';
import { triggerOf, whenOf } from '../../src/dialects/postgres/objects/triggers.js';
import type { TriggerRow } from '../../src/dialects/postgres/objects/triggers.js';

const row = (over: Partial<FunctionRow>): FunctionRow => ({
  oid: 1, schema: 'public', name: 'f', kind: 'f', language: 'sql', body: 'SELECT 1', returns: 'integer', retset: false,
  argtypes: [], argnames: null, argmodes: null, defaults: null, volatility: 'v', strict: false, definer: false, leakproof: false,
  parallel: 'u', cost: 100, rows: 0, config: null, comment: null, ...over,
});

describe('reading functions', () => {
  it('splits a default list at its top-level commas only', () => {
    expect(splitTopLevel("(1 + 2), 'x,y'::text, ARRAY[1, 2], f(a, b)")).toEqual(['(1 + 2)', "'x,y'::text", 'ARRAY[1, 2]', 'f(a, b)']);
    expect(splitTopLevel('')).toEqual([]);
  });

  it('gives the defaults to the last input arguments, skipping OUT ones, and leaves TABLE columns to the result', () => {
    const f = functionOf(row({
      argtypes: ['integer', 'text', 'bigint', 'integer[]'], argnames: ['a', 'b', 'total', 'ns'], argmodes: ['i', 'i', 'o', 'v'],
      defaults: "'x,y'::text, ARRAY[1]", returns: 'record',
    }), undefined);
    expect(f.args).toEqual([
      { name: 'a', type: 'integer' },
      { name: 'b', type: 'text', default: "'x,y'::text" },
      { name: 'total', type: 'bigint', mode: 'out' },
      { name: 'ns', type: 'integer[]', mode: 'variadic', default: 'ARRAY[1]' },
    ]);
    const t = functionOf(row({ argtypes: ['integer', 'integer', 'text'], argnames: ['x', 'id', 'name'], argmodes: ['i', 't', 't'], returns: 'TABLE(id integer, name text)', retset: true, rows: 1000 }), undefined);
    expect(t.args).toEqual([{ name: 'x', type: 'integer' }]);
    expect(t.rows).toBeUndefined();
  });

  it('leaves out what PostgreSQL implies: volatile, unsafe, cost 100, no SET', () => {
    expect(functionOf(row({}), 'other')).toEqual({ kind: 'function', name: 'f', schema: 'other', args: [], returns: 'integer', language: 'sql', body: 'SELECT 1' });
    const p = functionOf(row({ kind: 'p', returns: null, volatility: 's', config: ['search_path=public, pg_temp'], cost: 5 }), undefined);
    expect(p).toMatchObject({ kind: 'procedure', volatility: 'stable', set: { search_path: 'public, pg_temp' } });
    expect(p.cost).toBeUndefined();
  });
});

describe('reading triggers', () => {
  it('cuts the WHEN condition out of pg_get_triggerdef, parentheses and all', () => {
    expect(whenOf('CREATE TRIGGER t BEFORE UPDATE ON public.items FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION touch()'))
      .toBe('(old.* IS DISTINCT FROM new.*)');
    expect(whenOf("CREATE TRIGGER t AFTER INSERT ON public.items FOR EACH STATEMENT EXECUTE FUNCTION log_it('WHEN (x)')")).toBeUndefined();
  });

  it('reads timing, level, events, arguments, deferral and ENABLE from the catalog columns', () => {
    const t: TriggerRow = {
      oid: 1, schema: 'public', tbl: 'items', name: 'items_check', type: 1 | 4 | 16, def: null, update_of: ['name'],
      fn_schema: 'audit', fn_name: 'log_it', args: Buffer.from("a\u0000it's\u0000"), nargs: 2, is_constraint: true,
      deferrable: true, deferred: false, enabled: 'A', old_table: null, new_table: 'inserted', comment: null,
    };
    expect(triggerOf(t, undefined, 'audit')).toEqual({
      kind: 'trigger', name: 'items_check', table: 'items', timing: 'after', events: ['insert', 'update'], updateOf: ['name'],
      level: 'row', function: 'audit.log_it', args: ['a', "it's"], newTable: 'inserted',
      constraint: { deferrable: true, initiallyDeferred: false }, enabled: 'always',
    });
    expect(triggerOf({ ...t, type: 64 | 4, enabled: 'O', is_constraint: false, args: null, nargs: 0, update_of: [], new_table: null }, 'app', undefined))
      .toMatchObject({ schema: 'app', timing: 'instead of', events: ['insert'], function: 'log_it' });
  });
});
