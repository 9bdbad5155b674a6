/**
 * Builders of the objects beyond tables, for schema modules and revision scripts alike:
 * `view('active_users', sql\`SELECT ...\`)`, `fn('touch', {...})`, `trigger('touch', {...})`,
 * `sequence('ticket_seq')`, `extension('pg_trgm')`, `domain('year', 'integer', {...})`,
 * `compositeType('pair', [...])`, `policy('own_rows', {...})`. Each returns a frozen
 * {@link SchemaObject}; `defineSchema({ ... })` takes them next to the tables, and
 * `op.create(...)` / `op.replace(...)` take the very same values in a revision.
 */
import { RetortError } from '../errors.js';
import type { RawSql, SequenceSettingOptions } from './columns.js';
import type { ConstraintSpec, IndexSpec } from './model.js';
import type {
  CompositeTypeSpec,
  DomainSpec,
  ExtensionSpec,
  FunctionArgument,
  FunctionSpec,
  PolicySpec,
  SequenceSpec,
  TriggerSpec,
  ViewSpec,
} from './objects.js';
import { IndexDefinition } from './extras.js';

/** SQL given as text or with the `sql` tag. */
export type SqlText = string | RawSql;

function text(value: SqlText): string {
  return typeof value === 'string' ? value : value.sql;
}

/** Drop the keys whose value is undefined, and freeze. */
function clean<T extends object>(value: T): T {
  return Object.freeze(Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))) as T;
}

function requireName(what: string, name: unknown): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new RetortError('SchemaInvalid', `${what} needs a non-empty name, got ${JSON.stringify(name)}.`, { fields: { name } });
  }
}

/** Options of {@link view} and {@link materializedView}. */
export interface ViewOptions {
  readonly schema?: string;
  readonly comment?: string;
  /** View options (`security_barrier: 'true'`, `check_option: 'cascaded'`) or a materialized view's storage parameters. */
  readonly options?: Readonly<Record<string, string>>;
  /** Objects or tables the query reads that its text does not name plainly. */
  readonly dependsOn?: readonly string[];
}

/** A view: `view('active_users', sql\`SELECT id, name FROM users WHERE active\`)`. */
export function view(name: string, body: SqlText, options: ViewOptions = {}): ViewSpec {
  requireName('view()', name);
  return clean<ViewSpec>({ kind: 'view', name, schema: options.schema, body: text(body), options: options.options, comment: options.comment, dependsOn: options.dependsOn });
}

/** A materialized view, with its indexes: `materializedView('totals', sql\`...\`, { indexes: [index('ix').on('day')] })`. */
export function materializedView(name: string, body: SqlText, options: ViewOptions & { readonly indexes?: readonly (IndexDefinition | IndexSpec)[] } = {}): ViewSpec {
  requireName('materializedView()', name);
  const indexes = options.indexes?.map((i) => (i instanceof IndexDefinition ? i.spec : i));
  return clean<ViewSpec>({
    kind: 'materializedView', name, schema: options.schema, body: text(body), options: options.options,
    indexes: indexes === undefined || indexes.length === 0 ? undefined : Object.freeze(indexes), comment: options.comment, dependsOn: options.dependsOn,
  });
}

/** What {@link fn} and {@link procedure} take. */
export interface FunctionOptions {
  readonly schema?: string;
  readonly comment?: string;
  /** Arguments in order: `[{ name: 'p_id', type: 'integer' }, { name: 'n', type: 'integer', mode: 'out' }]` (a default as text or `sql`). */
  readonly args?: readonly (Omit<FunctionArgument, 'default'> & { readonly default?: SqlText })[];
  /** The result type (functions only): `integer`, `trigger`, `SETOF film`, `TABLE(a integer)`. */
  readonly returns?: string;
  readonly language: string;
  /** The body, verbatim (it goes between dollar quotes). */
  readonly body: SqlText;
  readonly volatility?: FunctionSpec['volatility'];
  readonly strict?: boolean;
  /** MySQL / MariaDB: `reads sql data`, `modifies sql data`, `no sql` (default `contains sql`). */
  readonly dataAccess?: FunctionSpec['dataAccess'];
  readonly securityDefiner?: boolean;
  readonly leakproof?: boolean;
  readonly parallel?: FunctionSpec['parallel'];
  readonly cost?: number;
  readonly rows?: number;
  readonly set?: Readonly<Record<string, string>>;
  readonly dependsOn?: readonly string[];
}

function routine(kind: FunctionSpec['kind'], name: string, options: FunctionOptions): FunctionSpec {
  requireName(`${kind === 'function' ? 'fn' : 'procedure'}()`, name);
  if (kind === 'function' && options.returns === undefined) {
    throw new RetortError('SchemaInvalid', `Function '${name}' needs \`returns\` (a procedure returns nothing: use procedure()).`, { fields: { function: name } });
  }
  const args = Object.freeze((options.args ?? []).map((a) => clean<FunctionArgument>({ ...a, mode: a.mode === 'in' ? undefined : a.mode, default: a.default === undefined ? undefined : text(a.default) })));
  return clean<FunctionSpec>({
    kind, name, schema: options.schema, args, returns: kind === 'function' ? options.returns : undefined,
    language: options.language, body: text(options.body),
    volatility: options.volatility === 'volatile' ? undefined : options.volatility,
    strict: options.strict || undefined, dataAccess: options.dataAccess === 'contains sql' ? undefined : options.dataAccess, securityDefiner: options.securityDefiner || undefined, leakproof: options.leakproof || undefined,
    parallel: options.parallel === 'unsafe' ? undefined : options.parallel, cost: options.cost, rows: options.rows,
    set: options.set === undefined || Object.keys(options.set).length === 0 ? undefined : Object.freeze({ ...options.set }),
    comment: options.comment, dependsOn: options.dependsOn,
  });
}

/** A function: `fn('touch', { returns: 'trigger', language: 'plpgsql', body: sql\`BEGIN ... END\` })`. */
export function fn(name: string, options: FunctionOptions): FunctionSpec {
  return routine('function', name, options);
}

/** A procedure (called with CALL; no result). */
export function procedure(name: string, options: Omit<FunctionOptions, 'returns'>): FunctionSpec {
  return routine('procedure', name, options);
}

/** What {@link trigger} takes. */
export type TriggerOptions = Omit<TriggerSpec, 'kind' | 'name' | 'when' | 'body'> & { readonly when?: SqlText; readonly body?: SqlText };

/**
 * A trigger: `trigger('touch', { table: 'items', timing: 'before', events: ['update'], level: 'row', function: 'touch' })`
 * (PostgreSQL), or with its own statements, `body: sql\`UPDATE ...;\`` (SQLite, MySQL / MariaDB).
 */
export function trigger(name: string, options: TriggerOptions): TriggerSpec {
  requireName('trigger()', name);
  const { when, level, args, updateOf, body, ...rest } = options;
  if ((options.function === undefined) === (body === undefined)) {
    throw new RetortError('SchemaInvalid', `Trigger '${name}' needs either \`function\` (PostgreSQL) or \`body\` (SQLite, MySQL), not ${body === undefined ? 'neither' : 'both'}.`, { fields: { trigger: name } });
  }
  return clean<TriggerSpec>({
    kind: 'trigger', name, ...rest, events: Object.freeze([...options.events]), body: body === undefined ? undefined : text(body),
    updateOf: updateOf === undefined || updateOf.length === 0 ? undefined : Object.freeze([...updateOf]),
    level: level === 'statement' ? undefined : level,
    when: when === undefined ? undefined : text(when),
    args: args === undefined || args.length === 0 ? undefined : Object.freeze([...args]),
  });
}

/** What {@link sequence} takes; numbers may be given as numbers, bigints or strings. */
export interface SequenceOptions extends SequenceSettingOptions {
  readonly schema?: string;
  readonly comment?: string;
  /** `'table.column'`: the column owning it (a serial column's sequence). */
  readonly ownedBy?: string;
}

const numberText = (v: number | bigint | string | undefined) => (v === undefined ? undefined : String(v));

/** A sequence: `sequence('ticket_seq', { start: 1000 })`. */
export function sequence(name: string, options: SequenceOptions = {}): SequenceSpec {
  requireName('sequence()', name);
  let ownedBy: SequenceSpec['ownedBy'];
  if (options.ownedBy !== undefined) {
    const dot = options.ownedBy.lastIndexOf('.');
    if (dot <= 0 || dot === options.ownedBy.length - 1) {
      throw new RetortError('SchemaInvalid', `Sequence '${name}': ownedBy must be 'table.column', got '${options.ownedBy}'.`, { fields: { sequence: name } });
    }
    ownedBy = Object.freeze({ table: options.ownedBy.slice(0, dot), column: options.ownedBy.slice(dot + 1) });
  }
  return clean<SequenceSpec>({
    kind: 'sequence', name, schema: options.schema, type: options.type, start: numberText(options.start),
    increment: numberText(options.increment), minValue: numberText(options.minValue), maxValue: numberText(options.maxValue),
    cache: numberText(options.cache), cycle: options.cycle || undefined, ownedBy, comment: options.comment,
  });
}

/** An extension: `extension('pg_trgm')`, `extension('citext', { schema: 'public', version: '1.6' })`. */
export function extension(name: string, options: { readonly schema?: string; readonly version?: string; readonly comment?: string } = {}): ExtensionSpec {
  requireName('extension()', name);
  return clean<ExtensionSpec>({ kind: 'extension', name, schema: options.schema, version: options.version, comment: options.comment });
}

/** A domain: `domain('year', 'integer', { checks: [check('year_check', sql\`VALUE >= 1901\`)] })`. */
export function domain(name: string, type: string, options: {
  readonly schema?: string; readonly comment?: string; readonly default?: SqlText; readonly notNull?: boolean;
  readonly collation?: string; readonly checks?: readonly ConstraintSpec[];
} = {}): DomainSpec {
  requireName('domain()', name);
  const checks = (options.checks ?? []).map((c) => {
    if (c.kind !== 'check') throw new RetortError('SchemaInvalid', `Domain '${name}' takes only check() constraints.`, { fields: { domain: name } });
    return c;
  });
  return clean<DomainSpec>({
    kind: 'domain', name, schema: options.schema, type, default: options.default === undefined ? undefined : text(options.default),
    notNull: options.notNull || undefined, collation: options.collation, checks: Object.freeze(checks), comment: options.comment,
  });
}

/** A composite type: `compositeType('pair', [{ name: 'a', type: 'integer' }, { name: 'b', type: 'text' }])`. */
export function compositeType(name: string, attributes: readonly { readonly name: string; readonly type: string }[], options: { readonly schema?: string; readonly comment?: string } = {}): CompositeTypeSpec {
  requireName('compositeType()', name);
  return clean<CompositeTypeSpec>({ kind: 'compositeType', name, schema: options.schema, attributes: Object.freeze(attributes.map((a) => Object.freeze({ ...a }))), comment: options.comment });
}

/** What {@link policy} takes. */
export type PolicyOptions = Omit<PolicySpec, 'kind' | 'name' | 'using' | 'withCheck'> & { readonly using?: SqlText; readonly withCheck?: SqlText };

/** A row-level security policy: `policy('own_rows', { table: 'notes', using: sql\`owner = current_user\` })`. */
export function policy(name: string, options: PolicyOptions): PolicySpec {
  requireName('policy()', name);
  const { using, withCheck, command, permissive, roles, ...rest } = options;
  const roleList = roles === undefined || (roles.length === 1 && roles[0]?.toLowerCase() === 'public') ? undefined : Object.freeze([...roles]);
  return clean<PolicySpec>({
    kind: 'policy', name, ...rest, command: command === 'all' ? undefined : command, permissive: permissive === false ? false : undefined,
    roles: roleList, using: using === undefined ? undefined : text(using), withCheck: withCheck === undefined ? undefined : text(withCheck),
  });
}
