/**
 * The MySQL / MariaDB DDL compiler: the shared {@link SqlCompiler} with MySQL's spellings.
 * Backtick identifiers, backslash-escaped strings, inline ENUM and COMMENT, table options,
 * MODIFY / CHANGE COLUMN carrying the whole column definition, and the type-specific DROP forms.
 */
import { RetortError } from '../../errors.js';
import type {
  AddColumnOp,
  AddEnumValueOp,
  AlterColumnOp,
  AlterTableOptionsOp,
  CreateIndexOp,
  DropConstraintOp,
  DropIndexOp,
  Operation,
  RenameTableOp,
} from '../../ops/operations.js';
import { elementColumn, elementExpression, elementOptions } from '../../schema/elements.js';
import type { ColumnSpec, ColumnType, DefaultValue, GeneratedColumn, IndexElement, IndexSpec, NamedColumn, TableOptions } from '../../schema/model.js';
import { SqlCompiler } from '../common/index.js';
import type { ColumnDefinitionOptions, Statements, TableRef } from '../common/index.js';
import type { CompileContext, ObjectDdl } from '../dialect.js';
import type { ObjectKind } from '../../schema/objects.js';
import { mysqlObjectDdl } from './objects/index.js';
import { needsFullDefinition, resolveAlteredColumn } from './alter-column.js';
import { changesGeneratedKind, liveTableFor, regenerateColumn } from './regenerate.js';
import { quoteMysqlIdentifier, quoteMysqlString } from './quoting.js';
import { atLeast, serverOf } from './server.js';
import { onlineClause } from './online-ddl.js';
import { renderMysqlType } from './types.js';

/** Compiles operations to MySQL / MariaDB statements. Stateless; the server arrives in the context. */
export class MysqlCompiler extends SqlCompiler {
  /** The DDL of views, triggers and routines (objects/), with this compiler's quoting. */
  private readonly objects: Partial<Record<ObjectKind, ObjectDdl>> = mysqlObjectDdl((name) => this.quoteIdentifier(name), (text) => this.quoteString(text));

  protected override objectDdl(kind: ObjectKind): ObjectDdl | undefined {
    return this.objects[kind];
  }

  /** The base's statements, each ALTER TABLE ending with the operation's `ALGORITHM` / `LOCK` when it asks for them. */
  override async compile(op: Operation, ctx: CompileContext): Promise<readonly string[]> {
    const statements = await super.compile(op, ctx);
    const clause = op.kind === 'batch' ? undefined : onlineClause(op);
    return clause === undefined ? statements : statements.map((sql) => (sql.startsWith('ALTER TABLE ') ? `${sql}, ${clause}` : sql));
  }

  override quoteIdentifier(name: string): string {
    return quoteMysqlIdentifier(name);
  }

  override quoteString(value: string): string {
    return quoteMysqlString(value);
  }

  protected override renderType(type: ColumnType, spec: ColumnSpec): string {
    return renderMysqlType(type, spec.unsigned);
  }

  /**
   * Literal defaults of TEXT, BLOB and JSON columns are written as expressions, `DEFAULT ('x')`:
   * MySQL 8 refuses a bare literal there, and MariaDB accepts both (and reports a literal).
   */
  protected override renderDefault(value: DefaultValue, spec: ColumnSpec): string {
    const rendered = super.renderDefault(value, spec);
    if (value.kind !== 'literal' || value.value === null) return rendered;
    const kind = spec.type.kind;
    const needsExpression =
      kind === 'text' || kind === 'json' || kind === 'jsonb' || kind === 'bytes' || (kind === 'raw' && /text|blob|json/i.test(spec.type.sql));
    return needsExpression ? `(${rendered})` : rendered;
  }

  /** MySQL enums are inline types (`ENUM('a','b')`), enforced by the server: no CHECK. */
  protected override renderEnumCheck(): string | undefined {
    return undefined;
  }

  protected override renderAutoIncrement(column: NamedColumn): string | undefined {
    return column.spec.autoIncrement ? 'AUTO_INCREMENT' : undefined;
  }

  protected override renderInlineColumnComment(comment: string): string | undefined {
    return `COMMENT ${this.quoteString(comment)}`;
  }

  /** Column comments are part of the definition (changed through MODIFY), never separate statements. */
  protected override columnCommentStatements(): string[] {
    return [];
  }

  /**
   * MySQL's own attribute order, as `SHOW CREATE TABLE` prints it: `TYPE [NOT] NULL [DEFAULT x]
   * [AUTO_INCREMENT] [PRIMARY KEY] [UNIQUE] [COMMENT '...']`. `NULL` is said explicitly, since a
   * TIMESTAMP column without it is NOT NULL on servers with `explicit_defaults_for_timestamp` off.
   * References are never inline: MySQL parses a column-level REFERENCES and ignores it, so
   * addColumn adds a separate FOREIGN KEY clause.
   */
  protected override renderColumnDefinition(table: TableRef, column: NamedColumn, options: ColumnDefinitionOptions): string {
    const { spec } = column;
    const parts = [this.quoteIdentifier(column.name), this.renderType(spec.type, spec)];
    if (spec.charset !== undefined) parts.push(`CHARACTER SET ${this.optionWord(spec.charset, 'charset')}`);
    if (spec.collation !== undefined) parts.push(this.renderCollation(spec.collation));
    if (spec.generated !== undefined) {
      parts.push(this.renderGenerated(table, column.name, spec.generated));
      // MariaDB refuses NULL / NOT NULL on a generated column (MySQL takes them): say it only when NOT NULL.
      if (!spec.nullable) parts.push('NOT NULL');
    } else {
      parts.push(spec.nullable ? 'NULL' : 'NOT NULL');
    }
    if (spec.default !== undefined) parts.push(`DEFAULT ${this.renderDefault(spec.default, spec)}`);
    if (spec.onUpdate !== undefined) parts.push(`ON UPDATE ${this.renderDefault(spec.onUpdate, spec)}`);
    const autoIncrement = this.renderAutoIncrement(column);
    if (autoIncrement !== undefined) parts.push(autoIncrement);
    if (options.inlinePrimaryKey) parts.push(this.renderInlinePrimaryKey(column));
    if (spec.unique && !options.inlinePrimaryKey) parts.push('UNIQUE');
    if (spec.comment !== undefined) parts.push(this.renderInlineColumnComment(spec.comment)!);
    return parts.join(' ');
  }

  /** `COLLATE name`: a bare word on MySQL. */
  protected override renderCollation(collation: string): string {
    return `COLLATE ${this.optionWord(collation, 'collation')}`;
  }

  /** `GENERATED ALWAYS AS (expr) VIRTUAL | STORED`. */
  protected override renderGenerated(table: TableRef, column: string, generated: GeneratedColumn): string {
    void table;
    void column;
    return `GENERATED ALWAYS AS (${generated.expression}) ${generated.stored ? 'STORED' : 'VIRTUAL'}`;
  }

  // ---------------------------------------------------------------- tables

  protected override tableCommentIsInline(): boolean {
    return true;
  }

  /** ` ENGINE=x DEFAULT CHARSET=y COLLATE=z COMMENT='...'`, in SQLAlchemy's order. */
  protected override renderTableOptions(options: TableOptions): string {
    const parts: string[] = [];
    if (options.engine !== undefined) parts.push(`ENGINE=${this.optionWord(options.engine, 'engine')}`);
    if (options.charset !== undefined) parts.push(`DEFAULT CHARSET=${this.optionWord(options.charset, 'charset')}`);
    if (options.collate !== undefined) parts.push(`COLLATE=${this.optionWord(options.collate, 'collate')}`);
    if (options.rowFormat !== undefined) parts.push(`ROW_FORMAT=${this.optionWord(options.rowFormat, 'rowFormat')}`);
    if (options.comment !== undefined) parts.push(`COMMENT=${this.quoteString(options.comment)}`);
    return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
  }

  /** Engine, charset and collation names are bare words: refuse anything that is not one. */
  protected optionWord(value: string, option: string): string {
    if (!/^[A-Za-z0-9_]+$/.test(value)) {
      throw new RetortError('BadArgument', `The table option ${option} '${value}' is not a valid name.`, {
        fields: { option, value },
        hint: 'Use a name such as InnoDB, utf8mb4 or utf8mb4_unicode_ci.',
      });
    }
    return value;
  }

  /**
   * `ALTER TABLE t ENGINE=x, CONVERT TO CHARACTER SET cs COLLATE co, ROW_FORMAT=y`. A new default
   * collation converts the columns that follow the table's (as the model reads them: a column
   * without its own collation has its table's); autogenerate sets the others' again after it.
   */
  protected override compileAlterTableOptions(op: AlterTableOptionsOp, ctx: CompileContext): Statements {
    const { engine, charset, collate, rowFormat } = op.options;
    const clauses: string[] = [];
    if (engine !== undefined && engine !== null) clauses.push(`ENGINE=${this.optionWord(engine, 'engine')}`);
    if (charset !== undefined || collate !== undefined) {
      const set = charset ?? collate?.split('_')[0];
      const words = set === undefined || set === null ? 'DEFAULT' : this.optionWord(set, 'charset');
      clauses.push(`CONVERT TO CHARACTER SET ${words}${collate ? ` COLLATE ${this.optionWord(collate, 'collate')}` : ''}`);
    }
    if (rowFormat !== undefined) clauses.push(`ROW_FORMAT=${rowFormat === null ? 'DEFAULT' : this.optionWord(rowFormat, 'rowFormat')}`);
    if (clauses.length === 0) return [];
    return [this.alterTable(this.tableRef(op.table, op.schema, ctx), clauses.join(', '))];
  }

  /** `ALTER TABLE t COMMENT = '...'`; MySQL has no NULL comment, so removing one sets ''. */
  protected override tableCommentStatements(table: TableRef, comment: string | null): string[] {
    return [this.alterTable(table, `COMMENT = ${this.quoteString(comment ?? '')}`)];
  }

  /**
   * `ALTER TABLE db.a RENAME TO db.b`. The new name is qualified too: MySQL moves an unqualified
   * target into the session's current database, which is not always the table's.
   */
  protected override compileRenameTable(op: RenameTableOp, ctx: CompileContext): Statements {
    const table = this.tableRef(op.table, op.schema, ctx);
    return [this.alterTable(table, `RENAME TO ${this.tableName({ name: op.newName, schema: table.schema })}`)];
  }

  // ---------------------------------------------------------------- columns

  /** `ADD COLUMN def`, plus `ADD FOREIGN KEY` in the same statement for `.references()`. */
  protected override compileAddColumn(op: AddColumnOp, ctx: CompileContext): Statements {
    const table = this.tableRef(op.table, op.schema, ctx);
    const definition = this.renderColumnDefinition(table, op.column, { inlinePrimaryKey: op.column.spec.primaryKey, inlineReference: false });
    const clauses = [`ADD COLUMN ${definition}`];
    const ref = op.column.spec.references;
    if (ref !== undefined) {
      clauses.push(
        `ADD ${this.renderConstraint(table, {
          kind: 'foreignKey',
          ...(ref.name === undefined ? {} : { name: ref.name }),
          columns: [op.column.name],
          refTable: ref.table,
          refColumns: [ref.column],
          ...(ref.onDelete === undefined ? {} : { onDelete: ref.onDelete }),
          ...(ref.onUpdate === undefined ? {} : { onUpdate: ref.onUpdate }),
        })}`,
      );
    }
    return [this.alterTable(table, clauses.join(', '))];
  }

  /**
   * One statement: `MODIFY COLUMN c <whole definition>` for type, nullability, comment,
   * unsigned or auto-increment changes (`CHANGE COLUMN old new <definition>` when it also
   * renames); `ALTER COLUMN c SET/DROP DEFAULT` for a default alone; `RENAME COLUMN` for a
   * rename alone (MariaDB 10.5+, MySQL 8), which keeps the definition untouched.
   */
  protected override async compileAlterColumn(op: AlterColumnOp, ctx: CompileContext): Promise<string[]> {
    const table = this.tableRef(op.table, op.schema, ctx);
    const { changes } = op;
    const rename = changes.newName !== undefined && changes.newName !== op.column ? changes.newName : undefined;
    if (changes.generated !== undefined) {
      const live = ctx.readTable === undefined ? undefined : await ctx.readTable(op.table, op.schema);
      if (changesGeneratedKind(live?.columns.find((c) => c.name === op.column)?.spec ?? op.existing ?? {}, op)) {
        return regenerateColumn(op, live ?? (await liveTableFor(op, ctx)), rename ?? op.column, await resolveAlteredColumn(op, ctx), {
          table: this.tableName(table),
          quoteIdentifier: (name) => this.quoteIdentifier(name),
          columnDefinition: (column) => this.renderColumnDefinition(table, column, { inlinePrimaryKey: false, inlineReference: false }),
          addIndex: (ix) => this.addIndexClause(ix),
        });
      }
    }
    if (needsFullDefinition(op)) {
      const spec = await resolveAlteredColumn(op, ctx);
      const definition = this.renderColumnDefinition(table, { name: rename ?? op.column, spec }, { inlinePrimaryKey: false, inlineReference: false });
      const clause = rename === undefined ? `MODIFY COLUMN ${definition}` : `CHANGE COLUMN ${this.quoteIdentifier(op.column)} ${definition}`;
      return [this.alterTable(table, clause)];
    }
    const out: string[] = [];
    if (changes.default !== undefined) {
      const clause = changes.default === null ? 'DROP DEFAULT' : `SET DEFAULT ${this.renderDefault(changes.default, this.alteredSpec(op))}`;
      out.push(this.alterTable(table, `ALTER COLUMN ${this.quoteIdentifier(op.column)} ${clause}`));
    }
    if (rename !== undefined) out.push(...(await this.renameColumnFor(op, rename, table, ctx)));
    return out;
  }

  /** RENAME COLUMN where the server has it; CHANGE COLUMN with the whole definition before. */
  private async renameColumnFor(op: AlterColumnOp, to: string, table: TableRef, ctx: CompileContext): Promise<string[]> {
    const server = serverOf(ctx.serverVersion);
    const hasRename = server === undefined || atLeast(server, server.flavour === 'mariadb' ? 10 : 8, server.flavour === 'mariadb' ? 5 : 0);
    if (hasRename) return this.renameColumn(table, op.column, to);
    const spec = await resolveAlteredColumn({ ...op, changes: {} }, ctx);
    const definition = this.renderColumnDefinition(table, { name: to, spec }, { inlinePrimaryKey: false, inlineReference: false });
    return [this.alterTable(table, `CHANGE COLUMN ${this.quoteIdentifier(op.column)} ${definition}`)];
  }

  // ---------------------------------------------------------------- indexes

  /**
   * `CREATE [UNIQUE | FULLTEXT | SPATIAL] INDEX i ON t (parts) [USING BTREE | HASH]`. What MySQL
   * has no place for (a partial index, INCLUDE, storage parameters, NULLS NOT DISTINCT) is
   * refused rather than silently left out.
   */
  protected override compileCreateIndex(op: CreateIndexOp, ctx: CompileContext): Statements {
    const unsupported = op.where !== undefined ? 'a WHERE clause (MySQL has no partial indexes)'
      : op.include !== undefined && op.include.length > 0 ? 'INCLUDE columns'
        : op.nullsNotDistinct ? 'NULLS NOT DISTINCT'
          : Object.keys(op.with ?? {}).length > 0 ? 'storage parameters' : undefined;
    if (unsupported !== undefined) {
      throw new RetortError('UnsupportedOperation', `MySQL indexes have no ${unsupported}, so index '${op.name}' cannot be made as declared.`, {
        fields: { index: op.name, table: op.table },
        hint: 'Drop that option for MySQL (a partial index can index a generated column that holds the condition).',
      });
    }
    const ifNotExists = op.ifNotExists ? 'IF NOT EXISTS ' : '';
    const table = this.tableName(this.tableRef(op.table, op.schema, ctx));
    // MariaDB's CREATE/DROP INDEX take no LOCK clause: with ALGORITHM asked for, ALTER TABLE says it (compile appends it).
    if (onlineClause(op) !== undefined && !op.ifNotExists) return [`ALTER TABLE ${table} ${this.addIndexClause(op)}`];
    return [`CREATE ${this.indexKind(op)}INDEX ${ifNotExists}${this.quoteIdentifier(op.name)} ON ${table} ${this.indexBody(op)}`];
  }

  /** `UNIQUE `, `FULLTEXT `, `SPATIAL ` or ''. */
  private indexKind(ix: Pick<IndexSpec, 'unique' | 'fulltext' | 'spatial'>): string {
    return ix.unique ? 'UNIQUE ' : ix.fulltext ? 'FULLTEXT ' : ix.spatial ? 'SPATIAL ' : '';
  }

  /** `(parts) [USING x]`. */
  private indexBody(ix: Pick<IndexSpec, 'columns' | 'using'>): string {
    const using = ix.using === undefined ? '' : ` USING ${this.optionWord(ix.using, 'using').toUpperCase()}`;
    return `(${ix.columns.map((e) => this.renderIndexElement(e)).join(', ')})${using}`;
  }

  /** The `ALTER TABLE` clause that adds `ix`. */
  private addIndexClause(ix: IndexSpec): string {
    return `ADD ${this.indexKind(ix)}INDEX ${this.quoteIdentifier(ix.name)} ${this.indexBody(ix)}`;
  }

  /** A key part: `` `col`(10) DESC `` or `(expr) DESC`; MySQL has no per-part collation, operator class or NULLS. */
  protected override renderIndexElement(element: IndexElement): string {
    const o = elementOptions(element);
    if (o.collation !== undefined || o.opclass !== undefined || o.nulls !== undefined) {
      throw new RetortError('UnsupportedOperation', 'MySQL index parts have no COLLATE, operator class or NULLS placement.', {
        fields: { element: JSON.stringify(element) },
        hint: 'Leave those options out of the index for MySQL.',
      });
    }
    const column = elementColumn(element);
    const base = column !== undefined ? this.quoteIdentifier(column) : `(${elementExpression(element) ?? ''})`;
    return `${base}${o.length === undefined ? '' : `(${o.length})`}${o.order === 'desc' ? ' DESC' : ''}`;
  }

  /** No CONCURRENTLY: InnoDB builds indexes without blocking writes already. */
  protected override concurrentlyKeyword(): string {
    return '';
  }

  /** `DROP INDEX [IF EXISTS] i ON t`: MySQL index names are per table, so the table is required. */
  protected override compileDropIndex(op: DropIndexOp, ctx: CompileContext): Statements {
    if (op.table === undefined) {
      throw new RetortError('BadArgument', `MySQL needs the table to drop index '${op.name}'.`, {
        fields: { index: op.name },
        hint: `Write op.dropIndex('${op.name}', { table: '...' }).`,
      });
    }
    const ifExists = op.ifExists ? 'IF EXISTS ' : '';
    if (onlineClause(op) !== undefined && !op.ifExists) return [this.alterTable(this.tableRef(op.table, op.schema, ctx), `DROP INDEX ${this.quoteIdentifier(op.name)}`)];
    return [`DROP INDEX ${ifExists}${this.quoteIdentifier(op.name)} ON ${this.tableName(this.tableRef(op.table, op.schema, ctx))}`];
  }

  // ---------------------------------------------------------------- constraints

  /**
   * MySQL drops each kind its own way: `DROP FOREIGN KEY`, `DROP INDEX` (a unique constraint is
   * an index), `DROP PRIMARY KEY`, and for a CHECK `DROP CHECK` on MySQL but `DROP CONSTRAINT`
   * on MariaDB (which has no DROP CHECK). Without `type`, the kind is read from the live
   * catalog; offline, the generic `DROP CONSTRAINT` is emitted (MariaDB, MySQL 8.0.19+).
   */
  protected override async compileDropConstraint(op: DropConstraintOp, ctx: CompileContext): Promise<string[]> {
    const table = this.tableRef(op.table, op.schema, ctx);
    const kind = op.type ?? (await this.liveConstraintKind(op, ctx));
    const name = this.quoteIdentifier(op.name);
    switch (kind) {
      case 'foreignKey':
        return [this.alterTable(table, `DROP FOREIGN KEY ${name}`)];
      case 'unique':
        return [this.alterTable(table, `DROP INDEX ${name}`)];
      case 'primaryKey':
        return [this.alterTable(table, 'DROP PRIMARY KEY')];
      case 'check': {
        const server = serverOf(ctx.serverVersion);
        const clause = server?.flavour === 'mysql' ? 'DROP CHECK' : 'DROP CONSTRAINT';
        return [this.alterTable(table, `${clause} ${name}`)];
      }
      case 'exclude':
      case undefined:
        return [this.alterTable(table, `DROP CONSTRAINT ${name}`)];
    }
  }

  private async liveConstraintKind(op: DropConstraintOp, ctx: CompileContext): Promise<DropConstraintOp['type']> {
    if (ctx.readTable === undefined) return undefined;
    const live = await ctx.readTable(op.table, op.schema);
    const found = live?.constraints.find((c) => c.name === op.name);
    if (found !== undefined) return found.kind;
    return op.name === 'PRIMARY' ? 'primaryKey' : undefined;
  }

  // ---------------------------------------------------------------- enums and data

  /**
   * MySQL enums live in the columns, not in a named type, and the operation does not say which
   * columns use it; so there is nothing this could safely MODIFY.
   */
  protected override compileAddEnumValue(op: AddEnumValueOp): Statements {
    throw new RetortError('UnsupportedOperation', `MySQL has no named enum types, so value '${op.value}' cannot be added to enum '${op.name}' by name.`, {
      fields: { enum: op.name, value: op.value },
      hint: "Change each column that uses it: op.alterColumn(table, column, { type: enumOf(name, [...values, 'new']) }).",
    });
  }

  /** MySQL's spelling of a row of nothing but defaults. */
  protected override insertDefaultValues(quotedTable: string): string {
    return `INSERT INTO ${quotedTable} () VALUES ()`;
  }
}
