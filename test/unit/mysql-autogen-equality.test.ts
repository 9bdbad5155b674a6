/**
 * MySQL's equality hooks and declared-model normalisation, on the spellings the server really
 * returns (taken from MariaDB 10.11's information_schema) and the ones MySQL 8 returns.
 */
import { describe, expect, it } from 'vitest';
import { mysqlDialect } from '../../src/dialects/mysql/index.js';
import { bigint, boolean, enumOf, integer, numeric, varchar } from '../../src/schema/columns.js';
import { defineSchema } from '../../src/schema/define.js';
import { index, primaryKey } from '../../src/schema/extras.js';
import type { ColumnType, DefaultValue } from '../../src/schema/model.js';
import { table } from '../../src/schema/table.js';

const autogen = mysqlDialect.autogen!;
const lit = (value: string | number | boolean | null): DefaultValue => ({ kind: 'literal', value });
const raw = (sql: string): DefaultValue => ({ kind: 'sql', sql });
const T = (t: ColumnType) => t;

describe('mysql typesEqual', () => {
  it('takes the stored spelling for the declared one', () => {
    expect(autogen.typesEqual(T({ kind: 'jsonb' }), T({ kind: 'json' }))).toBe(true);
    expect(autogen.typesEqual(T({ kind: 'uuid' }), T({ kind: 'char', length: 36 }))).toBe(true);
    expect(autogen.typesEqual(T({ kind: 'numeric' }), T({ kind: 'numeric', precision: 10, scale: 0 }))).toBe(true);
    expect(autogen.typesEqual(T({ kind: 'char' }), T({ kind: 'char', length: 1 }))).toBe(true);
    expect(autogen.typesEqual(T({ kind: 'timestamp', precision: 0 }), T({ kind: 'timestamp' }))).toBe(true);
    expect(autogen.typesEqual(T({ kind: 'raw', sql: 'tinyint(1)' }), T({ kind: 'boolean' }))).toBe(true);
    expect(autogen.typesEqual(T({ kind: 'raw', sql: 'INT(11)' }), T({ kind: 'integer' }))).toBe(true);
    expect(autogen.typesEqual(T({ kind: 'raw', sql: 'MEDIUMINT' }), T({ kind: 'raw', sql: 'mediumint(9)' }))).toBe(true);
  });

  it('compares enums by values and order, not by name', () => {
    const e = (name: string, values: string[]) => T({ kind: 'enum', name, values });
    expect(autogen.typesEqual(e('mood', ['a', 'b']), e('t_mood', ['a', 'b']))).toBe(true);
    expect(autogen.typesEqual(e('mood', ['a', 'b']), e('mood', ['b', 'a']))).toBe(false);
    expect(autogen.typesEqual(e('mood', ['a']), e('mood', ['a', 'b']))).toBe(false);
  });

  it('tells real differences apart', () => {
    expect(autogen.typesEqual(T({ kind: 'varchar', length: 10 }), T({ kind: 'varchar', length: 20 }))).toBe(false);
    expect(autogen.typesEqual(T({ kind: 'numeric', precision: 10, scale: 2 }), T({ kind: 'numeric', precision: 10 }))).toBe(false);
    expect(autogen.typesEqual(T({ kind: 'raw', sql: 'longtext' }), T({ kind: 'json' }))).toBe(false);
    expect(autogen.typesEqual(T({ kind: 'raw', sql: 'tinyint(4)' }), T({ kind: 'boolean' }))).toBe(false);
  });
});

describe('mysql defaultsEqual', () => {
  it('reads no default, NULL and DEFAULT NULL as one', () => {
    expect(autogen.defaultsEqual(undefined, lit(null))).toBe(true);
    expect(autogen.defaultsEqual(undefined, raw('NULL'))).toBe(true);
    expect(autogen.defaultsEqual(undefined, lit(0))).toBe(false);
  });

  it("reads '0', 0, TRUE and 1 as MySQL stores them", () => {
    expect(autogen.defaultsEqual(lit('0'), lit(0))).toBe(true);
    expect(autogen.defaultsEqual(raw("'0'"), lit(0))).toBe(true);
    expect(autogen.defaultsEqual(lit(true), lit(1))).toBe(true);
    expect(autogen.defaultsEqual(raw('TRUE'), lit(true))).toBe(true);
    expect(autogen.defaultsEqual(lit('007'), lit(7))).toBe(false);
    expect(autogen.defaultsEqual(lit(1.5), raw('1.50'))).toBe(true);
  });

  it('reads string literals however they are quoted', () => {
    expect(autogen.defaultsEqual(lit("it's"), raw("'it''s'"))).toBe(true);
    expect(autogen.defaultsEqual(lit("it's"), raw("'it\\'s'"))).toBe(true);
    expect(autogen.defaultsEqual(lit('abc'), raw("_utf8mb4'abc'"))).toBe(true);
    expect(autogen.defaultsEqual(lit('abc'), lit('ABC'))).toBe(false);
  });

  it('reads the spellings of the current time as one, precision kept', () => {
    expect(autogen.defaultsEqual(raw('CURRENT_TIMESTAMP'), raw('current_timestamp()'))).toBe(true);
    expect(autogen.defaultsEqual(raw('now()'), raw('current_timestamp()'))).toBe(true);
    expect(autogen.defaultsEqual(raw('now(3)'), raw('current_timestamp(3)'))).toBe(true);
    expect(autogen.defaultsEqual(raw('now(3)'), raw('current_timestamp()'))).toBe(false);
    expect(autogen.defaultsEqual(raw('(uuid())'), raw('uuid()'))).toBe(true);
    expect(autogen.defaultsEqual(raw('1+2'), raw('(1 + 2)'))).toBe(true);
  });
});

describe('mysql expressionsEqual', () => {
  it('reads a check as MariaDB prints it back', () => {
    expect(autogen.expressionsEqual('a>0 AND b != 3', '`a` > 0 and `b` <> 3')).toBe(true);
    expect(autogen.expressionsEqual("(a > 0 OR b > 0) AND s != 'it''s'", "(`a` > 0 or `b` > 0) and `s` <> 'it\\'s'")).toBe(true);
    expect(autogen.expressionsEqual("s IN ('a','b')", "`s` in ('a','b')")).toBe(true);
    expect(autogen.expressionsEqual("s IN ('A')", "`s` in ('a')")).toBe(false);
    expect(autogen.expressionsEqual('a > 0', 'a >= 0')).toBe(false);
  });

  it('reads a function under the name MariaDB prints it with', () => {
    expect(autogen.expressionsEqual('upper(login)', 'ucase(`login`)')).toBe(true);
    expect(autogen.expressionsEqual('LENGTH(s) + power(a, 2)', 'octet_length(`s`) + pow(`a`,2)')).toBe(true);
    expect(autogen.expressionsEqual('substring(s, 1, 2)', 'substr(`s`,1,2)')).toBe(true);
    expect(autogen.expressionsEqual('upper(login)', 'lcase(`login`)')).toBe(false);
    expect(autogen.expressionsEqual("'upper(x)'", "'ucase(x)'")).toBe(false);
  });
});

describe('mysql normalizeDeclared', () => {
  it('stores the declared model as the catalog reports it', () => {
    const t = table('t', {
      a: integer(),
      b: integer(),
      flag: boolean().default(true),
      n: integer().default('0'),
      price: numeric(10, 2).default('1.50'),
      name: varchar(10).comment(''),
      ref: bigint().references('u.id', { onDelete: 'restrict', onUpdate: 'cascade' }),
      mood: enumOf('mood', ['x']),
    }, (c) => [primaryKey().on(c.a, c.b), index('ix_ab').on(c.a, c.b).unique(), index('ref').on(c.ref)], { comment: '' });
    const [out] = autogen.normalizeDeclared(defineSchema({ t }).model).tables;
    const spec = (name: string) => out!.columns.find((c) => c.name === name)!.spec;
    expect(spec('a').nullable).toBe(false);
    expect(spec('flag').default).toEqual(lit(true));
    expect(spec('n').default).toEqual(lit(0));
    expect(spec('price').default).toEqual(lit(1.5));
    expect(spec('name')).not.toHaveProperty('comment');
    expect(spec('ref').references).toEqual({ table: 'u', column: 'id', onUpdate: 'cascade' });
    expect(out!.constraints).toContainEqual({ kind: 'unique', name: 'ix_ab', columns: ['a', 'b'] });
    // `ref` is the name MySQL gives the index of an unnamed foreign key on `ref`: not expected.
    expect(out!.indexes).toEqual([]);
    expect(out!.options).toEqual({});
    expect(autogen.normalizeDeclared(defineSchema({ t }).model).enums).toEqual([]);
  });
});
