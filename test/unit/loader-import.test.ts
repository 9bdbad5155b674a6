import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { importModule } from '../../src/script/loader.js';
import * as retort from '../../src/index.js';

// A project outside the repository, without node_modules or package.json: as after `retort init /tmp/x`.
const project = mkdtempSync(join(tmpdir(), 'retort-loader-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

function write(relativePath: string, text: string): string {
  const path = join(project, relativePath);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('importModule', () => {
  it("runs a TypeScript revision whose 'retort-migrate' is the running retort itself", async () => {
    write('src/helper.ts', 'export const tableName: string = "books";\n');
    write('src/schema.ts', "import { defineSchema } from 'retort-migrate';\nexport default defineSchema({});\n");
    const path = write('migrations/0001_books.ts', `/** add books */
import type { MigrationContext } from 'retort-migrate';
import { bigint, text } from 'retort-migrate';
import { tableName } from '../src/helper.js';
import schema from '../src/schema.ts';

export const revision: string = '0001';
export const downRevision: string | null = null;
export const usedBigint = bigint;
export const column = text().notNull();
export const schemaModule = schema;
export const here = import.meta.url;
enum Kind { A = 'a' }
export const kind: Kind = Kind.A;

export async function upgrade({ op }: MigrationContext): Promise<string> {
  return tableName;
}
`);
    const mod = await importModule(path);
    expect(mod.revision).toBe('0001');
    expect(mod.downRevision).toBeNull();
    expect(mod.kind).toBe('a');
    expect(mod.here).toBe(pathToFileURL(path).href);
    // The same module instance: the builder functions are identical, and objects pass instanceof.
    expect(mod.usedBigint).toBe(retort.bigint);
    expect(mod.column).toBeInstanceOf(retort.ColumnBuilder);
    expect(await (mod.upgrade as (ctx: unknown) => Promise<string>)({ op: {} })).toBe('books');
  });

  it('keeps the default export as `default` (configs, schemas)', async () => {
    const path = write('retort.config.ts', `import { defineConfig } from 'retort-migrate';
export default defineConfig({ url: process.env.DATABASE_URL ?? 'sqlite:./app.db', migrations: './migrations' });
export const extra = 1;
`);
    const mod = await importModule(path);
    expect(mod.default).toEqual({ url: process.env.DATABASE_URL ?? 'sqlite:./app.db', migrations: './migrations' });
    expect(mod.extra).toBe(1);
  });

  it('loads plain JavaScript modules too', async () => {
    const path = write('migrations/0002_js.mjs', "import { text } from 'retort-migrate';\nexport const revision = '0002';\nexport const t = text;\n");
    const mod = await importModule(path);
    expect(mod.revision).toBe('0002');
    expect(mod.t).toBe(retort.text);
  });

  it('reports a syntax error as BadRevisionFile with the file and line', async () => {
    const path = write('migrations/0003_broken.ts', `export const revision = '0003';
export const downRevision = null;

export async function upgrade() {
  const x = ;
}
`);
    const error = await importModule(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(retort.RetortError);
    expect(error).toMatchObject({ code: 'BadRevisionFile', fields: { path, line: 5 } });
    expect((error as Error).message).toContain(`${path}:5:`);
  });

  it('lets an error thrown by the module itself through unchanged', async () => {
    const path = write('migrations/0004_throws.ts', "throw new TypeError('boom at load');\n");
    await expect(importModule(path)).rejects.toThrow(TypeError);
  });
});

describe('loader laziness', () => {
  it('importing loader.ts loads neither jiti nor esbuild; the first import does', async () => {
    // Compile loader.ts (and what it imports from retort) into a plain ESM file under the repo's
    // node_modules, so that 'jiti' and 'esbuild' resolve, and probe the CommonJS cache in a child.
    const out = mkdtempSync(join(process.cwd(), 'node_modules', '.retort-loader-test-'));
    try {
      await build({
        entryPoints: [join(process.cwd(), 'src/script/loader.ts')],
        bundle: true,
        format: 'esm',
        platform: 'node',
        outfile: join(out, 'loader.mjs'),
        external: ['jiti', 'esbuild', '../index.js'],
        logLevel: 'silent',
      });
      const probe = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const loaded = () => Object.keys(require.cache).filter((k) => /node_modules\\/(jiti|esbuild)\\//.test(k)).length;
await import(${JSON.stringify(pathToFileURL(join(out, 'loader.mjs')).href)});
const before = loaded();
await import('jiti'); await import('esbuild');
console.log(JSON.stringify({ before, after: loaded() }));
`;
      writeFileSync(join(out, 'probe.mjs'), probe);
      const result = JSON.parse(execFileSync(process.execPath, [join(out, 'probe.mjs')], { encoding: 'utf8' })) as {
        before: number;
        after: number;
      };
      expect(result.before).toBe(0);
      expect(result.after).toBeGreaterThan(0); // the probe does see them once loaded
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
