import { afterAll, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { report } from './report.js';

/** The test of every file here: its worker's copy starts as the template and is its own. */
export function booksTest(file: string): void {
  const db = openDatabase();
  afterAll(() => db.destroy());

  it('starts from the migrated template, seed rows included, and writes only to this worker\'s copy', async () => {
    expect(await db.selectFrom('authors').select('name').orderBy('id').execute()).toEqual([{ name: 'Umberto Eco' }, { name: 'Ursula K. Le Guin' }]);
    expect(await db.selectFrom('books').selectAll().execute()).toEqual([]);
    await db.insertInto('books').values([1, 2, 3].map((i) => ({ id: i, title: `${file} book ${i}`, author_id: 1 + (i % 2) }))).execute();
    // Another worker writing at the same moment would show here if the database were shared.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const titles = (await db.selectFrom('books').select('title').orderBy('id').execute()).map((r) => r.title);
    expect(titles).toEqual([1, 2, 3].map((i) => `${file} book ${i}`));
    report(file, { titles });
  });
}
