import { describe, expect, it } from 'vitest';
import { enumValues, parseDefault } from '../../src/dialects/sqlite/introspect.js';
import { parseCreateIndex, parseCreateTable } from '../../src/dialects/sqlite/parse-create.js';
import { renameIdentifier, tokenize } from '../../src/dialects/sqlite/sql-text.js';
import { parseSqliteType, sqliteTypeName } from '../../src/dialects/sqlite/types.js';
import type { ColumnType } from '../../src/schema/model.js';

describe('SQLite SQL text', () => {
  it('tokenizes quotes of every kind, doubled quotes, comments', () => {
    const tokens = tokenize(`"a""b" [c d] \`e\` 'it''s' -- x\n /* y */ 1.5e3 f(`);
    expect(tokens.map((t) => [t.kind, t.value])).toEqual([
      ['quoted', 'a"b'],
      ['quoted', 'c d'],
      ['quoted', 'e'],
      ['string', "it's"],
      ['number', '1.5e3'],
      ['word', 'f'],
      ['punct', '('],
    ]);
  });

  it('finds constraints without being fooled by strings, defaults or nested parentheses', () => {
    const parsed = parseCreateTable(
      `CREATE TABLE t (a TEXT DEFAULT 'x, CHECK (1)' CONSTRAINT "c a" CHECK (a IN ('(', ',')), ` +
        `b INTEGER PRIMARY KEY DESC AUTOINCREMENT, c REFERENCES u (id) ON DELETE SET NULL UNIQUE, ` +
        `CONSTRAINT fk FOREIGN KEY (a, "b") REFERENCES u, UNIQUE (c, a)) STRICT`,
    );
    expect(parsed.withoutRowid).toBe(false);
    expect(parsed.constraints).toEqual([
      { kind: 'check', name: 'c a', columns: ['a'], condition: "a IN ('(', ',')", columnLevel: true },
      { kind: 'primaryKey', columns: ['b'], autoIncrement: true, columnLevel: true },
      { kind: 'foreignKey', columns: ['c'], columnLevel: true },
      { kind: 'unique', columns: ['c'], columnLevel: true },
      { kind: 'foreignKey', name: 'fk', columns: ['a', 'b'], columnLevel: false },
      { kind: 'unique', columns: ['c', 'a'], columnLevel: false },
    ]);
  });

  it('reads index elements and predicates', () => {
    expect(parseCreateIndex(`CREATE UNIQUE INDEX IF NOT EXISTS "i" ON "t" ("a" DESC, b COLLATE NOCASE, (a + b), lower("c")) WHERE a > 0 AND b = 'x'`)).toEqual({
      elements: ['a', 'b', { expression: 'a + b' }, { expression: 'lower("c")' }],
      where: "a > 0 AND b = 'x'",
    });
  });

  it('renames identifiers but not strings or function names', () => {
    const quote = (n: string) => `"${n}"`;
    expect(renameIdentifier(`lower(title) || 'title' || "TITLE"`, 'title', 'name', quote)).toBe(`lower("name") || 'title' || "name"`);
    expect(renameIdentifier('length(x) > 0', 'length', 'size', quote)).toBe('length(x) > 0');
  });

  it('reads defaults as SQLite reports them', () => {
    const text: ColumnType = { kind: 'text' };
    expect(parseDefault(null, text)).toBeUndefined();
    expect(parseDefault("'a''b'", text)).toEqual({ kind: 'literal', value: "a'b" });
    expect(parseDefault('- 2.5', text)).toEqual({ kind: 'literal', value: -2.5 });
    expect(parseDefault('1', { kind: 'boolean' })).toEqual({ kind: 'literal', value: true });
    expect(parseDefault('NULL', text)).toEqual({ kind: 'literal', value: null });
    expect(parseDefault('99999999999999999999', text)).toEqual({ kind: 'sql', sql: '99999999999999999999' });
    expect(parseDefault("datetime('now')", text)).toEqual({ kind: 'sql', sql: "datetime('now')" });
  });

  it('recognises only exact enum checks', () => {
    expect(enumValues(`"s" IN ('a', 'b''c')`, 's')).toEqual(['a', "b'c"]);
    expect(enumValues(`s IN ('a') OR s IS NULL`, 's')).toBeUndefined();
    expect(enumValues(`other IN ('a')`, 's')).toBeUndefined();
  });

  it('round-trips every neutral type through its SQLite name', () => {
    const types: ColumnType[] = [
      { kind: 'smallint' }, { kind: 'integer' }, { kind: 'bigint' }, { kind: 'varchar', length: 3 }, { kind: 'varchar' },
      { kind: 'char', length: 2 }, { kind: 'text' }, { kind: 'boolean' }, { kind: 'numeric', precision: 10, scale: 2 },
      { kind: 'real' }, { kind: 'double' }, { kind: 'date' }, { kind: 'time' }, { kind: 'timestamp' }, { kind: 'timestamptz' },
      { kind: 'json' }, { kind: 'jsonb' }, { kind: 'uuid' }, { kind: 'bytes' },
    ];
    for (const type of types) expect(parseSqliteType(sqliteTypeName(type, { primaryKey: false, autoIncrement: false }))).toEqual(type);
    expect(parseSqliteType('MEDIUMINT UNSIGNED')).toEqual({ kind: 'raw', sql: 'MEDIUMINT UNSIGNED' });
    expect(sqliteTypeName({ kind: 'bigint' }, { primaryKey: true, autoIncrement: true })).toBe('INTEGER');
  });
});
