/**
 * Which statements of a revision open or end a transaction (refused inside retort's own: see
 * src/runtime/transaction-control.ts; the runs are in test/integration/transaction-control.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { transactionControlIn } from '../../src/runtime/transaction-control.js';

describe('transactionControlIn', () => {
  it.each([
    'BEGIN', 'begin;', 'BEGIN WORK', 'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'BEGIN IMMEDIATE', 'start transaction read write',
    'COMMIT', 'commit work;', 'END', 'END TRANSACTION', 'ABORT', 'ROLLBACK', 'ROLLBACK AND NO CHAIN', 'COMMIT AND CHAIN',
    '-- the end\nCOMMIT', '/* done */ COMMIT;',
  ])('finds %j', (sql) => {
    expect(transactionControlIn(sql)).toBeDefined();
  });

  it('finds one inside a text of several statements', () => {
    expect(transactionControlIn("BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;")).toBe('BEGIN');
    expect(transactionControlIn("UPDATE t SET x = 1;\nCOMMIT")).toBe('COMMIT');
  });

  it.each([
    'SAVEPOINT s', 'ROLLBACK TO SAVEPOINT s', 'ROLLBACK TO s', 'RELEASE SAVEPOINT s', 'CREATE TABLE commit_log (x int)',
    "INSERT INTO t VALUES ('COMMIT')", 'BEGIN NOT ATOMIC SELECT 1; END',
    "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    'CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END',
  ])('leaves %j alone', (sql) => {
    expect(transactionControlIn(sql)).toBeUndefined();
  });
});
