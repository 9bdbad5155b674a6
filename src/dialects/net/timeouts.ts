/**
 * The timeouts of the network connections retort opens (PostgreSQL, MySQL/MariaDB): defaults, the
 * config's values, and the URL parameters libpq users write (`connect_timeout`, `keepalives`,
 * `keepalives_idle`), which win because they are the most specific.
 */
import { RetortError } from '../../errors.js';
import { redactUrl } from '../../util/redact.js';
import type { ConnectionTimeouts, ConnectionUrl } from '../dialect.js';

/** The defaults (also the config's): connect 10 s, keepalive after 30 s idle, ask the server after 30 s of silence. */
export const DEFAULT_TIMEOUTS: ConnectionTimeouts = Object.freeze({ connectMs: 10_000, keepaliveMs: 30_000, statementIdleMs: 30_000 });

/** How long closing a connection may take before its socket is destroyed (a stalled peer never answers a goodbye). */
export const TEARDOWN_MS = 2_000;

/** A URL parameter in seconds (fractions allowed), or undefined when absent. */
function secondsParam(url: ConnectionUrl, name: string): number | undefined {
  const raw = url.params[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new RetortError('BadUrl', `Bad connection URL \`${redactUrl(url.raw)}\`: \`${name}=${raw}\` is not a number of seconds (0 or more).`, {
      fields: { url: redactUrl(url.raw), parameter: name },
      hint: `Write e.g. \`${name}=10\`.`,
    });
  }
  return value * 1000;
}

/**
 * The timeouts for `url`: its parameters over `configured` (the target's config) over the
 * defaults. `keepalives=0` turns keepalive off as in libpq; `keepalives_idle` sets its delay.
 *
 * @throws RetortError `BadUrl` for a parameter that is not a number of seconds.
 */
export function timeoutsFor(url: ConnectionUrl, configured: ConnectionTimeouts = DEFAULT_TIMEOUTS): ConnectionTimeouts {
  const connectMs = secondsParam(url, 'connect_timeout') ?? configured.connectMs;
  const keepalivesOff = url.params['keepalives'] !== undefined && Number(url.params['keepalives']) === 0;
  const keepaliveMs = keepalivesOff ? 0 : (secondsParam(url, 'keepalives_idle') ?? configured.keepaliveMs);
  return Object.freeze({ connectMs, keepaliveMs, statementIdleMs: configured.statementIdleMs });
}

/**
 * The connect budget of a run lock's own connection: the connect timeout, or what is left of the
 * lock timeout (`budgetMs`) when that is shorter, so a server that never completes the lock
 * connection's handshake costs no more than `--lock-timeout`. 0 means no limit.
 */
export function lockConnectMs(connectMs: number, budgetMs: number | undefined): number {
  if (budgetMs === undefined || budgetMs <= 0) return connectMs;
  return connectMs <= 0 ? Math.ceil(budgetMs) : Math.min(connectMs, Math.ceil(budgetMs));
}
