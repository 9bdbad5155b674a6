/**
 * The neutral schema model: plain, frozen data that describes tables, columns, indexes and
 * constraints without saying which database they live in. The TypeScript builders produce it,
 * each dialect's introspection reads the live database into it, the diff engine compares two of
 * them, and each dialect's DDL compiler turns operations carrying it into SQL.
 */
import type { SchemaObject } from './objects.js';

/** A column type, independent of any dialect. Each dialect maps it to its own spelling. */
export type ColumnType =
  | { readonly kind: 'smallint' }
  /**
   * MySQL's own types (h13-adopt): native on MySQL/MariaDB; elsewhere each stands for the
   * portable kind {@link portableType} gives (TINYINT is SMALLINT on PostgreSQL, SET is TEXT).
   */
  | { readonly kind: 'tinyint' }
  | { readonly kind: 'mediumint' }
  | { readonly kind: 'mediumtext' }
  | { readonly kind: 'longtext' }
  | { readonly kind: 'year' }
  /** MySQL's SET: any subset of `values`, stored as one comma-separated string. */
  | { readonly kind: 'set'; readonly values: readonly string[] }
  | { readonly kind: 'integer' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'varchar'; readonly length?: number }
  | { readonly kind: 'char'; readonly length?: number }
  | { readonly kind: 'text' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'numeric'; readonly precision?: number; readonly scale?: number }
  | { readonly kind: 'real' }
  | { readonly kind: 'double' }
  | { readonly kind: 'date' }
  | { readonly kind: 'time' }
  /** A date and time without zone: DATETIME on MySQL, `timestamp without time zone` on PostgreSQL. */
  | { readonly kind: 'timestamp'; readonly precision?: number }
  | { readonly kind: 'timestamptz'; readonly precision?: number }
  | { readonly kind: 'json' }
  | { readonly kind: 'jsonb' }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'bytes' }
  /** An enumeration. PostgreSQL: a named type; MySQL: inline ENUM(...); SQLite: text + CHECK. */
  | { readonly kind: 'enum'; readonly name: string; readonly values: readonly string[] }
  /** A type spelled out in the dialect's own SQL, kept verbatim (from `pull`, or by hand). */
  | { readonly kind: 'raw'; readonly sql: string };

/** The `kind` of every {@link ColumnType}. */
export type ColumnTypeKind = ColumnType['kind'];

/** A server default: a literal value (quoted by the dialect) or raw SQL (kept verbatim). */
export type DefaultValue =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'sql'; readonly sql: string };

/** Referential action of a foreign key. */
export type ReferentialAction = 'cascade' | 'restrict' | 'set null' | 'set default' | 'no action';

/** The target of a column-level `.references()`. */
export interface ColumnReference {
  readonly table: string;
  readonly column: string;
  readonly name?: string;
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
}

/**
 * A generated (computed) column: `GENERATED ALWAYS AS (expression) STORED | VIRTUAL`. `stored`
 * columns are computed on write and take space; virtual ones are computed on read (MySQL, SQLite;
 * PostgreSQL 15 has only stored ones).
 */
export interface GeneratedColumn {
  /** The expression, as SQL text of the dialect (compared after the dialect's normalisation). */
  readonly expression: string;
  readonly stored: boolean;
}

/** Everything retort knows about one column. */
export interface ColumnSpec {
  readonly type: ColumnType;
  /** False when declared `.notNull()` or part of the primary key (as in SQLAlchemy). */
  readonly nullable: boolean;
  readonly primaryKey: boolean;
  readonly autoIncrement: boolean;
  readonly unsigned: boolean;
  readonly unique: boolean;
  readonly default?: DefaultValue;
  readonly references?: ColumnReference;
  readonly comment?: string;
  /**
   * The column's collation (`COLLATE`), when it is not the one its table (MySQL) or database
   * (PostgreSQL) gives it: `utf8mb4_bin` on MySQL, `"C"` on PostgreSQL, `NOCASE` on SQLite.
   */
  readonly collation?: string;
  /** MySQL's column `CHARACTER SET`, when it is not its table's. */
  readonly charset?: string;
  /** MySQL's `ON UPDATE` value of a DATETIME / TIMESTAMP column (`CURRENT_TIMESTAMP`). */
  readonly onUpdate?: DefaultValue;
  /** A generated column's expression; such a column has no default and takes no inserts. */
  readonly generated?: GeneratedColumn;
  /** The name this column had before, so that autogenerate writes a rename, not a drop and add. */
  readonly renamedFrom?: string;
  /**
   * PostgreSQL's identity kind of an auto-increment column: `always` rejects explicit values
   * unless `OVERRIDING SYSTEM VALUE`; absent means BY DEFAULT (what retort creates).
   */
  readonly identity?: 'always' | 'byDefault';
  /**
   * PostgreSQL: the column is a serial column (`serial`, `bigserial`, `smallserial`: a sequence
   * owned by the column, its default `nextval` of it) rather than an identity; `autoIncrement` is
   * then true and `identity` absent. Other dialects read it as their auto-increment.
   */
  readonly serial?: SerialSequence;
}

/**
 * The sequence of a serial column. Every field is left out when it is what `serial` creates: the
 * name PostgreSQL gives it (`<table>_<column>_seq`, clipped to 63 bytes), the column's schema
 * and type, and the defaults of `CREATE SEQUENCE` for that type. Numbers are strings (they may
 * exceed what a JavaScript number holds).
 */
export interface SerialSequence extends SequenceSettings {
  /** The sequence's name, when not PostgreSQL's default for its table and column (a renamed table keeps the old one). */
  readonly sequence?: string;
  /** Its schema, when not its table's. */
  readonly schema?: string;
}

/**
 * A sequence's type, bounds and steps (a sequence object's, or a serial column's, where the type
 * defaults to the column's and a dump's `CREATE SEQUENCE` without `AS` is bigint on an integer
 * column). Strings: they may exceed what a JavaScript number holds.
 */
export interface SequenceSettings {
  readonly type?: 'smallint' | 'integer' | 'bigint';
  readonly start?: string;
  readonly increment?: string;
  readonly minValue?: string;
  readonly maxValue?: string;
  readonly cache?: string;
  readonly cycle?: boolean;
}

/** The fields of {@link SerialSequence} in the order the model writes them. */
export const SERIAL_FIELDS = ['sequence', 'schema', 'type', 'start', 'increment', 'minValue', 'maxValue', 'cache', 'cycle'] as const;

/** A column with its name, in table order. */
export interface NamedColumn {
  readonly name: string;
  readonly spec: ColumnSpec;
}

/**
 * Per-element options of an index (or exclusion constraint) element. Each is left out when it is
 * the access method's default, so that a plain element compares equal to a bare column name.
 */
export interface IndexElementOptions {
  /** A non-default operator class (PostgreSQL `gin_trgm_ops`, `text_pattern_ops`...). */
  readonly opclass?: string;
  /** A per-element COLLATE different from the column's. */
  readonly collation?: string;
  /** Sort order; `asc` is the default and left out. */
  readonly order?: 'asc' | 'desc';
  /** NULLS placement, only when it is not the default of the order (LAST for ASC, FIRST for DESC). */
  readonly nulls?: 'first' | 'last';
  /** A prefix length (MySQL). */
  readonly length?: number;
}

/**
 * An index element: a column name (the plain form), or a column or SQL expression (PostgreSQL,
 * SQLite, MySQL 8) with per-element options.
 */
export type IndexElement =
  | string
  | ({ readonly column: string } & IndexElementOptions)
  | ({ readonly expression: string } & IndexElementOptions);

/** Storage parameters (`WITH (fillfactor = 70)`), values as the server prints them. */
export type StorageParameters = Readonly<Record<string, string>>;

/** An index. */
export interface IndexSpec {
  readonly name: string;
  readonly columns: readonly IndexElement[];
  readonly unique: boolean;
  /** Partial index predicate (PostgreSQL, SQLite). */
  readonly where?: string;
  /** A MySQL FULLTEXT index (its elements are whole text columns). */
  readonly fulltext?: boolean;
  /** A MySQL SPATIAL index (on a geometry column). */
  readonly spatial?: boolean;
  /** Access method (PostgreSQL `gin`, `gist`, `brin`, `hash`, `spgist`; MySQL `btree`/`hash`); absent: the default B-tree. */
  readonly using?: string;
  /** Non-key columns carried in the index (PostgreSQL `INCLUDE`). */
  readonly include?: readonly string[];
  /** `NULLS NOT DISTINCT` (PostgreSQL 15): a unique index that treats NULLs as equal. */
  readonly nullsNotDistinct?: boolean;
  /** Index storage parameters (PostgreSQL `WITH (fastupdate = off)`). */
  readonly with?: StorageParameters;
  /**
   * On a partition (PostgreSQL): the name of the parent's index this index is attached to. Only
   * an attached index that differs from what PostgreSQL would create for the partition (its own
   * name, or its own storage parameters) is declared; the others follow the parent unsaid.
   */
  readonly attachedTo?: string;
}

/** Options every constraint may carry (PostgreSQL). Absent means the default. */
export interface ConstraintOptions {
  /** `DEFERRABLE` (unique, primary key, foreign key, exclusion). */
  readonly deferrable?: boolean;
  /** `INITIALLY DEFERRED` (implies deferrable). */
  readonly initiallyDeferred?: boolean;
  /** `NOT VALID`: existing rows were not checked (foreign key, check). */
  readonly notValid?: boolean;
}

/** What the index behind a unique or primary-key constraint carries beyond its columns (PostgreSQL). */
export interface KeyIndexOptions {
  readonly include?: readonly string[];
  readonly with?: StorageParameters;
}

/**
 * On a partition (PostgreSQL): the parent's key this key is the partition's copy of. PostgreSQL
 * gives every partition its parent's primary key and unique constraints (`partition_pkey`,
 * `partition_columns_key`); only one renamed since is declared, with the name of its own and the
 * parent's constraint it stands for. Its columns are the parent's key columns.
 */
export interface AttachedKeyOptions {
  readonly attachedTo?: string;
}

/** One element of an exclusion constraint: an index element and the operator it is compared with. */
export interface ExclusionElement {
  readonly element: IndexElement;
  readonly operator: string;
}

/** A table-level constraint. A constraint without a name is matched by its content. */
export type ConstraintSpec =
  | ({ readonly kind: 'primaryKey'; readonly name?: string; readonly columns: readonly string[] } & ConstraintOptions & KeyIndexOptions & AttachedKeyOptions)
  | ({
      readonly kind: 'unique';
      readonly name?: string;
      readonly columns: readonly string[];
      /** `UNIQUE NULLS NOT DISTINCT` (PostgreSQL 15). */
      readonly nullsNotDistinct?: boolean;
    } & ConstraintOptions & KeyIndexOptions & AttachedKeyOptions)
  | ({
      readonly kind: 'foreignKey';
      readonly name?: string;
      readonly columns: readonly string[];
      readonly refTable: string;
      readonly refSchema?: string;
      readonly refColumns: readonly string[];
      readonly onDelete?: ReferentialAction;
      readonly onUpdate?: ReferentialAction;
      /** `MATCH FULL` / `MATCH PARTIAL`; `simple` is the default and left out. */
      readonly match?: 'full' | 'partial' | 'simple';
    } & ConstraintOptions)
  | ({
      readonly kind: 'check';
      readonly name?: string;
      readonly condition: string;
      /** `NO INHERIT` (PostgreSQL): partitions and child tables do not get it. */
      readonly noInherit?: boolean;
    } & ConstraintOptions)
  | ({
      /** `EXCLUDE USING gist (room WITH =, during WITH &&)` (PostgreSQL). */
      readonly kind: 'exclude';
      readonly name?: string;
      /** The index access method (`gist`, `btree`, `spgist`, ...). */
      readonly using: string;
      readonly elements: readonly ExclusionElement[];
      readonly where?: string;
    } & ConstraintOptions & KeyIndexOptions);

/** Row-level security of a table (PostgreSQL): absent fields are false. */
export interface RowLevelSecurity {
  /** `ENABLE ROW LEVEL SECURITY`: policies apply to everyone but the owner. */
  readonly enabled?: boolean;
  /** `FORCE ROW LEVEL SECURITY`: policies apply to the owner too. */
  readonly forced?: boolean;
}

/**
 * Dialect-specific table options. MySQL: the storage engine, the default character set and
 * collation of the table's columns, and `ROW_FORMAT`; absent means the server's or database's
 * default. PostgreSQL: UNLOGGED, storage parameters, partitioning, inheritance.
 */
export interface TableOptions {
  readonly comment?: string;
  readonly engine?: string;
  readonly charset?: string;
  readonly collate?: string;
  /** PostgreSQL row-level security; the policies are objects of the schema (`policy(...)`). */
  readonly rowLevelSecurity?: RowLevelSecurity;
  /** MySQL `ROW_FORMAT` (`DYNAMIC`, `COMPRESSED`, ...), when chosen explicitly. */
  readonly rowFormat?: string;
  /** PostgreSQL `UNLOGGED`: not written to the WAL, emptied after a crash, not replicated. */
  readonly unlogged?: boolean;
  /** PostgreSQL table storage parameters (`WITH (fillfactor = 50, autovacuum_enabled = off)`). */
  readonly with?: StorageParameters;
  /**
   * PostgreSQL declarative partitioning of a parent: the partition key as the server prints it
   * after `PARTITION BY` (`RANGE (created_at)`, `LIST (region)`, `HASH (id)`).
   */
  readonly partitionBy?: string;
  /** PostgreSQL `INHERITS (parent, ...)`: the parents of a table that uses inheritance. */
  readonly inherits?: readonly TableName[];
}

/** A table by name and namespace (undefined: the configured default). */
export interface TableName {
  readonly name: string;
  readonly schema?: string;
}

/**
 * A partition of a partitioned table (PostgreSQL). Its columns, keys, indexes and foreign keys
 * are its parent's (PostgreSQL propagates them): a partition declares only its bound, what it
 * adds of its own (indexes, checks), and, for sub-partitioning, its own `partitionBy`.
 */
export interface PartitionOf {
  readonly parent: string;
  readonly parentSchema?: string;
  /** `FOR VALUES FROM (...) TO (...)`, `FOR VALUES IN (...)`, `FOR VALUES WITH (modulus 4, remainder 0)` or `DEFAULT`. */
  readonly bound: string;
}

/** One table. */
export interface TableSpec {
  readonly name: string;
  /** The namespace (PostgreSQL schema); undefined means the configured default. */
  readonly schema?: string;
  readonly columns: readonly NamedColumn[];
  readonly constraints: readonly ConstraintSpec[];
  readonly indexes: readonly IndexSpec[];
  readonly options: TableOptions;
  /** The name this table had before, so that autogenerate writes a rename. */
  readonly renamedFrom?: string;
  /** Set on a partition (PostgreSQL): its parent and bound; its `columns` are then empty. */
  readonly partitionOf?: PartitionOf;
}

/** A named enum type (PostgreSQL). */
export interface EnumSpec {
  readonly name: string;
  readonly schema?: string;
  readonly values: readonly string[];
}

/**
 * Something a live database holds that the model has no place for (a rule, a publication, a
 * grant...). `readSchema` lists them with the model so that `pull`, autogenerate and `check` say
 * what they did not read, write or compare, on every run.
 */
export interface UnmodelledObject {
  /** What it is, as a person says it: `rule`, `publication`, `event trigger`, `grant`, `partition`... */
  readonly kind: string;
  /** Its namespace (PostgreSQL schema, MySQL database), when it has one; always the real name. */
  readonly schema?: string;
  readonly name: string;
  /** The table it belongs to (a rule, a trigger, a partition's parent), when it has one. */
  readonly table?: string;
  /** A short fact that tells two of a kind apart (an ACL, a partition bound, a version). */
  readonly detail?: string;
}

/** A whole schema: what a schema module declares, or what introspection reads. */
export interface SchemaModel {
  readonly tables: readonly TableSpec[];
  readonly enums: readonly EnumSpec[];
  /** Views, functions, triggers, sequences, extensions, domains, composite types, policies. */
  readonly objects?: readonly SchemaObject[];
  /**
   * Read only: what the database holds beyond the model, listed by `readSchema` (never compared,
   * never dropped; reported by `pull`, autogenerate and `check`). Absent on a declared schema.
   */
  readonly unmodelled?: readonly UnmodelledObject[];
}

/** A column spec with every flag at its default: nullable, no keys, no default. */
export function columnSpec(type: ColumnType, overrides: Partial<ColumnSpec> = {}): ColumnSpec {
  const spec: ColumnSpec = {
    type,
    nullable: true,
    primaryKey: false,
    autoIncrement: false,
    unsigned: false,
    unique: false,
    ...overrides,
  };
  return Object.freeze(spec);
}

/** The kinds only MySQL/MariaDB have natively (see {@link portableType}). */
export const MYSQL_ONLY_KINDS: ReadonlySet<ColumnTypeKind> = new Set(['tinyint', 'mediumint', 'mediumtext', 'longtext', 'year', 'set']);

/**
 * The portable kind a MySQL-only type stands for on a dialect without it, as SQLAlchemy's
 * generic types do: TINYINT and YEAR are SMALLINT, MEDIUMINT is INTEGER, MEDIUMTEXT, LONGTEXT and
 * SET are TEXT. Other types are returned as they are.
 */
export function portableType(type: ColumnType): ColumnType {
  switch (type.kind) {
    case 'tinyint':
    case 'year':
      return { kind: 'smallint' };
    case 'mediumint':
      return { kind: 'integer' };
    case 'mediumtext':
    case 'longtext':
    case 'set':
      return { kind: 'text' };
    default:
      return type;
  }
}
