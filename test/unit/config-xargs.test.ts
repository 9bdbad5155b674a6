import { describe, expect, it } from 'vitest';
import { parseXArgs } from '../../src/config/xargs.js';
import { defineConfig, type RetortConfig } from '../../src/config/index.js';
import { RetortError } from '../../src/errors.js';

describe('parseXArgs', () => {
  it('splits at the first =, keeping empty values and = in values', () => {
    expect(parseXArgs(['tenant=acme', 'empty=', 'dsn=a=b=c', 'path=/x y'])).toEqual({
      tenant: 'acme',
      empty: '',
      dsn: 'a=b=c',
      path: '/x y',
    });
  });

  it('lets the last of a repeated key win', () => {
    expect(parseXArgs(['k=1', 'k=2'])).toEqual({ k: '2' });
  });

  it('gives an empty object for no arguments', () => {
    expect(parseXArgs([])).toEqual({});
  });

  it.each([['tenant'], ['=value'], [' key=v'], ['key =v'], ['']])('rejects %j', (entry) => {
    let error: unknown;
    try {
      parseXArgs(['ok=1', entry]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetortError);
    expect((error as RetortError).code).toBe('BadArgument');
    expect((error as RetortError).message).toBe(`Bad -x argument \`${entry}\`: expected KEY=VALUE with a non-empty key.`);
    expect((error as RetortError).fields).toEqual({ argument: entry });
    expect((error as RetortError).exitCode).toBe(2);
  });
});

describe('defineConfig', () => {
  it('returns the config unchanged, keeping its literal types', () => {
    const config = { url: 'sqlite:./app.db', transaction: 'all', targets: { a: { dbSchema: 'a' } } } as const;
    const defined = defineConfig(config);
    expect(defined).toBe(config);
    const mode: 'all' = defined.transaction;
    expect(mode).toBe('all');
    // A computed `targets` gets its context typed without annotations.
    const computed = defineConfig({
      url: 'postgres://app@db/saas',
      targets: async ({ xArgs }) => [{ name: xArgs['tenant'] ?? 'acme', dbSchema: 'tenant' }],
    });
    expect(typeof computed.targets).toBe('function');
    // @ts-expect-error: not a transaction mode
    const bad: RetortConfig = { transaction: 'per_migration' };
    expect(bad).toBeDefined();
  });
});
