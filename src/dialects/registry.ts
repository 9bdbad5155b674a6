/**
 * Which dialect serves which URL scheme. Dialects are imported lazily: commands that only read the
 * revision graph (`heads`, `history`) never load a database driver.
 */
import { RetortError } from '../errors.js';
import type { ConnectionUrl, Dialect } from './dialect.js';

const loaders: Readonly<Record<string, () => Promise<Dialect>>> = {
  sqlite: async () => (await import('./sqlite/index.js')).sqliteDialect,
  postgres: async () => (await import('./postgres/index.js')).postgresDialect,
  postgresql: async () => (await import('./postgres/index.js')).postgresDialect,
  mysql: async () => (await import('./mysql/index.js')).mysqlDialect,
  mariadb: async () => (await import('./mysql/index.js')).mysqlDialect,
};

/** The URL schemes retort knows. */
export const KNOWN_SCHEMES: readonly string[] = Object.freeze(Object.keys(loaders));

/** The dialect for a parsed URL. */
export async function dialectFor(url: ConnectionUrl): Promise<Dialect> {
  const load = loaders[url.scheme];
  if (load === undefined) {
    throw new RetortError('BadUrl', `Unknown database URL scheme '${url.scheme}:'.`, {
      fields: { scheme: url.scheme },
      hint: `Use one of: ${KNOWN_SCHEMES.map((s) => `${s}:`).join(', ')}.`,
    });
  }
  return load();
}
