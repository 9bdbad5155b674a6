/** authors */
import type { MigrationContext } from 'retort-migrate';
import { integer, varchar } from 'retort-migrate';

export const revision = '0001';
export const downRevision: string | string[] | null = null;

export async function upgrade({ op }: MigrationContext) {
  await op.createTable('authors', { id: integer().primaryKey(), name: varchar(100).notNull() });
}

export async function downgrade({ op }: MigrationContext) {
  await op.dropTable('authors');
}
