/**
 * Database objects beyond tables, in the neutral model: views, materialized views, functions and
 * procedures, triggers, sequences, extensions, domains, composite types and row-level security
 * policies. They share one collection (`SchemaModel.objects`), one diff (autogen/diff-objects.ts),
 * three operations (`createObject`, `alterObject`, `dropObject`) and one renderer, so a new kind
 * is a new member of {@link SchemaObject} plus its rules, never a parallel path.
 *
 * SQL bodies (a view's query, a function's body, a policy's expression) are kept as text, in the
 * dialect's own SQL; each dialect compares them as its server stores them.
 */
import type { ConstraintSpec, IndexSpec, SequenceSettings } from './model.js';

/** Fields every object has. */
interface ObjectBase {
  readonly name: string;
  /** The namespace (PostgreSQL schema); undefined means the configured default. */
  readonly schema?: string;
  readonly comment?: string;
}

/** A view or a materialized view: a name for a query. */
export interface ViewSpec extends ObjectBase {
  readonly kind: 'view' | 'materializedView';
  /** The query, as SQL text (`SELECT ...`). */
  readonly body: string;
  /** Storage / view options (`security_barrier`, `check_option`, a materialized view's fillfactor...). */
  readonly options?: Readonly<Record<string, string>>;
  /** Indexes of a materialized view. */
  readonly indexes?: readonly IndexSpec[];
  /** Names of other objects or tables the query reads, when the text alone does not tell (rarely needed). */
  readonly dependsOn?: readonly string[];
}

/** One argument of a function or procedure. */
export interface FunctionArgument {
  readonly name?: string;
  /** The type, in the dialect's SQL (`integer`, `text[]`, `public.mood`). */
  readonly type: string;
  /** Default `in`. */
  readonly mode?: 'in' | 'out' | 'inout' | 'variadic';
  /** A default value, as SQL. */
  readonly default?: string;
}

/** A function or a procedure (`kind: 'procedure'`: no `returns`). */
export interface FunctionSpec extends ObjectBase {
  readonly kind: 'function' | 'procedure';
  readonly args: readonly FunctionArgument[];
  /** The result type as the server prints it (`integer`, `trigger`, `SETOF film`, `TABLE(a integer)`). */
  readonly returns?: string;
  /** `sql`, `plpgsql`... */
  readonly language: string;
  /** The body, verbatim (what goes between the dollar quotes). */
  readonly body: string;
  /** Default `volatile`. */
  readonly volatility?: 'immutable' | 'stable' | 'volatile';
  readonly strict?: boolean;
  /**
   * MySQL / MariaDB's SQL DATA ACCESS characteristic; default `contains sql`. (PostgreSQL has
   * none: its volatility says what a routine may do.)
   */
  readonly dataAccess?: 'contains sql' | 'no sql' | 'reads sql data' | 'modifies sql data';
  readonly securityDefiner?: boolean;
  readonly leakproof?: boolean;
  /** Default `unsafe`. */
  readonly parallel?: 'safe' | 'restricted' | 'unsafe';
  readonly cost?: number;
  readonly rows?: number;
  /** `SET name = value` clauses. */
  readonly set?: Readonly<Record<string, string>>;
  /** See {@link ViewSpec.dependsOn}. */
  readonly dependsOn?: readonly string[];
}

/** Trigger events. */
export type TriggerEvent = 'insert' | 'update' | 'delete' | 'truncate';

/** A trigger on a table (or a view, for INSTEAD OF). */
export interface TriggerSpec extends ObjectBase {
  readonly kind: 'trigger';
  readonly table: string;
  readonly timing: 'before' | 'after' | 'instead of';
  readonly events: readonly TriggerEvent[];
  /** `UPDATE OF` columns. */
  readonly updateOf?: readonly string[];
  /** Default `statement`, as in SQL. */
  readonly level?: 'row' | 'statement';
  /** The `WHEN (...)` condition. */
  readonly when?: string;
  /** The function it executes, `name` or `schema.name` (PostgreSQL); absent when the trigger has a {@link body}. */
  readonly function?: string;
  /**
   * The statements it runs, as SQL text, on engines whose triggers carry their own body (SQLite:
   * what goes between BEGIN and END; MySQL / MariaDB: the one statement or its `BEGIN ... END`).
   */
  readonly body?: string;
  /** Literal arguments passed to the function. */
  readonly args?: readonly string[];
  /** `REFERENCING OLD TABLE AS ... NEW TABLE AS ...`. */
  readonly oldTable?: string;
  readonly newTable?: string;
  /** A constraint trigger (`CREATE CONSTRAINT TRIGGER`), with its deferral. */
  readonly constraint?: { readonly deferrable: boolean; readonly initiallyDeferred: boolean };
  /**
   * When it fires (PostgreSQL `ALTER TABLE ... ENABLE ALWAYS | REPLICA | DISABLE TRIGGER`); default
   * `origin`: in every session but those with `session_replication_role = replica`.
   */
  readonly enabled?: 'always' | 'replica' | 'disabled';
}

/** A sequence (its type defaults to `bigint`). Bounds and steps are strings: they may exceed what a JavaScript number holds. */
export interface SequenceSpec extends ObjectBase, SequenceSettings {
  readonly kind: 'sequence';
  /** The column that owns it (dropping the column drops it): a serial column's sequence. */
  readonly ownedBy?: { readonly table: string; readonly column: string };
}

/** An extension (PostgreSQL `CREATE EXTENSION`). Its own objects are its, never in the model. */
export interface ExtensionSpec {
  readonly kind: 'extension';
  readonly name: string;
  /** The schema its objects go to. */
  readonly schema?: string;
  /** Compared only when declared. */
  readonly version?: string;
  readonly comment?: string;
}

/** A domain: a base type with a default, NOT NULL and CHECKs. */
export interface DomainSpec extends ObjectBase {
  readonly kind: 'domain';
  /** The base type, in the dialect's SQL. */
  readonly type: string;
  readonly default?: string;
  readonly notNull?: boolean;
  readonly collation?: string;
  /** CHECK constraints on `VALUE`. */
  readonly checks: readonly Extract<ConstraintSpec, { kind: 'check' }>[];
}

/** A composite type (`CREATE TYPE name AS (...)`). */
export interface CompositeTypeSpec extends ObjectBase {
  readonly kind: 'compositeType';
  readonly attributes: readonly { readonly name: string; readonly type: string }[];
}

/** A row-level security policy on a table. */
export interface PolicySpec extends ObjectBase {
  readonly kind: 'policy';
  readonly table: string;
  /** Default `all`. */
  readonly command?: 'all' | 'select' | 'insert' | 'update' | 'delete';
  /** Default true (PERMISSIVE); false is RESTRICTIVE. */
  readonly permissive?: boolean;
  /** Default `['public']`. */
  readonly roles?: readonly string[];
  readonly using?: string;
  readonly withCheck?: string;
}

/** Every object beyond tables and enums. */
export type SchemaObject =
  | ViewSpec
  | FunctionSpec
  | TriggerSpec
  | SequenceSpec
  | ExtensionSpec
  | DomainSpec
  | CompositeTypeSpec
  | PolicySpec;

/** The `kind` of every {@link SchemaObject}. */
export type ObjectKind = SchemaObject['kind'];

/** Every object kind, in the order autogenerate creates them (types before what uses them). */
export const OBJECT_KINDS: readonly ObjectKind[] = Object.freeze([
  'extension', 'domain', 'compositeType', 'sequence', 'function', 'procedure', 'view', 'materializedView', 'trigger', 'policy',
]);

/** What names one object in a database: enough to drop it, and to match a declared one with a live one. */
export interface ObjectRef {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly schema?: string;
  /** A trigger's or policy's table. */
  readonly table?: string;
  /** A function's argument types (its identity among overloads), comma-separated. */
  readonly args?: string;
}

/** True for a value made by one of the object builders (a frozen spec with an object kind). */
export function isSchemaObject(value: unknown): value is SchemaObject {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return typeof value === 'object' && value !== null && typeof kind === 'string' && (OBJECT_KINDS as readonly string[]).includes(kind);
}

/** The argument types that tell overloads apart: those of IN, INOUT and VARIADIC arguments. */
export function identityArgs(args: readonly FunctionArgument[]): string[] {
  return args.filter((a) => a.mode !== 'out').map((a) => (a.mode === 'variadic' ? `variadic ${a.type}` : a.type));
}

/** The reference of an object (the types of a function's arguments as written). */
export function objectRef(o: SchemaObject): ObjectRef {
  const base = { kind: o.kind, name: o.name, ...(o.schema === undefined ? {} : { schema: o.schema }) };
  switch (o.kind) {
    case 'trigger':
    case 'policy':
      return { ...base, table: o.table };
    case 'function':
    case 'procedure':
      return { ...base, args: identityArgs(o.args).join(', ') };
    default:
      return base;
  }
}

/** How a person names an object in a message: `view public.v`, `trigger t on items`, `function f(integer)`. */
export function describeObject(ref: ObjectRef): string {
  const name = ref.schema === undefined ? ref.name : `${ref.schema}.${ref.name}`;
  const kind = ref.kind === 'materializedView' ? 'materialized view' : ref.kind === 'compositeType' ? 'composite type' : ref.kind;
  if (ref.table !== undefined) return `${kind} ${ref.name} on ${ref.schema === undefined ? '' : `${ref.schema}.`}${ref.table}`;
  if (ref.args !== undefined) return `${kind} ${name}(${ref.args})`;
  return `${kind} ${name}`;
}
