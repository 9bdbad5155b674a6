/**
 * TypeScript spellings shared by the revision renderer and the schema-module renderer: string
 * literals, property keys, column types as builder calls, defaults, whole columns. Every builder a
 * rendering uses is recorded in an {@link Imports} set, so the writer can import exactly those.
 */
import type {
  ColumnSpec, ColumnType, ConstraintSpec, DefaultValue, GeneratedColumn, IndexElement, IndexSpec, SerialSequence, StorageParameters,
} from '../schema/model.js';
import { SERIAL_FIELDS } from '../schema/model.js';
import { elementColumn, elementExpression, elementOptions } from '../schema/elements.js';

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
    case 'set':
      return call('set', `[${type.values.map(str).join(', ')}]`);
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

/**
 * A column as a builder chain: `bigint().unsigned().primaryKey().autoIncrement()`.
 * @param typeRef - the variable holding the column's type when the module declares it once (a shared enum)
 */
export function columnChain(spec: ColumnSpec, imports: Imports, typeRef?: (type: ColumnType) => string | undefined): string {
  const serial = spec.serial === undefined ? undefined : serialCall(spec.type, spec.serial, imports);
  let out = serial ?? typeRef?.(spec.type) ?? typeCall(spec.type, imports);
  if (spec.unsigned) out += '.unsigned()';
  if (spec.primaryKey) out += '.primaryKey()';
  // serial() is NOT NULL by itself.
  else if (!spec.nullable && serial === undefined) out += '.notNull()';
  if (spec.autoIncrement && serial === undefined) out += spec.identity === 'always' ? ".identity('always')" : '.autoIncrement()';
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

/** A serial sequence as an object literal: `{ sequence: 'old_id_seq', start: '1000' }` ('' when it has nothing to say). */
export function serialLiteral(serial: SerialSequence): string {
  return objectLiteral(SERIAL_FIELDS.map((k) => [k, serial[k] === undefined ? undefined : typeof serial[k] === 'boolean' ? String(serial[k]) : str(String(serial[k]))]));
}

/** `serial()`, `bigserial({ ... })`, `smallserial()`; undefined for a type no serial builder makes. */
function serialCall(type: ColumnType, serial: SerialSequence, imports: Imports): string | undefined {
  const name = type.kind === 'integer' ? 'serial' : type.kind === 'bigint' ? 'bigserial' : type.kind === 'smallint' ? 'smallserial' : undefined;
  if (name === undefined) return undefined;
  imports.add(name);
  return `${name}(${serialLiteral(serial)})`;
}

/** `{ a: 1, b: 'x' }` from entries whose value is already rendered; '' when all are undefined. */
export function objectLiteral(entries: readonly (readonly [string, string | undefined])[]): string {
  const present = entries.filter((e): e is readonly [string, string] => e[1] !== undefined);
  return present.length === 0 ? '' : `{ ${present.map(([k, v]) => `${key(k)}: ${v}`).join(', ')} }`;
}

/** Storage parameters as an object literal: `{ fillfactor: '50' }`. */
export function storageLiteral(params: StorageParameters | undefined): string | undefined {
  if (params === undefined || Object.keys(params).length === 0) return undefined;
  return objectLiteral(Object.entries(params).map(([k, v]) => [k, str(v)]));
}

/**
 * An index element as the extras builders write it: `t.a`, `sql\`lower(a)\``, or
 * `element(t.a, { order: 'desc' })`.
 */
export function elementCall(e: IndexElement, imports: Imports, column: (name: string) => string = str): string {
  const col = elementColumn(e);
  const base = col !== undefined ? column(col) : sqlTag(elementExpression(e) ?? '', imports);
  const options = Object.entries(elementOptions(e)).filter(([, v]) => v !== undefined);
  if (options.length === 0) return base;
  imports.add('element');
  return `element(${base}, ${objectLiteral(options.map(([k, v]) => [k, typeof v === 'number' ? String(v) : str(String(v))]))})`;
}

/** The chained options of an index definition: `.using('gin').include(t.a).where('...')`. */
export function indexChain(ix: IndexSpec, column: (name: string) => string = str): string {
  let out = `${ix.unique ? '.unique()' : ''}${ix.fulltext ? '.fulltext()' : ''}${ix.spatial ? '.spatial()' : ''}`;
  if (ix.using !== undefined) out += `.using(${str(ix.using)})`;
  if (ix.include !== undefined && ix.include.length > 0) out += `.include(${ix.include.map(column).join(', ')})`;
  if (ix.nullsNotDistinct) out += '.nullsNotDistinct()';
  const storage = storageLiteral(ix.with);
  if (storage !== undefined) out += `.with(${storage})`;
  if (ix.where !== undefined) out += `.where(${str(ix.where)})`;
  if (ix.attachedTo !== undefined) out += `.attachedTo(${str(ix.attachedTo)})`;
  return out;
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
  const flag = (value: boolean | undefined) => (value ? 'true' : undefined);
  const timing: [string, string | undefined][] = [
    ['deferrable', flag(spec.deferrable && !spec.initiallyDeferred)],
    ['initiallyDeferred', flag(spec.initiallyDeferred)],
    ['notValid', flag(spec.notValid)],
  ];
  const keyIndex: [string, string | undefined][] = spec.kind === 'check' || spec.kind === 'foreignKey' ? [] : [
    ['include', spec.include === undefined || spec.include.length === 0 ? undefined : stringList(spec.include)],
    ['with', storageLiteral(spec.with)],
    ['attachedTo', spec.kind === 'exclude' || spec.attachedTo === undefined ? undefined : str(spec.attachedTo)],
  ];
  const withOptions = (entries: [string, string | undefined][]) => {
    const literal = objectLiteral(entries);
    return literal === '' ? '' : `, ${literal}`;
  };
  const head = (extra: [string, string | undefined][]) => {
    const opts = withOptions([...extra, ...keyIndex, ...timing]);
    return `${spec.kind}(${name === '' && opts !== '' ? 'undefined' : name}${opts})`;
  };
  switch (spec.kind) {
    case 'check':
      return `check(${name === '' ? 'undefined' : name}, ${str(spec.condition)}${withOptions([['noInherit', flag(spec.noInherit)], ...timing])})`;
    case 'foreignKey': {
      const opts = objectLiteral([
        ['refSchema', spec.refSchema === undefined ? undefined : str(spec.refSchema)],
        ['onDelete', spec.onDelete === undefined ? undefined : str(spec.onDelete)],
        ['onUpdate', spec.onUpdate === undefined ? undefined : str(spec.onUpdate)],
        ['match', spec.match === undefined || spec.match === 'simple' ? undefined : str(spec.match)],
        ...timing,
      ]);
      return `foreignKey(${name}).on(${spec.columns.map(column).join(', ')})` +
        `.references(${str(spec.refTable)}, ${stringList(spec.refColumns)}${opts === '' ? '' : `, ${opts}`})`;
    }
    case 'exclude': {
      const items = spec.elements.map((e) => `[${elementCall(e.element, imports, column)}, ${str(e.operator)}]`);
      return `${head([['using', str(spec.using)], ['where', spec.where === undefined ? undefined : str(spec.where)]])}.on(${items.join(', ')})`;
    }
    case 'unique':
      return `${head([['nullsNotDistinct', flag(spec.nullsNotDistinct)]])}.on(${spec.columns.map(column).join(', ')})`;
    case 'primaryKey':
      return `${head([])}.on(${spec.columns.map(column).join(', ')})`;
  }
}
