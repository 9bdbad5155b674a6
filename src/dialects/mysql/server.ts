/**
 * Which server a MySQL-protocol connection reached. MySQL 8 and MariaDB 10.11+ speak the same
 * protocol but differ in a few spellings (dropping a CHECK, reporting defaults), so the
 * connection reads `SELECT VERSION()` once and the compiler and introspection decide by it.
 */

/** The server family and version, parsed from `SELECT VERSION()`. */
export interface ServerInfo {
  readonly flavour: 'mysql' | 'mariadb';
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The text the server reported, e.g. `10.11.6-MariaDB-0+deb12u1`. */
  readonly version: string;
}

/**
 * Parses a `VERSION()` string. MariaDB says so in the suffix (`10.11.6-MariaDB-log`); old
 * MariaDB replication builds prefix `5.5.5-`, which is skipped. Anything else is MySQL.
 */
export function parseServerVersion(version: string): ServerInfo {
  const flavour = /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  const text = flavour === 'mariadb' ? version.replace(/^5\.5\.5-/, '') : version;
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(text);
  const [major, minor, patch] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  return Object.freeze({ flavour, major, minor, patch, version });
}

/** True when the server is at least `major.minor.patch`. */
export function atLeast(server: ServerInfo, major: number, minor = 0, patch = 0): boolean {
  if (server.major !== major) return server.major > major;
  if (server.minor !== minor) return server.minor > minor;
  return server.patch >= patch;
}

/**
 * The server a compilation targets: the live one when known, else undefined (offline). Callers
 * choose, for undefined, the spelling that every supported server (MySQL 8.0.19+, MariaDB
 * 10.11+) accepts.
 */
export function serverOf(version: string | undefined): ServerInfo | undefined {
  return version === undefined ? undefined : parseServerVersion(version);
}

/**
 * True when the server has CREATE OR REPLACE FUNCTION | PROCEDURE (MariaDB; MySQL 8 has none).
 * Undefined (offline) is false: a `--sql` script drops and creates, which both servers run.
 */
export function routineOrReplace(server: ServerInfo | undefined): boolean {
  return server?.flavour === 'mariadb';
}
