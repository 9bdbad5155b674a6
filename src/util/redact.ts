/**
 * Passwords never appear in any output, and nothing else is hidden for them. A URL is shown
 * through {@link redactUrl}, which masks the password FIELD where the URL's structure puts it (the
 * authority's `user:password@`, a `password=` query parameter, a libpq `password=` keyword): a user
 * or database name that happens to equal the password, or contain it, stays readable. Only text
 * retort cannot parse, a driver's own message, passes through {@link redactSecrets}, which masks
 * the password's text wherever it occurs (plain and URL-encoded).
 */

const MASK = '***';

/** The keys that carry a password, as libpq and the MySQL clients accept them. */
const PASSWORD_KEYS = 'password|pass|pwd|sslpassword';

/** `?password=...` / `&pwd=...` in a URL's query: the value runs to the next `&` or `#`. */
const QUERY_PASSWORD = new RegExp(`([?&](?:${PASSWORD_KEYS})=)([^&#]*)`, 'gi');

/**
 * `password = value` in a libpq key/value string (`host=h user=u password='a b'`): the value is
 * single-quoted (backslash escapes inside) or runs to the next white space.
 */
const KEYWORD_PASSWORD = new RegExp(`((?:^|\\s)(?:${PASSWORD_KEYS})\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|\\S*)`, 'gi');

/** `scheme://user:password@`: the password is everything between the user's `:` and the `@`. */
const AUTHORITY_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)([^@/?#]*)@/i;

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * `url` with the values of its password parameters replaced by `***`: query parameters of a URL,
 * or keywords of a libpq key/value string (which has no scheme).
 */
export function redactQueryPasswords(url: string): string {
  return SCHEME.test(url)
    ? url.replace(QUERY_PASSWORD, (_m, head: string) => `${head}${MASK}`)
    : url.replace(KEYWORD_PASSWORD, (_m, head: string) => `${head}${MASK}`);
}

/**
 * The URL with its password field (in the authority, as a query parameter, or as a libpq keyword)
 * replaced by `***`, and nothing else changed. Works on malformed URLs too.
 */
export function redactUrl(url: string): string {
  // Done by the URL's structure, not by the WHATWG parser, so that a URL the parser rejects is
  // still redacted (a malformed URL is exactly when we print it in an error).
  return redactQueryPasswords(url.replace(AUTHORITY_PASSWORD, (_m, head: string) => `${head}${MASK}@`));
}

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** A libpq keyword value without its quotes and escapes. */
function unquoted(value: string): string {
  return value.startsWith("'") ? value.replace(/^'|'$/g, '').replace(/\\(.)/g, '$1') : value;
}

/** The password of a URL (the authority's, else a password query parameter's or keyword's), decoded, or undefined. Never throws. */
export function passwordOf(url: string): string | undefined {
  const match = AUTHORITY_PASSWORD.exec(url);
  if (match && match[2] !== undefined && match[2] !== '') {
    try {
      return decodeURIComponent(match[2]);
    } catch {
      return match[2];
    }
  }
  const scheme = SCHEME.test(url);
  for (const [, , value] of url.matchAll(scheme ? QUERY_PASSWORD : KEYWORD_PASSWORD)) {
    if (value !== undefined && value !== '') return scheme ? decoded(value) : unquoted(value);
  }
  return undefined;
}

/**
 * `text` with every occurrence of each secret, plain or URL-encoded, replaced by `***`: for text
 * retort did not compose and cannot parse (a driver's message). Never apply it to a URL or to a
 * message built from the URL's fields: use {@link redactUrl} and the fields themselves. Secrets
 * shorter than 3 characters are still masked: a short password is still a password.
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const forms = new Set([secret, encodeURIComponent(secret), encodeURI(secret)]);
    for (const form of forms) out = out.split(form).join(MASK);
  }
  return out;
}

/** A URL inside free text: a scheme, `//`, and everything up to white space or a quote. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`]+/gi;

/**
 * `text` (a statement, a server's message about it) with the password field of every URL in it
 * masked as {@link redactUrl} does: a revision's failed statement is printed whole, and one that
 * connects elsewhere (`dblink_connect('postgres://app:pw@host/db')`, a foreign server) carries a
 * password of its own that no config names.
 */
export function redactUrlsIn(text: string): string {
  return text.includes('://') ? text.replace(URL_IN_TEXT, (url) => redactUrl(url)) : text;
}

/**
 * Masks, in place, the passwords of URLs in every string property of `error` (its message, its
 * stack, a driver's `sql`, `detail` or `where`, a RetortError's `fields`) and of the errors in
 * its `cause` chain, as {@link redactUrlsIn} does. A failure keeps the driver's error as its
 * `cause`, and a program using the library prints it with the failure: `console.error(error)`
 * shows the cause chain with each error's own fields. In place, because whoever holds that
 * object sees it.
 */
export function redactErrorUrls(error: unknown): void {
  const seen = new Set<object>();
  for (let at = error; typeof at === 'object' && at !== null && !seen.has(at); at = (at as { cause?: unknown }).cause) {
    seen.add(at);
    const record = at as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(at)) {
      const descriptor = Object.getOwnPropertyDescriptor(at, key);
      // A data property only: an accessor's getter may compute, and a read-only one stays as it is.
      if (descriptor === undefined || descriptor.writable !== true) continue;
      const masked = maskedValue(descriptor.value);
      if (masked !== descriptor.value) record[key] = masked;
    }
  }
}

/**
 * A string with its URL passwords masked; a plain object (a RetortError's frozen `fields`, such
 * as ConnectionLost's `statement`) as a frozen copy with its strings masked; anything else, or a
 * value with nothing to mask, as it is.
 */
function maskedValue(value: unknown): unknown {
  if (typeof value === 'string') return redactUrlsIn(value);
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const masked = entries.map(([key, field]) => [key, typeof field === 'string' ? redactUrlsIn(field) : field] as const);
  return masked.some(([, field], i) => field !== entries[i]![1]) ? Object.freeze(Object.fromEntries(masked)) : value;
}
