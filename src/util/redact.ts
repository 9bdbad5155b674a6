/**
 * Passwords never appear in any output. Every URL is shown through {@link redactUrl}, and every
 * message that could carry a driver's text passes through {@link redactSecrets} with the
 * passwords known to the run (in plain and URL-encoded form).
 */

const MASK = '***';

/** The URL with its password (if any) replaced by `***`. Works on malformed URLs too. */
export function redactUrl(url: string): string {
  // scheme://user:password@host... ; done by pattern so that a URL the WHATWG parser rejects is
  // still redacted (a malformed URL is exactly when we print it in an error).
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)([^@/?#]*)@/i, (_m, head: string) => `${head}${MASK}@`);
}

/** The password of a URL, decoded, or undefined. Never throws. */
export function passwordOf(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:([^@/?#]*)@/i.exec(url);
  if (!match || match[1] === undefined || match[1] === '') return undefined;
  const raw = match[1];
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
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
