/**
 * `renderSchemaModule(model)`: the TypeScript schema module `retort pull` writes from a live
 * database: one `table(...)` per table, keys written where a person would write them (a
 * single-column primary key or foreign key on its column, the rest as table extras), then
 * `defineSchema` and the derived Kysely type.
 */
import type { ConstraintSpec, NamedColumn, SchemaModel, TableSpec } from '../schema/model.js';
import type { Imports } from './render-parts.js';
import { columnChain, constraintCall, key, objectLiteral, sqlTag, str } from './render-parts.js';

const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends false ' +
  'finally for function if import in instanceof new null return super switch this throw true try typeof var void while ' +
  'with yield let static implements interface package private protected public await schema').split(' '));

/** A unique variable name for each table. */
function variableNames(tables: readonly TableSpec[]): Map<TableSpec, string> {
  const used = new Set<string>();
  const out = new Map<TableSpec, string>();
  for (const t of tables) {
    let base = t.name.replace(/[^A-Za-z0-9_$]/g, '_');
    if (/^[0-9]/.test(base)) base = `_${base}`;
    if (RESERVED.has(base)) base = `${base}Table`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    out.set(t, name);
  }
  return out;
}

type ForeignKey = Extract<ConstraintSpec, { kind: 'foreignKey' }>;

/** How the module names things the catalog named by default. */
export interface RenderSchemaOptions {
  /** The module to import the builders from (default 'retort-migrate'). */
  readonly importFrom?: string;
  /** The dialect's name for an unnamed primary key of `table` (left out of the module). */
  readonly defaultPrimaryKeyName?: (table: string) => string;
}

/**
 * Move single-column keys onto their columns; keep the rest as extras. A primary key goes on its
 * column only when it has one column and the server's default name (`.primaryKey()` cannot carry
 * a name); otherwise it is one `primaryKey(name?).on(...)` and its columns are just not null.
 */
function layout(table: TableSpec, options: RenderSchemaOptions): { columns: NamedColumn[]; extras: ConstraintSpec[] } {
  let columns = [...table.columns];
  const extras: ConstraintSpec[] = [];
  const setOn = (name: string, change: (c: NamedColumn) => NamedColumn) => {
    columns = columns.map((c) => (c.name === name ? change(c) : c));
  };
  for (const c of table.constraints) {
    const single = c.kind !== 'check' && c.columns.length === 1 ? (c.columns[0] as string) : undefined;
    const column = single === undefined ? undefined : columns.find((x) => x.name === single);
    if (c.kind === 'primaryKey') {
      const chosenName = c.name !== undefined && c.name !== options.defaultPrimaryKeyName?.(table.name) ? c.name : undefined;
      if (column !== undefined && chosenName === undefined) {
        setOn(column.name, (x) => ({ name: x.name, spec: { ...x.spec, primaryKey: true, nullable: false } }));
        continue;
      }
      for (const name of c.columns) setOn(name, (x) => ({ name: x.name, spec: { ...x.spec, primaryKey: false, nullable: false } }));
      const { name: _name, ...unnamed } = c;
      extras.push(chosenName === undefined ? unnamed : { ...unnamed, name: chosenName });
    } else if (c.kind === 'foreignKey' && column !== undefined && column.spec.references === undefined && (c as ForeignKey).refSchema === undefined) {
      const fk = c as ForeignKey;
      setOn(column.name, (x) => ({
        name: x.name,
        spec: {
          ...x.spec,
          references: {
            table: fk.refTable, column: fk.refColumns[0] as string,
            ...(fk.name === undefined ? {} : { name: fk.name }),
            ...(fk.onDelete === undefined ? {} : { onDelete: fk.onDelete }),
            ...(fk.onUpdate === undefined ? {} : { onUpdate: fk.onUpdate }),
          },
        },
      }));
    } else {
      extras.push(c);
    }
  }
  return { columns, extras };
}

function renderTable(table: TableSpec, variable: string, imports: Imports, render: RenderSchemaOptions): string {
  imports.add('table');
  const { columns, extras } = layout(table, render);
  const body = columns.map((c) => `  ${key(c.name)}: ${columnChain(c.spec, imports)},`).join('\n');
  const ref = (name: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `t.${name}` : `t[${str(name)}]`);
  const items = extras.map((c) => constraintCall(c, imports, ref));
  for (const ix of table.indexes) {
    imports.add('index');
    const elements = ix.columns.map((e) => (typeof e === 'string' ? ref(e) : sqlTag(e.expression, imports)));
    items.push(`index(${str(ix.name)}).on(${elements.join(', ')})${ix.unique ? '.unique()' : ''}` +
      `${ix.fulltext ? '.fulltext()' : ''}${ix.spatial ? '.spatial()' : ''}` +
      `${ix.where === undefined ? '' : `.where(${str(ix.where)})`}`);
  }
  const extrasFn = items.length === 0 ? '' : `, (t) => [\n${items.map((i) => `  ${i},`).join('\n')}\n]`;
  const options = objectLiteral([
    ['schema', table.schema === undefined ? undefined : str(table.schema)],
    ['comment', table.options.comment === undefined ? undefined : str(table.options.comment)],
    ['engine', table.options.engine === undefined ? undefined : str(table.options.engine)],
    ['charset', table.options.charset === undefined ? undefined : str(table.options.charset)],
    ['collate', table.options.collate === undefined ? undefined : str(table.options.collate)],
    ['rowFormat', table.options.rowFormat === undefined ? undefined : str(table.options.rowFormat)],
  ]);
  return `export const ${variable} = table(${str(table.name)}, {\n${body}\n}${extrasFn}${options === '' ? '' : `, ${options}`});`;
}

/**
 * Render the schema module of `model`.
 * @param model - the schema read from the database
 * @param options - where the builders come from, and the dialect's default key names
 */
export function renderSchemaModule(model: SchemaModel, options: RenderSchemaOptions = {}): string {
  const imports: Imports = new Set(['defineSchema']);
  const tables = [...model.tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = variableNames(tables);
  const blocks = tables.map((t) => renderTable(t, names.get(t) as string, imports, options));
  const list = tables.map((t) => names.get(t) as string);
  const importLine = `import { ${[...imports].sort().join(', ')} } from ${str(options.importFrom ?? 'retort-migrate')};`;
  return [
    '/** The database schema, written by `retort pull`. Edit it: it is the target of autogenerate. */',
    importLine,
    '',
    ...blocks.flatMap((b) => [b, '']),
    `const schema = defineSchema({ ${list.join(', ')} });`,
    'export default schema;',
    '/** The Kysely `Database` type of this schema. */',
    'export type DB = typeof schema.$kysely;',
    '',
  ].join('\n');
}
