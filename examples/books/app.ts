/**
 * The books walkthrough's small program: a typed Kysely over the database retort migrated.
 * Run by walkthrough.mjs as `node --import tsx app.ts <sqlite file>`.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
// The Kysely type of the tables, derived from the schema module (never written by hand): a
// column added there is a column here.
import type { DB } from './project/src/schema.js';

/** Thrown when a book is not there. */
class BookNotFound extends Error {
  constructor(id: number | string) {
    super(`Book ${id} was not found.`);
    this.name = 'BookNotFound';
  }
}

async function updateAuthor(db: Kysely<DB>, id: number | string, author: string): Promise<void> {
  const result = await db
    .updateTable('books')
    .set({ author, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new BookNotFound(id);
}

async function main(file: string): Promise<void> {
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: new Database(file) }) });
  try {
    const inserted = await db
      .insertInto('books')
      .values({ title: 'The Name of the Rose', author: 'Umberto Eco', isbn: 9780151446476, created_at: new Date().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    console.log(`inserted book ${inserted.id}`);

    const book = await db.selectFrom('books').selectAll().where('id', '=', inserted.id).executeTakeFirstOrThrow();
    console.log(`found: "${book.title}" by ${book.author}, isbn ${book.isbn}`);

    await updateAuthor(db, book.id, 'U. Eco');
    const updated = await db.selectFrom('books').select(['author']).where('id', '=', book.id).executeTakeFirstOrThrow();
    console.log(`author is now ${updated.author}`);

    try {
      await updateAuthor(db, 999, 'Nobody');
    } catch (error) {
      if (!(error instanceof BookNotFound)) throw error;
      console.log(`updating book 999: ${error.message}`);
    }
  } finally {
    await db.destroy();
  }
}

await main(process.argv[2] ?? 'app.db');
