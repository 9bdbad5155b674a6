import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig, selectTargets, type LoadedConfig, type ResolvedTarget } from '../../src/config/index.js';
import { parseUrl } from '../../src/config/url.js';
import { RetortError } from '../../src/errors.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'retort-load-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A fresh project folder with `files` written (path -> content); returns its path. */
function project(files: Record<string, string>): string {
  const dir = join(root, `p${++counter}`);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

function only(config: LoadedConfig): ResolvedTarget {
  expect(config.isMulti).toBe(false);
  expect(Array.isArray(config.targets)).toBe(true);
  const targets = config.targets as readonly ResolvedTarget[];
  expect(targets).toHaveLength(1);
  return targets[0]!;
}

async function rejection(promise: Promise<unknown>, code: string): Promise<RetortError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RetortError);
  expect((error as RetortError).code).toBe(code);
  return error as RetortError;
}

describe('loadConfig: file types', () => {
  it('loads retort.config.ts with types and imports', async () => {
    const dir = project({
      'retort.config.ts': [
        "import { join } from 'node:path';",
        "type Mode = 'all' | 'none';",
        "const mode: Mode = 'all';",
        "export default { url: 'sqlite:' + join('data', 'app.db'), transaction: mode, migrations: './db/migrations' };",
      ].join('\n'),
    });
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.path).toBe(join(dir, 'retort.config.ts'));
    expect(loaded.root).toBe(dir);
    const target = only(loaded);
    expect(target.transaction).toBe('all');
    expect(target.migrations).toEqual([join(dir, 'db/migrations')]);
    expect(parseUrl(target.url).database).toBe(join(dir, 'data/app.db'));
  });

  it('loads .js with a default export', async () => {
    const dir = project({ 'retort.config.js': "export default { url: 'sqlite::memory:', revisionIds: 'date' };" });
    expect(only(await loadConfig({ cwd: dir })).revisionIds).toBe('date');
  });

  it('loads .mjs with a named `config` export', async () => {
    const dir = project({ 'retort.config.mjs': "export const config = { url: 'sqlite::memory:', lockTimeout: 5 };" });
    expect(only(await loadConfig({ cwd: dir })).lockTimeoutSeconds).toBe(5);
  });

  it('loads .json', async () => {
    const dir = project({ 'retort.config.json': JSON.stringify({ url: 'postgres://app@db/shop', dbSchema: 'billing' }) });
    const target = only(await loadConfig({ cwd: dir }));
    expect(target.url).toBe('postgres://app@db/shop');
    expect(target.dbSchema).toBe('billing');
  });

  it('calls a default export that is an (async) function', async () => {
    const dir = project({ 'retort.config.mjs': "export default async () => ({ url: 'sqlite::memory:', versionTable: 'alembic_version' });" });
    expect(only(await loadConfig({ cwd: dir })).versionTable).toBe('alembic_version');
  });

  it('loads the file --config names', async () => {
    const dir = project({
      'retort.config.json': JSON.stringify({ url: 'sqlite:main.db' }),
      'conf/ci.json': JSON.stringify({ url: 'sqlite:ci.db' }),
    });
    const loaded = await loadConfig({ cwd: dir, configPath: 'conf/ci.json' });
    expect(loaded.root).toBe(join(dir, 'conf'));
    expect(parseUrl(only(loaded).url).database).toBe(join(dir, 'conf/ci.db'));
  });

  it('reports a missing --config file', async () => {
    const dir = project({ 'retort.config.json': '{}' });
    const error = await rejection(loadConfig({ cwd: dir, configPath: 'missing.config.ts' }), 'ConfigNotFound');
    expect(error.message).toContain(join(dir, 'missing.config.ts'));
  });
});

describe('loadConfig: resolution', () => {
  it('applies the defaults and makes paths absolute against the config folder, from any subfolder', async () => {
    const dir = project({ 'retort.config.json': JSON.stringify({ url: 'sqlite:./app.db', schema: 'src/schema.ts' }), 'src/x/.keep': '' });
    const loaded = await loadConfig({ cwd: join(dir, 'src/x') });
    expect(only(loaded)).toEqual({
      name: 'default',
      url: `sqlite:${join(dir, 'app.db')}`,
      urlSource: 'config',
      migrations: [join(dir, 'migrations')],
      schema: join(dir, 'src/schema.ts'),
      dbSchema: undefined,
      createDbSchema: false,
      versionTable: 'retort_version',
      historyTable: 'retort_history',
      transaction: 'per-migration',
      revisionIds: 'random',
      lockTimeoutSeconds: 60,
      lockLeaseSeconds: 10,
      timeouts: { connectMs: 10_000, keepaliveMs: 30_000, statementIdleMs: 30_000 },
      limits: { lockWaitMs: 10_000, statementMs: 0, lockWaitRetries: 3 },
      fileTemplate: '{rev}_{slug}',
      configPath: join(dir, 'retort.config.json'),
      autogenerate: { includes: expect.any(Function), schemas: undefined, rewrite: undefined, toolTables: false },
    });
    // No autogenerate filter configured: every table is compared.
    expect(only(loaded).autogenerate.includes('any_table', undefined)).toBe(true);
    expect(loaded.urlOverridden).toBe(false);
  });

  it('keeps the query string of a SQLite URL and leaves memory and absolute paths alone', async () => {
    const dir = project({ 'retort.config.json': JSON.stringify({ url: 'sqlite:rel.db?mode=ro' }) });
    expect(only(await loadConfig({ cwd: dir })).url).toBe(`sqlite:${join(dir, 'rel.db')}?mode=ro`);
    const memory = project({ 'retort.config.json': JSON.stringify({ url: 'sqlite::memory:' }) });
    expect(only(await loadConfig({ cwd: memory })).url).toBe('sqlite::memory:');
  });

  it('lets --url override the config, relative to the working directory', async () => {
    const dir = project({ 'retort.config.json': JSON.stringify({ url: 'sqlite:./app.db' }), 'sub/.keep': '' });
    const loaded = await loadConfig({ cwd: join(dir, 'sub'), url: 'sqlite:./other.db' });
    const target = only(loaded);
    expect(target.url).toBe(`sqlite:${join(dir, 'sub/other.db')}`);
    expect(target.urlSource).toBe('command-line');
    expect(loaded.urlOverridden).toBe(true);
    const pg = only(await loadConfig({ cwd: dir, url: 'postgres://u:pw@h/db' }));
    expect(pg.url).toBe('postgres://u:pw@h/db');
  });

  it('requires a URL, from the config or --url', async () => {
    const dir = project({ 'retort.config.json': JSON.stringify({ migrations: './m' }) });
    const error = await rejection(loadConfig({ cwd: dir }), 'ConfigInvalid');
    expect(error.message).toBe('retort.config.json: no database URL: `url` is not set.');
    expect(error.fields).toMatchObject({ file: join(dir, 'retort.config.json'), key: 'url' });
    expect(error.hint).toContain('pass --url');
    expect(only(await loadConfig({ cwd: dir, url: 'sqlite::memory:' })).url).toBe('sqlite::memory:');
  });

  it('names the config file in a bad URL error, without the password', async () => {
    const dir = project({ 'retort.config.json': JSON.stringify({ url: 'oracle://app:Hunter2Secret@db/x' }) });
    const error = await rejection(loadConfig({ cwd: dir }), 'BadUrl');
    expect(error.message).toMatch(/^retort\.config\.json: Bad connection URL `oracle:\/\/app:\*\*\*@db\/x`/);
    expect(error.fields).toMatchObject({ file: join(dir, 'retort.config.json'), key: 'url' });
    expect(JSON.stringify(error.toJSON()) + error.stack).not.toContain('Hunter2Secret');
  });

  it('reports validation errors with the file as the user sees it', async () => {
    const dir = project({ 'retort.config.mjs': "export default { url: 'sqlite:a.db', transaction: 'per_migration' };" });
    const error = await rejection(loadConfig({ cwd: dir }), 'ConfigInvalid');
    expect(error.message).toBe("retort.config.mjs: `transaction` must be 'per-migration', 'all' or 'none', got 'per_migration'.");
    expect(error.fields['file']).toBe(join(dir, 'retort.config.mjs'));
  });

  it('reports bad JSON, a missing export and a config that throws (masking URLs)', async () => {
    const json = project({ 'retort.config.json': '{ "url": ' });
    expect((await rejection(loadConfig({ cwd: json }), 'ConfigInvalid')).message).toMatch(/^retort\.config\.json is not valid JSON: /);
    const empty = project({ 'retort.config.mjs': 'export const other = 1;' });
    expect((await rejection(loadConfig({ cwd: empty }), 'ConfigInvalid')).message).toBe(
      'retort.config.mjs has no default export (and no `config` export).',
    );
    const throws = project({ 'retort.config.mjs': "throw new Error('cannot reach postgres://app:TopSecret9@db/x');" });
    const error = await rejection(loadConfig({ cwd: throws }), 'ConfigInvalid');
    expect(error.message).toMatch(/^retort\.config\.mjs failed to load at \/.*\/retort\.config\.mjs:1:\d+: cannot reach postgres:\/\/app:\*\*\*@db\/x\.$/);
  });

  it('parses -x arguments, raw or already parsed', async () => {
    const dir = project({ 'retort.config.json': JSON.stringify({ url: 'sqlite::memory:' }) });
    expect((await loadConfig({ cwd: dir, xArgs: ['tenant=acme', 'dry=1'] })).xArgs).toEqual({ tenant: 'acme', dry: '1' });
    expect((await loadConfig({ cwd: dir, xArgs: { a: 'b' } })).xArgs).toEqual({ a: 'b' });
    await rejection(loadConfig({ cwd: dir, xArgs: ['tenant'] }), 'BadArgument');
  });

  it('selects the single target by default or by the name `default`', async () => {
    const dir = project({ 'retort.config.json': JSON.stringify({ url: 'sqlite::memory:' }) });
    const loaded = await loadConfig({ cwd: dir });
    expect((await selectTargets(loaded)).map((t) => t.name)).toEqual(['default']);
    expect((await selectTargets(loaded, { target: 'default' })).map((t) => t.name)).toEqual(['default']);
    expect((await selectTargets(loaded, { all: true })).map((t) => t.name)).toEqual(['default']);
    const error = await rejection(selectTargets(loaded, { target: 'main' }), 'UnknownTarget');
    expect(error.message).toBe("Unknown target 'main'; the config has default.");
  });
});
