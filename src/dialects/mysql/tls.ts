/**
 * TLS for MySQL/MariaDB URLs, and the parameters a MySQL URL may carry. Users write the MySQL
 * client's spellings (`ssl-mode=REQUIRED`, `ssl-ca=/path`), libpq's (`sslmode=require`,
 * `sslrootcert=...`) or the connectors' (`ssl=true`); mysql2 reads none of them from our options,
 * so each is mapped here to mysql2's `ssl` option. A parameter retort cannot honour is refused with
 * `BadUrl`, never dropped: a dropped `ssl-mode=REQUIRED` would connect in plain text.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { SslOptions } from 'mysql2';
import { RetortError } from '../../errors.js';
import { redactUrl } from '../../util/redact.js';
import type { ConnectionUrl } from '../dialect.js';

/** Spellings of each TLS parameter (first: the MySQL client's own). */
const MODE_KEYS = ['ssl-mode', 'ssl_mode', 'sslmode'];
const CA_KEYS = ['ssl-ca', 'ssl_ca', 'sslrootcert'];
const CERT_KEYS = ['ssl-cert', 'ssl_cert', 'sslcert'];
const KEY_KEYS = ['ssl-key', 'ssl_key', 'sslkey'];

/** Every parameter a MySQL URL may carry (the connection's timeouts, TLS, libpq's query-string user and password). */
const ACCEPTED = new Set(['ssl', ...MODE_KEYS, ...CA_KEYS, ...CERT_KEYS, ...KEY_KEYS, 'connect_timeout', 'keepalives', 'keepalives_idle', 'user', 'password']);

/** What a mode asks for. */
type Mode = 'disabled' | 'required' | 'verify-ca' | 'verify-identity';

const MODES: Readonly<Record<string, Mode>> = {
  disabled: 'disabled',
  disable: 'disabled',
  required: 'required',
  require: 'required',
  verify_ca: 'verify-ca',
  'verify-ca': 'verify-ca',
  verify_identity: 'verify-identity',
  'verify-full': 'verify-identity',
};

function bad(url: ConnectionUrl, reason: string, hint: string): RetortError {
  const shown = redactUrl(url.raw);
  return new RetortError('BadUrl', `Bad connection URL \`${shown}\`: ${reason}.`, { fields: { url: shown }, hint });
}

/** The first of `keys` the URL sets. */
function param(url: ConnectionUrl, keys: readonly string[]): { key: string; value: string } | undefined {
  for (const key of keys) {
    const value = url.params[key];
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

function readPem(url: ConnectionUrl, key: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw bad(url, `\`${key}\` names a file that cannot be read (${(error as Error).message})`, `Give the path of a PEM file retort can read.`);
  }
}

/** The mode the URL asks for, or undefined when it says nothing about TLS. */
function modeOf(url: ConnectionUrl): Mode | undefined {
  const mode = param(url, MODE_KEYS);
  if (mode !== undefined) {
    const word = mode.value.toLowerCase();
    if (word === 'preferred' || word === 'prefer' || word === 'allow') {
      throw bad(url, `\`${mode.key}=${mode.value}\` (TLS only when the server offers it) is not supported: retort never falls back to plain text silently`, 'Write `ssl-mode=REQUIRED` (or VERIFY_CA / VERIFY_IDENTITY with `ssl-ca=...`) to insist on TLS, or `ssl-mode=DISABLED` for plain text.');
    }
    const known = MODES[word];
    if (known === undefined) throw bad(url, `\`${mode.key}=${mode.value}\` is not a TLS mode`, 'Use DISABLED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY.');
    return known;
  }
  const ssl = url.params['ssl'];
  if (ssl === undefined) return undefined;
  if (/^(true|1|on|yes)$/i.test(ssl)) return 'required';
  if (/^(false|0|off|no)$/i.test(ssl)) return 'disabled';
  throw bad(url, `\`ssl=${ssl}\` is neither true nor false`, 'Write `ssl=true`, or `ssl-mode=REQUIRED` / `VERIFY_CA` / `VERIFY_IDENTITY`.');
}

/**
 * mysql2's `ssl` option for the URL, or undefined for plain text.
 *
 * - `REQUIRED` (`ssl=true`, `sslmode=require`): encrypted; the server's certificate is checked
 *   against `ssl-ca` when one is given (as the MySQL client does), not otherwise.
 * - `VERIFY_CA`: encrypted, certificate signed by `ssl-ca`; `VERIFY_IDENTITY` (`verify-full`):
 *   also for the URL's host name.
 * - `ssl-cert` and `ssl-key`: a client certificate (for `REQUIRE X509` users).
 *
 * @throws RetortError `BadUrl` for a parameter retort does not know, a mode it cannot honour, or a
 * certificate file it cannot read.
 */
export function tlsOptions(url: ConnectionUrl): SslOptions | undefined {
  for (const key of Object.keys(url.params)) {
    if (!ACCEPTED.has(key)) {
      throw bad(url, `the parameter \`${key}\` is not supported on MySQL/MariaDB URLs (retort would ignore it)`, `Remove it. Accepted: ${[...ACCEPTED].join(', ')}.`);
    }
  }
  const mode = modeOf(url);
  const ca = param(url, CA_KEYS);
  const cert = param(url, CERT_KEYS);
  const key = param(url, KEY_KEYS);
  if (mode === undefined || mode === 'disabled') {
    const stray = ca ?? cert ?? key;
    if (stray !== undefined) {
      throw bad(url, `\`${stray.key}\` is given but TLS is ${mode === 'disabled' ? 'disabled' : 'not asked for'}`, 'Add `ssl-mode=VERIFY_CA` (or REQUIRED / VERIFY_IDENTITY), or remove the certificate parameters.');
    }
    return undefined;
  }
  if ((mode === 'verify-ca' || mode === 'verify-identity') && ca === undefined) {
    throw bad(url, `${mode === 'verify-ca' ? 'VERIFY_CA' : 'VERIFY_IDENTITY'} needs the certificate authority to verify against`, 'Add `ssl-ca=/path/to/ca.pem`.');
  }
  if (mode === 'verify-identity' && isIP(url.host ?? '') !== 0) {
    // mysql2 checks an IP host's certificate against the name `localhost` (it sends no server
    // name for an IP): the check would fail on a right certificate, or pass on a wrong one.
    throw bad(url, 'VERIFY_IDENTITY needs the host name the certificate names, not an IP address', 'Write the host name (as in the certificate) in the URL, or use `ssl-mode=VERIFY_CA`.');
  }
  const verify = ca !== undefined;
  return {
    ...(ca === undefined ? {} : { ca: readPem(url, ca.key, ca.value) }),
    ...(cert === undefined ? {} : { cert: readPem(url, cert.key, cert.value) }),
    ...(key === undefined ? {} : { key: readPem(url, key.key, key.value) }),
    rejectUnauthorized: verify,
    // VERIFY_CA (and REQUIRED with a CA) checks the chain; only VERIFY_IDENTITY the host name.
    verifyIdentity: mode === 'verify-identity',
  };
}
