/**
 * PostgreSQL's DDL compiler: the shared standard-SQL compiler with PostgreSQL's types, identity
 * columns, named enum types and literal forms. Everything else (COMMENT ON, ALTER COLUMN ...
 * TYPE/SET NOT NULL/SET DEFAULT, CREATE INDEX CONCURRENTLY, DROP INDEX "schema"."name") is
 * already standard in the base and PostgreSQL spells it the same way.
 */
import type {
  AddColumnOp,
  AddConstraintOp,
  AddEnumValueOp,
  AlterColumnOp,
  ColumnChanges,
  CreateEnumOp,
  CreateTableOp,
  DropEnumOp,
  TableFeatureOp,
  SetRowLevelSecurityOp,
} from '../../ops/operations.js';
import type { ObjectKind } from '../../schema/objects.js';
import { columnSpec } from '../../schema/model.js';
import type { ColumnSpec, ColumnType, DefaultValue, GeneratedColumn, NamedColumn, TableOptions } from '../../schema/model.js';
import { SqlCompiler } from '../common/index.js';
import type { ColumnDefinitionOptions, Statements, TableRef } from '../common/index.js';
import type { CompileContext, ObjectDdl } from '../dialect.js';
import { alterIndexStatements } from './alter-index.js';
import { DEFAULT_PG_SCHEMA } from './capabilities.js';
import { postgresObjectDdl } from './objects/index.js';
import { pgWriter } from './objects/writer.js';
import { notNullViaCheck, safeAddConstraint, type SafeDdlWriter } from './safe-ddl.js';
import { alterSerial, serialColumn, type SerialWriter } from './serial.js';

/** Kinds whose literals are numbers. */
const NUMERIC_KINDS: ReadonlySet<ColumnType['kind']> = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double']);

/** Integer kinds that may carry an identity. */
const IDENTITY_KINDS: ReadonlySet<ColumnType['kind']> = new Set(['tinyint', 'smallint', 'mediumint', 'integer', 'bigint']);

/** The PostgreSQL compiler. Stateless; one instance serves every run. */
export class PostgresCompiler extends SqlCompiler {
  /** The DDL of each object kind (objects/), sharing this compiler's quoting and CREATE INDEX. */
  private readonly objects: Partial<Record<ObjectKind, ObjectDdl>> = postgresObjectDdl(pgWriter(
    (name) => this.quoteIdentifier(name),
    (text) => this.quoteString(text),
    (ix, relation, schema, ctx) => this.compileCreateIndex({
      kind: 'createIndex', name: ix.name, table: relation, ...(schema === undefined ? {} : { schema }),
      columns: ix.columns, unique: ix.unique, ...(ix.where === undefined ? {} : { where: ix.where }),
    }, ctx) as string[],
  ));

  protected override objectDdl(kind: ObjectKind): ObjectDdl | undefined {
    return this.objects[kind];
  }

  /** `ALTER TABLE t ENABLE|DISABLE ROW LEVEL SECURITY` and `[NO] FORCE ROW LEVEL SECURITY`. */
  protected override compileSetRowLevelSecurity(op: SetRowLevelSecurityOp, ctx: CompileContext): string[] {
    const table = this.tableRef(op.table, op.schema, ctx);
    return [
      this.alterTable(table, `${op.security.enabled ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`),
      this.alterTable(table, `${op.security.forced ? '' : 'NO '}FORCE ROW LEVEL SECURITY`),
    ];
  }

  /**
   * The op's schema, else the run's `dbSchema`, else `public`: names are always qualified, so
   * that a `search_path` set on the role or database never redirects a migration.
   */
  protected override resolveSchema(opSchema: string | undefined, ctx: CompileContext): string {
    return opSchema ?? ctx.defaultSchema ?? DEFAULT_PG_SCHEMA;
  }

  // ---------------------------------------------------------------- types

  /** PostgreSQL's spelling of each type; `unsigned` has no meaning here and is ignored. */
  protected override renderType(type: ColumnType, spec: ColumnSpec): string {
    switch (type.kind) {
      case 'timestamp':
        return type.precision === undefined ? 'TIMESTAMP WITHOUT TIME ZONE' : `TIMESTAMP(${type.precision}) WITHOUT TIME ZONE`;
      case 'time':
        return 'TIME WITHOUT TIME ZONE';
      case 'json':
        return 'JSON';
      case 'jsonb':
        return 'JSONB';
      case 'uuid':
        return 'UUID';
      case 'bytes':
        return 'BYTEA';
      case 'enum':
        // Only reached when no table is known (see withQualifiedEnum); the type then resolves
        // through search_path, which is why column definitions qualify it first.
        return this.quoteIdentifier(type.name);
      default:
        return super.renderType(type, spec);
    }
  }

  /** Enums are real types here: no CHECK constraint. */
  protected override renderEnumCheck(): undefined {
    return undefined;
  }

  /**
   * A spec whose enum type is spelled as `"schema"."name"`, the named type living in the schema
   * of the table that uses it (where `createEnum` puts it by default).
   */
  protected withQualifiedEnum(spec: ColumnSpec, schema: string | undefined): ColumnSpec {
    if (spec.type.kind !== 'enum') return spec;
    const type: ColumnType = { kind: 'raw', sql: this.qualified(spec.type.name, schema) };
    return columnSpec(type, { ...spec, type });
  }

  /** The base definition, with the enum type qualified by the table's schema. */
  protected override renderColumnDefinition(table: TableRef, column: NamedColumn, options: ColumnDefinitionOptions): string {
    const spec = this.withQualifiedEnum(column.spec, table.schema);
    return super.renderColumnDefinition(table, { name: column.name, spec }, options);
  }

  /**
   * `ALTER COLUMN c TYPE x [USING expr]`. A change that PostgreSQL cannot cast implicitly
   * (text to integer, text to an enum) needs `using`, e.g. `c::integer`; PostgreSQL says so.
   */
  protected override alterColumnType(
    table: TableRef,
    column: string,
    type: ColumnType,
    spec: ColumnSpec,
    changes: ColumnChanges,
  ): string[] {
    const qualified = this.withQualifiedEnum(columnSpec(type, { ...spec, type }), table.schema);
    return super.alterColumnType(table, column, qualified.type, qualified, changes);
  }

  /**
   * A numeric literal kept as text to keep its scale (`'0.00'`, `'1.0'`, as pull reads them) is
   * written bare on a numeric column, as the catalog had it: `DEFAULT 1.0`, not `DEFAULT '1.0'`,
   * which a double precision column would fold into `'1'::double precision`.
   */
  protected override renderDefault(value: DefaultValue, spec: ColumnSpec): string {
    if (value.kind === 'literal' && typeof value.value === 'string' && NUMERIC_KINDS.has(spec.type.kind) &&
      /^-?\d+(\.\d+)?$/.test(value.value)) {
      return value.value;
    }
    return super.renderDefault(value, spec);
  }

  // ---------------------------------------------------------------- identity

  /**
   * `GENERATED BY DEFAULT AS IDENTITY`, what SQLAlchemy 1.4+ / Alembic emit for `Identity()`,
   * rather than SERIAL: an identity belongs to its column (dropping the column drops it, and
   * `pg_dump` and privileges follow), while SERIAL is a loose sequence plus a default that
   * owners and grants must track separately. BY DEFAULT (not ALWAYS) keeps explicit ids in
   * inserts and data migrations working, as SERIAL did.
   */
  protected override renderAutoIncrement(column: NamedColumn): string | undefined {
    if (!column.spec.autoIncrement || !IDENTITY_KINDS.has(column.spec.type.kind)) return undefined;
    return column.spec.identity === 'always' ? 'GENERATED ALWAYS AS IDENTITY' : 'GENERATED BY DEFAULT AS IDENTITY';
  }


  // ---------------------------------------------------------------- tables

  /** `UNLOGGED TABLE` for an unlogged table. */
  protected override tableKeyword(options: TableOptions): string {
    return options.unlogged ? 'UNLOGGED TABLE' : 'TABLE';
  }

  /** ` INHERITS (...)`, ` PARTITION BY ...`, ` WITH (...)`, in the order CREATE TABLE takes them. */
  protected override renderTableOptions(options: TableOptions, ctx: CompileContext): string {
    const inherits = options.inherits === undefined || options.inherits.length === 0 ? ''
      : ` INHERITS (${options.inherits.map((p) => this.qualified(p.name, this.resolveSchema(p.schema, ctx))).join(', ')})`;
    const partitionBy = options.partitionBy === undefined ? '' : ` PARTITION BY ${options.partitionBy}`;
    return `${inherits}${partitionBy}${this.renderStorage(options.with)}`;
  }

  /**
   * CREATE TABLE, with two PostgreSQL turns: a partition is `CREATE TABLE p PARTITION OF parent
   * [(constraints)] FOR VALUES ...` (its columns, keys and indexes come from the parent), and a
   * `NOT VALID` constraint is added after the table by ALTER TABLE, where NOT VALID means
   * something (inside CREATE TABLE PostgreSQL would mark it valid).
   */
  protected override async compileCreateTable(op: CreateTableOp, ctx: CompileContext): Promise<string[]> {
    const table = this.tableRef(op.table, op.schema, ctx);
    const later = op.constraints.filter((c) => c.notValid === true);
    const now = op.constraints.filter((c) => c.notValid !== true);
    const addLater = later.map((c) => this.alterTable(table, `ADD ${this.renderConstraint(table, c)}`));
    if (op.partitionOf === undefined) {
      // Serial columns: the `serial` keyword, or their sequences created before and owned after.
      const serials = op.columns.map((c) => serialColumn(this.serialWriter(table), op.table, table.schema, c));
      const statements = await super.compileCreateTable({ ...op, columns: serials.map((s) => s.column), constraints: now }, ctx);
      return [...serials.flatMap((s) => s.before), ...statements, ...serials.flatMap((s) => s.after), ...addLater];
    }
    const { parent, parentSchema, bound } = op.partitionOf;
    const parentName = this.qualified(parent, this.resolveSchema(parentSchema, ctx));
    const lines = now.map((c) => this.renderConstraint(table, c));
    const body = lines.length === 0 ? '' : ` (\n  ${lines.join(',\n  ')}\n)`;
    const ifNotExists = op.ifNotExists ? 'IF NOT EXISTS ' : '';
    const partitionBy = op.options.partitionBy === undefined ? '' : ` PARTITION BY ${op.options.partitionBy}`;
    const statements = [
      `CREATE ${this.tableKeyword(op.options)} ${ifNotExists}${this.tableName(table)} PARTITION OF ${parentName}${body} ${bound}` +
        `${partitionBy}${this.renderStorage(op.options.with)}`,
    ];
    if (op.options.comment !== undefined) statements.push(...this.tableCommentStatements(table, op.options.comment));
    return [...statements, ...addLater];
  }

  /** Table options and partitions: PostgreSQL has them all. */
  protected override compileTableFeature(op: TableFeatureOp, ctx: CompileContext): string[] {
    const table = this.tableRef(op.table, op.schema, ctx);
    switch (op.kind) {
      case 'setTableOptions': {
        const out: string[] = [];
        if (op.unlogged !== undefined) out.push(this.alterTable(table, op.unlogged ? 'SET UNLOGGED' : 'SET LOGGED'));
        const entries = Object.entries(op.with ?? {});
        const set = Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== null));
        const reset = entries.filter(([, v]) => v === null).map(([k]) => k);
        if (Object.keys(set).length > 0) out.push(this.alterTable(table, `SET (${this.renderStorage(set).slice(' WITH ('.length)}`));
        if (reset.length > 0) out.push(this.alterTable(table, `RESET (${reset.join(', ')})`));
        return out;
      }
      case 'attachPartition':
        return [this.alterTable(table, `ATTACH PARTITION ${this.qualified(op.partition, this.resolveSchema(op.partitionSchema, ctx))} ${op.bound}`)];
      case 'detachPartition':
        return [this.alterTable(table, `DETACH PARTITION ${this.qualified(op.partition, this.resolveSchema(op.partitionSchema, ctx))}`)];
      case 'attachIndex': {
        // An index lives in its table's schema: the parent's index in the parent's, the partition's in the partition's.
        const parentIndex = this.qualified(op.index, this.resolveSchema(op.schema, ctx));
        return [`ALTER INDEX ${parentIndex} ATTACH PARTITION ${this.qualified(op.partitionIndex, this.resolveSchema(op.partitionSchema, ctx))}`];
      }
      case 'alterIndex':
        return alterIndexStatements(op, this.resolveSchema(op.schema, ctx), {
          qualified: (name, schema) => this.qualified(name, schema),
          quoteIdentifier: (name) => this.quoteIdentifier(name),
          quoteString: (text) => this.quoteString(text),
          storageList: (parameters) => this.renderStorage(parameters).slice(' WITH ('.length, -1),
        });
    }
  }

  // ---------------------------------------------------------------- columns

  /** A serial column added: `serial`, or its sequence created before and owned after (serial.ts). */
  protected override compileAddColumn(op: AddColumnOp, ctx: CompileContext): Statements {
    const table = this.tableRef(op.table, op.schema, ctx);
    const s = serialColumn(this.serialWriter(table), op.table, table.schema, op.column);
    return [...s.before, ...(super.compileAddColumn({ ...op, column: s.column }, ctx) as string[]), ...s.after];
  }

  private serialWriter(table: TableRef): SerialWriter {
    return {
      quoteIdentifier: (name) => this.quoteIdentifier(name),
      quoteString: (text) => this.quoteString(text),
      qualified: (name, schema) => this.qualified(name, schema),
      alterTable: (clause) => this.alterTable(table, clause),
    };
  }

  /**
   * The base's statements, then what only PostgreSQL alters: the identity kind (`SET GENERATED
   * ALWAYS | BY DEFAULT`), the collation (`TYPE x COLLATE "c"`: PostgreSQL changes a collation
   * through the type), and the generation. PostgreSQL 15 can only drop a generation
   * (`DROP EXPRESSION`, the column keeps its values); a new or changed one re-creates the column
   * in one ALTER TABLE (its values are computed again; it moves to the end of the table).
   */
  protected override compileAlterColumn(op: AlterColumnOp, ctx: CompileContext): Statements {
    const { collation, generated, identity, serial: _serial, autoIncrement, ...plain } = op.changes;
    const table = this.tableRef(op.table, op.schema, ctx);
    const column = this.quoteIdentifier(op.column);
    const spec = this.alteredSpec(op);
    // To, from or between serial columns (serial.ts): those statements replace the identity's.
    const serial = alterSerial(this.serialWriter(table), op, table.schema, spec);
    const rest = serial === undefined && autoIncrement !== undefined ? { ...plain, autoIncrement } : plain;
    const viaCheck = op.notNullViaCheck === true && rest.nullable === false;
    const { nullable, ...others } = rest;
    const out = [...(super.compileAlterColumn({ ...op, changes: viaCheck ? others : rest }, ctx) as string[])];
    // The base renames last; these statements must name the column as it is before a rename.
    const renamed = rest.newName !== undefined && rest.newName !== op.column ? out.pop() : undefined;
    if (viaCheck && nullable === false) out.push(...notNullViaCheck(op.table, op.column, this.safeWriter(table, ctx)));
    if (serial !== undefined) out.push(...serial);
    if (collation !== undefined && rest.type === undefined) {
      const type = this.withQualifiedEnum(spec, table.schema).type;
      const clause = collation === null ? '' : ` COLLATE ${this.quoteCollation(collation)}`;
      out.push(this.alterTable(table, `ALTER COLUMN ${column} TYPE ${this.renderType(type, spec)}${clause}`));
    }
    if (identity !== undefined && autoIncrement === undefined && serial === undefined) {
      out.push(this.alterTable(table, `ALTER COLUMN ${column} SET GENERATED ${identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'}`));
    }
    if (generated === null) out.push(this.alterTable(table, `ALTER COLUMN ${column} DROP EXPRESSION`));
    else if (generated !== undefined) {
      const definition = this.renderColumnDefinition(table, { name: op.column, spec: { ...spec, generated, default: undefined } },
        { inlinePrimaryKey: false, inlineReference: false });
      out.push(this.alterTable(table, `DROP COLUMN ${column}, ADD COLUMN ${definition}`));
    }
    if (renamed !== undefined) out.push(renamed);
    return out;
  }

  /** `ALTER COLUMN c TYPE x [COLLATE "c"] [USING expr]`: a type change keeps the (new) collation. */
  protected override alterColumnTypeClause(spec: ColumnSpec): string {
    return spec.collation === undefined ? '' : ` COLLATE ${this.quoteCollation(spec.collation)}`;
  }

  /** `ADD GENERATED ALWAYS|BY DEFAULT AS IDENTITY` as the column's kind says. */
  protected override alterColumnAutoIncrement(table: TableRef, column: string, autoIncrement: boolean, spec?: ColumnSpec): string[] {
    if (!autoIncrement || spec?.identity !== 'always') return super.alterColumnAutoIncrement(table, column, autoIncrement, spec);
    return [this.alterTable(table, `ALTER COLUMN ${this.quoteIdentifier(column)} ADD GENERATED ALWAYS AS IDENTITY`)];
  }

  // ---------------------------------------------------------------- safe forms

  /** UNIQUE / PRIMARY KEY `concurrently` and FOREIGN KEY / CHECK `validate` (safe-ddl.ts); else the plain ADD. */
  protected override compileAddConstraint(op: AddConstraintOp, ctx: CompileContext): Statements {
    return safeAddConstraint(op, this.safeWriter(this.tableRef(op.table, op.schema, ctx), ctx)) ?? super.compileAddConstraint(op, ctx);
  }

  private safeWriter(table: TableRef, ctx: CompileContext): SafeDdlWriter {
    return {
      quoteIdentifier: (name) => this.quoteIdentifier(name),
      alterTable: (clause) => this.alterTable(table, clause),
      createIndex: (ix) => this.compileCreateIndex(ix, ctx) as string[],
      constraint: (spec) => this.renderConstraint(table, spec),
    };
  }

  // ---------------------------------------------------------------- enums

  /** `CREATE TYPE "s"."name" AS ENUM ('a', 'b')`. */
  protected override compileCreateEnum(op: CreateEnumOp, ctx: CompileContext): Statements {
    const values = op.values.map((v) => this.quoteString(v)).join(', ');
    return [`CREATE TYPE ${this.qualified(op.name, this.resolveSchema(op.schema, ctx))} AS ENUM (${values})`];
  }

  /** `DROP TYPE [IF EXISTS] "s"."name"`; fails while a column still uses it, as it should. */
  protected override compileDropEnum(op: DropEnumOp, ctx: CompileContext): Statements {
    const ifExists = op.ifExists ? 'IF EXISTS ' : '';
    return [`DROP TYPE ${ifExists}${this.qualified(op.name, this.resolveSchema(op.schema, ctx))}`];
  }

  /**
   * `ALTER TYPE "s"."name" ADD VALUE [IF NOT EXISTS] 'v' [BEFORE 'x' | AFTER 'y']`.
   *
   * Transaction caveats (PostgreSQL's, not ours): before PostgreSQL 12 this statement cannot run
   * inside a transaction block at all, and from 12 on it may, but the new value cannot be
   * *used* (inserted, compared) until that transaction commits. A revision that adds a value
   * and then writes rows with it must put the ADD VALUE under `op.noTransaction` (or in an
   * earlier revision).
   */
  protected override compileAddEnumValue(op: AddEnumValueOp, ctx: CompileContext): Statements {
    const ifNotExists = op.ifNotExists ? 'IF NOT EXISTS ' : '';
    let position = '';
    if (op.before !== undefined) position = ` BEFORE ${this.quoteString(op.before)}`;
    else if (op.after !== undefined) position = ` AFTER ${this.quoteString(op.after)}`;
    const name = this.qualified(op.name, this.resolveSchema(op.schema, ctx));
    return [`ALTER TYPE ${name} ADD VALUE ${ifNotExists}${this.quoteString(op.value)}${position}`];
  }

  // ---------------------------------------------------------------- literals

  /**
   * A Date in UTC with an explicit `+00:00`: a `timestamptz` column then stores the right
   * instant whatever the session's TimeZone, and a `timestamp` column ignores the offset.
   */
  protected override renderDate(value: Date): string {
    const text = super.renderDate(value);
    return `${text.slice(0, -1)}+00:00'`;
  }

  /**
   * Binary data as bytea's hex input form, `'\x0a1b'::bytea`. With `standard_conforming_strings`
   * (on by default since 9.1) the backslash reaches bytea's parser as written.
   */
  protected override renderBytes(value: Uint8Array): string {
    return `'\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'::bytea`;
  }
}
