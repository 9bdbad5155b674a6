/** seed authors */
import type { MigrationContext } from 'retort-migrate';

export const revision = '0003';
export const downRevision: string | string[] | null = '0002';

// Rows a revision writes are in the template, so every worker's copy starts with them.
export async function upgrade({ op }: MigrationContext) {
  await op.bulkInsert('authors', [{ id: 1, name: 'Umberto Eco' }, { id: 2, name: 'Ursula K. Le Guin' }]);
}

export async function downgrade({ op }: MigrationContext) {
  await op.execute('DELETE FROM authors WHERE id IN (1, 2)');
}
