/**
 * Loading the `pg` driver without its check for Cloudflare Workers costing every run tens of
 * milliseconds. When it is loaded, pg asks `navigator.userAgent`, and where Node has no
 * `navigator` (Node 20) it builds a `Response` instead, whose first use loads Node's whole fetch
 * implementation (undici): about 80 ms of CPU per process on a busy 2-core machine (0.33 s ->
 * 0.26 s for `require('pg')` alone), for a `retort current` that otherwise takes a few hundred.
 * Node 21+ has a `navigator` whose userAgent answers the check at once; on Node 20 one with the
 * same answer exists for the duration of the import only (not enumerable), then is removed.
 */

/** `load()` (an import that loads pg), with the check answered as Node 21+ answers it. */
export async function withoutWorkersProbe<T>(load: () => Promise<T>): Promise<T> {
  if ('navigator' in globalThis) return load();
  const major = process.versions.node.split('.')[0];
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${major}` }, configurable: true, enumerable: false, writable: true });
  try {
    return await load();
  } finally {
    delete (globalThis as { navigator?: unknown }).navigator;
  }
}
