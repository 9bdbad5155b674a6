/**
 * Executes a module written in TypeScript (or JavaScript): a revision script, the config, the
 * schema. No build step, no `tsconfig.json`, no `node_modules` needed in the user's project.
 *
 * Choice of loader, measured on 2,000 small revision files (each imports `{ bigint, text }` from
 * 'retort-migrate' and a type), all imported one after the other in one process, Node 20,
 * 2 vCPUs (shared and noisy: figures are typical, not best):
 *
 * | loader                                                   | first run (cold) | next runs (cache) |
 * |----------------------------------------------------------|------------------|-------------------|
 * | jiti 2 (its babel transform) + fs cache                  | 9.3 s - 20 s     | 0.5 - 1.0 s       |
 * | jiti 2 + esbuild `transformSync` + jiti's fs cache       | 4.8 s - 9.8 s    | 0.9 - 1.0 s       |
 * | own `module.register` hooks + esbuild + sha256 disk cache| 6.8 s            | 2.8 s (1.9 s with all imports in flight) |
 * | tsx `register()` (+ a resolve hook for the alias)        | fails: a `.ts` file outside a `"type": "module"` package is taken for CommonJS (`ERR_REQUIRE_CYCLE_MODULE`) |
 *
 * The `module.register` hooks run on a separate thread in Node 20, and every import pays two
 * round trips to it (resolve and load); that alone costs more than jiti's in-process evaluation.
 * esbuild is twice as fast as babel to transform, but each synchronous call is a round trip to the
 * esbuild service (~1 ms), so the gain is on cold runs only. Hence: **jiti, in process, with
 * esbuild as its transform and jiti's content-hashed disk cache**. Both are loaded on the first
 * call only (esbuild on the first cache miss only), so graph commands never pay for them.
 *
 * `'retort-migrate'` imported by a user file is the running retort itself (a jiti virtual
 * module holding this package's entry module, the very instance the CLI or the library uses),
 * so it works without `node_modules` and `instanceof` checks hold across the boundary.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RetortError } from '../errors.js';
import { retortCacheDir } from '../util/cache-dir.js';
import { CACHE_LIMITS, pruneCacheDir } from '../util/cache-prune.js';

/** The package name user files import. */
const PACKAGE_NAME = 'retort-migrate';

/** Extensions esbuild compiles as TypeScript. */
const TS_FILE = /\.[cm]?tsx?$/;

interface Jiti {
  import(id: string): Promise<unknown>;
}

interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number; lineText: string } | null;
}

let loaderPromise: Promise<Jiti> | undefined;
let esbuildModule: typeof import('esbuild') | undefined;

/**
 * esbuild, loaded on the first cache miss only: with a warm cache (every run but the first after
 * an edit) a command never loads it. `require` because jiti's transform hook is synchronous.
 */
function esbuild(): typeof import('esbuild') {
  esbuildModule ??= createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  return esbuildModule;
}

/**
 * Where compiled modules are cached: `$XDG_CACHE_HOME/retort/loader` or `~/.cache/retort/loader`.
 * Per user, never the shared temporary directory: another user able to write there could plant
 * code that retort would then run.
 */
function cacheDir(): string | false {
  if (process.env.RETORT_LOADER_CACHE === '0') return false;
  return retortCacheDir('loader') ?? false;
}

/** The jiti instance, built on first use (esbuild and jiti are loaded here, lazily). */
async function loader(): Promise<Jiti> {
  loaderPromise ??= (async () => {
    // Required, not imported: the CLI runs as a script (cli/bin.ts), where `import()` needs an
    // experimental vm option; jiti ships a CommonJS build.
    const [{ createJiti }, self] = await Promise.all([
      createRequire(import.meta.url)('jiti') as typeof import('jiti'),
      // A literal specifier, so that the bundled CLI (scripts/bundle-cli.mjs) resolves it to itself.
      import('../index.js') as Promise<Record<string, unknown>>,
    ]);
    const jiti = createJiti(import.meta.url, {
      fsCache: cacheDir(),
      moduleCache: true,
      // The module object exactly as the file exports it: `default` stays `default`.
      interopDefault: false,
      virtualModules: { [PACKAGE_NAME]: self },
      transform: (options) => {
        const filename = options.filename ?? '<module>';
        // jiti transforms only on a cache miss, which is about to add an entry.
        const dir = cacheDir();
        if (dir !== false) pruneCacheDir(dir, CACHE_LIMITS.loader);
        try {
          const result = esbuild().transformSync(options.source, {
            loader: TS_FILE.test(filename) ? 'ts' : 'js',
            // jiti evaluates CommonJS in process; ESM syntax is converted here.
            format: 'cjs',
            target: 'node20',
            sourcefile: filename,
            sourcemap: 'inline',
            // CommonJS output has no `import.meta`: give scripts the values they expect.
            define: {
              'import.meta.url': JSON.stringify(pathToFileURL(filename).href),
              'import.meta.filename': JSON.stringify(filename),
              'import.meta.dirname': JSON.stringify(join(filename, '..')),
            },
          });
          return { code: result.code };
        } catch (error) {
          throw syntaxError(filename, error);
        }
      },
    });
    return jiti as Jiti;
  })();
  // A failed start (esbuild binary missing, say) must not be remembered forever.
  loaderPromise.catch(() => (loaderPromise = undefined));
  return loaderPromise;
}

/** esbuild's failure as `BadRevisionFile` naming the file, line and column. */
function syntaxError(filename: string, error: unknown): RetortError {
  const first = ((error as { errors?: EsbuildMessage[] }).errors ?? [])[0];
  const location = first?.location;
  const where = location ? `${filename}:${location.line}:${location.column + 1}` : filename;
  const problem = first?.text ?? (error instanceof Error ? error.message : String(error));
  return new RetortError('BadRevisionFile', `${where}: ${problem}.`, {
    fields: {
      path: filename,
      ...(location ? { line: location.line, column: location.column + 1, lineText: location.lineText } : {}),
      problem,
    },
    hint: 'Fix the syntax error in the file (your editor or `npx tsc --noEmit` shows it too).',
    cause: error,
  });
}

/**
 * Imports and executes a TypeScript or JavaScript module and returns its exports (`default` and
 * the named ones, as written). A module is executed once per process; later calls return it again.
 * @param path - absolute path of the file
 * @throws RetortError `BadRevisionFile` (with `path`, `line`, `column`) when the file does not
 *   parse; an error thrown by the module itself propagates as it is.
 */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  const jiti = await loader();
  try {
    return (await jiti.import(path)) as Record<string, unknown>;
  } catch (error) {
    throw unwrap(error);
  }
}

/** jiti may wrap what the transform threw; find our error in the cause chain. */
function unwrap(error: unknown): unknown {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof RetortError) return e;
  }
  return error;
}
