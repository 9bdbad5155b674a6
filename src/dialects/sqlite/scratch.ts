/**
 * SQLite scratch databases: a file in a fresh temporary folder, removed with its folder (and the
 * `-wal` / `-journal` files SQLite may leave next to it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScratchDatabase, ScratchDatabases } from '../snapshot.js';

/** SQLite's scratch databases: the configured URL only tells the dialect. */
export const sqliteScratchDatabases: ScratchDatabases = Object.freeze({
  async create(_url: string, name: string): Promise<ScratchDatabase> {
    const dir = mkdtempSync(join(tmpdir(), 'retort-test-'));
    const file = join(dir, `${name}.db`);
    return { url: `sqlite:${file}`, name: file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
});
