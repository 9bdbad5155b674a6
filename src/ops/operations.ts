/**
 * Operations: plain, frozen, tagged objects. One operation object serves three uses, as in
 * Alembic: a revision script creates it through the `op` facade, autogenerate renders it as
 * TypeScript, and a dialect's DDL compiler turns it into SQL (the same SQL online and offline).
 * Every table-level operation may carry `schema`; when absent, the run's `dbSchema` applies.
 */
import type {
  ColumnSpec,
  ColumnType,
  ConstraintSpec,
  DefaultValue,
  GeneratedColumn,
  IndexElement,
  NamedColumn,
  PartitionOf,
  ReferentialAction,
  RowLevelSecurity,
  SerialSequence,
  StorageParameters,
  TableOptions,
} from '../schema/model.js';
import type { ObjectRef, SchemaObject } from '../schema/objects.js';

/**
 * How MySQL / MariaDB should run an ALTER (InnoDB online DDL): `ALGORITHM=INSTANT` (metadata
 * only) or `INPLACE` with `LOCK=NONE` (reads and writes go on). Named explicitly, the server
 * refuses the statement at once when it cannot run it that way, instead of silently copying the
 * table under a write lock. Other dialects ignore both.
 */
export interface OnlineDdl {
  readonly algorithm?: 'instant' | 'inplace' | 'copy';
  /** Ignored with `algorithm: 'instant'` (MySQL allows only LOCK=DEFAULT there). */
  readonly lock?: 'none' | 'shared' | 'exclusive';
}

/** Create a table with its columns, constraints and options. */
export interface CreateTableOp {
  readonly kind: 'createTable';
  readonly table: string;
  readonly schema?: string;
  readonly columns: readonly NamedColumn[];
  /** Table-level constraints beyond what the columns declare (composite keys, checks...). */
  readonly constraints: readonly ConstraintSpec[];
  readonly options: TableOptions;
  readonly ifNotExists?: boolean;
  /** A partition (PostgreSQL `CREATE TABLE ... PARTITION OF parent FOR VALUES ...`): `columns` is then empty. */
  readonly partitionOf?: PartitionOf;
}

/** Drop a table. */
export interface DropTableOp {
  readonly kind: 'dropTable';
  readonly table: string;
  readonly schema?: string;
  readonly ifExists?: boolean;
  readonly cascade?: boolean;
}

/** Rename a table. */
export interface RenameTableOp {
  readonly kind: 'renameTable';
  readonly table: string;
  readonly newName: string;
  readonly schema?: string;
}

/** Add a column. */
export interface AddColumnOp extends OnlineDdl {
  readonly kind: 'addColumn';
  readonly table: string;
  readonly schema?: string;
  readonly column: NamedColumn;
}

/** Drop a column. */
export interface DropColumnOp extends OnlineDdl {
  readonly kind: 'dropColumn';
  readonly table: string;
  readonly schema?: string;
  readonly column: string;
}

/**
 * What `alterColumn` changes. A key that is absent is left alone; `default: null` and
 * `comment: null` remove the default / comment.
 */
export interface ColumnChanges {
  readonly type?: ColumnType;
  readonly nullable?: boolean;
  readonly default?: DefaultValue | null;
  readonly comment?: string | null;
  readonly newName?: string;
  /** PostgreSQL `USING` expression for a type change. */
  readonly using?: string;
  readonly autoIncrement?: boolean;
  readonly unsigned?: boolean;
  /** New collation; `null`: back to the table's (MySQL) or the database's default. */
  readonly collation?: string | null;
  /** New character set (MySQL); `null`: back to the table's. */
  readonly charset?: string | null;
  /** New `ON UPDATE` value (MySQL); `null` removes it. */
  readonly onUpdate?: DefaultValue | null;
  /** New generation expression; `null` makes it a plain column. */
  readonly generated?: GeneratedColumn | null;
  /** PostgreSQL identity kind of an identity column (`SET GENERATED ALWAYS / BY DEFAULT`). */
  readonly identity?: 'always' | 'byDefault';
  /**
   * PostgreSQL: the column becomes (or stays) a serial column with this sequence, relative to the
   * operation's table and column; `null`: it stops being one (an identity, or no auto-increment).
   */
  readonly serial?: SerialSequence | null;
}

/** Alter a column. `existing` describes the column as it is (Alembic's `existing_*`). */
export interface AlterColumnOp extends OnlineDdl {
  readonly kind: 'alterColumn';
  readonly table: string;
  readonly schema?: string;
  readonly column: string;
  readonly changes: ColumnChanges;
  /** The column's current definition, when known: needed by MySQL's MODIFY and SQLite's rebuild. */
  readonly existing?: Partial<ColumnSpec>;
  /**
   * PostgreSQL 12+: make the column NOT NULL without an ACCESS EXCLUSIVE scan: a `CHECK (c IS
   * NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` (writes go on), `SET NOT NULL` (which then
   * trusts the valid check and skips the scan), and the check dropped. Run it under
   * `op.noTransaction` so each step commits and releases its lock.
   */
  readonly notNullViaCheck?: boolean;
}

/** Create an index. */
export interface CreateIndexOp extends OnlineDdl {
  readonly kind: 'createIndex';
  readonly name: string;
  readonly table: string;
  readonly schema?: string;
  readonly columns: readonly IndexElement[];
  readonly unique: boolean;
  /** Partial index predicate. */
  readonly where?: string;
  /** Access method (`gin`, `gist`, `brin`, `hash`, `spgist`); absent: B-tree. */
  readonly using?: string;
  /** Non-key columns (`INCLUDE`). */
  readonly include?: readonly string[];
  /** `NULLS NOT DISTINCT`. */
  readonly nullsNotDistinct?: boolean;
  /** Storage parameters (`WITH (...)`). */
  readonly with?: StorageParameters;
  /** PostgreSQL `CONCURRENTLY`; must run outside a transaction (see `op.noTransaction`). */
  readonly concurrently?: boolean;
  readonly ifNotExists?: boolean;
  /** MySQL FULLTEXT. */
  readonly fulltext?: boolean;
  /** MySQL SPATIAL. */
  readonly spatial?: boolean;
}

/** Drop an index. MySQL needs the table. */
export interface DropIndexOp extends OnlineDdl {
  readonly kind: 'dropIndex';
  readonly name: string;
  readonly table?: string;
  readonly schema?: string;
  readonly concurrently?: boolean;
  readonly ifExists?: boolean;
}

/** Add a table constraint (unique, foreign key, check, primary key). */
export interface AddConstraintOp extends OnlineDdl {
  readonly kind: 'addConstraint';
  readonly table: string;
  readonly schema?: string;
  readonly constraint: ConstraintSpec & { readonly name: string };
  /**
   * PostgreSQL UNIQUE / PRIMARY KEY: build the index first with `CREATE UNIQUE INDEX
   * CONCURRENTLY` (writes go on), then attach it with `ADD CONSTRAINT ... USING INDEX` (a brief
   * lock). Runs outside a transaction (`op.noTransaction`).
   */
  readonly concurrently?: boolean;
  /**
   * A FOREIGN KEY or CHECK added `NOT VALID` is validated by a second statement, `VALIDATE
   * CONSTRAINT`, which takes only a SHARE UPDATE EXCLUSIVE lock. Under `op.noTransaction` the
   * ADD commits (releasing its brief strong lock) before the scan starts.
   */
  readonly validate?: boolean;
}

/** Drop a named constraint; `type` helps dialects that spell drops differently (MySQL). */
export interface DropConstraintOp extends OnlineDdl {
  readonly kind: 'dropConstraint';
  readonly table: string;
  readonly schema?: string;
  readonly name: string;
  readonly type?: ConstraintSpec['kind'];
}

/** Create a named enum type (PostgreSQL); dialects with inline enums emit nothing. */
export interface CreateEnumOp {
  readonly kind: 'createEnum';
  readonly name: string;
  readonly schema?: string;
  readonly values: readonly string[];
}

/** Drop a named enum type. */
export interface DropEnumOp {
  readonly kind: 'dropEnum';
  readonly name: string;
  readonly schema?: string;
  readonly ifExists?: boolean;
}

/** Add a value to an enum type. */
export interface AddEnumValueOp {
  readonly kind: 'addEnumValue';
  readonly name: string;
  readonly schema?: string;
  readonly value: string;
  readonly before?: string;
  readonly after?: string;
  readonly ifNotExists?: boolean;
}

/** Set or remove (null) a table comment. */
export interface SetTableCommentOp {
  readonly kind: 'setTableComment';
  readonly table: string;
  readonly schema?: string;
  readonly comment: string | null;
}

/**
 * Change table options other than the comment (MySQL: engine, default character set and
 * collation, row format). `options` holds only what changes. A new collation or character set
 * converts the columns that follow the table's default (MySQL `CONVERT TO CHARACTER SET`).
 */
export interface AlterTableOptionsOp {
  readonly kind: 'alterTableOptions';
  readonly table: string;
  readonly schema?: string;
  /** `null` puts an option back to the server's default (MySQL `ROW_FORMAT=DEFAULT`). */
  readonly options: TableOptionChanges;
}

/** The options {@link AlterTableOptionsOp} changes: a new value, or `null` for the default. */
export type TableOptionChanges = { readonly [K in Exclude<keyof TableOptions, 'comment'>]?: TableOptions[K] | null };

/**
 * Change PostgreSQL table options: `SET UNLOGGED` / `SET LOGGED`, storage parameters set
 * (`SET (k = v)`) or reset (a null value: `RESET (k)`).
 */
export interface SetTableOptionsOp {
  readonly kind: 'setTableOptions';
  readonly table: string;
  readonly schema?: string;
  readonly unlogged?: boolean;
  readonly with?: Readonly<Record<string, string | null>>;
}

/** Attach an existing table as a partition of `table` (PostgreSQL `ALTER TABLE ... ATTACH PARTITION`). */
export interface AttachPartitionOp {
  readonly kind: 'attachPartition';
  /** The partitioned parent. */
  readonly table: string;
  readonly schema?: string;
  readonly partition: string;
  readonly partitionSchema?: string;
  /** `FOR VALUES ...` or `DEFAULT`. */
  readonly bound: string;
}

/** Detach a partition of `table`; it stays as a table of its own. */
export interface DetachPartitionOp {
  readonly kind: 'detachPartition';
  readonly table: string;
  readonly schema?: string;
  readonly partition: string;
  readonly partitionSchema?: string;
}

/**
 * Attach a partition's index to its parent's index (PostgreSQL `ALTER INDEX parentIndex ATTACH
 * PARTITION partitionIndex`): the partition's index then stands for the parent's on that
 * partition, under its own name and storage parameters. Attaching the index already attached
 * does nothing; PostgreSQL refuses one that does not match the parent's.
 */
export interface AttachIndexOp {
  readonly kind: 'attachIndex';
  /** The partitioned parent and its index. */
  readonly table: string;
  readonly schema?: string;
  readonly index: string;
  /** The partition and its index. */
  readonly partition: string;
  readonly partitionSchema?: string;
  readonly partitionIndex: string;
}

/**
 * Rename an index and change its storage parameters (PostgreSQL `ALTER INDEX ... RENAME TO`,
 * `SET (k = v)`, `RESET (k)` for a null value), without building it again.
 */
export interface AlterIndexOp {
  readonly kind: 'alterIndex';
  readonly table: string;
  readonly schema?: string;
  readonly name: string;
  readonly rename?: string;
  readonly with?: Readonly<Record<string, string | null>>;
  /**
   * The parent's index (or key) the index is a partition's copy of: found by it when the
   * statement runs, whatever its name. PostgreSQL names a copy it creates `name`, or numbers
   * it (`name1`) when another relation of the schema holds `name` already.
   */
  readonly attachedTo?: string;
}

/** The table operations only some dialects have (PostgreSQL's options, partitions and partition indexes). */
export type TableFeatureOp = SetTableOptionsOp | AttachPartitionOp | DetachPartitionOp | AttachIndexOp | AlterIndexOp;

/** Raw SQL, executed as written. */
export interface ExecuteOp {
  readonly kind: 'execute';
  readonly sql: string;
}

/** Insert rows; values are rendered as literals so that offline SQL is complete. */
export interface BulkInsertOp {
  readonly kind: 'bulkInsert';
  readonly table: string;
  readonly schema?: string;
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

/**
 * Several changes to one table applied together. Dialects that can ALTER in place compile the
 * inner operations one by one; SQLite rebuilds the table (create new, copy rows, drop, rename).
 */
export interface BatchOp {
  readonly kind: 'batch';
  readonly table: string;
  readonly schema?: string;
  readonly operations: readonly Operation[];
  /** 'auto' (rebuild only when needed), 'always', or 'never'. */
  readonly recreate: 'auto' | 'always' | 'never';
}

/**
 * Create an object beyond tables (a view, a function, a trigger, a sequence, ...). `orReplace`
 * asks for `CREATE OR REPLACE` where the dialect has it (views, functions, triggers); the
 * compiler refuses it for a kind that has none.
 */
export interface CreateObjectOp {
  readonly kind: 'createObject';
  readonly object: SchemaObject;
  readonly orReplace?: boolean;
}

/**
 * Change an object in place, from what it is to what it should be: the dialect emits the
 * smallest statements it can (`ALTER SEQUENCE`, `ALTER DOMAIN ... ADD CONSTRAINT`, `ALTER POLICY`,
 * `COMMENT ON`). Its reverse is the same operation with `from` and `to` swapped.
 */
export interface AlterObjectOp {
  readonly kind: 'alterObject';
  readonly from: SchemaObject;
  readonly to: SchemaObject;
}

/** Drop an object beyond tables. */
export interface DropObjectOp {
  readonly kind: 'dropObject';
  readonly object: ObjectRef;
  readonly ifExists?: boolean;
  readonly cascade?: boolean;
}

/** Enable, force or disable row-level security on a table (PostgreSQL). */
export interface SetRowLevelSecurityOp {
  readonly kind: 'setRowLevelSecurity';
  readonly table: string;
  readonly schema?: string;
  /** The state to reach; absent fields are false. */
  readonly security: RowLevelSecurity;
}

/** Every operation. */
export type Operation =
  | CreateTableOp
  | DropTableOp
  | RenameTableOp
  | AddColumnOp
  | DropColumnOp
  | AlterColumnOp
  | CreateIndexOp
  | DropIndexOp
  | AddConstraintOp
  | DropConstraintOp
  | CreateEnumOp
  | DropEnumOp
  | AddEnumValueOp
  | SetTableCommentOp
  | AlterTableOptionsOp
  | SetTableOptionsOp
  | AttachPartitionOp
  | DetachPartitionOp
  | AttachIndexOp
  | AlterIndexOp
  | ExecuteOp
  | BulkInsertOp
  | BatchOp
  | CreateObjectOp
  | AlterObjectOp
  | DropObjectOp
  | SetRowLevelSecurityOp;

/** The `kind` of every operation. */
export type OperationKind = Operation['kind'];

/** Re-exported for dialects compiling foreign keys. */
export type { ReferentialAction };

/** Freeze an operation (shallowly; its parts are frozen by their builders). */
export function freezeOp<T extends Operation>(op: T): T {
  return Object.freeze(op);
}
