/**
 * The shared DDL compiler: every operation of `ops/operations.ts` in standard SQL, one
 * `protected` method per operation plus small hooks (inherited from {@link SqlRenderer}) for the
 * pieces dialects spell differently. A dialect extends {@link SqlCompiler}, overrides what its
 * SQL needs, and leaves the rest.
 *
 * Statements come back without trailing semicolons; the runtime executes exactly this text
 * online and prints it (with `;`) offline, so both modes emit the same SQL.
 */
import type {
  AddColumnOp,
  AddConstraintOp,
  AddEnumValueOp,
  AlterColumnOp,
  AlterTableOptionsOp,
  TableFeatureOp,
  AlterObjectOp,
  BatchOp,
  BulkInsertOp,
  ColumnChanges,
  CreateEnumOp,
  CreateIndexOp,
  CreateObjectOp,
  CreateTableOp,
  DropColumnOp,
  DropConstraintOp,
  DropEnumOp,
  DropIndexOp,
  DropObjectOp,
  DropTableOp,
  ExecuteOp,
  Operation,
  RenameTableOp,
  SetRowLevelSecurityOp,
  SetTableCommentOp,
} from '../../ops/operations.js';
import { RetortError } from '../../errors.js';
import type { ObjectKind } from '../../schema/objects.js';
import { describeObject, objectRef } from '../../schema/objects.js';
import { columnSpec } from '../../schema/model.js';
import type { ColumnSpec, ColumnType, DefaultValue, TableOptions } from '../../schema/model.js';
import type { CompileContext, DdlCompiler, ObjectDdl } from '../dialect.js';
import { SqlRenderer } from './renderer.js';
import type { TableRef } from './renderer.js';

/** What a per-operation method returns: statements, possibly after reading the catalog. */
export type Statements = string[] | Promise<string[]>;

/** Rows per INSERT statement in `bulkInsert`, to keep single statements a reasonable size. */
export const BULK_INSERT_CHUNK = 500;

/** The standard-SQL DDL compiler that the dialects extend. */
export class SqlCompiler extends SqlRenderer implements DdlCompiler {
  /** Dispatch on the operation's kind; each kind has its own overridable method. */
  async compile(op: Operation, ctx: CompileContext): Promise<readonly string[]> {
    switch (op.kind) {
      case 'createTable':
        return this.compileCreateTable(op, ctx);
      case 'dropTable':
        return this.compileDropTable(op, ctx);
      case 'renameTable':
        return this.compileRenameTable(op, ctx);
      case 'addColumn':
        return this.compileAddColumn(op, ctx);
      case 'dropColumn':
        return this.compileDropColumn(op, ctx);
      case 'alterColumn':
        return this.compileAlterColumn(op, ctx);
      case 'createIndex':
        return this.compileCreateIndex(op, ctx);
      case 'dropIndex':
        return this.compileDropIndex(op, ctx);
      case 'addConstraint':
        return this.compileAddConstraint(op, ctx);
      case 'dropConstraint':
        return this.compileDropConstraint(op, ctx);
      case 'createEnum':
        return this.compileCreateEnum(op, ctx);
      case 'dropEnum':
        return this.compileDropEnum(op, ctx);
      case 'addEnumValue':
        return this.compileAddEnumValue(op, ctx);
      case 'setTableComment':
        return this.compileSetTableComment(op, ctx);
      case 'alterTableOptions':
        return this.compileAlterTableOptions(op, ctx);
      case 'execute':
        return this.compileExecute(op, ctx);
      case 'bulkInsert':
        return this.compileBulkInsert(op, ctx);
      case 'batch':
        return this.compileBatch(op, ctx);
      case 'setTableOptions':
      case 'attachPartition':
      case 'detachPartition':
      case 'attachIndex':
      case 'alterIndex':
        return this.compileTableFeature(op, ctx);
      case 'createObject':
        return this.compileCreateObject(op, ctx);
      case 'alterObject':
        return this.compileAlterObject(op, ctx);
      case 'dropObject':
        return this.compileDropObject(op, ctx);
      case 'setRowLevelSecurity':
        return this.compileSetRowLevelSecurity(op, ctx);
    }
  }

  /**
   * Table features only some dialects have (PostgreSQL's table options and partitions). The base
   * has none: it says so rather than emitting SQL the server would reject half-way.
   */
  protected compileTableFeature(op: TableFeatureOp, ctx: CompileContext): Statements {
    void ctx;
    throw new RetortError('UnsupportedOperation', `op.${op.kind} is not available on this database.`, {
      fields: { operation: op.kind, table: op.table },
      hint: 'Unlogged tables, storage parameters, partitions and their indexes are PostgreSQL features.',
    });
  }

  /** `ALTER TABLE <table> <clause>`. */
  protected alterTable(table: TableRef, clause: string): string {
    return `ALTER TABLE ${this.tableName(table)} ${clause}`;
  }

  // ---------------------------------------------------------------- tables

  /**
   * `CREATE TABLE [IF NOT EXISTS] t (\n  columns,\n  constraints\n)<options>`, followed by
   * comment statements where comments are not inline.
   */
  protected compileCreateTable(op: CreateTableOp, ctx: CompileContext): Statements {
    const table = this.tableRef(op.table, op.schema, ctx);
    const keyColumn = this.inlineKeyColumn(op.columns, op.constraints);
    const lines = op.columns.map((column) =>
      this.renderColumnDefinition(table, column, { inlinePrimaryKey: column.name === keyColumn, inlineReference: false }),
    );
    for (const constraint of this.tableConstraints(op.columns, op.constraints)) {
      lines.push(this.renderConstraint(table, constraint));
    }
    const ifNotExists = op.ifNotExists ? 'IF NOT EXISTS ' : '';
    const create = `CREATE ${this.tableKeyword(op.options)} ${ifNotExists}${this.tableName(table)} (\n  ${lines.join(',\n  ')}\n)${this.renderTableOptions(op.options, ctx)}`;
    const statements = [create];
    if (op.options.comment !== undefined && !this.tableCommentIsInline()) {
      statements.push(...this.tableCommentStatements(table, op.options.comment));
    }
    for (const column of op.columns) {
      if (column.spec.comment === undefined || this.renderInlineColumnComment(column.spec.comment) !== undefined) continue;
      statements.push(...this.columnCommentStatements(table, column.name, column.spec.comment));
    }
    return statements;
  }

  /**
   * Text after the closing parenthesis of CREATE TABLE (MySQL `ENGINE=... COMMENT='...'`).
   * The base has no table options and returns ''.
   */
  protected renderTableOptions(options: TableOptions, ctx: CompileContext): string {
    void options;
    void ctx;
    return '';
  }

  /** `TABLE`; PostgreSQL says `UNLOGGED TABLE` for an unlogged one. */
  protected tableKeyword(options: TableOptions): string {
    void options;
    return 'TABLE';
  }

  /** True when {@link renderTableOptions} already carries the table comment (MySQL). */
  protected tableCommentIsInline(): boolean {
    return false;
  }

  /**
   * Statements that set (null: remove) a table comment: standard `COMMENT ON TABLE`. SQLite
   * returns none (it has no comments); MySQL uses `ALTER TABLE ... COMMENT = '...'`.
   */
  protected tableCommentStatements(table: TableRef, comment: string | null): string[] {
    const text = comment === null ? 'NULL' : this.quoteString(comment);
    return [`COMMENT ON TABLE ${this.tableName(table)} IS ${text}`];
  }

  /** `DROP TABLE [IF EXISTS] t [CASCADE]`. */
  protected compileDropTable(op: DropTableOp, ctx: CompileContext): Statements {
    const ifExists = op.ifExists ? 'IF EXISTS ' : '';
    const cascade = op.cascade ? ' CASCADE' : '';
    return [`DROP TABLE ${ifExists}${this.tableName(this.tableRef(op.table, op.schema, ctx))}${cascade}`];
  }

  /** `ALTER TABLE t RENAME TO "new"`; the new name stays unqualified (it keeps its schema). */
  protected compileRenameTable(op: RenameTableOp, ctx: CompileContext): Statements {
    return [this.alterTable(this.tableRef(op.table, op.schema, ctx), `RENAME TO ${this.quoteIdentifier(op.newName)}`)];
  }

  /** `COMMENT ON TABLE` (or the dialect's form, through {@link tableCommentStatements}). */
  protected compileSetTableComment(op: SetTableCommentOp, ctx: CompileContext): Statements {
    return this.tableCommentStatements(this.tableRef(op.table, op.schema, ctx), op.comment);
  }

  /**
   * Engine, character set, collation and row format are MySQL's; the base refuses them rather
   * than leave the table as it was without a word. MySQL overrides.
   */
  protected compileAlterTableOptions(op: AlterTableOptionsOp, ctx: CompileContext): Statements {
    void ctx;
    throw new RetortError('UnsupportedOperation', `This database has no table options ${Object.keys(op.options).join(', ')} (table '${op.table}').`, {
      fields: { table: op.table, options: Object.keys(op.options) },
      hint: 'Table engine, character set, collation and row format are MySQL options: leave them out of the schema for this database.',
    });
  }

  // ---------------------------------------------------------------- columns

  /** `ALTER TABLE t ADD COLUMN <definition>`, with an inline REFERENCES for `.references()`. */
  protected compileAddColumn(op: AddColumnOp, ctx: CompileContext): Statements {
    const table = this.tableRef(op.table, op.schema, ctx);
    const definition = this.renderColumnDefinition(table, op.column, {
      inlinePrimaryKey: op.column.spec.primaryKey,
      inlineReference: true,
    });
    const statements = [this.alterTable(table, `ADD COLUMN ${definition}`)];
    const comment = op.column.spec.comment;
    if (comment !== undefined && this.renderInlineColumnComment(comment) === undefined) {
      statements.push(...this.columnCommentStatements(table, op.column.name, comment));
    }
    return statements;
  }

  /** `ALTER TABLE t DROP COLUMN c`. */
  protected compileDropColumn(op: DropColumnOp, ctx: CompileContext): Statements {
    return [this.alterTable(this.tableRef(op.table, op.schema, ctx), `DROP COLUMN ${this.quoteIdentifier(op.column)}`)];
  }

  /**
   * One statement per change, in Alembic's order: type, nullability, default, auto-increment,
   * comment, and the rename last (every earlier statement names the column by its old name).
   * MySQL overrides the whole method (one MODIFY); SQLite rebuilds the table.
   */
  protected compileAlterColumn(op: AlterColumnOp, ctx: CompileContext): Statements {
    const table = this.tableRef(op.table, op.schema, ctx);
    const { changes } = op;
    const out: string[] = [];
    if (changes.type !== undefined) {
      out.push(...this.alterColumnType(table, op.column, changes.type, this.alteredSpec(op), changes));
    }
    if (changes.nullable !== undefined) out.push(...this.alterColumnNullable(table, op.column, changes.nullable));
    if (changes.default !== undefined) {
      out.push(...this.alterColumnDefault(table, op.column, changes.default, this.alteredSpec(op)));
    }
    if (changes.autoIncrement !== undefined) {
      out.push(...this.alterColumnAutoIncrement(table, op.column, changes.autoIncrement, this.alteredSpec(op)));
    }
    if (changes.comment !== undefined) out.push(...this.columnCommentStatements(table, op.column, changes.comment));
    if (changes.newName !== undefined && changes.newName !== op.column) {
      out.push(...this.renameColumn(table, op.column, changes.newName));
    }
    return out;
  }

  /** The column as it will be after `op`: `existing` overlaid with the changes. */
  protected alteredSpec(op: AlterColumnOp): ColumnSpec {
    const { changes, existing = {} } = op;
    const type = changes.type ?? existing.type ?? { kind: 'raw', sql: '' };
    const merged: Partial<ColumnSpec> = { ...existing };
    if (changes.nullable !== undefined) Object.assign(merged, { nullable: changes.nullable });
    if (changes.autoIncrement !== undefined) Object.assign(merged, { autoIncrement: changes.autoIncrement });
    if (changes.unsigned !== undefined) Object.assign(merged, { unsigned: changes.unsigned });
    if (changes.comment !== undefined) Object.assign(merged, { comment: changes.comment ?? undefined });
    if (changes.default !== undefined) Object.assign(merged, { default: changes.default ?? undefined });
    if (changes.collation !== undefined) Object.assign(merged, { collation: changes.collation ?? undefined });
    if (changes.generated !== undefined) Object.assign(merged, { generated: changes.generated ?? undefined });
    if (changes.identity !== undefined) Object.assign(merged, { identity: changes.identity === 'always' ? 'always' : undefined });
    if (changes.serial !== undefined) Object.assign(merged, { serial: changes.serial ?? undefined });
    return columnSpec(type, { ...merged, type });
  }

  /** `ALTER TABLE t ALTER COLUMN c TYPE x [USING expr]` (the PostgreSQL/standard spelling). */
  protected alterColumnType(table: TableRef, column: string, type: ColumnType, spec: ColumnSpec, changes: ColumnChanges): string[] {
    const using = changes.using === undefined ? '' : ` USING ${changes.using}`;
    return [this.alterTable(table, `ALTER COLUMN ${this.quoteIdentifier(column)} TYPE ${this.renderType(type, spec)}${this.alterColumnTypeClause(spec)}${using}`)];
  }

  /** What follows the type in `ALTER COLUMN c TYPE x`: PostgreSQL's ` COLLATE "c"`; none here. */
  protected alterColumnTypeClause(spec: ColumnSpec): string {
    void spec;
    return '';
  }

  /** `ALTER COLUMN c SET NOT NULL` / `DROP NOT NULL`. */
  protected alterColumnNullable(table: TableRef, column: string, nullable: boolean): string[] {
    return [this.alterTable(table, `ALTER COLUMN ${this.quoteIdentifier(column)} ${nullable ? 'DROP' : 'SET'} NOT NULL`)];
  }

  /** `ALTER COLUMN c SET DEFAULT x` / `DROP DEFAULT` (null removes it). */
  protected alterColumnDefault(table: TableRef, column: string, value: DefaultValue | null, spec: ColumnSpec): string[] {
    const clause = value === null ? 'DROP DEFAULT' : `SET DEFAULT ${this.renderDefault(value, spec)}`;
    return [this.alterTable(table, `ALTER COLUMN ${this.quoteIdentifier(column)} ${clause}`)];
  }

  /** Standard identity: `ADD GENERATED BY DEFAULT AS IDENTITY` / `DROP IDENTITY IF EXISTS`. */
  protected alterColumnAutoIncrement(table: TableRef, column: string, autoIncrement: boolean, spec?: ColumnSpec): string[] {
    void spec;
    const clause = autoIncrement ? 'ADD GENERATED BY DEFAULT AS IDENTITY' : 'DROP IDENTITY IF EXISTS';
    return [this.alterTable(table, `ALTER COLUMN ${this.quoteIdentifier(column)} ${clause}`)];
  }

  /** `ALTER TABLE t RENAME COLUMN a TO b`. */
  protected renameColumn(table: TableRef, from: string, to: string): string[] {
    return [this.alterTable(table, `RENAME COLUMN ${this.quoteIdentifier(from)} TO ${this.quoteIdentifier(to)}`)];
  }

  // ---------------------------------------------------------------- indexes

  /**
   * `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] "i" ON t [USING m] (elements)
   * [INCLUDE (...)] [NULLS NOT DISTINCT] [WITH (...)] [WHERE p]` (PostgreSQL's order of clauses).
   */
  protected compileCreateIndex(op: CreateIndexOp, ctx: CompileContext): Statements {
    const table = this.tableRef(op.table, op.schema, ctx);
    const unique = op.unique ? 'UNIQUE ' : '';
    const concurrently = op.concurrently ? this.concurrentlyKeyword() : '';
    const ifNotExists = op.ifNotExists ? 'IF NOT EXISTS ' : '';
    const using = op.using === undefined ? '' : ` USING ${op.using}`;
    const elements = op.columns.map((e) => this.renderIndexElement(e)).join(', ');
    const include = op.include === undefined || op.include.length === 0 ? '' : ` INCLUDE ${this.columnList(op.include)}`;
    const nulls = op.nullsNotDistinct ? ' NULLS NOT DISTINCT' : '';
    const where = op.where === undefined ? '' : ` WHERE ${op.where}`;
    // The index name is never qualified on CREATE: it always lives in its table's schema.
    return [`CREATE ${unique}INDEX ${concurrently}${ifNotExists}${this.quoteIdentifier(op.name)} ON ${this.tableName(table)}${using} ` +
      `(${elements})${include}${nulls}${this.renderStorage(op.with)}${where}`];
  }

  /** `CONCURRENTLY ` (with its trailing space) where the dialect has it; '' to drop the word. */
  protected concurrentlyKeyword(): string {
    return 'CONCURRENTLY ';
  }

  /** `DROP INDEX [CONCURRENTLY] [IF EXISTS] "schema"."i"`. MySQL overrides (`ON table`). */
  protected compileDropIndex(op: DropIndexOp, ctx: CompileContext): Statements {
    const concurrently = op.concurrently ? this.concurrentlyKeyword() : '';
    const ifExists = op.ifExists ? 'IF EXISTS ' : '';
    const name = this.qualified(op.name, this.resolveSchema(op.schema, ctx));
    return [`DROP INDEX ${concurrently}${ifExists}${name}`];
  }

  // ---------------------------------------------------------------- constraints

  /** `ALTER TABLE t ADD CONSTRAINT "n" ...`. */
  protected compileAddConstraint(op: AddConstraintOp, ctx: CompileContext): Statements {
    const table = this.tableRef(op.table, op.schema, ctx);
    return [this.alterTable(table, `ADD ${this.renderConstraint(table, op.constraint)}`)];
  }

  /** `ALTER TABLE t DROP CONSTRAINT "n"`. MySQL overrides by `type` (DROP FOREIGN KEY, ...). */
  protected compileDropConstraint(op: DropConstraintOp, ctx: CompileContext): Statements {
    return [this.alterTable(this.tableRef(op.table, op.schema, ctx), `DROP CONSTRAINT ${this.quoteIdentifier(op.name)}`)];
  }

  // ---------------------------------------------------------------- enums

  /**
   * Named enum types. The base has none (the type is inline: CHECK or ENUM(...)), so these emit
   * nothing; PostgreSQL overrides them with CREATE TYPE / DROP TYPE / ALTER TYPE ... ADD VALUE.
   */
  protected compileCreateEnum(op: CreateEnumOp, ctx: CompileContext): Statements {
    void op;
    void ctx;
    return [];
  }

  /** See {@link compileCreateEnum}. */
  protected compileDropEnum(op: DropEnumOp, ctx: CompileContext): Statements {
    void op;
    void ctx;
    return [];
  }

  /** See {@link compileCreateEnum}. */
  protected compileAddEnumValue(op: AddEnumValueOp, ctx: CompileContext): Statements {
    void op;
    void ctx;
    return [];
  }

  // ---------------------------------------------------------------- data and raw SQL

  /** Raw SQL, as written. */
  protected compileExecute(op: ExecuteOp, ctx: CompileContext): Statements {
    void ctx;
    return [op.sql];
  }

  /**
   * `INSERT INTO t ("a", "b") VALUES (...), (...)` with every value inlined as a literal (offline
   * SQL must be complete). Consecutive rows with the same keys share a statement (at most
   * {@link BULK_INSERT_CHUNK} rows); a row that omits a key gets its own column list, so the
   * column's server default applies instead of a NULL we would have to invent.
   */
  protected compileBulkInsert(op: BulkInsertOp, ctx: CompileContext): Statements {
    const table = this.tableName(this.tableRef(op.table, op.schema, ctx));
    const out: string[] = [];
    let keys: string[] = [];
    let values: string[] = [];
    const flush = (): void => {
      if (values.length === 0) return;
      out.push(`INSERT INTO ${table} ${this.columnList(keys)} VALUES ${values.join(', ')}`);
      values = [];
    };
    for (const row of op.rows) {
      if (Object.keys(row).every((k) => row[k] === undefined)) {
        flush();
        keys = [];
        out.push(this.insertDefaultValues(table));
        continue;
      }
      const rowKeys = Object.keys(row).filter((k) => row[k] !== undefined);
      if (rowKeys.join('\u0000') !== keys.join('\u0000') || values.length >= BULK_INSERT_CHUNK) {
        flush();
        keys = rowKeys;
      }
      values.push(`(${rowKeys.map((k) => this.renderLiteral(row[k])).join(', ')})`);
    }
    flush();
    return out;
  }

  /** A row of nothing but defaults: standard `INSERT INTO t DEFAULT VALUES` (MySQL: `() VALUES ()`). */
  protected insertDefaultValues(quotedTable: string): string {
    return `INSERT INTO ${quotedTable} DEFAULT VALUES`;
  }

  // ---------------------------------------------------------------- objects beyond tables

  /**
   * The DDL of one kind of object (views, triggers, ...) on this dialect. The base has none; a
   * dialect plugs a kind in by returning its {@link ObjectDdl} here.
   */
  protected objectDdl(kind: ObjectKind): ObjectDdl | undefined {
    void kind;
    return undefined;
  }

  private requireObjectDdl(kind: ObjectKind, what: string): ObjectDdl {
    const ddl = this.objectDdl(kind);
    if (ddl === undefined) {
      throw new RetortError('UnsupportedOperation', `This database has no ${what} that retort can write (no ${kind} support in its dialect).`, {
        fields: { kind },
        hint: 'Write the statement with op.execute, or leave the object out of the schema module for this database.',
      });
    }
    return ddl;
  }

  /** `CREATE [OR REPLACE] <object>`. */
  protected compileCreateObject(op: CreateObjectOp, ctx: CompileContext): Statements {
    return this.requireObjectDdl(op.object.kind, describeObject(objectRef(op.object))).create(op.object, ctx, op.orReplace === true);
  }

  /** The object's in-place change, else a drop and a create. */
  protected compileAlterObject(op: AlterObjectOp, ctx: CompileContext): Statements {
    const ddl = this.requireObjectDdl(op.to.kind, describeObject(objectRef(op.to)));
    const inPlace = ddl.alter?.(op.from, op.to, ctx);
    if (inPlace !== undefined) return inPlace;
    return [...ddl.drop(objectRef(op.from), ctx, { ifExists: false, cascade: false }), ...ddl.create(op.to, ctx, false)];
  }

  /** `DROP <object> [IF EXISTS] ... [CASCADE]`. */
  protected compileDropObject(op: DropObjectOp, ctx: CompileContext): Statements {
    return this.requireObjectDdl(op.object.kind, describeObject(op.object)).drop(op.object, ctx, { ifExists: op.ifExists === true, cascade: op.cascade === true });
  }

  /** Row-level security: PostgreSQL's; other dialects have none. */
  protected compileSetRowLevelSecurity(op: SetRowLevelSecurityOp, ctx: CompileContext): Statements {
    void ctx;
    throw new RetortError('UnsupportedOperation', `Row-level security (table '${op.table}') exists only on PostgreSQL.`, { fields: { table: op.table } });
  }

  /**
   * Several changes to one table. Dialects that ALTER in place compile the inner operations one
   * by one (whatever `recreate` says); SQLite overrides with its rebuild.
   */
  protected async compileBatch(op: BatchOp, ctx: CompileContext): Promise<string[]> {
    const out: string[] = [];
    for (const inner of op.operations) out.push(...(await this.compile(inner, ctx)));
    return out;
  }
}
