import { describe, expect, it } from 'vitest';
import { isRetortError } from '../../src/errors.js';
import { enumOf, integer, sql, text, varchar } from '../../src/schema/columns.js';
import { defineSchema, isSchemaDefinition } from '../../src/schema/define.js';
import { check, foreignKey, index, primaryKey, unique } from '../../src/schema/extras.js';
import { columnSpec } from '../../src/schema/model.js';
import { table } from '../../src/schema/table.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('table()', () => {
  it('builds the neutral spec of the contract example', () => {
    const userdata = table('userdata', {
      id: integer().primaryKey(),
      name: varchar(200),
      age: integer(),
    }, (t) => [index('ix_userdata_name').on(t.name)]);
    expect(userdata.spec).toEqual({
      name: 'userdata',
      columns: [
        { name: 'id', spec: columnSpec({ kind: 'integer' }, { primaryKey: true, nullable: false }) },
        { name: 'name', spec: columnSpec({ kind: 'varchar', length: 200 }) },
        { name: 'age', spec: columnSpec({ kind: 'integer' }) },
      ],
      constraints: [],
      indexes: [{ name: 'ix_userdata_name', columns: ['name'], unique: false }],
      options: {},
    });
    expect(Object.isFrozen(userdata.spec)).toBe(true);
  });

  it('takes table-level constraints, expression and partial indexes, and options', () => {
    const lines = table('order_lines', {
      tenant_id: integer().notNull(), order_id: integer().notNull(), email: text(), qty: integer(),
    }, (t) => [
      primaryKey().on(t.tenant_id, t.order_id),
      unique('uq_lines_email').on(t.email),
      check('ck_qty', sql`qty > 0`),
      foreignKey('fk_lines_order').on(t.order_id, t.tenant_id).references('orders', ['id', 'tenant_id'], { onDelete: 'cascade' }),
      index('ix_lines_email').on(sql`lower(email)`).unique().where('email IS NOT NULL'),
    ], { comment: 'lines', schema: 'sales', renamedFrom: 'lines' });
    expect(lines.spec.constraints).toEqual([
      { kind: 'primaryKey', columns: ['tenant_id', 'order_id'] },
      { kind: 'unique', name: 'uq_lines_email', columns: ['email'] },
      { kind: 'check', name: 'ck_qty', condition: 'qty > 0' },
      { kind: 'foreignKey', name: 'fk_lines_order', columns: ['order_id', 'tenant_id'], refTable: 'orders', refColumns: ['id', 'tenant_id'], onDelete: 'cascade' },
    ]);
    expect(lines.spec.indexes).toEqual([
      { name: 'ix_lines_email', columns: [{ expression: 'lower(email)' }], unique: true, where: 'email IS NOT NULL' },
    ]);
    expect(lines.spec).toMatchObject({ schema: 'sales', renamedFrom: 'lines', options: { comment: 'lines' } });
    // Options without extras go third.
    expect(table('x', { a: integer() }, { comment: 'c' }).spec.options).toEqual({ comment: 'c' });
  });

  it('refuses extras naming a column the table does not have', () => {
    const error = thrown(() => table('t', { a: integer() }, () => [index('ix_t_b').on('b')]));
    expect(isRetortError(error) && error.code).toBe('SchemaInvalid');
    expect((error as Error).message).toBe("Table 't': index 'ix_t_b' names column 'b', which the table does not have.");
    expect(isRetortError(thrown(() => table('t', { a: integer() }, () => [unique().on('a', 'zz')])))).toBe(true);
    expect(isRetortError(thrown(() => table('t', {})))).toBe(true);
  });
});

describe('defineSchema()', () => {
  const mood = enumOf('mood', ['happy', 'sad']);

  it('collects the tables and the enums their columns use, once each', () => {
    const a = table('a', { m: mood.notNull() });
    const b = table('b', { m: mood });
    const schema = defineSchema({ a, b });
    expect(schema.model.tables.map((t) => t.name)).toEqual(['a', 'b']);
    expect(schema.model.enums).toEqual([{ name: 'mood', values: ['happy', 'sad'] }]);
    expect(schema.tables.a).toBe(a);
    expect(isSchemaDefinition(schema)).toBe(true);
    expect(isSchemaDefinition({ tables: [] })).toBe(false);
  });

  it('refuses an enum declared twice with different values, and a table declared twice', () => {
    const a = table('a', { m: mood });
    const b = table('b', { m: enumOf('mood', ['happy']) });
    const error = thrown(() => defineSchema({ a, b }));
    expect(isRetortError(error) && error.code).toBe('SchemaInvalid');
    expect(isRetortError(error) && error.fields).toMatchObject({ enum: 'mood', table: 'b', column: 'm' });
    const again = thrown(() => defineSchema({ a, a2: table('a', { x: integer() }) }));
    expect(isRetortError(again) && again.code).toBe('SchemaInvalid');
  });
});
