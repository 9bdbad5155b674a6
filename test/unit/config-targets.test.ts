import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listTargets, loadConfig, selectTargets, type ResolvedTarget } from '../../src/config/index.js';
import { RetortError } from '../../src/errors.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'retort-targets-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A project whose retort.config.mjs is `source`. */
function project(source: string): string {
  const dir = join(root, `p${++counter}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'retort.config.mjs'), source);
  return dir;
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

const names = (targets: readonly ResolvedTarget[]) => targets.map((t) => t.name);

const STATIC = `export default {
  migrations: './migrations',
  transaction: 'all',
  lockTimeout: 10,
  targets: {
    main: { url: 'postgres://app@db1/main', dbSchema: 'app' },
    analytics: { url: 'sqlite:./analytics.db', migrations: ['./migrations', './analytics/migrations'], transaction: 'none' },
  },
};`;

describe('static targets', () => {
  it('resolves each target over the top-level defaults', async () => {
    const dir = project(STATIC);
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.isMulti).toBe(true);
    const [main, analytics] = await listTargets(loaded);
    expect(main).toMatchObject({
      name: 'main',
      url: 'postgres://app@db1/main',
      dbSchema: 'app',
      migrations: [join(dir, 'migrations')],
      transaction: 'all',
      lockTimeoutSeconds: 10,
      versionTable: 'retort_version',
    });
    expect(analytics).toMatchObject({
      name: 'analytics',
      url: `sqlite:${join(dir, 'analytics.db')}`,
      dbSchema: undefined,
      migrations: [join(dir, 'migrations'), join(dir, 'analytics/migrations')],
      transaction: 'none',
      lockTimeoutSeconds: 10,
    });
  });

  it('selects by --target, --all-targets, or asks for one', async () => {
    const loaded = await loadConfig({ cwd: project(STATIC) });
    expect(names(await selectTargets(loaded, { target: 'analytics' }))).toEqual(['analytics']);
    expect(names(await selectTargets(loaded, { all: true }))).toEqual(['main', 'analytics']);
    const none = await rejection(selectTargets(loaded), 'BadArgument');
    expect(none.message).toBe('The config names several targets (main, analytics); choose which to run on.');
    expect(none.hint).toBe('Pass --target NAME or --all-targets, or set `defaultTarget` in the config.');
    await rejection(selectTargets(loaded, { target: 'main', all: true }), 'BadArgument');
  });

  it('lists the names for an unknown target and suggests the closest', async () => {
    const loaded = await loadConfig({ cwd: project(STATIC) });
    const error = await rejection(selectTargets(loaded, { target: 'analytic' }), 'UnknownTarget');
    expect(error.message).toBe("Unknown target 'analytic'; the config has main, analytics.");
    expect(error.hint).toBe("Did you mean 'analytics'?");
    expect(error.fields).toMatchObject({ target: 'analytic', targets: ['main', 'analytics'] });
    expect(error.exitCode).toBe(2);
  });

  it('uses defaultTarget when no target is named, and checks that it exists', async () => {
    const withDefault = project(STATIC.replace('targets: {', "defaultTarget: 'analytics',\n  targets: {"));
    expect(names(await selectTargets(await loadConfig({ cwd: withDefault })))).toEqual(['analytics']);
    const wrong = project(STATIC.replace('targets: {', "defaultTarget: 'mian',\n  targets: {"));
    const error = await rejection(loadConfig({ cwd: wrong }), 'UnknownTarget');
    expect(error.fields['key']).toBe('defaultTarget');
    expect(error.hint).toBe("Did you mean 'main'?");
  });

  it('applies --url to a single selected target but refuses it for several', async () => {
    const loaded = await loadConfig({ cwd: project(STATIC), url: 'postgres://other@db9/x' });
    const [main] = await selectTargets(loaded, { target: 'main' });
    expect(main!.url).toBe('postgres://other@db9/x');
    expect(main!.dbSchema).toBe('app');
    const error = await rejection(selectTargets(loaded, { all: true }), 'BadArgument');
    expect(error.message).toBe('--url with --all-targets would run every target against the same database.');
  });

  it('names the target whose URL is missing, and rejects empty targets', async () => {
    const error = await rejection(loadConfig({ cwd: project("export default { targets: { a: { url: 'sqlite:a' }, b: {} } };") }), 'ConfigInvalid');
    expect(error.message).toBe("retort.config.mjs: no database URL for target 'b': `url` is not set.");
    expect(error.fields).toMatchObject({ key: 'url', target: 'b' });
    const empty = await rejection(loadConfig({ cwd: project('export default { targets: {} };') }), 'ConfigInvalid');
    expect(empty.message).toBe('retort.config.mjs: `targets` is empty.');
  });

  it('rejects defaultTarget without targets', async () => {
    const error = await rejection(loadConfig({ cwd: project("export default { url: 'sqlite:a', defaultTarget: 'a' };") }), 'ConfigInvalid');
    expect(error.fields['key']).toBe('defaultTarget');
  });
});

describe('computed targets', () => {
  const TENANTS = `
globalThis.__retortTenantCalls ??= 0;
export default {
  url: 'postgres://app@db/saas',
  targets: async ({ xArgs, configPath }) => {
    globalThis.__retortTenantCalls += 1;
    await new Promise((r) => setTimeout(r, 5));
    const tenants = xArgs.only ? [xArgs.only] : ['acme', 'globex'];
    return tenants.map((t) => ({ name: t, dbSchema: 'tenant_' + t, historyTable: configPath.endsWith('.mjs') ? 'h' : 'x' }));
  },
};`;

  it('computes the targets once, with the -x arguments, over the top-level defaults', async () => {
    const g = globalThis as { __retortTenantCalls?: number };
    g.__retortTenantCalls = 0;
    const loaded = await loadConfig({ cwd: project(TENANTS) });
    expect(loaded.isMulti).toBe(true);
    expect(typeof loaded.targets).toBe('function');
    expect(g.__retortTenantCalls).toBe(0); // not computed until a command needs the targets
    const all = await selectTargets(loaded, { all: true });
    expect(all.map((t) => [t.name, t.dbSchema, t.url, t.historyTable])).toEqual([
      ['acme', 'tenant_acme', 'postgres://app@db/saas', 'h'],
      ['globex', 'tenant_globex', 'postgres://app@db/saas', 'h'],
    ]);
    expect(names(await selectTargets(loaded, { target: 'globex' }))).toEqual(['globex']);
    await rejection(selectTargets(loaded, { target: 'initech' }), 'UnknownTarget');
    expect(g.__retortTenantCalls).toBe(1);

    const one = await loadConfig({ cwd: project(TENANTS), xArgs: ['only=initech'] });
    expect(names(await selectTargets(one, { all: true }))).toEqual(['initech']);
  });

  it('accepts a map, and an empty list (no tenants yet)', async () => {
    const map = await loadConfig({ cwd: project("export default { url: 'sqlite::memory:', targets: () => ({ a: {}, b: { lockTimeout: 1 } }) };") });
    expect((await listTargets(map)).map((t) => [t.name, t.lockTimeoutSeconds])).toEqual([
      ['a', 60],
      ['b', 1],
    ]);
    const empty = await loadConfig({ cwd: project("export default { url: 'sqlite::memory:', targets: async () => [] };") });
    expect(await selectTargets(empty, { all: true })).toEqual([]);
  });

  it('validates what the function returns, naming the entry', async () => {
    const loaded = await loadConfig({
      cwd: project("export default { url: 'sqlite::memory:', targets: async () => [{ name: 'a' }, { name: 'b', dbSchema: 7 }] };"),
    });
    const error = await rejection(listTargets(loaded), 'ConfigInvalid');
    expect(error.message).toBe('retort.config.mjs: `targets[1].dbSchema` must be a non-empty string, got 7 (a number).');
  });

  it('reports a function that throws', async () => {
    const loaded = await loadConfig({ cwd: project("export default { url: 'sqlite::memory:', targets: async () => { throw new Error('tenant query failed'); } };") });
    const error = await rejection(listTargets(loaded), 'ConfigInvalid');
    expect(error.message).toBe('retort.config.mjs: the `targets` function failed: tenant query failed');
    expect(error.fields['key']).toBe('targets');
  });
});
