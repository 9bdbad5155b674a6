/**
 * `applyOperations(model, ops)`: replay operations on a neutral model, without a database. It
 * tells what schema a list of revisions leads to (the diff's round-trip tests use it: applying
 * the downgrade to the target must give the source back).
 */
import { RetortError } from '../errors.js';
import type { AlterIndexOp, Operation } from '../ops/operations.js';
import { conventionalName, indexOf } from '../autogen/normalize.js';
import type { ColumnSpec, ConstraintSpec, NamedColumn, SchemaModel, StorageParameters, TableSpec } from './model.js';
import { constraintColumns, elementColumn, renameConstraintColumns, renameElement } from './elements.js';
import type { ObjectRef, SchemaObject } from './objects.js';
import { describeObject, objectRef } from './objects.js';

const refKey = (r: ObjectRef) => JSON.stringify([r.kind, r.schema ?? '', r.table ?? '', r.name, r.args ?? '']);

/** The model's objects with `ref` replaced by `next` (or removed when `next` is undefined). */
function withObject(model: SchemaModel, ref: ObjectRef, next: SchemaObject | undefined, mustExist: boolean): SchemaModel {
  const objects = model.objects ?? [];
  const key = refKey(ref);
  const index = objects.findIndex((o) => refKey(objectRef(o)) === key);
  if (index < 0 && mustExist) {
    throw new RetortError('BadArgument', `Cannot apply the operation: the ${describeObject(ref)} does not exist.`, {
      fields: { kind: ref.kind, name: ref.name },
      hint: 'The operations do not match the schema they are applied to.',
    });
  }
  const list = [...objects];
  if (index < 0) list.push(next as SchemaObject);
  else if (next === undefined) list.splice(index, 1);
  else list[index] = next;
  return { ...model, objects: list };
}

function missing(what: string, name: string): RetortError {
  return new RetortError('BadArgument', `Cannot apply the operation: ${what} '${name}' does not exist.`, {
    fields: { [what]: name },
    hint: 'The operations do not match the schema they are applied to.',
  });
}

function sameTable(t: TableSpec, name: string, schema: string | undefined): boolean {
  return t.name === name && t.schema === schema;
}

/**
 * The table without the constraint `name`. A constraint declared without a name is found by the
 * conventional name the diff gives it (a database would have named it; a model cannot know how).
 */
function withoutConstraint(table: TableSpec, name: string): TableSpec {
  const named = table.constraints.some((c) => c.name === name);
  const matches = (c: ConstraintSpec) => (named ? c.name === name : c.name === undefined && conventionalName(table.name, c) === name);
  const constraints = table.constraints.filter((c) => !matches(c));
  const columns = table.columns.map((c): NamedColumn => {
    const ref = c.spec.references;
    let spec: ColumnSpec = c.spec;
    if (ref !== undefined && (ref.name === name || (ref.name === undefined && !named &&
      conventionalName(table.name, { kind: 'foreignKey', columns: [c.name], refTable: ref.table, refColumns: [ref.column] }) === name))) {
      spec = { ...spec, references: undefined };
    }
    if (spec.unique && !named && conventionalName(table.name, { kind: 'unique', columns: [c.name] }) === name) spec = { ...spec, unique: false };
    return spec === c.spec ? c : { name: c.name, spec };
  });
  return { ...table, constraints, columns };
}

/** An index (or a key, through its index) after `ALTER INDEX ... RENAME TO`, `SET (...)`, `RESET (...)`. */
function alteredIndex<T extends { readonly name?: string; readonly with?: StorageParameters }>(ix: T, op: AlterIndexOp): T {
  const storage: Record<string, string> = { ...(ix.with ?? {}) };
  for (const [k, v] of Object.entries(op.with ?? {})) if (v === null) delete storage[k]; else storage[k] = v;
  const { with: _w, ...rest } = ix;
  return { ...rest, name: op.rename ?? ix.name, ...(Object.keys(storage).length > 0 ? { with: storage } : {}) } as T;
}

function alterTable(table: TableSpec, op: Operation): TableSpec {
  switch (op.kind) {
    case 'renameTable':
      return { ...table, name: op.newName };
    case 'addColumn':
      return { ...table, columns: [...table.columns, op.column] };
    case 'dropColumn':
      if (!table.columns.some((c) => c.name === op.column)) throw missing('column', op.column);
      return {
        ...table,
        columns: table.columns.filter((c) => c.name !== op.column),
        indexes: table.indexes.filter((ix) => !ix.columns.some((e) => elementColumn(e) === op.column) && !(ix.include ?? []).includes(op.column)),
        constraints: table.constraints.filter((c) => !constraintColumns(c).includes(op.column)),
      };
    case 'alterColumn': {
      const { newName, using: _using, ...changes } = op.changes;
      if (!table.columns.some((c) => c.name === op.column)) throw missing('column', op.column);
      const rename = (c: string) => (c === op.column && newName ? newName : c);
      const columns = table.columns.map((c): NamedColumn => {
        if (c.name !== op.column) return c;
        const spec: Record<string, unknown> = { ...c.spec };
        for (const [k, v] of Object.entries(changes)) spec[k] = v === null ? undefined : v;
        return { name: newName ?? c.name, spec: spec as unknown as ColumnSpec };
      });
      const constraints = table.constraints.map((c): ConstraintSpec => renameConstraintColumns(c, rename));
      const indexes = table.indexes.map((ix) => ({
        ...ix, columns: ix.columns.map((e) => renameElement(e, rename)),
        ...(ix.include === undefined ? {} : { include: ix.include.map(rename) }),
      }));
      return { ...table, columns, constraints, indexes };
    }
    case 'createIndex':
      return { ...table, indexes: [...table.indexes, indexOf(op)] };
    case 'alterIndex':
      // Renaming one of PostgreSQL's own partition indexes (not in the model) changes nothing the model holds.
      return {
        ...table,
        indexes: table.indexes.map((ix) => (ix.name === op.name ? alteredIndex(ix, op) : ix)),
        // A key's index renamed (or re-parametered) changes the key with it (a partition's own key).
        constraints: table.constraints.map((c) => (c.name === op.name && c.kind !== 'check' && c.kind !== 'foreignKey' ? alteredIndex(c, op) : c)),
      };
    case 'dropIndex':
      if (!table.indexes.some((ix) => ix.name === op.name)) throw missing('index', op.name);
      return { ...table, indexes: table.indexes.filter((ix) => ix.name !== op.name) };
    case 'addConstraint':
      return { ...table, constraints: [...table.constraints, op.constraint] };
    case 'dropConstraint': {
      if (op.type === 'primaryKey' && !table.constraints.some((c) => c.name === op.name)) {
        // A primary key declared on columns has no constraint entry: clear the flags.
        return { ...table, columns: table.columns.map((c) => ({ name: c.name, spec: { ...c.spec, primaryKey: false } })) };
      }
      return withoutConstraint(table, op.name);
    }
    case 'setTableComment':
      return { ...table, options: { ...table.options, comment: op.comment ?? undefined } };
    case 'alterTableOptions': {
      const options: Record<string, unknown> = { ...table.options };
      for (const [k, v] of Object.entries(op.options)) options[k] = v ?? undefined;
      return { ...table, options };
    }
    case 'setTableOptions': {
      const storage: Record<string, string> = { ...(table.options.with ?? {}) };
      for (const [k, v] of Object.entries(op.with ?? {})) {
        if (v === null) delete storage[k];
        else storage[k] = v;
      }
      const unlogged = op.unlogged ?? table.options.unlogged;
      const { with: _w, unlogged: _u, ...rest } = table.options;
      return { ...table, options: { ...rest, ...(unlogged ? { unlogged: true } : {}), ...(Object.keys(storage).length > 0 ? { with: storage } : {}) } };
    }
    case 'setRowLevelSecurity': {
      const { rowLevelSecurity: _rls, ...options } = table.options;
      return { ...table, options: op.security.enabled || op.security.forced ? { ...options, rowLevelSecurity: op.security } : options };
    }
    default:
      return table;
  }
}

/**
 * Foreign keys follow a renamed table or column, as they do in the databases: point every key
 * that referenced `table` (or its column `column`) at the new name.
 */
function followRename(model: SchemaModel, table: string, newTable: string, column?: string, newColumn?: string): SchemaModel {
  const col = (c: string) => (column !== undefined && c === column && newColumn !== undefined ? newColumn : c);
  const tables = model.tables.map((t): TableSpec => ({
    ...t,
    columns: t.columns.map((c): NamedColumn => {
      const ref = c.spec.references;
      if (ref === undefined || ref.table !== table) return c;
      return { name: c.name, spec: { ...c.spec, references: { ...ref, table: newTable, column: col(ref.column) } } };
    }),
    constraints: t.constraints.map((c): ConstraintSpec =>
      c.kind === 'foreignKey' && c.refTable === table ? { ...c, refTable: newTable, refColumns: c.refColumns.map(col) } : c),
  }));
  return { ...model, tables };
}

/** Apply one operation to `model`. */
export function applyOperation(model: SchemaModel, op: Operation): SchemaModel {
  const next = applyDirect(model, op);
  if (op.kind === 'renameTable') return followRename(next, op.table, op.newName);
  if (op.kind === 'alterColumn' && op.changes.newName !== undefined) {
    return followRename(next, op.table, op.table, op.column, op.changes.newName);
  }
  return next;
}

function applyDirect(model: SchemaModel, op: Operation): SchemaModel {
  switch (op.kind) {
    case 'createTable': {
      const table: TableSpec = {
        name: op.table, ...(op.schema === undefined ? {} : { schema: op.schema }), columns: op.columns, constraints: op.constraints,
        indexes: [], options: op.options, ...(op.partitionOf === undefined ? {} : { partitionOf: op.partitionOf }),
      };
      return { ...model, tables: [...model.tables, table] };
    }
    case 'dropTable':
      if (!model.tables.some((t) => sameTable(t, op.table, op.schema))) throw missing('table', op.table);
      return { ...model, tables: model.tables.filter((t) => !sameTable(t, op.table, op.schema)) };
    case 'createEnum':
      return { ...model, enums: [...model.enums, { name: op.name, ...(op.schema === undefined ? {} : { schema: op.schema }), values: op.values }] };
    case 'dropEnum':
      return { ...model, enums: model.enums.filter((e) => e.name !== op.name) };
    case 'addEnumValue':
      return {
        ...model,
        enums: model.enums.map((e) => {
          if (e.name !== op.name) return e;
          const values = [...e.values];
          const at = op.after !== undefined ? values.indexOf(op.after) + 1 : op.before !== undefined ? values.indexOf(op.before) : values.length;
          values.splice(at, 0, op.value);
          return { ...e, values };
        }),
      };
    case 'execute':
    case 'bulkInsert':
      return model;
    case 'attachPartition':
    case 'detachPartition':
      return {
        ...model,
        tables: model.tables.map((t) => {
          if (!sameTable(t, op.partition, op.partitionSchema)) return t;
          if (op.kind === 'detachPartition') {
            const { partitionOf: _p, ...rest } = t;
            return rest;
          }
          return { ...t, partitionOf: { parent: op.table, ...(op.schema === undefined ? {} : { parentSchema: op.schema }), bound: op.bound } };
        }),
      };
    case 'attachIndex':
      // The partition's index now stands for the parent's; an index PostgreSQL made is not in the model.
      return {
        ...model,
        tables: model.tables.map((t) => (!sameTable(t, op.partition, op.partitionSchema) ? t : {
          ...t, indexes: t.indexes.map((ix) => (ix.name === op.partitionIndex ? { ...ix, attachedTo: op.index } : ix)),
        })),
      };
    case 'createObject':
      return withObject(model, objectRef(op.object), op.object, false);
    case 'alterObject':
      return withObject(withObject(model, objectRef(op.from), undefined, true), objectRef(op.to), op.to, false);
    case 'dropObject':
      return op.ifExists === true && !(model.objects ?? []).some((o) => refKey(objectRef(o)) === refKey(op.object))
        ? model : withObject(model, op.object, undefined, true);
    case 'batch':
      return { ...model, tables: model.tables.map((t) => (sameTable(t, op.table, op.schema) ? op.operations.reduce(alterTable, t) : t)) };
    default: {
      const table = 'table' in op ? op.table : undefined;
      if (table === undefined || !model.tables.some((t) => sameTable(t, table, op.schema))) throw missing('table', String(table));
      return { ...model, tables: model.tables.map((t) => (sameTable(t, table, op.schema) ? alterTable(t, op) : t)) };
    }
  }
}

/** Apply `ops` in order to `model`. */
export function applyOperations(model: SchemaModel, ops: readonly Operation[]): SchemaModel {
  return ops.reduce(applyOperation, model);
}
