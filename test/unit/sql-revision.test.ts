/**
 * Plain `.sql` revisions without a database: the statement-splitting rule the README states
 * (quotes, comments, dollar quotes, BEGIN...END and CASE...END blocks), the header fields, the
 * markers and what is refused (each naming the file and line).
 */
import { describe, expect, it } from 'vitest';
import { isRetortError } from '../../src/index.js';
import { isRevisionFileName } from '../../src/script/directory.js';
import { readSqlRevisionFile, sqlRevisionModule } from '../../src/script/sql-revision.js';
import { splitSql } from '../../src/script/sql-split.js';

const statements = (source: string) => splitSql('/m/x.sql', source).flatMap((i) => (i.kind === 'statement' ? [[i.sql, i.line, i.column]] : []));

function refusal(fn: () => unknown): { message: string; line: unknown } {
  try {
    fn();
  } catch (error) {
    if (isRetortError(error) && error.code === 'BadRevisionFile') return { message: error.message, line: error.fields.line };
    throw error;
  }
  throw new Error('expected BadRevisionFile');
}

describe('splitting .sql revisions', () => {
  it('ends statements at ; outside quotes, comments and dollar quotes, with their line and column', () => {
    expect(statements(`SELECT 'a;''b'; SELECT "x;y", \`z;\`; -- c;
/* d; */ SELECT E'\\'; still';
SELECT $$ a; $$, $tag$ $$; $tag$, $1;
SELECT 1`)).toEqual([
      ["SELECT 'a;''b'", 1, 1], ['SELECT "x;y", `z;`', 1, 17],
      ["SELECT E'\\'; still'", 2, 10],
      ['SELECT $$ a; $$, $tag$ $$; $tag$, $1', 3, 1],
      ['SELECT 1', 4, 1],
    ]);
  });

  it('keeps BEGIN...END and CASE...END blocks whole, but not BEGIN TRANSACTION or BEGIN;', () => {
    const trigger = `CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW
lbl: BEGIN
  IF NEW.x > 1 THEN SET NEW.x = CASE WHEN 1 THEN 2 END; END IF;
  CASE NEW.y WHEN 1 THEN SET NEW.z = 1; END CASE;
  WHILE 0 DO SET NEW.w = 0; END WHILE;
END lbl`;
    expect(statements(`${trigger};\nBEGIN TRANSACTION;\nBEGIN;\nSELECT t.end, t.begin FROM t;`).map((s) => s[0])).toEqual([
      trigger, 'BEGIN TRANSACTION', 'BEGIN', 'SELECT t.end, t.begin FROM t',
    ]);
  });

  it('refuses an unterminated quote or block, and a marker inside a statement, naming the line', () => {
    expect(refusal(() => splitSql('/m/x.sql', "SELECT 1;\nSELECT 'open;\n"))).toMatchObject({ line: 2 });
    expect(refusal(() => splitSql('/m/x.sql', 'SELECT 1;\nSELECT $$ open'))).toMatchObject({ line: 2 });
    expect(refusal(() => splitSql('/m/x.sql', 'CREATE TRIGGER t BEGIN\n  SELECT 1;\n'))).toMatchObject({ line: 1 });
    expect(refusal(() => splitSql('/m/x.sql', 'SELECT 1\n-- retort:no-transaction\nSELECT 2;')).message).toContain('/m/x.sql:2');
  });
});

describe('.sql revision files', () => {
  const header = '-- add things\n--\n-- Revision ID: abc123\n-- down_revision: [\'p1\', "p2"]\n-- Branch Labels: feat\n-- dependsOn: other\n-- Create Date: 2026-12-05\n';

  it('reads the header fields by their .ts and Alembic names; a .sql file without them is not a revision', () => {
    expect(readSqlRevisionFile('/m/a.sql', `${header}\n-- retort:up\nSELECT 1;\n`)).toEqual({
      revision: 'abc123', downRevisions: ['p1', 'p2'], branchLabels: ['feat'], dependsOn: ['other'], message: 'add things', path: '/m/a.sql',
    });
    expect(readSqlRevisionFile('/m/a.sql', '-- a\n-- Revision ID: r1\n-- Revises: base\n')?.downRevisions).toEqual([]);
    expect(readSqlRevisionFile('/m/seed.sql', '-- seed data\nINSERT INTO t VALUES (1);\n')).toBeUndefined();
    expect(isRevisionFileName('0001_x.sql')).toBe(true);
    expect(refusal(() => readSqlRevisionFile('/m/a.sql', '-- x\n-- Revises: base\n-- retort:up\n')).message).toContain('Revision ID');
    expect(refusal(() => readSqlRevisionFile('/m/a.sql', '-- x\n-- Revision ID: r1\n-- retort:up\n')).message).toContain('Revises');
    expect(refusal(() => readSqlRevisionFile('/m/a.sql', '-- x\n-- Revision ID: bad id!\n-- Revises: base\n'))).toMatchObject({ line: 2 });
  });

  it('runs each section through op.execute in file order, marked statements in op.noTransaction or acknowledged', async () => {
    const module = sqlRevisionModule('/m/a.sql', `${header}\n-- retort:up\nCREATE TABLE a (x int);\n-- retort:no-transaction\nCREATE INDEX CONCURRENTLY i ON a (x);\n-- retort:ack raw-execute reviewed: tiny table\n-- retort:no-transaction\nVACUUM a;\nINSERT INTO a VALUES (1)\n-- retort:down\nDROP TABLE a;\n`) as Record<string, (ctx: unknown) => Promise<void>>;
    const calls: string[] = [];
    const execute = (sql: string) => {
      calls.push(sql);
      const call = Object.assign(Promise.resolve(), { ack: (rule: string, reason: string) => { calls.push(`ack ${rule}: ${reason}`); return call; } });
      return call;
    };
    const op = { execute, noTransaction: async (body: () => Promise<void>) => { calls.push('<'); await body(); calls.push('>'); } };
    await module.upgrade!({ op });
    await module.downgrade!({ op });
    expect(calls).toEqual(['CREATE TABLE a (x int)', '<', 'CREATE INDEX CONCURRENTLY i ON a (x)', 'VACUUM a', 'ack raw-execute: reviewed: tiny table', '>', 'INSERT INTO a VALUES (1)', 'DROP TABLE a']);
    expect(sqlRevisionModule('/m/a.sql', `${header}-- retort:up\n`).downgrade).toBeUndefined();
  });

  it('refuses statements outside a section, unknown markers and a dangling no-transaction', () => {
    expect(refusal(() => sqlRevisionModule('/m/a.sql', `${header}SELECT 1;\n-- retort:up\n`))).toMatchObject({ line: 8 });
    expect(refusal(() => sqlRevisionModule('/m/a.sql', `${header}-- retort:up\n-- retort:notx\nSELECT 1;\n`)).message).toContain("unknown marker '-- retort:notx'");
    expect(refusal(() => sqlRevisionModule('/m/a.sql', `${header}-- retort:up\nSELECT 1;\n-- retort:no-transaction\n`))).toMatchObject({ line: 10 });
    expect(refusal(() => sqlRevisionModule('/m/a.sql', `${header}-- retort:down\n-- retort:up\n`)).message).toContain('after');
    expect(refusal(() => sqlRevisionModule('/m/a.sql', `${header}-- retort:up\n-- retort:ack raw-execute\nSELECT 1;\n`)).message).toContain('a rule and a reason');
  });
});
