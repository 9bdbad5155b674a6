import { describe, expect, it } from 'vitest';
import { resolveAutogenerate } from '../../src/config/autogenerate.js';
import { validateConfig, validateTargets } from '../../src/config/validate.js';
import { RetortError } from '../../src/errors.js';

const source = { file: '/proj/retort.config.ts', shownAs: 'retort.config.ts' };

function configError(config: unknown): RetortError {
  try {
    validateConfig(config, source);
  } catch (error) {
    expect(error).toBeInstanceOf(RetortError);
    return error as RetortError;
  }
  throw new Error('did not throw');
}

describe('the autogenerate key of a config', () => {
  it('accepts name patterns, predicates, schemas and a rewrite hook', () => {
    const config = {
      url: 'sqlite:./app.db',
      autogenerate: { include: ['orders', 'audit_*'], exclude: (t: string) => t.startsWith('tmp_'), schemas: ['public', 'reporting'], rewrite: (ops: unknown[]) => ops },
    };
    expect(validateConfig(config, source)).toBe(config);
    expect(validateTargets({ a: { autogenerate: { exclude: ['legacy_*'] } } }, source)[0]?.autogenerate).toEqual({ exclude: ['legacy_*'] });
  });

  it('names the bad key and what it allows', () => {
    const unknown = configError({ autogenerate: { includes: ['x'] } });
    expect(unknown.code).toBe('ConfigInvalid');
    expect(unknown.fields['key']).toBe('autogenerate');
    expect(unknown.message).toContain('`includes` is not one of them');
    expect(configError({ autogenerate: { include: 'orders' } }).message).toContain('`include` must be an array of name patterns or a function');
    expect(configError({ autogenerate: { schemas: [''] } }).message).toContain('`schemas` must be an array of non-empty names');
    expect(configError({ autogenerate: { rewrite: true } }).message).toContain('`rewrite` must be a function');
    expect(configError({ autogenerate: ['x'] }).fields['key']).toBe('autogenerate');
  });
});

describe('resolveAutogenerate', () => {
  it('includes everything by default', () => {
    const resolved = resolveAutogenerate(undefined);
    expect(resolved.includes('anything', undefined)).toBe(true);
    expect(resolved.schemas).toBeUndefined();
    expect(resolved.rewrite).toBeUndefined();
  });

  it('matches globs on the table name, and schema.table patterns on both', () => {
    const { includes } = resolveAutogenerate({ include: ['orders', 'audit_*', 'reporting.*'], exclude: ['audit_tmp*'] });
    expect(includes('orders', undefined)).toBe(true);
    expect(includes('orders_old', undefined)).toBe(false);
    expect(includes('audit_log', 'public')).toBe(true);
    expect(includes('audit_tmp1', 'public')).toBe(false);
    expect(includes('daily', 'reporting')).toBe(true);
    expect(includes('daily', 'public')).toBe(false);
    expect(includes('daily', undefined)).toBe(false);
  });

  it('treats regex characters in patterns literally', () => {
    const { includes } = resolveAutogenerate({ include: ['a+b', 'x.y'] });
    expect(includes('a+b', undefined)).toBe(true);
    expect(includes('aab', undefined)).toBe(false);
    expect(includes('y', 'x')).toBe(true);
    expect(includes('xzy', undefined)).toBe(false);
  });

  it('applies exclude after include, with predicates', () => {
    const { includes } = resolveAutogenerate({ include: (t) => t.length > 2, exclude: (_t, schema) => schema === 'secret' });
    expect(includes('ab', undefined)).toBe(false);
    expect(includes('abc', 'public')).toBe(true);
    expect(includes('abc', 'secret')).toBe(false);
  });
});
