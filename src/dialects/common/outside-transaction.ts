/**
 * The hint of a statement that cannot run inside a transaction (PostgreSQL's CREATE INDEX
 * CONCURRENTLY, VACUUM, ALTER SYSTEM; SQLite's VACUUM), which a revision runs in by default:
 * Alembic's `autocommit_block()` is retort's `op.noTransaction`.
 */
export const OUTSIDE_TRANSACTION_HINT =
  'Run the statement inside `await op.noTransaction(async () => { ... })` in the revision (Alembic: `autocommit_block()`): ' +
  'what the revision did before it commits first, and the statement runs on its own. Then run the command again.';
