/**
 * The SQLite DDL compiler: the shared SQL compiler with SQLite's spelling, plus the table rebuild
 * (batch.ts) for every change SQLite's ALTER TABLE cannot make (alter a column, add or drop a
 * constraint, add a key or unique column, drop a constrained or indexed column).
 */
import { RetortError } from '../../errors.js';
import type {
  AddColumnOp,
  AddConstraintOp,
  AlterColumnOp,
  BatchOp,
  CreateTableOp,
  DropColumnOp,
  DropConstraintOp,
  DropTableOp,
  Operation,
} from '../../ops/operations.js';
import type { ColumnSpec, ColumnType, ConstraintSpec, DefaultValue, GeneratedColumn, NamedColumn, TableSpec } from '../../schema/model.js';
import { constraintColumns, elementColumn, elementExpression } from '../../schema/elements.js';
import { SqlCompiler } from '../common/compiler.js';
import type { Statements } from '../common/compiler.js';
import type { TableRef } from '../common/renderer.js';
import type { CompileContext, ObjectDdl } from '../dialect.js';
import type { ObjectKind } from '../../schema/objects.js';
import { sqliteObjectDdl } from './objects/index.js';
import { planRebuild, rebuildStatements } from './batch.js';
import type { RebuildRenderer } from './batch.js';
import { isKeyword, matchingParen, mentionsIdentifier, tokenize } from './sql-text.js';
import { sqliteTypeName } from './types.js';

/** Literal values SQLite accepts after DEFAULT without parentheses. */
const BARE_DEFAULT_WORDS = new Set(['NULL', 'TRUE', 'FALSE', 'CURRENT_TIME', 'CURRENT_DATE', 'CURRENT_TIMESTAMP']);

/** True when `sql` is a literal SQLite takes bare after DEFAULT (a number, string, blob, keyword). */
function isBareDefault(sql: string): boolean {
  const tokens = tokenize(sql);
  const [a, b] = tokens;
  if (tokens.length === 1) return a?.kind === 'number' || a?.kind === 'string' || (a?.kind === 'word' && BARE_DEFAULT_WORDS.has(a.value.toUpperCase()));
  if (tokens.length === 2 && a?.kind === 'punct' && (a.value === '-' || a.value === '+')) return b?.kind === 'number';
  return tokens.length === 2 && a !== undefined && isKeyword(a, 'X') && b?.kind === 'string' && b.start === a.end;
}

/** The SQLite compiler. */
export class SqliteCompiler extends SqlCompiler {
  /** The DDL of views and triggers (objects/), with this compiler's quoting. */
  private readonly objects: Partial<Record<ObjectKind, ObjectDdl>> = sqliteObjectDdl((name) => this.quoteIdentifier(name));

  protected override objectDdl(kind: ObjectKind): ObjectDdl | undefined {
    return this.objects[kind];
  }

  /** SQLite has no schemas: a configured `dbSchema` must not reach its SQL. */
  protected override resolveSchema(): string | undefined {
    return undefined;
  }

  protected override renderType(type: ColumnType, spec: ColumnSpec): string {
    return sqliteTypeName(type, spec);
  }

  /** No clause after the type: AUTOINCREMENT lives inside the inline PRIMARY KEY. */
  protected override renderAutoIncrement(): string | undefined {
    return undefined;
  }

  protected override renderInlinePrimaryKey(column: NamedColumn): string {
    return column.spec.autoIncrement ? 'PRIMARY KEY AUTOINCREMENT' : 'PRIMARY KEY';
  }

  /** SQLite takes literals bare after DEFAULT but any other expression only in parentheses. */
  protected override renderDefault(value: DefaultValue, spec: ColumnSpec): string {
    if (value.kind === 'literal') return this.renderLiteral(value.value);
    const tokens = tokenize(value.sql);
    const wrapped = tokens[0]?.value === '(' && tokens[0].kind === 'punct' && matchingParen(tokens, 0) === tokens.length - 1;
    void spec;
    return wrapped || isBareDefault(value.sql) ? value.sql : `(${value.sql})`;
  }

  /** `COLLATE NOCASE`: SQLite's collations are bare names (BINARY, NOCASE, RTRIM, or the application's). */
  protected override renderCollation(collation: string): string {
    return `COLLATE ${/^[A-Za-z_][A-Za-z0-9_]*$/.test(collation) ? collation : this.quoteIdentifier(collation)}`;
  }

  /** SQLite has both kinds: `GENERATED ALWAYS AS (expr) VIRTUAL | STORED`. */
  protected override renderGenerated(table: TableRef, column: string, generated: GeneratedColumn): string {
    void table;
    void column;
    return `GENERATED ALWAYS AS (${generated.expression}) ${generated.stored ? 'STORED' : 'VIRTUAL'}`;
  }

  /** SQLite has no boolean literals before 3.23 and stores 1 / 0 either way. */
  protected override renderBoolean(value: boolean): string {
    return value ? '1' : '0';
  }

  /** SQLite has no column comments: dropped silently (see capabilities). */
  protected override columnCommentStatements(): string[] {
    return [];
  }

  /** SQLite has no table comments: dropped silently (see capabilities). */
  protected override tableCommentStatements(): string[] {
    return [];
  }

  protected override concurrentlyKeyword(): string {
    return '';
  }

  protected override compileCreateTable(op: CreateTableOp, ctx: CompileContext): Statements {
    const keys = op.columns.filter((c) => c.spec.primaryKey);
    const autoIncrement = op.columns.find((c) => c.spec.autoIncrement);
    if (autoIncrement !== undefined && (keys.length !== 1 || keys[0] !== autoIncrement || op.constraints.some((c) => c.kind === 'primaryKey'))) {
      throw new RetortError('UnsupportedOperation', `SQLite can only auto-increment a single-column INTEGER PRIMARY KEY, not "${op.table}"."${autoIncrement.name}".`, {
        fields: { table: op.table, column: autoIncrement.name },
        hint: 'Make that column the only primary key column, or drop .autoIncrement().',
      });
    }
    return super.compileCreateTable(op, ctx);
  }

  /** SQLite's DROP TABLE has no CASCADE (references are checked by PRAGMA foreign_key_check). */
  protected override compileDropTable(op: DropTableOp, ctx: CompileContext): Statements {
    return super.compileDropTable({ ...op, cascade: false }, ctx);
  }

  protected override compileAddColumn(op: AddColumnOp, ctx: CompileContext): Statements {
    return canAddInPlace(op.column.spec) ? super.compileAddColumn(op, ctx) : this.rebuild(op.table, [op], ctx);
  }

  /**
   * Native DROP COLUMN when nothing else names the column (SQLite refuses it otherwise), else a
   * rebuild. Offline the table cannot be read, so the native form is written.
   */
  protected override async compileDropColumn(op: DropColumnOp, ctx: CompileContext): Promise<string[]> {
    if (ctx.readTable === undefined) return super.compileDropColumn(op, ctx);
    const table = await this.readExisting(op.table, ctx);
    return canDropInPlace(table, op.column) ? super.compileDropColumn(op, ctx) : this.rebuild(op.table, [op], ctx, table);
  }

  /** A rename alone is native; a comment alone is nothing; anything else rebuilds. */
  protected override compileAlterColumn(op: AlterColumnOp, ctx: CompileContext): Statements {
    if (!changesNeedRebuild(op)) {
      const { newName } = op.changes;
      const table: TableRef = this.tableRef(op.table, op.schema, ctx);
      return newName === undefined || newName === op.column ? [] : this.renameColumn(table, op.column, newName);
    }
    return this.rebuild(op.table, [op], ctx);
  }

  protected override compileAddConstraint(op: AddConstraintOp, ctx: CompileContext): Statements {
    return this.rebuild(op.table, [op], ctx);
  }

  protected override compileDropConstraint(op: DropConstraintOp, ctx: CompileContext): Statements {
    return this.rebuild(op.table, [op], ctx);
  }

  /**
   * `recreate: 'auto'` rebuilds only when some inner operation needs it (then all of them go
   * into one rebuild); 'always' always rebuilds; 'never' refuses operations that need one.
   */
  protected override async compileBatch(op: BatchOp, ctx: CompileContext): Promise<string[]> {
    if (op.recreate === 'always') return this.rebuild(op.table, op.operations, ctx);
    const table = ctx.readTable === undefined ? undefined : await this.readExisting(op.table, ctx);
    const needing = op.operations.find((inner, i) => this.needsRebuild(inner, table && planRebuild(table, op.operations.slice(0, i)).after));
    if (needing === undefined) {
      const out: string[] = [];
      // Compiled in place; a drop column here is known to be native, so skip its catalog read.
      for (const inner of op.operations) {
        out.push(...(await (inner.kind === 'dropColumn' ? super.compileDropColumn(inner, ctx) : this.compile(inner, ctx))));
      }
      return out;
    }
    if (op.recreate === 'never') {
      throw new RetortError('UnsupportedOperation', `The batch on "${op.table}" says recreate: 'never', but its ${needing.kind} needs a table rebuild on SQLite.`, {
        fields: { table: op.table, operation: needing.kind },
        hint: "Use recreate: 'auto', or move that operation out of the batch.",
      });
    }
    return this.rebuild(op.table, op.operations, ctx, table);
  }

  /** Whether `op` needs a rebuild, judged against the table as earlier operations left it. */
  protected needsRebuild(op: Operation, table: TableSpec | undefined): boolean {
    switch (op.kind) {
      case 'addColumn':
        return !canAddInPlace(op.column.spec);
      case 'dropColumn':
        return table !== undefined && !canDropInPlace(table, op.column);
      case 'alterColumn':
        return changesNeedRebuild(op);
      case 'addConstraint':
      case 'dropConstraint':
        return true;
      default:
        return false;
    }
  }

  private async readExisting(table: string, ctx: CompileContext): Promise<TableSpec> {
    const spec = ctx.readTable === undefined ? undefined : await ctx.readTable(table);
    if (spec === undefined) {
      throw new RetortError('MigrationFailed', `Table "${table}" does not exist, so it cannot be altered.`, {
        fields: { table },
        hint: 'Check the table name, and that the revisions creating it have run.',
      });
    }
    return spec;
  }

  /** The rebuild of `table` with `operations` applied; needs the live table (online only). */
  protected async rebuild(table: string, operations: readonly Operation[], ctx: CompileContext, known?: TableSpec): Promise<string[]> {
    if (ctx.readTable === undefined) {
      throw new RetortError('OfflineUnsupported', `SQLite cannot ${describe(operations)} on "${table}" in place: retort rebuilds the table, which needs its live definition.`, {
        fields: { table, operations: operations.map((o) => o.kind) },
        hint: 'Run this revision online (without --sql), or write the rebuild by hand with op.execute for offline use.',
      });
    }
    const before = known ?? (await this.readExisting(table, ctx));
    return rebuildStatements(before, planRebuild(before, operations), this.rebuildRenderer());
  }

  private rebuildRenderer(): RebuildRenderer {
    return {
      quoteIdentifier: (name) => this.quoteIdentifier(name),
      renderType: (column) => this.renderType(column.spec.type, column.spec),
      createTable: async (op) => this.compileCreateTable(op, {}),
      createIndex: async (op) => this.compileCreateIndex(op, {}),
    };
  }
}

/**
 * Whether an alterColumn needs the rebuild: anything but a rename, a comment (SQLite keeps
 * none), `unsigned` (meaningless here) or a lone `using` (PostgreSQL's).
 */
function changesNeedRebuild(op: AlterColumnOp): boolean {
  const inPlace = new Set(['newName', 'comment', 'unsigned', 'using']);
  return Object.entries(op.changes).some(([key, value]) => value !== undefined && !inPlace.has(key));
}

function describe(operations: readonly Operation[]): string {
  const kinds = [...new Set(operations.map((o) => o.kind))];
  return kinds.length === 1 ? `apply ${kinds[0]}` : `apply ${kinds.join(', ')}`;
}

/**
 * SQLite's ADD COLUMN refuses PRIMARY KEY and UNIQUE columns, STORED generated columns, NOT NULL
 * without a non-null default, and defaults that are expressions or CURRENT_*.
 */
function canAddInPlace(spec: ColumnSpec): boolean {
  // ADD COLUMN takes a VIRTUAL generated column, not a STORED one (it would have to fill it).
  if (spec.primaryKey || spec.unique || spec.generated?.stored) return false;
  const value = spec.default;
  const constant = value === undefined || value.kind === 'literal' || (isBareDefault(value.sql) && !/^CURRENT_/i.test(value.sql.trim()));
  if (!constant) return false;
  const hasNonNullDefault = value !== undefined && !(value.kind === 'literal' && value.value === null) && !(value.kind === 'sql' && /^null$/i.test(value.sql.trim()));
  return spec.nullable || hasNonNullDefault;
}

/** SQLite's DROP COLUMN refuses a column named by a key, unique, index, foreign key or check. */
function canDropInPlace(table: TableSpec, column: string): boolean {
  const same = (a: string): boolean => a.toLowerCase() === column.toLowerCase();
  const spec = table.columns.find((c) => same(c.name))?.spec;
  if (spec === undefined) return true; // SQLite will say the column does not exist.
  if (spec.primaryKey || spec.unique || spec.type.kind === 'enum' || spec.references !== undefined) return false;
  const inConstraint = (c: ConstraintSpec): boolean => (c.kind === 'check' ? mentionsIdentifier(c.condition, column) : constraintColumns(c).some(same));
  if (table.constraints.some(inConstraint)) return false;
  return !table.indexes.some(
    (i) =>
      i.columns.some((e) => { const col = elementColumn(e); return col !== undefined ? same(col) : mentionsIdentifier(elementExpression(e) ?? '', column); }) ||
      (i.where !== undefined && mentionsIdentifier(i.where, column)),
  );
}
