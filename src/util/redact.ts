/**
 * Passwords never appear in any output. Every URL is shown through {@link redactUrl}, and every
 * message that could carry a driver's text passes through {@link redactSecrets} with the
 * passwords known to the run (in plain and URL-encoded form).
 */

const MASK = '***';

/**
 * Query parameters that carry a password, as libpq and the MySQL clients accept them
 * (`postgresql://host/db?user=u&password=...`): masked like the authority's password.
 */
const PASSWORD_PARAMS = /([?&](?:password|pass|pwd|sslpassword)=)([^&#]*)/gi;

/** `url` with the values of its password query parameters replaced by `***`. */
export function redactQueryPasswords(url: string): string {
  return url.replace(PASSWORD_PARAMS, (_m, head: string) => `${head}${MASK}`);
}

/** The URL with its password (if any, in the authority or as a query parameter) replaced by `***`. Works on malformed URLs too. */
export function redactUrl(url: string): string {
  // scheme://user:password@host... ; done by pattern so that a URL the WHATWG parser rejects is
  // still redacted (a malformed URL is exactly when we print it in an error).
  return redactQueryPasswords(url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)([^@/?#]*)@/i, (_m, head: string) => `${head}${MASK}@`));
}

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** The password of a URL (the authority's, else a password query parameter's), decoded, or undefined. Never throws. */
export function passwordOf(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:([^@/?#]*)@/i.exec(url);
  if (match && match[1] !== undefined && match[1] !== '') {
    try {
      return decodeURIComponent(match[1]);
    } catch {
      return match[1];
    }
  }
  for (const [, , value] of url.matchAll(PASSWORD_PARAMS)) if (value !== undefined && value !== '') return decoded(value);
  return undefined;
}

/**
 * `text` with every occurrence of each secret, plain or URL-encoded, replaced by `***`. Secrets
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
