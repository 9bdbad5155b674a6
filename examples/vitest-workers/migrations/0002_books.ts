/** books */
import type { MigrationContext } from 'retort-migrate';
import { integer, varchar } from 'retort-migrate';

export const revision = '0002';
export const downRevision: string | string[] | null = '0001';

export async function upgrade({ op }: MigrationContext) {
  await op.createTable('books', {
    id: integer().primaryKey(),
    title: varchar(200).notNull(),
    author_id: integer().notNull().references('authors.id'),
  });
  await op.createIndex('ix_books_author', 'books', ['author_id']);
}

export async function downgrade({ op }: MigrationContext) {
  await op.dropTable('books');
}
