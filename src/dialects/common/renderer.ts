/**
 * The rendering half of the shared SQL compiler: identifiers, qualified names, literals, column
 * types, column definitions and constraints, in standard SQL. Every piece is a small `protected`
 * (or public, where the dialect object re-exposes it) method so that a dialect overrides only its
 * quirks, in the manner of Kysely's `DefaultQueryCompiler`.
 *
 * {@link SqlCompiler} (compiler.ts) builds on this class and turns whole operations into
 * statements. A dialect normally extends `SqlCompiler` and overrides hooks from both files.
 */
import { RetortError } from '../../errors.js';
import type {
  ColumnSpec,
  ColumnType,
  ConstraintSpec,
  DefaultValue,
  GeneratedColumn,
  IndexElement,
  NamedColumn,
  ReferentialAction,
  StorageParameters,
} from '../../schema/model.js';
import { elementColumn, elementExpression, elementOptions } from '../../schema/elements.js';
import { portableType } from '../../schema/model.js';
import type { CompileContext } from '../dialect.js';

/** A table name with the namespace it resolved to (undefined when the dialect has none). */
export interface TableRef {
  readonly name: string;
  readonly schema: string | undefined;
}

/**
 * Standard-SQL rendering with overridable hooks. Stateless: one instance serves every run, so
 * everything run-specific arrives through the {@link CompileContext} argument.
 */
export class SqlRenderer {
  // ---------------------------------------------------------------- identifiers and names

  /** `"name"` with `"` doubled (standard SQL). MySQL overrides with backticks. */
  quoteIdentifier(name: string): string {
    return `"${name.replaceAll('"', '""')}"`;
  }

  /**
   * A string literal: `'text'` with `'` doubled. Standard SQL and PostgreSQL with
   * `standard_conforming_strings` (the default since 9.1) need nothing more; MySQL overrides to
   * also escape backslashes.
   */
  quoteString(value: string): string {
    return `'${value.replaceAll("'", "''")}'`;
  }

  /**
   * The namespace an operation's table lives in: the op's own `schema`, else the run's
   * `defaultSchema`. Dialects without schemas (SQLite, MySQL) override to return undefined so
   * that a configured `dbSchema` never leaks into their SQL.
   */
  protected resolveSchema(opSchema: string | undefined, ctx: CompileContext): string | undefined {
    return opSchema ?? ctx.defaultSchema;
  }

  /** Resolve an operation's table and namespace once, for the helpers below. */
  protected tableRef(name: string, opSchema: string | undefined, ctx: CompileContext): TableRef {
    return { name, schema: this.resolveSchema(opSchema, ctx) };
  }

  /** `"schema"."name"` or `"name"`. */
  protected qualified(name: string, schema: string | undefined): string {
    return schema === undefined ? this.quoteIdentifier(name) : `${this.quoteIdentifier(schema)}.${this.quoteIdentifier(name)}`;
  }

  /** The quoted, qualified name of a {@link TableRef}. */
  protected tableName(ref: TableRef): string {
    return this.qualified(ref.name, ref.schema);
  }

  /** `("a", "b")`: a parenthesised, quoted column list. */
  protected columnList(columns: readonly string[]): string {
    return `(${columns.map((c) => this.quoteIdentifier(c)).join(', ')})`;
  }

  // ---------------------------------------------------------------- types

  /**
   * The SQL spelling of a column type. `spec` is the whole column (some dialects need
   * `unsigned` or `autoIncrement` to choose, e.g. SQLite renders an auto-increment key INTEGER).
   * The base spells standard SQL; every dialect overrides the kinds it spells differently.
   */
  protected renderType(type: ColumnType, spec: ColumnSpec): string {
    void spec;
    switch (type.kind) {
      case 'smallint':
        return 'SMALLINT';
      case 'integer':
        return 'INTEGER';
      case 'bigint':
        return 'BIGINT';
      case 'varchar':
        return type.length === undefined ? 'VARCHAR' : `VARCHAR(${type.length})`;
      case 'char':
        return type.length === undefined ? 'CHAR' : `CHAR(${type.length})`;
      case 'text':
        return 'TEXT';
      case 'boolean':
        return 'BOOLEAN';
      case 'numeric':
        if (type.precision === undefined) return 'NUMERIC';
        return type.scale === undefined ? `NUMERIC(${type.precision})` : `NUMERIC(${type.precision}, ${type.scale})`;
      case 'real':
        return 'REAL';
      case 'double':
        return 'DOUBLE PRECISION';
      case 'date':
        return 'DATE';
      case 'time':
        return 'TIME';
      case 'timestamp':
        return type.precision === undefined ? 'TIMESTAMP' : `TIMESTAMP(${type.precision})`;
      case 'timestamptz':
        return type.precision === undefined ? 'TIMESTAMP WITH TIME ZONE' : `TIMESTAMP(${type.precision}) WITH TIME ZONE`;
      case 'json':
      case 'jsonb':
        return 'JSON';
      case 'uuid':
        return 'CHAR(36)';
      case 'bytes':
        return 'BLOB';
      case 'enum':
        // Without named enum types, an enum is a string column plus a CHECK (see renderEnumCheck).
        return `VARCHAR(${Math.max(1, ...type.values.map((v) => v.length))})`;
      case 'raw':
        return type.sql;
      case 'tinyint':
      case 'mediumint':
      case 'mediumtext':
      case 'longtext':
      case 'year':
      case 'set':
        // MySQL's own types: the portable type they stand for (TINYINT is SMALLINT...).
        return this.renderType(portableType(type), spec);
    }
  }

  /**
   * The CHECK that enforces an enum's values on dialects without enum types:
   * `CHECK ("col" IN ('a', 'b'))`. PostgreSQL (named types) and MySQL (inline ENUM) return
   * undefined.
   */
  protected renderEnumCheck(column: string, type: ColumnType): string | undefined {
    if (type.kind !== 'enum') return undefined;
    return `CHECK (${this.quoteIdentifier(column)} IN (${type.values.map((v) => this.quoteString(v)).join(', ')}))`;
  }

  // ---------------------------------------------------------------- column definitions

  /**
   * The auto-increment clause placed right after the type, or undefined. Standard SQL identity
   * here; MySQL says `AUTO_INCREMENT`; SQLite returns undefined and puts `AUTOINCREMENT` inside
   * its inline PRIMARY KEY instead (see {@link renderInlinePrimaryKey}).
   */
  protected renderAutoIncrement(column: NamedColumn): string | undefined {
    return column.spec.autoIncrement ? 'GENERATED BY DEFAULT AS IDENTITY' : undefined;
  }


  /** The inline `PRIMARY KEY` clause of a single-column key. */
  protected renderInlinePrimaryKey(column: NamedColumn): string {
    void column;
    return 'PRIMARY KEY';
  }

  /** `DEFAULT ...` body: a literal quoted by the dialect, or raw SQL kept verbatim. */
  protected renderDefault(value: DefaultValue, spec: ColumnSpec): string {
    void spec;
    return value.kind === 'sql' ? value.sql : this.renderLiteral(value.value);
  }

  /**
   * A column comment written inside the column definition (MySQL `COMMENT '...'`), or undefined
   * when comments are separate statements ({@link columnCommentStatements}) or unsupported.
   */
  protected renderInlineColumnComment(comment: string): string | undefined {
    void comment;
    return undefined;
  }

  /**
   * Statements that set (or, with null, remove) a column comment after the fact. Standard
   * `COMMENT ON COLUMN` (PostgreSQL); MySQL and SQLite return none.
   */
  protected columnCommentStatements(table: TableRef, column: string, comment: string | null): string[] {
    const text = comment === null ? 'NULL' : this.quoteString(comment);
    return [`COMMENT ON COLUMN ${this.tableName(table)}.${this.quoteIdentifier(column)} IS ${text}`];
  }

  /**
   * One column definition: `"name" TYPE [identity] [NOT NULL] [DEFAULT x] [PRIMARY KEY]
   * [UNIQUE] [CHECK (enum)] [REFERENCES ...] [COMMENT]`. `inlinePrimaryKey` is set by
   * createTable when the key is this one column; `inlineReference` by addColumn, where a
   * table-level FOREIGN KEY has no place.
   */
  protected renderColumnDefinition(table: TableRef, column: NamedColumn, options: ColumnDefinitionOptions): string {
    const { spec } = column;
    this.refuseMysqlOnly(table, column);
    const parts = [this.quoteIdentifier(column.name), this.renderType(spec.type, spec)];
    if (spec.collation !== undefined) parts.push(this.renderCollation(spec.collation));
    if (spec.generated !== undefined) parts.push(this.renderGenerated(table, column.name, spec.generated));
    const identity = this.renderAutoIncrement(column);
    if (identity !== undefined) parts.push(identity);
    // NOT NULL is said even for key columns: SQLite lets a non-INTEGER PRIMARY KEY hold NULL
    // (a legacy quirk it keeps), and saying it is harmless everywhere else.
    if (!spec.nullable) parts.push('NOT NULL');
    if (spec.default !== undefined) parts.push(`DEFAULT ${this.renderDefault(spec.default, spec)}`);
    if (options.inlinePrimaryKey) parts.push(this.renderInlinePrimaryKey(column));
    if (spec.unique && !options.inlinePrimaryKey) parts.push('UNIQUE');
    const check = this.renderEnumCheck(column.name, spec.type);
    if (check !== undefined) parts.push(check);
    if (options.inlineReference && spec.references !== undefined) {
      const ref = spec.references;
      const named = ref.name === undefined ? '' : `CONSTRAINT ${this.quoteIdentifier(ref.name)} `;
      parts.push(`${named}${this.renderReferences(table, ref.table, undefined, [ref.column], ref.onDelete, ref.onUpdate)}`);
    }
    if (spec.comment !== undefined) {
      const inline = this.renderInlineColumnComment(spec.comment);
      if (inline !== undefined) parts.push(inline);
    }
    return parts.join(' ');
  }

  /** `COLLATE "name"`: a collation is an identifier in standard SQL (PostgreSQL). SQLite and MySQL override. */
  protected renderCollation(collation: string): string {
    return `COLLATE ${this.quoteIdentifier(collation)}`;
  }

  /**
   * `GENERATED ALWAYS AS (expr) STORED`: the standard has only stored generated columns
   * (PostgreSQL 15); a virtual one is refused rather than silently stored. MySQL and SQLite override.
   */
  protected renderGenerated(table: TableRef, column: string, generated: GeneratedColumn): string {
    if (!generated.stored) {
      throw new RetortError('UnsupportedOperation', `This database has no virtual generated columns ('${table.name}.${column}').`, {
        fields: { table: table.name, column },
        hint: 'Declare it with .generatedAlwaysAs(expr, { stored: true }).',
      });
    }
    return `GENERATED ALWAYS AS (${generated.expression}) STORED`;
  }

  /**
   * A column's CHARACTER SET and ON UPDATE are MySQL's: refused here, so a schema written for MySQL
   * never runs elsewhere with them silently left out. MySQL's compiler does not call this.
   */
  protected refuseMysqlOnly(table: TableRef, column: NamedColumn): void {
    const what = column.spec.charset !== undefined ? 'a CHARACTER SET' : column.spec.onUpdate !== undefined ? 'ON UPDATE' : undefined;
    if (what === undefined) return;
    throw new RetortError('UnsupportedOperation', `Column '${table.name}.${column.name}' has ${what}, which only MySQL has.`, {
      fields: { table: table.name, column: column.name },
      hint: what === 'ON UPDATE' ? 'Use a trigger on this database, or drop .onUpdate().' : 'Use .collate() on this database, or drop .charset().',
    });
  }

  // ---------------------------------------------------------------- constraints

  /** `REFERENCES "t" ("c") [ON DELETE x] [ON UPDATE y]`; the target inherits the table's schema. */
  protected renderReferences(
    table: TableRef,
    refTable: string,
    refSchema: string | undefined,
    refColumns: readonly string[],
    onDelete: ReferentialAction | undefined,
    onUpdate: ReferentialAction | undefined,
  ): string {
    let text = `REFERENCES ${this.qualified(refTable, refSchema ?? table.schema)} ${this.columnList(refColumns)}`;
    if (onDelete !== undefined) text += ` ON DELETE ${onDelete.toUpperCase()}`;
    if (onUpdate !== undefined) text += ` ON UPDATE ${onUpdate.toUpperCase()}`;
    return text;
  }

  /**
   * A table constraint: `[CONSTRAINT "n"] PRIMARY KEY (...)`, `UNIQUE [NULLS NOT DISTINCT]`,
   * `FOREIGN KEY ... [MATCH FULL]`, `CHECK (...) [NO INHERIT]`, `EXCLUDE USING m (...)`, each
   * followed by its index options (`INCLUDE`, `WITH`), `DEFERRABLE [INITIALLY DEFERRED]` and
   * `NOT VALID` where given. The options are PostgreSQL's spellings (DEFERRABLE is standard
   * SQL); a dialect without them never reads them from its catalog.
   */
  protected renderConstraint(table: TableRef, constraint: ConstraintSpec): string {
    const prefix = constraint.name === undefined ? '' : `CONSTRAINT ${this.quoteIdentifier(constraint.name)} `;
    const keyIndex = constraint.kind === 'check' || constraint.kind === 'foreignKey' ? '' : this.renderKeyIndexOptions(constraint.include, constraint.with);
    const body = ((): string => {
      switch (constraint.kind) {
        case 'primaryKey':
          return `PRIMARY KEY ${this.columnList(constraint.columns)}${keyIndex}`;
        case 'unique':
          return `UNIQUE ${constraint.nullsNotDistinct ? 'NULLS NOT DISTINCT ' : ''}${this.columnList(constraint.columns)}${keyIndex}`;
        case 'foreignKey': {
          const match = constraint.match === undefined || constraint.match === 'simple' ? '' : ` MATCH ${constraint.match.toUpperCase()}`;
          const refs = this.renderReferences(table, constraint.refTable, constraint.refSchema, constraint.refColumns, constraint.onDelete, constraint.onUpdate);
          // MATCH comes right after the referenced columns, before the actions.
          const at = refs.indexOf(')') + 1;
          return `FOREIGN KEY ${this.columnList(constraint.columns)} ${refs.slice(0, at)}${match}${refs.slice(at)}`;
        }
        case 'check':
          return `CHECK (${constraint.condition})${constraint.noInherit ? ' NO INHERIT' : ''}`;
        case 'exclude': {
          const elements = constraint.elements.map((e) => `${this.renderIndexElement(e.element)} WITH ${e.operator}`).join(', ');
          const where = constraint.where === undefined ? '' : ` WHERE (${constraint.where})`;
          return `EXCLUDE USING ${constraint.using} (${elements})${keyIndex}${where}`;
        }
      }
    })();
    const deferred = constraint.initiallyDeferred === true;
    const timing = constraint.deferrable === true || deferred ? ` DEFERRABLE${deferred ? ' INITIALLY DEFERRED' : ''}` : '';
    const notValid = constraint.notValid === true ? ' NOT VALID' : '';
    return `${prefix}${body}${timing}${notValid}`;
  }

  /** ` INCLUDE (...)` and ` WITH (...)` of the index behind a key or exclusion constraint. */
  protected renderKeyIndexOptions(include: readonly string[] | undefined, storage: StorageParameters | undefined): string {
    const inc = include === undefined || include.length === 0 ? '' : ` INCLUDE ${this.columnList(include)}`;
    return `${inc}${this.renderStorage(storage)}`;
  }

  /** ` WITH (k = v, ...)`, or '' for none. Values are written bare when they are words or numbers, quoted otherwise. */
  protected renderStorage(storage: StorageParameters | undefined): string {
    const entries = Object.entries(storage ?? {});
    if (entries.length === 0) return '';
    const value = (v: string) => (/^[A-Za-z0-9_.]+$/.test(v) ? v : this.quoteString(v));
    return ` WITH (${entries.map(([k, v]) => `${k} = ${value(v)}`).join(', ')})`;
  }

  /**
   * The table-level constraints of a CREATE TABLE: a composite primary key from the columns'
   * flags (unless `constraints` already has one), a FOREIGN KEY per column `.references()`, then
   * the explicit constraints. Single-column keys and uniques stay inline in the column.
   */
  protected tableConstraints(columns: readonly NamedColumn[], constraints: readonly ConstraintSpec[]): ConstraintSpec[] {
    const out: ConstraintSpec[] = [];
    const keyColumns = columns.filter((c) => c.spec.primaryKey).map((c) => c.name);
    const hasExplicitKey = constraints.some((c) => c.kind === 'primaryKey');
    if (!hasExplicitKey && keyColumns.length > 1) out.push({ kind: 'primaryKey', columns: keyColumns });
    for (const column of columns) {
      const ref = column.spec.references;
      if (ref === undefined) continue;
      out.push({
        kind: 'foreignKey',
        ...(ref.name === undefined ? {} : { name: ref.name }),
        columns: [column.name],
        refTable: ref.table,
        refColumns: [ref.column],
        ...(ref.onDelete === undefined ? {} : { onDelete: ref.onDelete }),
        ...(ref.onUpdate === undefined ? {} : { onUpdate: ref.onUpdate }),
      });
    }
    return [...out, ...constraints];
  }

  /** The single column whose key is rendered inline, if the key is exactly one flagged column. */
  protected inlineKeyColumn(columns: readonly NamedColumn[], constraints: readonly ConstraintSpec[]): string | undefined {
    if (constraints.some((c) => c.kind === 'primaryKey')) return undefined;
    const keyColumns = columns.filter((c) => c.spec.primaryKey);
    return keyColumns.length === 1 ? keyColumns[0]?.name : undefined;
  }

  // ---------------------------------------------------------------- indexes

  /**
   * An index element: a quoted column, or `(expression)` verbatim, then its options:
   * `COLLATE "c"`, an operator class, `DESC`, `NULLS FIRST|LAST` (PostgreSQL's order).
   */
  protected renderIndexElement(element: IndexElement): string {
    const column = elementColumn(element);
    const base = column !== undefined ? this.quoteIdentifier(column) : `(${elementExpression(element) ?? ''})`;
    const o = elementOptions(element);
    const parts = [base];
    if (o.collation !== undefined) parts.push(`COLLATE ${this.quoteCollation(o.collation)}`);
    if (o.opclass !== undefined) parts.push(o.opclass);
    if (o.order === 'desc') parts.push('DESC');
    if (o.nulls !== undefined) parts.push(`NULLS ${o.nulls.toUpperCase()}`);
    return parts.join(' ');
  }

  /** A collation name, quoted (PostgreSQL's are identifiers, case-sensitive: `"C"`, `"en_US"`). */
  protected quoteCollation(name: string): string {
    return name.startsWith('"') ? name : this.quoteIdentifier(name);
  }

  // ---------------------------------------------------------------- literals

  /**
   * Any JavaScript value as an SQL literal, for defaults and `bulkInsert` (offline SQL must be
   * complete, so values are inlined, never bound). Dispatches to the small hooks below.
   */
  renderLiteral(value: unknown): string {
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'string') return this.quoteString(value);
    if (typeof value === 'number') return this.renderNumber(value);
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'boolean') return this.renderBoolean(value);
    if (value instanceof Date) return this.renderDate(value);
    if (value instanceof Uint8Array) return this.renderBytes(value);
    if (typeof value === 'object') return this.quoteString(JSON.stringify(value));
    throw new RetortError('BadArgument', `A value of type ${typeof value} cannot be written as an SQL literal.`, {
      fields: { valueType: typeof value },
      hint: 'Pass strings, numbers, booleans, null, Dates, Buffers or JSON-serialisable objects.',
    });
  }

  /** A finite number as written by JavaScript; NaN and Infinity have no portable SQL form. */
  protected renderNumber(value: number): string {
    if (!Number.isFinite(value)) {
      throw new RetortError('BadArgument', `The number ${value} has no SQL literal form.`, {
        fields: { value: String(value) },
        hint: 'Insert NULL or a finite number instead.',
      });
    }
    return String(value);
  }

  /** `TRUE` / `FALSE`; SQLite overrides with `1` / `0`. */
  protected renderBoolean(value: boolean): string {
    return value ? 'TRUE' : 'FALSE';
  }

  /**
   * A Date as `'YYYY-MM-DD HH:MM:SS.mmm'` in UTC, without a zone suffix, because MariaDB rejects
   * offsets in DATETIME literals; PostgreSQL may override to add `+00:00`.
   */
  protected renderDate(value: Date): string {
    if (Number.isNaN(value.getTime())) {
      throw new RetortError('BadArgument', 'An invalid Date cannot be written as an SQL literal.', {
        hint: 'Check the value passed to bulkInsert.',
      });
    }
    return this.quoteString(value.toISOString().replace('T', ' ').replace('Z', ''));
  }

  /** Binary data as the standard hex literal `X'0a1b'` (SQLite, MySQL); PostgreSQL overrides. */
  protected renderBytes(value: Uint8Array): string {
    return `X'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'`;
  }
}

/** How {@link SqlRenderer.renderColumnDefinition} places keys and references. */
export interface ColumnDefinitionOptions {
  /** Render `PRIMARY KEY` inside the column (the key is this one column). */
  readonly inlinePrimaryKey: boolean;
  /** Render `.references()` as an inline `REFERENCES` clause (addColumn). */
  readonly inlineReference: boolean;
}
