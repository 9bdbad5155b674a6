/**
 * The pure rules of the PostgreSQL kinds of h-pgtypes, without a server: which changes are made
 * in place, how defaults of a sequence fill in, how policy and domain texts compare, and the DDL
 * each writes (the integration tests run that DDL on the real server).
 */
import { describe, expect, it } from 'vitest';
import { check, compositeType, domain, extension, policy, sequence, sql } from '../../src/index.js';
import { postgresDialect } from '../../src/dialects/postgres/index.js';
import { postgresObjectsEqual, postgresObjectsInPlace } from '../../src/dialects/postgres/objects/index.js';
import type { Operation } from '../../src/ops/operations.js';
import { defineSchema, integer, rawType, table } from '../../src/index.js';
import { pgDiff } from '../support/pg-autogen.js';

const compile = (op: Operation) => postgresDialect.compiler.compile(op, { defaultSchema: 'public' });

describe('PostgreSQL type objects', () => {
  it('a sequence compares with PostgreSQL\'s defaults filled in', () => {
    const live = sequence('s', { start: 1, increment: 1, minValue: 1, maxValue: '9223372036854775807', cache: 1 });
    expect(postgresObjectsEqual(live, sequence('s'))).toBe(true);
    expect(postgresObjectsEqual(sequence('s', { increment: -1, start: -1, maxValue: -1 }), sequence('s', { increment: -1 }))).toBe(true);
    expect(postgresObjectsEqual(sequence('s', { type: 'integer' }), sequence('s'))).toBe(false);
    expect(postgresObjectsInPlace(sequence('s'), sequence('s', { cycle: true }))).toBe(true);
  });

  it('a sequence is created with every setting, altered with only what changed', async () => {
    expect(await compile({ kind: 'createObject', object: sequence('s', { start: 100 }) })).toEqual([
      'CREATE SEQUENCE "public"."s" AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 100 CACHE 1 NO CYCLE',
    ]);
    expect(await compile({ kind: 'alterObject', from: sequence('s'), to: sequence('s', { increment: 10, comment: 'x' }) })).toEqual([
      'ALTER SEQUENCE "public"."s" INCREMENT BY 10',
      'COMMENT ON SEQUENCE "public"."s" IS \'x\'',
    ]);
  });

  it('a composite type changes in place only while the kept attributes keep their order', () => {
    const ab = compositeType('p', [{ name: 'a', type: 'integer' }, { name: 'b', type: 'text' }]);
    expect(postgresObjectsInPlace(ab, compositeType('p', [{ name: 'a', type: 'bigint' }, { name: 'c', type: 'date' }]))).toBe(true);
    expect(postgresObjectsInPlace(ab, compositeType('p', [{ name: 'b', type: 'text' }, { name: 'a', type: 'integer' }]))).toBe(false);
    expect(postgresObjectsInPlace(ab, compositeType('p', [{ name: 'c', type: 'date' }, { name: 'a', type: 'integer' }]))).toBe(false);
    expect(postgresObjectsEqual(ab, compositeType('p', [{ name: 'a', type: 'int4' }, { name: 'b', type: 'text' }]))).toBe(true);
  });

  it('domain CHECKs and defaults compare after normalisation; a new base type is no change in place', async () => {
    const live = domain('year', 'integer', { default: '1901', checks: [check('year_check', '((VALUE >= 1901) AND (VALUE <= 2155))')] });
    const declared = domain('year', 'int4', { default: sql`1901`, checks: [check('year_check', sql`VALUE >= 1901 AND VALUE <= 2155`)] });
    expect(postgresObjectsEqual(live, declared)).toBe(true);
    expect(postgresObjectsEqual(live, domain('year', 'integer', { default: sql`1901`, checks: [check('year_check', sql`VALUE >= 1900`)] }))).toBe(false);
    expect(postgresObjectsInPlace(live, domain('year', 'bigint'))).toBe(false);
    expect(await compile({ kind: 'alterObject', from: live, to: domain('year', 'integer', { notNull: true, checks: [check('year_check', sql`VALUE >= 1900`)] }) })).toEqual([
      'ALTER DOMAIN "public"."year" DROP CONSTRAINT "year_check"',
      'ALTER DOMAIN "public"."year" DROP DEFAULT',
      'ALTER DOMAIN "public"."year" SET NOT NULL',
      'ALTER DOMAIN "public"."year" ADD CONSTRAINT "year_check" CHECK (VALUE >= 1900)',
    ]);
  });

  it('an extension compares its version and comment only when declared', () => {
    const live = { ...extension('citext', { version: '1.6', comment: 'data type for case-insensitive strings' }) };
    expect(postgresObjectsEqual(live, extension('citext'))).toBe(true);
    expect(postgresObjectsEqual(live, extension('citext', { version: '1.5' }))).toBe(false);
    expect(postgresObjectsEqual(live, extension('citext', { schema: 'ext' }))).toBe(false);
  });

  it('policies compare roles as a set and expressions normalised; a clause that goes is no change in place', async () => {
    const live = policy('p', { table: 't', roles: ['b', 'a'], using: '(owner = CURRENT_USER)' });
    expect(postgresObjectsEqual(live, policy('p', { table: 't', roles: ['a', 'b'], using: sql`owner = current_user` }))).toBe(true);
    expect(postgresObjectsEqual(policy('p', { table: 't', roles: ['public'] }), policy('p', { table: 't' }))).toBe(true);
    expect(postgresObjectsInPlace(live, policy('p', { table: 't', withCheck: sql`true` }))).toBe(false);
    expect(postgresObjectsInPlace(live, policy('p', { table: 't', command: 'select', using: sql`true` }))).toBe(false);
    expect(await compile({ kind: 'createObject', object: policy('p', { table: 't', command: 'select', permissive: false, using: sql`qty > 0` }) })).toEqual([
      'CREATE POLICY "p" ON "public"."t" AS RESTRICTIVE FOR SELECT TO PUBLIC USING (qty > 0)',
    ]);
  });

  it('warns before re-creating a domain that columns use, and before going back to an extension version', () => {
    const film = table('film', { id: integer().primaryKey(), release_year: rawType('year') });
    const live = defineSchema({ film, year: domain('year', 'integer'), citext: extension('citext', { version: '1.5' }) }).model;
    const declared = defineSchema({ film, year: domain('year', 'bigint'), citext: extension('citext', { version: '1.6' }) }).model;
    const warnings = pgDiff(live, declared).warnings.map((w) => `${w.direction} ${w.code}: ${w.message}`);
    expect(warnings).toContain('upgrade unsupportedChange: re-creates the domain year, which film.release_year uses: PostgreSQL refuses to drop it while they do; change those columns first');
    expect(warnings).toContain('downgrade unsupportedChange: goes back to version 1.5 of extension citext: most extensions ship no downgrade script, so this may fail');
  });
});
