/**
 * The `op` facade revision scripts call: `await op.createTable('books', {...})`. Each method builds
 * a frozen operation object (src/ops/operations.ts) and hands it to an {@link OperationSink}: the
 * runtime's, which compiles it for the dialect and executes or prints it.
 */
import { RetortError } from '../errors.js';
import type { AnyColumn } from '../schema/columns.js';
import type {
  ColumnSpec,
  ConstraintOptions,
  ConstraintSpec,
  DefaultValue,
  GeneratedColumn,
  IndexElement,
  KeyIndexOptions,
  PartitionOf,
  ReferentialAction,
  RowLevelSecurity,
  SerialSequence,
  StorageParameters,
  TableOptions,
} from '../schema/model.js';
import type { ColumnChanges, OnlineDdl, Operation, TableOptionChanges } from './operations.js';
import type { ObjectKind, SchemaObject } from '../schema/objects.js';
import { isSchemaObject } from '../schema/objects.js';
import { freezeOp } from './operations.js';
import { acknowledgeable, registerAcknowledgements, type Acknowledgement, type OpCall } from './ack.js';

export type { OpCall } from './ack.js';
export type { OnlineDdl } from './operations.js';

/** Receives each operation the script makes, in order. */
export type OperationSink = (op: Operation) => Promise<void>;

/** Options every table operation takes. */
export interface SchemaOption {
  /** The table's namespace; defaults to the run's `dbSchema`. */
  readonly schema?: string;
}

/** Options of {@link Op.createTable}. */
export interface CreateTableOptions extends SchemaOption, TableOptions {
  /** Composite keys, checks and other table-level constraints. */
  readonly constraints?: readonly ConstraintSpec[];
  readonly ifNotExists?: boolean;
  /** Create a partition of a partitioned table (PostgreSQL); pass no columns. */
  readonly partitionOf?: PartitionOf;
}

/** A new default: a literal, or raw SQL from the `sql` tag. */
export type DefaultInput = string | number | boolean | { readonly kind: 'sql'; readonly sql: string };

/** What {@link Op.alterColumn} may change, with Alembic's `existing*` facts about the column. */
export interface AlterColumnOptions extends SchemaOption, OnlineDdl {
  /** PostgreSQL 12+: `nullable: false` through a validated CHECK, without a locked scan (wrap in `op.noTransaction`). */
  readonly notNullViaCheck?: boolean;
  /** New type, given with a column builder: `varchar(128)`. */
  readonly type?: AnyColumn;
  readonly nullable?: boolean;
  /** New server default; `null` drops it. */
  readonly default?: DefaultInput | null;
  /** New comment; `null` drops it. */
  readonly comment?: string | null;
  /** Rename the column. */
  readonly newName?: string;
  /** PostgreSQL `USING` expression for the type change. */
  readonly using?: string;
  readonly autoIncrement?: boolean;
  /** New collation; `null`: back to the table's default. */
  readonly collation?: string | null;
  /** New character set (MySQL); `null`: back to the table's. */
  readonly charset?: string | null;
  /** New `ON UPDATE` value (MySQL), from the `sql` tag; `null` removes it. */
  readonly onUpdate?: { readonly kind: 'sql'; readonly sql: string } | null;
  /** New generation expression; `null` makes it a plain column. */
  readonly generated?: GeneratedInput | null;
  /** PostgreSQL identity kind. */
  readonly identity?: 'always' | 'byDefault';
  /** PostgreSQL: make it a serial column with this sequence (`{}`: what `serial` creates); `null`: no longer one. */
  readonly serial?: SerialSequence | null;
  /** The column's current type (MySQL needs the whole definition for MODIFY; offline mode too). */
  readonly existingType?: AnyColumn;
  readonly existingNullable?: boolean;
  readonly existingDefault?: DefaultInput | null;
  readonly existingComment?: string | null;
  readonly existingAutoIncrement?: boolean;
  readonly existingCollation?: string | null;
  readonly existingCharset?: string | null;
  readonly existingOnUpdate?: { readonly kind: 'sql'; readonly sql: string } | null;
  readonly existingGenerated?: GeneratedInput | null;
  readonly existingIdentity?: 'always' | 'byDefault';
  /** The column is a serial column with this sequence (PostgreSQL). */
  readonly existingSerial?: SerialSequence;
}

/** A generation expression as `alterColumn` takes it: `{ expression: sql\`a + b\`, stored: true }`. */
export interface GeneratedInput {
  readonly expression: string | { readonly kind: 'sql'; readonly sql: string };
  readonly stored?: boolean;
}

/** Options of {@link Op.createIndex}. */
export interface CreateIndexOptions extends SchemaOption, OnlineDdl {
  readonly unique?: boolean;
  /** Partial index predicate (PostgreSQL, SQLite). */
  readonly where?: string;
  /** Access method (PostgreSQL `gin`, `gist`, `brin`, `hash`, `spgist`). */
  readonly using?: string;
  /** Non-key columns (`INCLUDE`). */
  readonly include?: readonly string[];
  readonly nullsNotDistinct?: boolean;
  /** Storage parameters. */
  readonly with?: StorageParameters;
  /** `CREATE INDEX CONCURRENTLY` (PostgreSQL): wrap the call in `op.noTransaction`. */
  readonly concurrently?: boolean;
  readonly ifNotExists?: boolean;
  /** A MySQL FULLTEXT index. */
  readonly fulltext?: boolean;
  /** A MySQL SPATIAL index. */
  readonly spatial?: boolean;
}

/** Options of {@link Op.dropIndex}. */
export interface DropIndexOptions extends SchemaOption, OnlineDdl {
  /** The index's table (MySQL needs it). */
  readonly table?: string;
  readonly concurrently?: boolean;
  readonly ifExists?: boolean;
}

/** Options of {@link Op.createForeignKey}. */
export interface ForeignKeyOptions extends SchemaOption, ConstraintOptions, OnlineDdl {
  /** With `notValid`: `VALIDATE CONSTRAINT` as a second statement (wrap in `op.noTransaction`). */
  readonly validate?: boolean;
  readonly refSchema?: string;
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
  readonly match?: 'full' | 'partial' | 'simple';
}

/** Options of {@link Op.createUnique} and {@link Op.createPrimaryKey} (PostgreSQL). */
export interface KeyConstraintOptions extends SchemaOption, ConstraintOptions, KeyIndexOptions, OnlineDdl {
  /** PostgreSQL: `CREATE UNIQUE INDEX CONCURRENTLY`, then `ADD CONSTRAINT ... USING INDEX` (wrap in `op.noTransaction`). */
  readonly concurrently?: boolean;
  readonly nullsNotDistinct?: boolean;
}

/** Options of {@link Op.createCheck} (PostgreSQL). */
export interface CheckConstraintOptions extends SchemaOption, OnlineDdl {
  readonly notValid?: boolean;
  /** With `notValid`: `VALIDATE CONSTRAINT` as a second statement (wrap in `op.noTransaction`). */
  readonly validate?: boolean;
  readonly noInherit?: boolean;
}

/** Options of {@link Op.setTableOptions} (PostgreSQL). */
export interface SetTableOptionsOptions extends SchemaOption {
  /** `SET UNLOGGED` (true) or `SET LOGGED` (false). */
  readonly unlogged?: boolean;
  /** Storage parameters to set; a null value resets one. */
  readonly with?: Readonly<Record<string, string | null>>;
}

/** Where a partition lives, when not in its parent's schema option. */
export interface PartitionOptions extends SchemaOption {
  readonly partitionSchema?: string;
}

/** Options of {@link Op.alterIndex}: a new name, storage parameters set (or reset with null). */
export interface AlterIndexOptions extends SchemaOption {
  readonly rename?: string;
  readonly with?: Readonly<Record<string, string | null>>;
  /** The parent's index of which the index is the partition's copy: found by it at run time (PostgreSQL may have numbered `name`). */
  readonly attachedTo?: string;
}

/** Options of {@link Op.batch}. */
export interface BatchOptions extends SchemaOption {
  /** 'auto' rebuilds only when the dialect cannot ALTER in place; 'always' forces a rebuild. */
  readonly recreate?: 'auto' | 'always' | 'never';
}

/** Options of {@link Op.drop}: what names the object besides its kind and name. */
export interface DropObjectOptions extends SchemaOption {
  /** A trigger's or a policy's table. */
  readonly table?: string;
  /** A function's argument types, comma-separated (`'integer, text'`): which overload. */
  readonly args?: string;
  readonly ifExists?: boolean;
  /** Drop what depends on it too (PostgreSQL `CASCADE`). */
  readonly cascade?: boolean;
}

/** The subset of `op` usable inside `op.batch(table, (batchOp) => ...)`: the table is implied. */
export interface BatchOp {
  addColumn(name: string, column: AnyColumn): OpCall;
  dropColumn(name: string): OpCall;
  alterColumn(name: string, changes: Omit<AlterColumnOptions, 'schema'>): OpCall;
  createIndex(name: string, columns: readonly IndexElement[], options?: Omit<CreateIndexOptions, 'schema'>): OpCall;
  dropIndex(name: string): OpCall;
  createUnique(name: string, columns: readonly string[]): OpCall;
  createForeignKey(name: string, columns: readonly string[], refTable: string, refColumns: readonly string[], options?: Omit<ForeignKeyOptions, 'schema'>): OpCall;
  createCheck(name: string, condition: string): OpCall;
  createPrimaryKey(name: string, columns: readonly string[]): OpCall;
  dropConstraint(name: string, options?: { readonly type?: ConstraintSpec['kind'] }): OpCall;
}

/**
 * The `op` object of a revision script. Every method returns a promise: await each one. The
 * promise of an operation has `.ack(rule, reason)` to acknowledge a `retort lint` finding.
 */
export interface Op {
  createTable(name: string, columns: Readonly<Record<string, AnyColumn>>, options?: CreateTableOptions): OpCall;
  dropTable(name: string, options?: SchemaOption & { readonly ifExists?: boolean; readonly cascade?: boolean }): OpCall;
  renameTable(name: string, newName: string, options?: SchemaOption): OpCall;
  addColumn(table: string, name: string, column: AnyColumn, options?: SchemaOption & OnlineDdl): OpCall;
  dropColumn(table: string, name: string, options?: SchemaOption & OnlineDdl): OpCall;
  alterColumn(table: string, name: string, changes: AlterColumnOptions): OpCall;
  createIndex(name: string, table: string, columns: readonly IndexElement[], options?: CreateIndexOptions): OpCall;
  dropIndex(name: string, options?: DropIndexOptions): OpCall;
  createUnique(name: string, table: string, columns: readonly string[], options?: KeyConstraintOptions): OpCall;
  createForeignKey(name: string, table: string, columns: readonly string[], refTable: string, refColumns: readonly string[], options?: ForeignKeyOptions): OpCall;
  createCheck(name: string, table: string, condition: string, options?: CheckConstraintOptions): OpCall;
  createPrimaryKey(name: string, table: string, columns: readonly string[], options?: KeyConstraintOptions): OpCall;
  /** Any named constraint built with the extras builders: `op.addConstraint('t', exclude('ex').on([...]))`. */
  addConstraint(table: string, constraint: ConstraintSpec, options?: SchemaOption): OpCall;
  /** PostgreSQL `SET UNLOGGED|LOGGED`, `SET (k = v)`, `RESET (k)`. */
  setTableOptions(table: string, options: SetTableOptionsOptions): OpCall;
  /** `ALTER TABLE parent ATTACH PARTITION p FOR VALUES ...` (PostgreSQL). */
  attachPartition(table: string, partition: string, bound: string, options?: PartitionOptions): OpCall;
  /** `ALTER TABLE parent DETACH PARTITION p` (PostgreSQL). */
  detachPartition(table: string, partition: string, options?: PartitionOptions): OpCall;
  /** `ALTER INDEX index ATTACH PARTITION partitionIndex` (PostgreSQL): `index` of `table`, `partitionIndex` of `partition`. */
  attachIndex(table: string, index: string, partition: string, partitionIndex: string, options?: PartitionOptions): OpCall;
  /** `ALTER INDEX name RENAME TO ...`, `SET (k = v)`, `RESET (k)` (PostgreSQL): `op.alterIndex('t_a_idx', 't', { rename: 'a_lookup' })`. */
  alterIndex(name: string, table: string, options: AlterIndexOptions): OpCall;
  dropConstraint(name: string, table: string, options?: SchemaOption & OnlineDdl & { readonly type?: ConstraintSpec['kind'] }): OpCall;
  createEnum(name: string, values: readonly string[], options?: SchemaOption): OpCall;
  dropEnum(name: string, options?: SchemaOption & { readonly ifExists?: boolean }): OpCall;
  addEnumValue(name: string, value: string, options?: SchemaOption & { readonly before?: string; readonly after?: string; readonly ifNotExists?: boolean }): OpCall;
  setTableComment(table: string, comment: string | null, options?: SchemaOption): OpCall;
  /** Change MySQL table options: `op.alterTableOptions('t', { engine: 'InnoDB', collate: 'utf8mb4_bin' })`. */
  alterTableOptions(table: string, options: TableOptionChanges & SchemaOption): OpCall;
  execute(sql: string): OpCall;
  bulkInsert(table: string, rows: readonly Readonly<Record<string, unknown>>[], options?: SchemaOption): OpCall;
  /** Several changes to one table at once; SQLite rebuilds the table (copying rows) when it must. */
  batch(table: string, body: (batchOp: BatchOp) => Promise<void> | void, options?: BatchOptions): OpCall;
  /**
   * Run `body` outside the revision's transaction (commit before, begin again after): for
   * `CREATE INDEX CONCURRENTLY` and `ALTER TYPE ... ADD VALUE` on PostgreSQL.
   */
  noTransaction(body: () => Promise<void>): Promise<void>;
  /** Create an object made with the schema builders: `op.create(view('v', sql\`SELECT ...\`))`. */
  create(object: SchemaObject): OpCall;
  /** `CREATE OR REPLACE` an object (views, functions, triggers): its new definition. */
  replace(object: SchemaObject): OpCall;
  /** Change an object in place (sequence, domain, policy, comment...), from its current definition to the new one. */
  alter(from: SchemaObject, to: SchemaObject): OpCall;
  /** Drop an object: `op.drop('view', 'v')`, `op.drop('trigger', 't', { table: 'items' })`, `op.drop('function', 'f', { args: 'integer' })`. */
  drop(kind: ObjectKind, name: string, options?: DropObjectOptions): OpCall;
  /** Enable / force row-level security on a table (absent fields are false: `{}` disables it). */
  setRowLevelSecurity(table: string, security: RowLevelSecurity, options?: SchemaOption): OpCall;
}

function toDefault(value: DefaultInput | null): DefaultValue | null {
  if (value === null) return null;
  if (typeof value === 'object') return { kind: 'sql', sql: value.sql };
  return { kind: 'literal', value };
}

function toGenerated(value: GeneratedInput): GeneratedColumn {
  const expression = typeof value.expression === 'string' ? value.expression : value.expression.sql;
  return Object.freeze({ expression, stored: value.stored ?? false });
}

function schemaOf(options: SchemaOption | undefined): { schema?: string } {
  return options?.schema === undefined ? {} : { schema: options.schema };
}

/** The MySQL `ALGORITHM` / `LOCK` asked for, as operation fields. */
function onlineOf(options: OnlineDdl | undefined): OnlineDdl {
  return {
    ...(options?.algorithm === undefined ? {} : { algorithm: options.algorithm }),
    ...(options?.lock === undefined ? {} : { lock: options.lock }),
  };
}

/** The column changes and `existing` facts of an alterColumn call. */
export function alterColumnParts(changes: AlterColumnOptions): { changes: ColumnChanges; existing?: Partial<ColumnSpec> } {
  const out: { -readonly [K in keyof ColumnChanges]: ColumnChanges[K] } = {};
  if (changes.type !== undefined) {
    out.type = changes.type.spec.type;
    if (changes.type.spec.unsigned) out.unsigned = true;
  }
  if (changes.nullable !== undefined) out.nullable = changes.nullable;
  if (changes.default !== undefined) out.default = toDefault(changes.default);
  if (changes.comment !== undefined) out.comment = changes.comment;
  if (changes.newName !== undefined) out.newName = changes.newName;
  if (changes.using !== undefined) out.using = changes.using;
  if (changes.autoIncrement !== undefined) out.autoIncrement = changes.autoIncrement;
  if (changes.collation !== undefined) out.collation = changes.collation;
  if (changes.charset !== undefined) out.charset = changes.charset;
  if (changes.onUpdate !== undefined) out.onUpdate = changes.onUpdate === null ? null : { kind: 'sql', sql: changes.onUpdate.sql };
  if (changes.generated !== undefined) out.generated = changes.generated === null ? null : toGenerated(changes.generated);
  if (changes.identity !== undefined) out.identity = changes.identity;
  if (changes.serial !== undefined) out.serial = changes.serial === null ? null : Object.freeze({ ...changes.serial });
  const existing: { -readonly [K in keyof ColumnSpec]?: ColumnSpec[K] } = {};
  if (changes.existingType !== undefined) {
    existing.type = changes.existingType.spec.type;
    existing.unsigned = changes.existingType.spec.unsigned;
  }
  if (changes.existingNullable !== undefined) existing.nullable = changes.existingNullable;
  if (changes.existingDefault !== undefined && changes.existingDefault !== null) {
    existing.default = toDefault(changes.existingDefault) ?? undefined;
  }
  if (changes.existingComment !== undefined && changes.existingComment !== null) existing.comment = changes.existingComment;
  if (changes.existingAutoIncrement) existing.autoIncrement = true;
  if (typeof changes.existingCollation === 'string') existing.collation = changes.existingCollation;
  if (typeof changes.existingCharset === 'string') existing.charset = changes.existingCharset;
  if (changes.existingOnUpdate) existing.onUpdate = { kind: 'sql', sql: changes.existingOnUpdate.sql };
  if (changes.existingGenerated) existing.generated = toGenerated(changes.existingGenerated);
  if (changes.existingIdentity === 'always') existing.identity = 'always';
  if (changes.existingSerial !== undefined) existing.serial = Object.freeze({ ...changes.existingSerial });
  return Object.keys(existing).length > 0 ? { changes: Object.freeze(out), existing: Object.freeze(existing) } : { changes: Object.freeze(out) };
}

function requireObject(what: string, value: SchemaObject): SchemaObject {
  if (!isSchemaObject(value)) {
    throw new RetortError('BadArgument', `${what} takes an object made with view(), fn(), trigger(), sequence(), ... from 'retort-migrate'.`);
  }
  return value;
}

function requireName(what: string, name: unknown): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new RetortError('BadArgument', `${what} needs a non-empty name, got ${JSON.stringify(name)}.`);
  }
}

/** The operations of a batch body, collected in order against `table`. */
async function collectBatch(table: string, schema: SchemaOption, body: (b: BatchOp) => Promise<void> | void): Promise<Operation[]> {
  const ops: Operation[] = [];
  const inner = buildOp(async (op) => {
    ops.push(op);
  }, async () => {
    throw new RetortError('BadArgument', 'op.noTransaction cannot be used inside op.batch.');
  });
  const s = schema;
  const batchOp: BatchOp = {
    addColumn: (name, column) => inner.addColumn(table, name, column, s),
    dropColumn: (name) => inner.dropColumn(table, name, s),
    alterColumn: (name, changes) => inner.alterColumn(table, name, { ...changes, ...s }),
    createIndex: (name, columns, options) => inner.createIndex(name, table, columns, { ...options, ...s }),
    dropIndex: (name) => inner.dropIndex(name, { table, ...s }),
    createUnique: (name, columns) => inner.createUnique(name, table, columns, s),
    createForeignKey: (name, columns, refTable, refColumns, options) => inner.createForeignKey(name, table, columns, refTable, refColumns, { ...options, ...s }),
    createCheck: (name, condition) => inner.createCheck(name, table, condition, s),
    createPrimaryKey: (name, columns) => inner.createPrimaryKey(name, table, columns, s),
    dropConstraint: (name, options) => inner.dropConstraint(name, table, { ...options, ...s }),
  };
  await body(batchOp);
  return ops;
}

/**
 * Build an `op` facade that sends every operation to `sink`.
 * @param sink - compiles and runs (or prints) each operation
 * @param noTransaction - runs a body outside the current transaction
 */
export function buildOp(sink: OperationSink, noTransaction: (body: () => Promise<void>) => Promise<void>): Op {
  const emitWith = (op: Operation, acks: Acknowledgement[]): Promise<void> => {
    const frozen = freezeOp(op);
    registerAcknowledgements(frozen, acks);
    return sink(frozen);
  };
  const emit = (op: Operation): OpCall => {
    const acks: Acknowledgement[] = [];
    return acknowledgeable(emitWith(op, acks), acks);
  };
  const addConstraint = (table: string, options: (SchemaOption & OnlineDdl & { concurrently?: boolean; validate?: boolean }) | undefined, constraint: ConstraintSpec) => {
    requireName('A constraint', constraint.name);
    return emit({
      kind: 'addConstraint', table, ...schemaOf(options), constraint: Object.freeze(constraint) as ConstraintSpec & { name: string },
      ...(options?.concurrently ? { concurrently: true } : {}), ...(options?.validate ? { validate: true } : {}), ...onlineOf(options),
    });
  };
  const flags = (options: object | undefined, keys: readonly string[]): Record<string, unknown> =>
    Object.fromEntries(keys.map((k) => [k, (options as Record<string, unknown> | undefined)?.[k]]).filter(([, v]) => v !== undefined && v !== false));
  const op: Op = {
    createTable(name, columns, options) {
      requireName('op.createTable', name);
      const named = Object.entries(columns).map(([col, builder]) => Object.freeze({ name: col, spec: builder.spec }));
      const { schema, constraints, ifNotExists, partitionOf, ...tableOptions } = options ?? {};
      return emit({
        kind: 'createTable', table: name, ...schemaOf({ schema }), columns: Object.freeze(named),
        constraints: Object.freeze([...(constraints ?? [])]), options: Object.freeze(tableOptions),
        ...(ifNotExists ? { ifNotExists } : {}),
        ...(partitionOf === undefined ? {} : { partitionOf: Object.freeze({ ...partitionOf }) }),
      });
    },
    dropTable: (name, options) => emit({ kind: 'dropTable', table: name, ...schemaOf(options), ...(options?.ifExists ? { ifExists: true } : {}), ...(options?.cascade ? { cascade: true } : {}) }),
    renameTable: (name, newName, options) => emit({ kind: 'renameTable', table: name, newName, ...schemaOf(options) }),
    addColumn: (table, name, column, options) => emit({ kind: 'addColumn', table, ...schemaOf(options), column: Object.freeze({ name, spec: column.spec }), ...onlineOf(options) }),
    dropColumn: (table, name, options) => emit({ kind: 'dropColumn', table, ...schemaOf(options), column: name, ...onlineOf(options) }),
    alterColumn: (table, name, changes) => emit({
      kind: 'alterColumn', table, column: name, ...schemaOf(changes), ...alterColumnParts(changes), ...onlineOf(changes),
      ...(changes.notNullViaCheck ? { notNullViaCheck: true } : {}),
    }),
    createIndex(name, table, columns, options) {
      requireName('op.createIndex', name);
      return emit({
        kind: 'createIndex', name, table, ...schemaOf(options), columns: Object.freeze([...columns]), unique: options?.unique ?? false,
        ...(options?.where === undefined ? {} : { where: options.where }),
        ...flags(options, ['using', 'include', 'nullsNotDistinct', 'with']),
        ...(options?.concurrently ? { concurrently: true } : {}),
        ...(options?.ifNotExists ? { ifNotExists: true } : {}),
        ...(options?.fulltext ? { fulltext: true } : {}),
        ...(options?.spatial ? { spatial: true } : {}),
        ...onlineOf(options),
      });
    },
    dropIndex: (name, options) => emit({
      kind: 'dropIndex', name, ...schemaOf(options), ...(options?.table === undefined ? {} : { table: options.table }),
      ...(options?.concurrently ? { concurrently: true } : {}), ...(options?.ifExists ? { ifExists: true } : {}), ...onlineOf(options),
    }),
    createUnique: (name, table, columns, options) => addConstraint(table, options, {
      kind: 'unique', name, columns: [...columns], ...flags(options, ['nullsNotDistinct', 'include', 'with', 'deferrable', 'initiallyDeferred']),
    }),
    createForeignKey: (name, table, columns, refTable, refColumns, options) => addConstraint(table, options, {
      kind: 'foreignKey', name, columns: [...columns], refTable, refColumns: [...refColumns],
      ...(options?.refSchema === undefined ? {} : { refSchema: options.refSchema }),
      ...(options?.onDelete === undefined ? {} : { onDelete: options.onDelete }),
      ...(options?.onUpdate === undefined ? {} : { onUpdate: options.onUpdate }),
      ...(options?.match === undefined || options.match === 'simple' ? {} : { match: options.match }),
      ...flags(options, ['deferrable', 'initiallyDeferred', 'notValid']),
    }),
    createCheck: (name, table, condition, options) => addConstraint(table, options, { kind: 'check', name, condition, ...flags(options, ['notValid', 'noInherit']) }),
    createPrimaryKey: (name, table, columns, options) => addConstraint(table, options, {
      kind: 'primaryKey', name, columns: [...columns], ...flags(options, ['include', 'with', 'deferrable', 'initiallyDeferred']),
    }),
    addConstraint: (table, constraint, options) => addConstraint(table, options, constraint),
    setTableOptions: (table, options) => emit({
      kind: 'setTableOptions', table, ...schemaOf(options), ...flags(options, ['with']),
      ...(options.unlogged === undefined ? {} : { unlogged: options.unlogged }),
    }),
    attachPartition: (table, partition, bound, options) => emit({
      kind: 'attachPartition', table, ...schemaOf(options), partition, bound,
      ...(options?.partitionSchema === undefined ? {} : { partitionSchema: options.partitionSchema }),
    }),
    detachPartition: (table, partition, options) => emit({
      kind: 'detachPartition', table, ...schemaOf(options), partition,
      ...(options?.partitionSchema === undefined ? {} : { partitionSchema: options.partitionSchema }),
    }),
    attachIndex: (table, index, partition, partitionIndex, options) => emit({
      kind: 'attachIndex', table, ...schemaOf(options), index, partition, partitionIndex,
      ...(options?.partitionSchema === undefined ? {} : { partitionSchema: options.partitionSchema }),
    }),
    alterIndex: (name, table, options) => emit({
      kind: 'alterIndex', table, ...schemaOf(options), name,
      ...(options.rename === undefined ? {} : { rename: options.rename }), ...flags(options, ['with', 'attachedTo']),
    }),
    dropConstraint: (name, table, options) => emit({
      kind: 'dropConstraint', name, table, ...schemaOf(options), ...(options?.type === undefined ? {} : { type: options.type }), ...onlineOf(options),
    }),
    createEnum: (name, values, options) => emit({ kind: 'createEnum', name, ...schemaOf(options), values: Object.freeze([...values]) }),
    dropEnum: (name, options) => emit({ kind: 'dropEnum', name, ...schemaOf(options), ...(options?.ifExists ? { ifExists: true } : {}) }),
    addEnumValue: (name, value, options) => emit({
      kind: 'addEnumValue', name, value, ...schemaOf(options),
      ...(options?.before === undefined ? {} : { before: options.before }),
      ...(options?.after === undefined ? {} : { after: options.after }),
      ...(options?.ifNotExists ? { ifNotExists: true } : {}),
    }),
    setTableComment: (table, comment, options) => emit({ kind: 'setTableComment', table, ...schemaOf(options), comment }),
    alterTableOptions: (table, options) => {
      const { schema, ...changes } = options;
      return emit({ kind: 'alterTableOptions', table, ...schemaOf({ schema }), options: Object.freeze(changes) });
    },
    execute(sqlText) {
      if (typeof sqlText !== 'string') throw new RetortError('BadArgument', 'op.execute takes the SQL text as a string.');
      return emit({ kind: 'execute', sql: sqlText });
    },
    bulkInsert: (table, rows, options) => emit({ kind: 'bulkInsert', table, ...schemaOf(options), rows: Object.freeze([...rows]) }),
    batch(table, body, options) {
      // The batch operation exists only once its body ran: acks given on the call wait for it.
      const acks: Acknowledgement[] = [];
      return acknowledgeable(collectBatch(table, schemaOf(options), body).then((operations) =>
        emitWith({ kind: 'batch', table, ...schemaOf(options), operations: Object.freeze(operations), recreate: options?.recreate ?? 'auto' }, acks)), acks);
    },
    noTransaction: (body) => noTransaction(body),
    create: (object) => emit({ kind: 'createObject', object: requireObject('op.create', object) }),
    replace: (object) => emit({ kind: 'createObject', object: requireObject('op.replace', object), orReplace: true }),
    alter(from, to) {
      requireObject('op.alter', from);
      requireObject('op.alter', to);
      if (from.kind !== to.kind) throw new RetortError('BadArgument', `op.alter changes one object: got a ${from.kind} and a ${to.kind}.`);
      return emit({ kind: 'alterObject', from, to });
    },
    drop(kind, name, options = {}) {
      requireName(`op.drop('${kind}')`, name);
      const { ifExists, cascade, table, args, schema } = options;
      const object = { kind, name, ...(schema === undefined ? {} : { schema }), ...(table === undefined ? {} : { table }), ...(args === undefined ? {} : { args }) };
      return emit({ kind: 'dropObject', object: Object.freeze(object), ...(ifExists ? { ifExists } : {}), ...(cascade ? { cascade } : {}) });
    },
    setRowLevelSecurity: (table, security, options) => emit({ kind: 'setRowLevelSecurity', table, ...schemaOf(options), security: Object.freeze({ ...security }) }),
  };
  return Object.freeze(op);
}
