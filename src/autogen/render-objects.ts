/**
 * Objects beyond tables as TypeScript: the builder call that makes each one
 * (`view('v', sql\`...\`)`, `fn('f', {...})`, ...), shared by the revision renderer
 * (`op.create(...)`, `op.replace(...)`, `op.alter(...)`) and the schema-module renderer (`pull`).
 */
import type { IndexSpec } from '../schema/model.js';
import type { SchemaObject } from '../schema/objects.js';
import type { Imports } from './render-parts.js';
import { constraintCall, elementCall, indexChain, sqlTag, str } from './render-parts.js';

/** A value rendered as TypeScript; strings become `sql` tags where the key holds SQL. */
type Rendered = string;

/** TypeScript already rendered (builder calls), written as is. */
class Code {
  constructor(readonly text: string) {}
}

/** Keys whose string value is SQL, written with the `sql` tag (multi-line bodies read as SQL). */
const SQL_KEYS = new Set(['body', 'when', 'using', 'withCheck', 'default']);

function literal(value: unknown, imports: Imports, key?: string): Rendered {
  if (value instanceof Code) return value.text;
  if (typeof value === 'string') return key !== undefined && SQL_KEYS.has(key) ? sqlTag(value, imports) : str(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, imports)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : str(k)}: ${literal(v, imports, k)}`).join(', ')} }`;
  }
  return 'undefined';
}

/** `{ a: 1, b: 'x' }` with one key per line when it is long (a function's body). */
function options(entries: Readonly<Record<string, unknown>>, imports: Imports): string {
  const present = Object.entries(entries).filter(([, v]) => v !== undefined);
  if (present.length === 0) return '';
  const parts = present.map(([k, v]) => `${k}: ${literal(v, imports, k)}`);
  const flat = `{ ${parts.join(', ')} }`;
  return flat.length <= 100 && !flat.includes('\n') ? flat : `{\n${parts.map((p) => `  ${p},`).join('\n')}\n}`;
}

/** `index('ix').on('a', sql\`lower(b)\`).unique().where('...')`, with `column` writing a column reference. */
export function indexCall(ix: IndexSpec, imports: Imports, column: (name: string) => string = str): string {
  imports.add('index');
  return `index(${str(ix.name)}).on(${ix.columns.map((e) => elementCall(e, imports, column)).join(', ')})${indexChain(ix, column)}`;
}

const call = (name: string, args: readonly string[], imports: Imports) => {
  imports.add(name);
  return `${name}(${args.filter((a) => a !== '').join(', ')})`;
};

/** The builder call that makes `o`. */
export function objectCall(o: SchemaObject, imports: Imports): string {
  switch (o.kind) {
    case 'view':
    case 'materializedView': {
      const { kind, name, body, indexes, ...rest } = o;
      const ix = indexes === undefined ? undefined : new Code(`[${indexes.map((i) => indexCall(i, imports)).join(', ')}]`);
      return call(kind, [str(name), sqlTag(body, imports), options({ ...rest, indexes: ix }, imports)], imports);
    }
    case 'function':
    case 'procedure': {
      const { kind, name, args, ...rest } = o;
      // No arguments is the builder's default: `args: []` is left out.
      return call(kind === 'function' ? 'fn' : 'procedure', [str(name), options({ args: args.length === 0 ? undefined : args, ...rest }, imports)], imports);
    }
    case 'trigger':
    case 'policy': {
      const { kind, name, ...rest } = o;
      return call(kind, [str(name), options(rest, imports)], imports);
    }
    case 'sequence': {
      const { kind: _k, name, ownedBy, ...rest } = o;
      const numeric = Object.fromEntries(Object.entries(rest).map(([k, v]) =>
        [k, typeof v === 'string' && /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v)) && k !== 'schema' && k !== 'comment' && k !== 'type' ? Number(v) : v]));
      return call('sequence', [str(name), options({ ...numeric, ownedBy: ownedBy === undefined ? undefined : `${ownedBy.table}.${ownedBy.column}` }, imports)], imports);
    }
    case 'extension': {
      const { kind: _k, name, ...rest } = o;
      return call('extension', [str(name), options(rest, imports)], imports);
    }
    case 'domain': {
      const { kind: _k, name, type, checks, ...rest } = o;
      const list = checks.length === 0 ? undefined : new Code(`[${checks.map((c) => constraintCall(c, imports)).join(', ')}]`);
      return call('domain', [str(name), str(type), options({ ...rest, checks: list }, imports)], imports);
    }
    case 'compositeType': {
      const { kind: _k, name, attributes, ...rest } = o;
      return call('compositeType', [str(name), literal(attributes, imports), options(rest, imports)], imports);
    }
  }
}
