/**
 * Bundles the CLI after `tsc`: replaces dist/cli/bin.js with one ES module holding retort and its
 * pure-JS dependencies (kysely, commander, mysql2), and split chunks for what a command loads lazily.
 *
 * Why: Node loads ES modules file by file (resolve, read, compile); kysely alone is ~280 files, so
 * every command that opens a database paid for loading them before doing any work. mysql2 is pure
 * JavaScript too: ~100 CommonJS files (with iconv-lite, long, lru.min...) that every MariaDB/MySQL
 * run loaded one by one, about 80 ms of CPU against about 50 ms from one bundled file; it lands in
 * a chunk of its own, imported on the first MySQL connection only. The native or heavy ones
 * (better-sqlite3, pg with its optional pg-native), esbuild and jiti stay external: they are
 * loaded only by the commands that need them. The library entry (dist/index.js) is left as tsc
 * wrote it, on the mysql2 the user installed.
 *
 * Chunks are written next to bin.js, at the depth of every other dist/<folder>/ module, so the
 * `../../package.json` and template lookups relative to `import.meta.url` still resolve.
 */
import { build } from 'esbuild';
import { rmSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/cli');
// Old chunks, and tsc's source map of the bin.js this replaces.
for (const name of readdirSync(outdir)) if (name.startsWith('chunk-') || name === 'bin.js.map') rmSync(join(outdir, name));

/**
 * commander requires node:child_process at load, for git-style executable subcommands that retort
 * never declares; loading it (with net, dgram and their dependencies) cost every command about
 * 10 ms of CPU. The bundled copy requires it on the first spawn instead.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, async ({ path }) => {
      const eager = "const childProcess = require('node:child_process');";
      const source = await readFile(path, 'utf8');
      if (!source.includes(eager)) {
        console.warn(`bundle-cli: ${path} no longer requires node:child_process as expected; bundled as it is`);
        return undefined;
      }
      return { contents: source.replace(eager, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: 'js' };
    });
  },
};

await build({
  plugins: [lazyChildProcess],
  entryPoints: { bin: join(root, 'src/cli/bin.ts') },
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // pg is bundled (into the chunk the first PostgreSQL connection imports); its optional
  // pg-native and pg-cloudflare are required only when asked for, at run time, as external modules.
  external: ['better-sqlite3', 'pg-native', 'pg-cloudflare', 'esbuild', 'jiti', 'tsx'],
  // commander is CommonJS and requires Node built-ins: give the ES module bundle a `require`.
  banner: { js: "import { createRequire as __retortRequire } from 'node:module'; const require = __retortRequire(import.meta.url);" },
  logLevel: 'warning',
});
