import { describe, expect, it } from 'vitest';
import { validateConfig, validateTargets } from '../../src/config/validate.js';
import { RetortError } from '../../src/errors.js';

const source = { file: '/proj/retort.config.ts', shownAs: 'retort.config.ts' };

function invalid(fn: () => unknown): RetortError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RetortError);
    expect((error as RetortError).code).toBe('ConfigInvalid');
    expect((error as RetortError).exitCode).toBe(2);
    return error as RetortError;
  }
  throw new Error('did not throw');
}

const check = (config: unknown) => invalid(() => validateConfig(config, source));

describe('validateConfig', () => {
  it('accepts a full config, and undefined values as absent', () => {
    const config = {
      url: 'sqlite:./app.db',
      migrations: ['./migrations', './plugins/x/migrations'],
      schema: './src/schema.ts',
      dbSchema: 'public',
      versionTable: 'alembic_version',
      historyTable: 'retort_history',
      transaction: 'all',
      revisionIds: 'sequential',
      lockTimeout: 0,
      fileTemplate: '{year}{month}{day}_{rev}_{slug}',
      defaultTarget: undefined,
    };
    expect(validateConfig(config, source)).toBe(config);
    expect(validateConfig({ url: undefined }, source)).toEqual({ url: undefined });
  });

  it('names a bad enum value, what is allowed, and the closest value', () => {
    const error = check({ transaction: 'per_migration' });
    expect(error.message).toBe("retort.config.ts: `transaction` must be 'per-migration', 'all' or 'none', got 'per_migration'.");
    expect(error.hint).toBe("Did you mean 'per-migration'?");
    expect(error.fields).toEqual({ file: '/proj/retort.config.ts', key: 'transaction', suggestion: 'per-migration' });
  });

  it('suggests the closest key for a typo', () => {
    const error = check({ migration: './migrations' });
    expect(error.message).toBe('retort.config.ts: unknown key `migration`; did you mean `migrations`?');
    expect(error.fields).toMatchObject({ file: '/proj/retort.config.ts', key: 'migration', suggestion: 'migrations' });
    expect(check({ version_table: 'v' }).message).toContain('did you mean `versionTable`?');
    expect(check({ lockTimout: 5 }).message).toContain('did you mean `lockTimeout`?');
    expect(check({ DBSchema: 'x' }).message).toContain('did you mean `dbSchema`?');
  });

  it('lists the known keys when nothing is close', () => {
    const error = check({ plugins: [] });
    expect(error.message).toBe('retort.config.ts: unknown key `plugins`');
    expect(error.hint).toContain('url, migrations, schema, dbSchema, createDbSchema, versionTable, historyTable, transaction, revisionIds, lockTimeout, lockLease, connectTimeout, keepalive, statementIdleTimeout, lockWaitTimeout, statementTimeout, lockWaitRetries, fileTemplate, autogenerate, targets, defaultTarget');
  });

  it.each([
    [{ lockTimeout: '30' }, "`lockTimeout` must be a number of seconds (0 or more), got '30'."],
    [{ lockTimeout: -1 }, '`lockTimeout` must be a number of seconds (0 or more), got -1 (a number).'],
    [{ migrations: [] }, '`migrations` must be a folder path or a non-empty array of folder paths, got an empty array.'],
    [{ migrations: ['./m', 3] }, '`migrations` must be a folder path or a non-empty array of folder paths, got an array.'],
    [{ schema: true }, '`schema` must be a non-empty string, got true (a boolean).'],
    [{ dbSchema: null }, '`dbSchema` must be a non-empty string, got null.'],
    [{ versionTable: '' }, "`versionTable` must be a non-empty string, got ''."],
    [{ revisionIds: 'uuid' }, "`revisionIds` must be 'random', 'sequential' or 'date', got 'uuid'."],
    [{ targets: 'main' }, "`targets` must be an object of named targets, an array of targets with `name`, or a function returning either, got 'main'."],
    [{ fileTemplate: '{rev}_{slg}' }, '`fileTemplate` must be a file name pattern using {rev}, {slug}, {year}, {month}, {day}, {hour}, {minute}, {second}, {epoch}, got'],
    [{ fileTemplate: 'sub/{rev}' }, '(no folders)'],
  ])('explains %j', (config, text) => {
    expect(check(config).message).toContain(text);
  });

  it('never shows the value of url', () => {
    const error = check({ url: ['postgres://u:hunter2@h/db'] });
    expect(error.message).toBe('retort.config.ts: `url` must be a non-empty string, got an array.');
    expect(check({ url: 123456 }).message).toBe('retort.config.ts: `url` must be a non-empty string, got a number.');
  });

  it('rejects a config that is not an object', () => {
    expect(check([]).message).toBe('retort.config.ts: the config must be an object (`export default defineConfig({ ... })`), got an empty array.');
    expect(check('sqlite:x').fields['key']).toBe('');
  });

  it('rejects one table for both version and history', () => {
    expect(check({ versionTable: 'v', historyTable: 'v' }).fields['key']).toBe('historyTable');
  });
});

describe('validateTargets', () => {
  it('gives named targets in declaration order, from a map or a list', () => {
    expect(validateTargets({ main: { url: 'sqlite:a' }, analytics: {} }, source)).toEqual([
      { name: 'main', url: 'sqlite:a' },
      { name: 'analytics' },
    ]);
    expect(validateTargets([{ name: 't1', dbSchema: 't1' }], source)).toEqual([{ name: 't1', dbSchema: 't1' }]);
  });

  it('names the target and the key', () => {
    const error = invalid(() => validateTargets({ main: { dbschema: 'x' } }, source));
    expect(error.message).toBe('retort.config.ts: unknown key `targets.main.dbschema`; did you mean `targets.main.dbSchema`?');
    expect(error.fields['key']).toBe('targets.main.dbschema');
    const listed = invalid(() => validateTargets([{ name: 'a' }, { name: 'b', transaction: 'al' }], source));
    expect(listed.message).toBe("retort.config.ts: `targets[1].transaction` must be 'per-migration', 'all' or 'none', got 'al'.");
    const quoted = invalid(() => validateTargets({ 'acme corp': { lockTimeout: 'x' } }, source));
    expect(quoted.fields['key']).toBe('targets["acme corp"].lockTimeout');
  });

  it('rejects nested targets, missing or duplicate names', () => {
    expect(invalid(() => validateTargets({ a: { targets: {} } }, source)).message).toContain('unknown key `targets.a.targets`');
    expect(invalid(() => validateTargets([{ url: 'sqlite:a' }], source)).message).toBe(
      'retort.config.ts: `targets[0].name` must be a non-empty string without surrounding spaces, got undefined.',
    );
    expect(invalid(() => validateTargets([{ name: 'a' }, { name: 'a' }], source)).message).toBe(
      "retort.config.ts: two targets are named 'a'; names must be unique.",
    );
    expect(invalid(() => validateTargets({ a: 'sqlite:x' }, source)).message).toContain('`targets.a` must be an object of target settings');
  });
});
