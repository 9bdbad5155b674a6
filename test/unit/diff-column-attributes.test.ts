/**
 * Column charset, collation, ON UPDATE and generated expression; FULLTEXT / SPATIAL indexes;
 * table options: found by the diff in both directions, rendered as a person would write them, and
 * the rendered text re-runs to the very same operations.
 */
import { describe, expect, it } from 'vitest';
import { renderRevisionBody } from '../../src/autogen/render.js';
import type { Operation } from '../../src/ops/operations.js';
import { integer, sql, text, timestamp, varchar } from '../../src/schema/columns.js';
import { index } from '../../src/schema/extras.js';
import { table } from '../../src/schema/table.js';
import { model, runBody, outline, roundTrip } from './diff-support.js';


describe('column attributes in the diff and the renderer', () => {
  const before = table('users', {
    id: integer().primaryKey(),
    password: varchar(64).notNull().collate('utf8mb4_bin'),
    name: varchar(64).charset('latin1'),
    updated: timestamp().default(sql`CURRENT_TIMESTAMP`).onUpdate(sql`CURRENT_TIMESTAMP`),
    total: integer().generatedAlwaysAs(sql`id * 2`),
    body: text(),
  }, (t) => [index('ft_body').on(t.body).fulltext()], { engine: 'InnoDB', collate: 'utf8mb4_general_ci' });
  const after = table('users', {
    id: integer().primaryKey(),
    password: varchar(64).notNull(),
    name: varchar(64).charset('latin1').collate('latin1_bin'),
    updated: timestamp().default(sql`CURRENT_TIMESTAMP`),
    total: integer().generatedAlwaysAs(sql`id * 3`, { stored: true }),
    body: text(),
  }, (t) => [index('ft_body').on(t.body)], { engine: 'MyISAM', collate: 'utf8mb4_unicode_ci', rowFormat: 'COMPRESSED' });

  it('finds each change and undoes it, and re-asserts own collations around a table conversion', () => {
    const diff = roundTrip(model(before), model(after));
    expect(outline(diff.upgrade)).toEqual([
      'dropIndex users ft_body',
      'alterTableOptions users',
      'alterColumn users', // name: its own collation set again after the conversion
      'alterColumn users', // password
      'alterColumn users', // name
      'alterColumn users', // updated
      'alterColumn users', // total
      'createIndex users ft_body',
    ]);
    const changes = diff.upgrade.filter((o) => o.kind === 'alterColumn').map((o) => o.kind === 'alterColumn' && [o.column, o.changes]);
    expect(changes).toEqual([
      ['name', { charset: 'latin1', collation: 'latin1_bin' }],
      ['password', { collation: null }],
      ['name', { collation: 'latin1_bin' }],
      ['updated', { onUpdate: null }],
      ['total', { generated: { expression: 'id * 3', stored: true } }],
    ]);
    expect(diff.upgrade[1]).toMatchObject({ options: { engine: 'MyISAM', collate: 'utf8mb4_unicode_ci', rowFormat: 'COMPRESSED' } });
    // The downgrade converts back, then sets the own collations of the old table again.
    expect(outline(diff.downgrade).slice(-4)).toEqual(['alterTableOptions users', 'alterColumn users', 'alterColumn users', 'createIndex users ft_body']);
    expect(diff.downgrade.at(-4)).toMatchObject({ options: { engine: 'InnoDB', collate: 'utf8mb4_general_ci', rowFormat: null } });
    expect(diff.downgrade.slice(-3, -1).map((o) => o.kind === 'alterColumn' && [o.column, o.changes])).toEqual([
      ['name', { charset: 'latin1' }],
      ['password', { collation: 'utf8mb4_bin' }],
    ]);
  });

  it('renders them with the builders, and the text re-runs to the same operations', async () => {
    const diff = roundTrip(model(before), model(after));
    const out = renderRevisionBody(diff);
    expect(out.upgrade).toContain("await op.alterTableOptions('users', { engine: 'MyISAM', collate: 'utf8mb4_unicode_ci', rowFormat: 'COMPRESSED' });");
    expect(out.upgrade).toContain("    generated: { expression: sql`id * 3`, stored: true },\n    existingType: integer(),");
    expect(out.upgrade).toContain('    existingGenerated: { expression: sql`id * 2` },');
    expect(out.upgrade).toContain('    existingOnUpdate: sql`CURRENT_TIMESTAMP`,');
    expect(out.downgrade).toContain("await op.createIndex('ft_body', 'users', ['body'], { fulltext: true });");
    expect(out.downgrade).toContain("await op.alterTableOptions('users', { engine: 'InnoDB', collate: 'utf8mb4_general_ci', rowFormat: null });");
    expect(await runBody(out.upgrade, out.imports)).toEqual(diff.upgrade);
    expect(await runBody(out.downgrade, out.imports)).toEqual(diff.downgrade);
  });

  it('writes a created table with every attribute as builder chains', async () => {
    const diff = roundTrip(model(), model(before));
    const out = renderRevisionBody(diff);
    expect(out.upgrade).toContain("    password: varchar(64).notNull().collate('utf8mb4_bin'),");
    expect(out.upgrade).toContain("    name: varchar(64).charset('latin1'),");
    expect(out.upgrade).toContain('    updated: timestamp().default(sql`CURRENT_TIMESTAMP`).onUpdate(sql`CURRENT_TIMESTAMP`),');
    expect(out.upgrade).toContain('    total: integer().generatedAlwaysAs(sql`id * 2`),');
    expect(out.upgrade).toContain("  }, { engine: 'InnoDB', collate: 'utf8mb4_general_ci' });");
    expect(await runBody(out.upgrade, out.imports)).toEqual(diff.upgrade);
  });
});
