/**
 * TypeScript spellings shared by the revision renderer and the schema-module renderer: string
 * literals, property keys, column types as builder calls, defaults, whole columns. Every builder a
 * rendering uses is recorded in an {@link Imports} set, so the writer can import exactly those.
 */
import type { ColumnSpec, ColumnType, ConstraintSpec, DefaultValue, GeneratedColumn } from '../schema/model.js';

/** The names a rendering imports from 'retort-migrate'. */
export type Imports = Set<string>;

/** A single-quoted TypeScript string literal. */
export function str(text: string): string {
  // Double quotes when that avoids escaping, as a person would write "it's".
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').split(quote).join(`\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An object key: bare when it is an identifier, quoted otherwise. */
export function key(name: string): string {
  return IDENTIFIER.test(name) ? name : str(name);
}

/** A `sql` tagged template holding `text` verbatim. */
export function sqlTag(text: string, imports: Imports): string {
  imports.add('sql');
  return `sql\`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}

function args(...values: (number | undefined)[]): string {
  const out = [...values];
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out.map((v) => (v === undefined ? 'undefined' : String(v))).join(', ');
}

/** The builder call for a type: `varchar(64)`, `numeric(10, 2)`, `enumOf('mood', ['a', 'b'])`. */
export function typeCall(type: ColumnType, imports: Imports): string {
  const call = (name: string, inner = ''): string => {
    imports.add(name);
    return `${name}(${inner})`;
  };
  switch (type.kind) {
    case 'varchar':
    case 'char':
      return call(type.kind, args(type.length));
    case 'numeric':
      return call('numeric', args(type.precision, type.scale));
    case 'timestamp':
    case 'timestamptz':
      return call(type.kind, args(type.precision));
    case 'enum':
      return call('enumOf', `${str(type.name)}, [${type.values.map(str).join(', ')}]`);
    case 'raw':
      return call('rawType', str(type.sql));
    default:
      return call(type.kind);
  }
}

/** A default as the argument of `.default(...)` or `default:`. */
export function defaultValue(value: DefaultValue | null, imports: Imports): string {
  if (value === null) return 'null';
  if (value.kind === 'sql') return sqlTag(value.sql, imports);
  return typeof value.value === 'string' ? str(value.value) : String(value.value);
}

/** An `ON UPDATE` value as the `sql` tag `.onUpdate()` takes (a literal is written as its SQL). */
export function onUpdateValue(value: DefaultValue, imports: Imports): string {
  return sqlTag(value.kind === 'sql' ? value.sql : String(value.value), imports);
}

/** The arguments of `.generatedAlwaysAs(...)`: the expression, and `{ stored: true }` when stored. */
export function generatedArgs(generated: GeneratedColumn, imports: Imports): string {
  return `${sqlTag(generated.expression, imports)}${generated.stored ? ', { stored: true }' : ''}`;
}

/** A column as a builder chain: `bigint().unsigned().primaryKey().autoIncrement()`. */
export function columnChain(spec: ColumnSpec, imports: Imports): string {
  let out = typeCall(spec.type, imports);
  if (spec.unsigned) out += '.unsigned()';
  if (spec.primaryKey) out += '.primaryKey()';
  else if (!spec.nullable) out += '.notNull()';
  if (spec.autoIncrement) out += '.autoIncrement()';
  if (spec.unique) out += '.unique()';
  if (spec.default !== undefined) out += `.default(${defaultValue(spec.default, imports)})`;
  const ref = spec.references;
  if (ref !== undefined) {
    const opts = objectLiteral([
      ['name', ref.name === undefined ? undefined : str(ref.name)],
      ['onDelete', ref.onDelete === undefined ? undefined : str(ref.onDelete)],
      ['onUpdate', ref.onUpdate === undefined ? undefined : str(ref.onUpdate)],
    ]);
    out += `.references(${str(`${ref.table}.${ref.column}`)}${opts === '' ? '' : `, ${opts}`})`;
  }
  if (spec.charset !== undefined) out += `.charset(${str(spec.charset)})`;
  if (spec.collation !== undefined) out += `.collate(${str(spec.collation)})`;
  if (spec.onUpdate !== undefined) out += `.onUpdate(${onUpdateValue(spec.onUpdate, imports)})`;
  if (spec.generated !== undefined) out += `.generatedAlwaysAs(${generatedArgs(spec.generated, imports)})`;
  if (spec.comment !== undefined) out += `.comment(${str(spec.comment)})`;
  if (spec.renamedFrom !== undefined) out += `.renamedFrom(${str(spec.renamedFrom)})`;
  return out;
}

/** `{ a: 1, b: 'x' }` from entries whose value is already rendered; '' when all are undefined. */
export function objectLiteral(entries: readonly (readonly [string, string | undefined])[]): string {
  const present = entries.filter((e): e is readonly [string, string] => e[1] !== undefined);
  return present.length === 0 ? '' : `{ ${present.map(([k, v]) => `${key(k)}: ${v}`).join(', ')} }`;
}

/** A list of strings: `['a', 'b']`. */
export function stringList(values: readonly string[]): string {
  return `[${values.map(str).join(', ')}]`;
}

/**
 * A table-level constraint with the extras builders: `unique('uq_a').on('a', 'b')`.
 * @param column - how a column name is written (`'a'` in scripts, `t.a` in schema modules)
 */
export function constraintCall(spec: ConstraintSpec, imports: Imports, column: (name: string) => string = str): string {
  const name = spec.name === undefined ? '' : str(spec.name);
  imports.add(spec.kind);
  switch (spec.kind) {
    case 'check':
      return `check(${name === '' ? 'undefined' : name}, ${str(spec.condition)})`;
    case 'foreignKey': {
      const opts = objectLiteral([
        ['refSchema', spec.refSchema === undefined ? undefined : str(spec.refSchema)],
        ['onDelete', spec.onDelete === undefined ? undefined : str(spec.onDelete)],
        ['onUpdate', spec.onUpdate === undefined ? undefined : str(spec.onUpdate)],
      ]);
      return `foreignKey(${name}).on(${spec.columns.map(column).join(', ')})` +
        `.references(${str(spec.refTable)}, ${stringList(spec.refColumns)}${opts === '' ? '' : `, ${opts}`})`;
    }
    default:
      return `${spec.kind}(${name}).on(${spec.columns.map(column).join(', ')})`;
  }
}
