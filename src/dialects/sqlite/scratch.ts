/**
 * SQLite scratch databases (a file in a fresh temporary folder, removed with its folder and the
 * `-wal` / `-journal` files SQLite may leave next to it) and template copies (files in one
 * shared temporary folder, so that every worker of a test run and later runs find the template).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseCopies } from '../copies.js';
import type { ScratchDatabase, ScratchDatabases } from '../snapshot.js';

/** SQLite's scratch databases: the configured URL only tells the dialect. */
export const sqliteScratchDatabases: ScratchDatabases = Object.freeze({
  async create(_url: string, name: string): Promise<ScratchDatabase> {
    const dir = mkdtempSync(join(tmpdir(), 'retort-test-'));
    const file = join(dir, `${name}.db`);
    return { url: `sqlite:${file}`, name: file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
});

/** Where templates and worker copies live: one folder per user, shared by every project. */
function folder(): string {
  const dir = join(tmpdir(), `retort-databases-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const fileOf = (name: string) => join(folder(), `${name}.db`);

function named(_url: string, name: string): ScratchDatabase {
  const file = fileOf(name);
  return {
    url: `sqlite:${file}`,
    name: file,
    // The journal files too, and the run lock's file the migrations left next to it.
    drop: async () => {
      for (const suffix of ['', '-wal', '-shm', '-journal', '.lock', '.lock.holder']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}

/**
 * SQLite copies: a template is a file, a copy is a copy of the file (made while no connection of
 * this process has it open, so nothing sits in a `-wal` file). The template's lock is on a guard
 * file next to it: the template itself may not exist yet, and a connection would create it.
 */
export const sqliteDatabaseCopies: DatabaseCopies = Object.freeze({
  named,
  exists: async (_url: string, name: string) => existsSync(fileOf(name)),
  create: async (url: string, name: string) => named(url, name),
  copy: async (url: string, from: string, name: string) => {
    copyFileSync(fileOf(from), fileOf(name));
    return named(url, name);
  },
  lockUrl: (_url: string, name: string) => `sqlite:${join(folder(), `${name}.guard`)}`,
});
