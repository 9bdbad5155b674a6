/**
 * `renderRevisionBody(diff)`: the bodies of a generated revision's `upgrade` and `downgrade`,
 * written with the `op` API as a person would write them, warnings as `// WARNING:` comments
 * above the operation they concern, and the builders to import from 'retort-migrate'.
 */
import { indentOutsideTemplates } from '../script/code-lines.js';
import type { AlterColumnOp, OnlineDdl, Operation } from '../ops/operations.js';
import type { ConstraintOptions, IndexElement, KeyIndexOptions } from '../schema/model.js';
import type { DiffWarning } from './types.js';
import type { Imports } from './render-parts.js';
import { objectCall } from './render-objects.js';
import {
  columnChain, constraintCall, defaultValue, generatedArgs, key, objectLiteral, onUpdateValue, serialLiteral, storageLiteral, str, stringList, typeCall,
} from './render-parts.js';

/** What {@link renderRevisionBody} renders: a DiffResult fits. */
export interface RenderInput {
  readonly upgrade: readonly Operation[];
  readonly downgrade: readonly Operation[];
  readonly warnings?: readonly DiffWarning[];
}

/** The rendered bodies, each line indented for a function body, and the names to import. */
export interface RenderedRevision {
  readonly upgrade: string;
  readonly downgrade: string;
  /** Sorted names to import from 'retort-migrate' (builders, `sql`). */
  readonly imports: string[];
}

const INDENT = '  ';

function schemaOpt(op: { readonly schema?: string }): [string, string | undefined] {
  return ['schema', op.schema === undefined ? undefined : str(op.schema)];
}

/** `, { ... }` for trailing options, or nothing. */
function trailing(entries: readonly (readonly [string, string | undefined])[]): string {
  const literal = objectLiteral(entries);
  return literal === '' ? '' : `, ${literal}`;
}

/** `null` as `null`, undefined as absent, anything else through `render`. */
function nullable<T>(value: T | null | undefined, render: (v: T) => string): string | undefined {
  if (value === undefined) return undefined;
  return value === null ? 'null' : render(value);
}

const flag = (value: boolean | undefined): string | undefined => (value ? 'true' : undefined);

/** DEFERRABLE / INITIALLY DEFERRED / NOT VALID as option entries. */
function timing(c: ConstraintOptions): [string, string | undefined][] {
  return [['deferrable', flag(c.deferrable)], ['initiallyDeferred', flag(c.initiallyDeferred)], ['notValid', flag(c.notValid)]];
}

/** MySQL's `algorithm` / `lock` as option entries. */
function online(op: OnlineDdl): [string, string | undefined][] {
  return [['algorithm', op.algorithm === undefined ? undefined : str(op.algorithm)], ['lock', op.lock === undefined ? undefined : str(op.lock)]];
}

/**
 * True when the operation's statements must each run in a transaction of their own: CONCURRENTLY
 * refuses a transaction block, and a VALIDATE (or the NOT NULL steps) in the ADD's transaction
 * would keep the ADD's strong lock through the whole scan.
 */
export function needsOwnTransactions(op: Operation): boolean {
  switch (op.kind) {
    case 'createIndex':
    case 'dropIndex': return op.concurrently === true;
    case 'addConstraint': return op.concurrently === true || op.validate === true;
    case 'alterColumn': return op.notNullViaCheck === true;
    default: return false;
  }
}

/** INCLUDE and WITH of a key's index as option entries. */
function keyOptions(c: KeyIndexOptions): [string, string | undefined][] {
  return [['include', c.include === undefined ? undefined : stringList(c.include)], ['with', storageLiteral(c.with)]];
}

function renderAlter(op: AlterColumnOp, imports: Imports): string {
  const c = op.changes;
  const generatedObject = (expression: string, stored: boolean) =>
    objectLiteral([['expression', generatedArgs({ expression, stored: false }, imports)], ['stored', stored ? 'true' : undefined]]);
  const e = op.existing ?? {};
  const typeWithSign = (type: NonNullable<typeof c.type>, unsigned: boolean | undefined) =>
    typeCall(type, imports) + (unsigned ? '.unsigned()' : '');
  const entries: [string, string | undefined][] = [
    ['newName', c.newName === undefined ? undefined : str(c.newName)],
    ['type', c.type === undefined ? undefined : typeWithSign(c.type, c.unsigned)],
    ['nullable', c.nullable === undefined ? undefined : String(c.nullable)],
    ['default', c.default === undefined ? undefined : defaultValue(c.default, imports)],
    ['comment', c.comment === undefined ? undefined : c.comment === null ? 'null' : str(c.comment)],
    ['autoIncrement', c.autoIncrement === undefined ? undefined : String(c.autoIncrement)],
    ['using', c.using === undefined ? undefined : str(c.using)],
    ['charset', nullable(c.charset, str)],
    ['collation', nullable(c.collation, str)],
    ['onUpdate', nullable(c.onUpdate, (v) => onUpdateValue(v, imports))],
    ['generated', nullable(c.generated, (g) => generatedObject(g.expression, g.stored))],
    ['identity', c.identity === undefined ? undefined : str(c.identity)],
    ['serial', nullable(c.serial, (v) => serialLiteral(v) || '{}')],
    // Alembic's existing_*: MySQL's MODIFY and offline SQL need the whole current definition.
    ['existingType', e.type === undefined ? undefined : typeWithSign(e.type, e.unsigned)],
    ['existingNullable', e.nullable === undefined ? undefined : String(e.nullable)],
    ['existingDefault', e.default === undefined ? undefined : defaultValue(e.default, imports)],
    ['existingComment', e.comment === undefined ? undefined : str(e.comment)],
    ['existingAutoIncrement', e.autoIncrement ? 'true' : undefined],
    ['existingCharset', e.charset === undefined ? undefined : str(e.charset)],
    ['existingCollation', e.collation === undefined ? undefined : str(e.collation)],
    ['existingOnUpdate', e.onUpdate === undefined ? undefined : onUpdateValue(e.onUpdate, imports)],
    ['existingGenerated', e.generated === undefined ? undefined : generatedObject(e.generated.expression, e.generated.stored)],
    ['existingIdentity', e.identity === undefined ? undefined : str(e.identity)],
    ['existingSerial', e.serial === undefined ? undefined : serialLiteral(e.serial) || '{}'],
    ['notNullViaCheck', flag(op.notNullViaCheck)],
    ...online(op),
    schemaOpt(op),
  ];
  const lines = entries.filter((x): x is [string, string] => x[1] !== undefined).map(([k, v]) => `${INDENT}${k}: ${v},`);
  return `await op.alterColumn(${str(op.table)}, ${str(op.column)}, {\n${lines.join('\n')}\n});`;
}

/** An index element as a plain literal: `'a'` or `{ expression: 'lower(a)', order: 'desc' }`. */
function elementLiteral(e: IndexElement): string {
  if (typeof e === 'string') return str(e);
  return objectLiteral(Object.entries(e).map(([k, v]) => [k, typeof v === 'number' ? String(v) : str(String(v))]));
}

/** One operation as one `await op....;` statement (possibly several lines, not indented). */
export function renderOperation(op: Operation, imports: Imports): string {
  switch (op.kind) {
    case 'createTable': {
      const columns = op.columns.map((c) => `${INDENT}${key(c.name)}: ${columnChain(c.spec, imports)},`);
      const opts: [string, string | undefined][] = [
        schemaOpt(op),
        ['comment', op.options.comment === undefined ? undefined : str(op.options.comment)],
        ['engine', op.options.engine === undefined ? undefined : str(op.options.engine)],
        ['charset', op.options.charset === undefined ? undefined : str(op.options.charset)],
        ['collate', op.options.collate === undefined ? undefined : str(op.options.collate)],
        ['rowFormat', op.options.rowFormat === undefined ? undefined : str(op.options.rowFormat)],
        ['unlogged', op.options.unlogged ? 'true' : undefined],
        ['with', storageLiteral(op.options.with)],
        ['partitionBy', op.options.partitionBy === undefined ? undefined : str(op.options.partitionBy)],
        ['inherits', op.options.inherits === undefined ? undefined
          : `[${op.options.inherits.map((p) => objectLiteral([['name', str(p.name)], ['schema', p.schema === undefined ? undefined : str(p.schema)]])).join(', ')}]`],
        ['partitionOf', op.partitionOf === undefined ? undefined : objectLiteral([
          ['parent', str(op.partitionOf.parent)],
          ['parentSchema', op.partitionOf.parentSchema === undefined ? undefined : str(op.partitionOf.parentSchema)],
          ['bound', str(op.partitionOf.bound)],
        ])],
      ];
      const head = `await op.createTable(${str(op.table)}, {\n${columns.join('\n')}\n}`;
      if (op.constraints.length === 0) return `${head}${trailing(opts)});`;
      // With constraints the options get one line each, the constraints one line each.
      const lines = opts.filter((x): x is [string, string] => x[1] !== undefined).map(([k, v]) => `${INDENT}${k}: ${v},`);
      const items = op.constraints.map((c) => `${INDENT}${INDENT}${constraintCall(c, imports)},`);
      return `${head}, {\n${[...lines, `${INDENT}constraints: [`, ...items, `${INDENT}],`].join('\n')}\n});`;
    }
    case 'dropTable':
      return `await op.dropTable(${str(op.table)}${trailing([schemaOpt(op)])});`;
    case 'renameTable':
      return `await op.renameTable(${str(op.table)}, ${str(op.newName)}${trailing([schemaOpt(op)])});`;
    case 'addColumn':
      return `await op.addColumn(${str(op.table)}, ${str(op.column.name)}, ${columnChain(op.column.spec, imports)}${trailing([schemaOpt(op), ...online(op)])});`;
    case 'dropColumn':
      return `await op.dropColumn(${str(op.table)}, ${str(op.column)}${trailing([schemaOpt(op), ...online(op)])});`;
    case 'alterColumn':
      return renderAlter(op, imports);
    case 'createIndex': {
      const cols = `[${op.columns.map(elementLiteral).join(', ')}]`;
      const opts = trailing([
        schemaOpt(op),
        ['unique', op.unique ? 'true' : undefined],
        ['where', op.where === undefined ? undefined : str(op.where)],
        ['using', op.using === undefined ? undefined : str(op.using)],
        ['include', op.include === undefined ? undefined : stringList(op.include)],
        ['nullsNotDistinct', op.nullsNotDistinct ? 'true' : undefined],
        ['with', storageLiteral(op.with)],
        ['concurrently', op.concurrently ? 'true' : undefined],
        ['fulltext', op.fulltext ? 'true' : undefined],
        ['spatial', op.spatial ? 'true' : undefined],
        ...online(op),
      ]);
      return `await op.createIndex(${str(op.name)}, ${str(op.table)}, ${cols}${opts});`;
    }
    case 'dropIndex':
      return `await op.dropIndex(${str(op.name)}${trailing([
        ['table', op.table === undefined ? undefined : str(op.table)], schemaOpt(op), ['concurrently', flag(op.concurrently)], ...online(op),
      ])});`;
    case 'addConstraint': {
      const c = op.constraint;
      const head = `${str(c.name)}, ${str(op.table)}`;
      const safe: [string, string | undefined][] = [['concurrently', flag(op.concurrently)], ['validate', flag(op.validate)], ...online(op)];
      switch (c.kind) {
        case 'unique':
          return `await op.createUnique(${head}, ${stringList(c.columns)}${trailing([schemaOpt(op), ...keyOptions(c), ['nullsNotDistinct', flag(c.nullsNotDistinct)], ...timing(c), ...safe])});`;
        case 'primaryKey':
          return `await op.createPrimaryKey(${head}, ${stringList(c.columns)}${trailing([schemaOpt(op), ...keyOptions(c), ...timing(c), ...safe])});`;
        case 'check':
          return `await op.createCheck(${head}, ${str(c.condition)}${trailing([schemaOpt(op), ['noInherit', flag(c.noInherit)], ...timing(c), ...safe])});`;
        case 'exclude':
          return `await op.addConstraint(${str(op.table)}, ${constraintCall(c, imports)}${trailing([schemaOpt(op)])});`;
        case 'foreignKey':
          return `await op.createForeignKey(${head}, ${stringList(c.columns)}, ${str(c.refTable)}, ${stringList(c.refColumns)}` +
            `${trailing([
              schemaOpt(op),
              ['refSchema', c.refSchema === undefined ? undefined : str(c.refSchema)],
              ['onDelete', c.onDelete === undefined ? undefined : str(c.onDelete)],
              ['onUpdate', c.onUpdate === undefined ? undefined : str(c.onUpdate)],
              ['match', c.match === undefined || c.match === 'simple' ? undefined : str(c.match)],
              ...timing(c),
              ...safe,
            ])});`;
      }
      break;
    }
    case 'dropConstraint':
      return `await op.dropConstraint(${str(op.name)}, ${str(op.table)}${trailing([schemaOpt(op), ['type', op.type === undefined ? undefined : str(op.type)], ...online(op)])});`;
    case 'createEnum':
      return `await op.createEnum(${str(op.name)}, ${stringList(op.values)}${trailing([schemaOpt(op)])});`;
    case 'dropEnum':
      return `await op.dropEnum(${str(op.name)}${trailing([schemaOpt(op)])});`;
    case 'addEnumValue': {
      const add = `op.addEnumValue(${str(op.name)}, ${str(op.value)}${trailing([
        schemaOpt(op),
        ['before', op.before === undefined ? undefined : str(op.before)],
        ['after', op.after === undefined ? undefined : str(op.after)],
        ['ifNotExists', op.ifNotExists === true ? 'true' : undefined],
      ])})`;
      // PostgreSQL cannot use a value added in the still open transaction ("unsafe use of new
      // value"): committing it first lets the rest of the revision (a default, data) use it.
      return `await op.noTransaction(() => ${add});`;
    }
    case 'setTableComment':
      return `await op.setTableComment(${str(op.table)}, ${op.comment === null ? 'null' : str(op.comment)}${trailing([schemaOpt(op)])});`;
    case 'alterTableOptions':
      return `await op.alterTableOptions(${str(op.table)}, ${objectLiteral([
        ...Object.entries(op.options).map(([k, v]): [string, string | undefined] => [k, nullable(v as string | null | undefined, str)]),
        schemaOpt(op),
      ])});`;
    case 'setTableOptions':
      return `await op.setTableOptions(${str(op.table)}, ${objectLiteral([
        schemaOpt(op),
        ['unlogged', op.unlogged === undefined ? undefined : String(op.unlogged)],
        ['with', op.with === undefined ? undefined : objectLiteral(Object.entries(op.with).map(([k, v]) => [k, v === null ? 'null' : str(v)]))],
      ])});`;
    case 'attachPartition':
      return `await op.attachPartition(${str(op.table)}, ${str(op.partition)}, ${str(op.bound)}${trailing([
        schemaOpt(op), ['partitionSchema', op.partitionSchema === undefined ? undefined : str(op.partitionSchema)]])});`;
    case 'detachPartition':
      return `await op.detachPartition(${str(op.table)}, ${str(op.partition)}${trailing([
        schemaOpt(op), ['partitionSchema', op.partitionSchema === undefined ? undefined : str(op.partitionSchema)]])});`;
    case 'attachIndex':
      return `await op.attachIndex(${str(op.table)}, ${str(op.index)}, ${str(op.partition)}, ${str(op.partitionIndex)}${trailing([
        schemaOpt(op), ['partitionSchema', op.partitionSchema === undefined ? undefined : str(op.partitionSchema)]])});`;
    case 'alterIndex':
      return `await op.alterIndex(${str(op.name)}, ${str(op.table)}, ${objectLiteral([
        schemaOpt(op),
        ['rename', op.rename === undefined ? undefined : str(op.rename)],
        ['with', op.with === undefined ? undefined : objectLiteral(Object.entries(op.with).map(([k, v]) => [k, v === null ? 'null' : str(v)]))],
        ['attachedTo', op.attachedTo === undefined ? undefined : str(op.attachedTo)],
      ])});`;
    case 'execute':
      return `await op.execute(${str(op.sql)});`;
    case 'bulkInsert':
      return `await op.bulkInsert(${str(op.table)}, ${JSON.stringify(op.rows)}${trailing([schemaOpt(op)])});`;
    case 'batch':
      // Autogenerate never emits batches; a hand-built one has no faithful one-statement spelling.
      break;
    case 'createObject':
      return `await op.${op.orReplace ? 'replace' : 'create'}(${objectCall(op.object, imports)});`;
    case 'alterObject':
      return `await op.alter(\n${INDENT}${objectCall(op.from, imports)},\n${INDENT}${objectCall(op.to, imports)},\n);`;
    case 'dropObject': {
      const o = op.object;
      return `await op.drop(${str(o.kind)}, ${str(o.name)}${trailing([
        schemaOpt(o),
        ['table', o.table === undefined ? undefined : str(o.table)],
        ['args', o.args === undefined ? undefined : str(o.args)],
        ['cascade', op.cascade ? 'true' : undefined],
        ['ifExists', op.ifExists ? 'true' : undefined],
      ])});`;
    }
    case 'setRowLevelSecurity':
      return `await op.setRowLevelSecurity(${str(op.table)}, ${objectLiteral([
        ['enabled', op.security.enabled ? 'true' : undefined],
        ['forced', op.security.forced ? 'true' : undefined],
      ]) || '{}'}${trailing([schemaOpt(op)])});`;
  }
  throw new TypeError(`cannot render a '${op.kind}' operation as TypeScript`);
}

function renderBody(ops: readonly Operation[], warnings: readonly DiffWarning[], imports: Imports): string {
  const byOp = new Map<Operation, DiffWarning[]>();
  const loose: DiffWarning[] = [];
  const present = new Set(ops);
  for (const w of warnings) {
    if (w.operation !== undefined && present.has(w.operation)) byOp.set(w.operation, [...(byOp.get(w.operation) ?? []), w]);
    else loose.push(w);
  }
  const comment = (w: DiffWarning) => `// WARNING: ${w.message.replace(/\n/g, ' ')}`;
  const lines = loose.map(comment);
  for (const op of ops) {
    for (const w of byOp.get(op) ?? []) lines.push(comment(w));
    const line = renderOperation(op, imports);
    // Each statement of a safe form commits on its own, releasing its lock (see needsOwnTransactions).
    lines.push(needsOwnTransactions(op) ? `await op.noTransaction(() => ${line.slice('await '.length, -1)});` : line);
  }
  if (ops.length === 0) lines.push('// no changes');
  return indentOutsideTemplates(lines.join('\n'), INDENT);
}

/**
 * Render a diff's upgrade and downgrade as the bodies of the revision's two functions.
 * @param diff - the operations of both directions and the warnings that annotate them
 */
export function renderRevisionBody(diff: RenderInput): RenderedRevision {
  const imports: Imports = new Set();
  const warnings = diff.warnings ?? [];
  const upgrade = renderBody(diff.upgrade, warnings.filter((w) => w.direction === 'upgrade'), imports);
  const downgrade = renderBody(diff.downgrade, warnings.filter((w) => w.direction === 'downgrade'), imports);
  return { upgrade, downgrade, imports: [...imports].sort() };
}
