/**
 * PostgreSQL's equality hooks on the spellings its catalog returns (taken from pg_get_expr,
 * pg_get_constraintdef and format_type on PostgreSQL 15) against what a person declares.
 */
import { describe, expect, it } from 'vitest';
import { postgresAutogen } from '../../src/dialects/postgres/autogen/index.js';
import type { ColumnType, DefaultValue } from '../../src/schema/model.js';
import { columnSpec } from '../../src/schema/model.js';

const { typesEqual, defaultsEqual, expressionsEqual, normalizeDeclared } = postgresAutogen;
const raw = (sql: string): ColumnType => ({ kind: 'raw', sql });
const lit = (value: string | number | boolean | null): DefaultValue => ({ kind: 'literal', value });
const sqlDefault = (sql: string): DefaultValue => ({ kind: 'sql', sql });

describe('PostgreSQL typesEqual', () => {
  it('folds aliases and catalog spellings onto the kinds', () => {
    expect(typesEqual({ kind: 'integer' }, raw('int4'))).toBe(true);
    expect(typesEqual({ kind: 'varchar', length: 200 }, raw('character varying(200)'))).toBe(true);
    expect(typesEqual({ kind: 'double' }, raw('double precision'))).toBe(true);
    expect(typesEqual({ kind: 'timestamptz', precision: 3 }, raw('timestamp(3) with time zone'))).toBe(true);
    expect(typesEqual({ kind: 'numeric', precision: 10, scale: 2 }, raw('DECIMAL(10, 2)'))).toBe(true);
    expect(typesEqual(raw('integer[]'), raw('int4[]'))).toBe(true);
    expect(typesEqual({ kind: 'char' }, { kind: 'char', length: 1 })).toBe(true);
    expect(typesEqual({ kind: 'timestamp' }, { kind: 'timestamp', precision: 6 })).toBe(true);
  });

  it('still tells different types apart', () => {
    expect(typesEqual({ kind: 'varchar', length: 200 }, raw('character varying(100)'))).toBe(false);
    expect(typesEqual({ kind: 'integer' }, { kind: 'bigint' })).toBe(false);
    expect(typesEqual({ kind: 'timestamp' }, { kind: 'timestamptz' })).toBe(false);
    expect(typesEqual(raw('text[]'), { kind: 'text' })).toBe(false);
    expect(typesEqual({ kind: 'numeric', precision: 10, scale: 2 }, { kind: 'numeric', precision: 10, scale: 3 })).toBe(false);
  });
});

describe('PostgreSQL defaultsEqual', () => {
  it("'0', 0 and '0'::integer are one default", () => {
    expect(defaultsEqual(lit('0'), lit(0))).toBe(true);
    expect(defaultsEqual(lit(0), sqlDefault("'0'::integer"))).toBe(true);
    expect(defaultsEqual(lit('abc'), sqlDefault("'abc'::character varying"))).toBe(true);
    expect(defaultsEqual(lit(-1), sqlDefault("'-1'::integer"))).toBe(true);
    expect(defaultsEqual(undefined, sqlDefault('NULL::text'))).toBe(true);
  });

  it('now() and CURRENT_TIMESTAMP are one default; other expressions differ', () => {
    expect(defaultsEqual(sqlDefault('now()'), sqlDefault('CURRENT_TIMESTAMP'))).toBe(true);
    expect(defaultsEqual(sqlDefault('now()'), sqlDefault('CURRENT_DATE'))).toBe(false);
    expect(defaultsEqual(lit(0), lit(1))).toBe(false);
    expect(defaultsEqual(lit('abc'), undefined)).toBe(false);
  });
});

describe('PostgreSQL expressionsEqual', () => {
  it('sees through the casts and parentheses the server adds', () => {
    expect(expressionsEqual('price >= 0', '(price >= (0)::numeric)')).toBe(true);
    expect(expressionsEqual("status IN ('a', 'b')", "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))")).toBe(true);
    expect(expressionsEqual("status NOT IN ('a')", "(status)::text <> ALL ((ARRAY['a'::character varying])::text[])")).toBe(true);
    expect(expressionsEqual('x > -1', "x > '-1'::integer")).toBe(true);
    expect(expressionsEqual("name LIKE 'a%'", "name ~~ 'a%'::text")).toBe(true);
    expect(expressionsEqual('lower(email)', 'lower((email)::text)')).toBe(true);
    expect(expressionsEqual('a != b', 'a <> b')).toBe(true);
  });

  it('still tells different expressions apart', () => {
    expect(expressionsEqual('price >= 0', 'price > 0')).toBe(false);
    expect(expressionsEqual("status IN ('a', 'b')", "status IN ('a', 'c')")).toBe(false);
    expect(expressionsEqual('lower(email)', 'upper(email)')).toBe(false);
    expect(expressionsEqual("name = 'A'", "name = 'a'")).toBe(false);
  });
});

describe('PostgreSQL normalizeDeclared', () => {
  it('implies NOT NULL for identity and composite-key columns, drops unsigned, MySQL options and empty comments', () => {
    const model = normalizeDeclared({
      enums: [],
      tables: [{
        name: 't', indexes: [], options: { comment: '', engine: 'InnoDB' },
        constraints: [{ kind: 'primaryKey', columns: ['a', 'b'] }],
        columns: [
          { name: 'a', spec: columnSpec({ kind: 'integer' }) },
          { name: 'b', spec: columnSpec({ kind: 'integer' }, { unsigned: true }) },
          { name: 'c', spec: columnSpec({ kind: 'bigint' }, { autoIncrement: true, comment: '' }) },
          { name: 'd', spec: columnSpec({ kind: 'text' }) },
        ],
      }],
    });
    const [t] = model.tables;
    expect(t?.options).toEqual({});
    expect(t?.columns.map((c) => [c.name, c.spec.nullable, c.spec.unsigned, c.spec.comment])).toEqual([
      ['a', false, false, undefined], ['b', false, false, undefined], ['c', false, false, undefined], ['d', true, false, undefined],
    ]);
  });
});
