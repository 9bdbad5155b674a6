/**
 * MariaDB Galera Cluster: what retort must do differently on a node of a synchronous
 * multi-primary cluster, and how it tells one from a single server.
 *
 * - `GET_LOCK` locks only the node it runs on (MariaDB lists it as unsupported under Galera), so
 *   the run lock is a lease row in a table instead (see `lease.ts`).
 * - A node may answer a read before it has applied what another node just committed; a run's
 *   session waits for causality (`wsrep_sync_wait` READ bit), so a run that waited for the lease
 *   reads the version table and history the previous holder wrote, on whatever node.
 * - DDL must replicate in total order (TOI). Under `wsrep_OSU_method = RSU` a node applies DDL
 *   locally only while retort's history and version rows still replicate: the nodes' schemas
 *   diverge and the cluster may vote the node out. NBO (MariaDB Enterprise) accepts only some
 *   ALTERs. A run's session is therefore always switched to TOI, and the user told so.
 */
/** The connect-time query: the version and the wsrep settings, in one round trip (any MySQL or MariaDB). */
export const PROFILE_SQL = "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('version', 'sql_mode', 'wsrep_on', 'wsrep_provider', 'wsrep_osu_method', 'wsrep_node_name')";

/** A Galera node, as read at connect. */
export interface GaleraNode {
  /** `wsrep_node_name`, for messages and lease holders. */
  readonly nodeName: string;
  /** The server's default online schema upgrade method (`TOI`, `RSU`, `NBO`). */
  readonly osuMethod: string;
}

/** What a server said about itself at connect. */
export interface ServerProfile {
  /** `VERSION()`. */
  readonly version: string;
  /** Set when the server is a node of a running Galera cluster (replication on, a provider loaded). */
  readonly galera: GaleraNode | undefined;
  /** The server's `sql_mode` has `NO_BACKSLASH_ESCAPES` (see connection.ts: retort's sessions turn it off). */
  readonly noBackslashEscapes: boolean;
  /** The server's `sql_mode` has `ORACLE` (MariaDB): compound statements take PL/SQL's syntax there. */
  readonly oracleMode: boolean;
  /**
   * The server's `sql_mode` has neither `STRICT_TRANS_TABLES` nor `STRICT_ALL_TABLES`: a value
   * that does not fit is cut with a warning, not refused (see connection.ts: retort's sessions
   * add `STRICT_TRANS_TABLES`).
   */
  readonly notStrict: boolean;
}

/** Reads the rows of {@link PROFILE_SQL}. MySQL has no wsrep variables: then not Galera. */
export function parseProfile(rows: ReadonlyArray<{ Variable_name: string; Value: string | null }>): ServerProfile {
  const vars = new Map(rows.map((row) => [row.Variable_name.toLowerCase(), String(row.Value ?? '')]));
  const on = vars.get('wsrep_on')?.toUpperCase() === 'ON';
  const provider = vars.get('wsrep_provider') ?? 'none';
  const galera = on && provider !== '' && provider.toLowerCase() !== 'none'
    ? Object.freeze({ nodeName: vars.get('wsrep_node_name') ?? '', osuMethod: (vars.get('wsrep_osu_method') ?? 'TOI').toUpperCase() })
    : undefined;
  const modes = (vars.get('sql_mode') ?? '').toUpperCase().split(',');
  return Object.freeze({
    version: vars.get('version') ?? '',
    galera,
    noBackslashEscapes: modes.includes('NO_BACKSLASH_ESCAPES'),
    oracleMode: modes.includes('ORACLE'),
    notStrict: !modes.includes('STRICT_TRANS_TABLES') && !modes.includes('STRICT_ALL_TABLES'),
  });
}

/**
 * The statement a session runs first on a Galera node: reads wait until the node has applied
 * every write set the cluster had ordered (bit 1 of `wsrep_sync_wait`, added to what the server
 * already asks), and DDL replicates in total order. Neither needs a privilege.
 */
export const GALERA_SESSION_SQL = "SET SESSION wsrep_sync_wait = @@session.wsrep_sync_wait | 1, wsrep_OSU_method = 'TOI'";

/** What to tell the user when the node's default method is not TOI (undefined when it is). */
export function osuNotice(node: GaleraNode): string | undefined {
  if (node.osuMethod === 'TOI') return undefined;
  const name = node.nodeName === '' ? 'this Galera node' : `Galera node ${node.nodeName}`;
  return `${name} has wsrep_OSU_method=${node.osuMethod}: retort's session uses TOI instead, so that its DDL reaches every node ` +
    'in the same order as the version and history rows it records (under RSU the DDL would stay on this node alone).';
}
