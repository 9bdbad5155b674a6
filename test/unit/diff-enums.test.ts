import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import { enumOf, integer } from '../../src/schema/columns.js';
import { applyOperations } from '../../src/schema/apply.js';
import { table } from '../../src/schema/table.js';
import { model, outline } from './diff-support.js';

const moods = (values: readonly string[]) => table('people', { id: integer().primaryKey(), mood: enumOf('mood', values) });

describe('diffSchemas: enums', () => {
  it('adds new values next to their declared neighbours; the downgrade says it cannot remove them', () => {
    const from = model(moods(['happy', 'sad']));
    const to = model(moods(['meh', 'happy', 'sad', 'angry']));
    const diff = diffSchemas(from, to);
    expect(diff.upgrade).toEqual([
      { kind: 'addEnumValue', name: 'mood', value: 'meh', before: 'happy', ifNotExists: true },
      { kind: 'addEnumValue', name: 'mood', value: 'angry', after: 'sad', ifNotExists: true },
    ]);
    expect(diff.downgrade).toEqual([]);
    expect(diff.warnings.map((w) => [w.code, w.direction])).toEqual([
      ['enumValueNotRemovable', 'downgrade'], ['enumValueNotRemovable', 'downgrade'],
    ]);
    expect(applyOperations(from, diff.upgrade).enums).toEqual([{ name: 'mood', values: ['meh', 'happy', 'sad', 'angry'] }]);
    expect(diffSchemas(applyOperations(from, diff.upgrade), to).upgrade).toEqual([]);
  });

  it('asks for a hand-written migration when values are removed or reordered', () => {
    for (const values of [['happy'], ['sad', 'happy']]) {
      const diff = diffSchemas(model(moods(['happy', 'sad'])), model(moods(values)));
      expect(diff.upgrade).toEqual([]);
      expect(diff.warnings).toHaveLength(1);
      expect(diff.warnings[0]).toMatchObject({ code: 'enumValuesChanged', direction: 'upgrade' });
      expect(diff.warnings[0]?.message).toContain('write this migration by hand');
    }
  });

  it('drops an enum no table uses any more, after the table', () => {
    const plain = table('people', { id: integer().primaryKey() });
    const diff = diffSchemas(model(moods(['a'])), model(plain));
    expect(outline(diff.upgrade)).toEqual(['dropColumn people', 'dropEnum mood']);
    expect(outline(diff.downgrade)).toEqual(['createEnum mood', 'addColumn people']);
  });

  it('without named enums, compares enum columns by their values', () => {
    const diff = diffSchemas(model(moods(['happy', 'sad'])), model(moods(['happy', 'sad', 'meh'])), { namedEnums: false });
    expect(diff.upgrade).toMatchObject([{ kind: 'alterColumn', column: 'mood', changes: { type: { kind: 'enum', values: ['happy', 'sad', 'meh'] } } }]);
    expect(diffSchemas(model(), model(moods(['a'])), { namedEnums: false }).upgrade.map((op) => op.kind)).toEqual(['createTable']);
  });
});
