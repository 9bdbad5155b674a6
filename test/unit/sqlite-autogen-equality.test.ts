/**
 * SQLite's equality hooks for autogenerate: what SQLite stores the same way compares equal, and
 * what it stores differently does not.
 */
import { describe, expect, it } from 'vitest';
import { sqliteDefaultsEqual, sqliteExpressionsEqual, sqliteTypesEqual } from '../../src/dialects/sqlite/autogen/equality.js';
import { normalizeSqliteDeclared } from '../../src/dialects/sqlite/autogen/normalize.js';
import { bigint, enumOf, integer, text, varchar } from '../../src/schema/columns.js';
import { defineSchema } from '../../src/schema/define.js';
import { check } from '../../src/schema/extras.js';
import type { ColumnType, DefaultValue } from '../../src/schema/model.js';
import { table } from '../../src/schema/table.js';

const raw = (s: string): ColumnType => ({ kind: 'raw', sql: s });
const lit = (value: string | number | boolean | null): DefaultValue => ({ kind: 'literal', value });
const expr = (s: string): DefaultValue => ({ kind: 'sql', sql: s });

describe('sqliteTypesEqual', () => {
  it('equates the spellings SQLite keeps as the same declared type', () => {
    expect(sqliteTypesEqual(raw('int'), { kind: 'integer' })).toBe(true);
    expect(sqliteTypesEqual(raw('VARCHAR( 64 )'), { kind: 'varchar', length: 64 })).toBe(true);
    expect(sqliteTypesEqual(raw('nvarchar(160)'), raw('NVARCHAR (160)'))).toBe(true);
    expect(sqliteTypesEqual({ kind: 'timestamp', precision: 3 }, raw('DATETIME'))).toBe(true);
    expect(sqliteTypesEqual(raw('bool'), { kind: 'boolean' })).toBe(true);
    expect(sqliteTypesEqual({ kind: 'enum', name: 'mood', values: ['a', 'b'] }, { kind: 'enum', name: 'm', values: ['a', 'b'] })).toBe(true);
  });

  it('keeps apart what SQLite keeps apart', () => {
    expect(sqliteTypesEqual({ kind: 'bigint' }, { kind: 'integer' })).toBe(false);
    expect(sqliteTypesEqual({ kind: 'varchar', length: 64 }, { kind: 'varchar', length: 65 })).toBe(false);
    expect(sqliteTypesEqual({ kind: 'varchar' }, { kind: 'text' })).toBe(false);
    expect(sqliteTypesEqual({ kind: 'enum', name: 'x', values: ['a', 'b'] }, { kind: 'enum', name: 'x', values: ['b', 'a'] })).toBe(false);
    expect(sqliteTypesEqual(raw('NVARCHAR(160)'), raw('NVARCHAR(120)'))).toBe(false);
  });
});

describe('sqliteDefaultsEqual', () => {
  it("equates '0', 0, (0) and '0' written as SQL; true and 1; no default and NULL", () => {
    expect(sqliteDefaultsEqual(lit('0'), lit(0))).toBe(true);
    expect(sqliteDefaultsEqual(expr('(0)'), lit(0))).toBe(true);
    expect(sqliteDefaultsEqual(expr("'0'"), lit(0))).toBe(true);
    expect(sqliteDefaultsEqual(expr('- 1'), lit(-1))).toBe(true);
    expect(sqliteDefaultsEqual(lit(true), lit(1))).toBe(true);
    expect(sqliteDefaultsEqual(expr('TRUE'), lit(true))).toBe(true);
    expect(sqliteDefaultsEqual(undefined, lit(null))).toBe(true);
    expect(sqliteDefaultsEqual(expr('CURRENT_TIMESTAMP'), expr('(current_timestamp)'))).toBe(true);
    expect(sqliteDefaultsEqual(expr("datetime('now')"), expr("(DATETIME( 'now' ))"))).toBe(true);
  });

  it('keeps apart different values', () => {
    expect(sqliteDefaultsEqual(lit('007'), lit(7))).toBe(false);
    expect(sqliteDefaultsEqual(lit('a'), lit('A'))).toBe(false);
    expect(sqliteDefaultsEqual(lit(0), undefined)).toBe(false);
    expect(sqliteDefaultsEqual(expr("datetime('now')"), expr("datetime('NOW')"))).toBe(false);
  });
});

describe('sqliteExpressionsEqual', () => {
  it('ignores quoting, case, spacing and outer parentheses, not values', () => {
    expect(sqliteExpressionsEqual('"price" >= 0', '(PRICE>=0)')).toBe(true);
    expect(sqliteExpressionsEqual('a <> 0', 'a != 0')).toBe(true);
    expect(sqliteExpressionsEqual("s = 'x'", "s = 'X'")).toBe(false);
    expect(sqliteExpressionsEqual('a > 1', 'a > 2')).toBe(false);
  });
});

describe('normalizeSqliteDeclared', () => {
  it('drops what SQLite cannot keep and reads a text IN-check as an enum', () => {
    const model = defineSchema({
      t: table('t', {
        id: bigint().primaryKey().autoIncrement().comment('key'),
        n: integer().unsigned(),
        mood: text(),
        kind: enumOf('kind_type', ['a']),
        v: varchar(3),
      }, () => [check(undefined, "mood IN ('ok', 'bad')"), check(undefined, "v IN ('x')")], { comment: 'c', schema: 'public', engine: 'InnoDB' }),
    }).model;
    const [t] = normalizeSqliteDeclared(model).tables;
    expect(t?.schema).toBeUndefined();
    expect(t?.options).toEqual({});
    expect(t?.columns.map((c) => [c.name, c.spec.type, c.spec.unsigned, c.spec.comment])).toEqual([
      ['id', { kind: 'integer' }, false, undefined],
      ['n', { kind: 'integer' }, false, undefined],
      ['mood', { kind: 'enum', name: 'mood', values: ['ok', 'bad'] }, false, undefined],
      ['kind', { kind: 'enum', name: 'kind', values: ['a'] }, false, undefined],
      ['v', { kind: 'varchar', length: 3 }, false, undefined],
    ]);
    // The varchar's IN-check stays a check: readSchema keeps it one too (only TEXT reads as an enum).
    expect(t?.constraints).toEqual([{ kind: 'check', condition: "v IN ('x')" }]);
    expect(normalizeSqliteDeclared(model).enums).toEqual([]);
  });
});
