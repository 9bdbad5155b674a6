/**
 * PostgreSQL serial columns: a sequence owned by the column (OWNED BY, dropped with it), and the
 * column's default `nextval` of it. The model keeps the sequence relative to its column (see
 * SerialSequence): what `serial` would create is left out. This file names the sequence as
 * PostgreSQL does, and writes the DDL: the `serial` keyword when that is exactly what it
 * creates, else what `pg_dump` writes (CREATE SEQUENCE, the default, ALTER SEQUENCE ... OWNED BY),
 * and the conversions to and from identities and plain columns, which carry the counter over.
 */
import { canonicalSerial, serialTypeOf } from '../../autogen/serial.js';
import { columnSpec } from '../../schema/model.js';
import type { AlterColumnOp } from '../../ops/operations.js';
import type { ColumnSpec, NamedColumn, SerialSequence } from '../../schema/model.js';
import { sequenceClauses, settings } from './objects/sequences.js';

/**
 * The name PostgreSQL gives the sequence of `table.column` (its makeObjectName(table, column,
 * 'seq')): `<table>_<column>_seq`, the longer of the two names clipped first, a byte at a time,
 * until the whole fits in 63 bytes, each cut at a character boundary. (When that name is taken,
 * PostgreSQL appends a digit: such a sequence reads back with its name written out.)
 */
export function postgresSerialSequenceName(table: string, column: string): string {
  let a = Buffer.byteLength(table);
  let b = Buffer.byteLength(column);
  while (a + b > 63 - '__seq'.length) {
    if (a > b) a--;
    else b--;
  }
  return `${clip(table, a)}_${clip(column, b)}_seq`;
}

/** The longest prefix of `text` within `bytes` bytes that ends at a character boundary. */
function clip(text: string, bytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}

/** The settings of a serial sequence, relative to its type (PostgreSQL's CREATE SEQUENCE defaults left out). */
export function compactSettings(s: SerialSequence, columnType: ColumnSpec['type']): SerialSequence {
  const type = s.type ?? serialTypeOf(columnType) ?? 'bigint';
  const d = settings({ type, ...(s.increment === undefined ? {} : { increment: s.increment }) });
  const full = settings({ ...s, type });
  return canonicalSerial({
    ...(s.sequence === undefined ? {} : { sequence: s.sequence }),
    ...(s.schema === undefined ? {} : { schema: s.schema }),
    ...(s.type === undefined ? {} : { type: s.type }),
    ...(full.start === d.start ? {} : { start: full.start }),
    ...(full.increment === '1' ? {} : { increment: full.increment }),
    ...(full.minValue === d.minValue ? {} : { minValue: full.minValue }),
    ...(full.maxValue === d.maxValue ? {} : { maxValue: full.maxValue }),
    ...(full.cache === d.cache ? {} : { cache: full.cache }),
    ...(full.cycle ? { cycle: true } : {}),
  });
}

/** What the compiler gives this file: its quoting and names. */
export interface SerialWriter {
  quoteIdentifier(name: string): string;
  quoteString(text: string): string;
  /** `"schema"."name"`. */
  qualified(name: string, schema: string | undefined): string;
  /** `ALTER TABLE <the table> <clause>`. */
  alterTable(clause: string): string;
}

/** A serial sequence of a column of `table` (schema `schema`) with everything filled in. */
interface Resolved {
  readonly name: string;
  readonly schema: string | undefined;
  /** `"schema"."name"`. */
  readonly ref: string;
  readonly settings: ReturnType<typeof settings>;
  /** True when `serial` alone creates exactly this sequence. */
  readonly plain: boolean;
}

function resolve(w: SerialWriter, table: string, schema: string | undefined, column: string, spec: ColumnSpec, s: SerialSequence): Resolved {
  const name = s.sequence ?? postgresSerialSequenceName(table, column);
  const seqSchema = s.schema ?? schema;
  const type = s.type ?? serialTypeOf(spec.type) ?? 'bigint';
  const own = { ...s, sequence: undefined, schema: undefined, type: s.type === serialTypeOf(spec.type) ? undefined : s.type };
  const plain = serialTypeOf(spec.type) !== undefined && Object.keys(compactSettings(own, spec.type)).length === 0 &&
    name === postgresSerialSequenceName(table, column) && seqSchema === schema;
  return { name, schema: seqSchema, ref: w.qualified(name, seqSchema), settings: settings({ ...s, type }), plain };
}

/** `nextval('"s"."seq"'::regclass)`, as the catalog stores a serial default. */
function nextval(w: SerialWriter, r: Resolved): string {
  return `nextval(${w.quoteString(r.ref)}::regclass)`;
}

/** `CREATE SEQUENCE` with what differs from a plain one. */
function createSequence(r: Resolved): string {
  return ['CREATE SEQUENCE', r.ref, ...sequenceClauses(r.settings, settings({}))].join(' ');
}

/**
 * A serial column of a new table or an added column: the column to render in its place (the
 * `serial` keyword, or a NOT NULL column with the `nextval` default), and the statements that go
 * before (CREATE SEQUENCE) and after (OWNED BY) the CREATE TABLE or ADD COLUMN.
 */
export function serialColumn(w: SerialWriter, table: string, schema: string | undefined, column: NamedColumn): { column: NamedColumn; before: string[]; after: string[] } {
  const { spec } = column;
  if (spec.serial === undefined || !spec.autoIncrement) return { column, before: [], after: [] };
  const r = resolve(w, table, schema, column.name, spec, spec.serial);
  const base = { ...spec, autoIncrement: false, serial: undefined, identity: undefined };
  if (r.plain) {
    const keyword = { smallint: 'SMALLSERIAL', integer: 'SERIAL', bigint: 'BIGSERIAL' }[serialTypeOf(spec.type) ?? 'integer'];
    return { column: { name: column.name, spec: columnSpec({ kind: 'raw', sql: keyword }, { ...base, type: { kind: 'raw', sql: keyword } }) }, before: [], after: [] };
  }
  return {
    column: { name: column.name, spec: columnSpec(spec.type, { ...base, nullable: false, default: { kind: 'sql', sql: nextval(w, r) } }) },
    before: [createSequence(r)],
    after: [`ALTER SEQUENCE ${r.ref} OWNED BY ${w.qualified(table, schema)}.${w.quoteIdentifier(column.name)}`],
  };
}

/**
 * An alterColumn that makes a column serial, stops it being one, or changes its sequence; undefined
 * when neither side is serial (the compiler's usual statements). `after` is the column once
 * altered; `handled` the changes these statements carry out (the compiler leaves them out).
 * Becoming serial or an identity from the other, or serial from nothing, sets the new sequence
 * past the column's largest value (`setval`, none on an empty table), so inserts go on.
 */
export function alterSerial(w: SerialWriter, op: AlterColumnOp, schema: string | undefined, after: ColumnSpec): string[] | undefined {
  const before = op.existing ?? {};
  const was = before.serial !== undefined && before.autoIncrement !== false ? before.serial : undefined;
  const will = after.serial !== undefined && after.autoIncrement ? after.serial : undefined;
  if (was === undefined && will === undefined) return undefined;
  const column = w.quoteIdentifier(op.column);
  const table = w.qualified(op.table, schema);
  const maxOf = (seq: string) => `SELECT setval(${seq}, max(${column})) FROM ${table} HAVING max(${column}) IS NOT NULL`;
  const beforeSpec = columnSpec(before.type ?? after.type, before);
  const out: string[] = [];
  if (was !== undefined && will !== undefined) {
    const a = resolve(w, op.table, schema, op.column, beforeSpec, was);
    const b = resolve(w, op.table, schema, op.column, after, will);
    if (a.schema !== b.schema) out.push(`ALTER SEQUENCE ${a.ref} SET SCHEMA ${w.quoteIdentifier(b.schema ?? 'public')}`);
    if (a.name !== b.name) out.push(`ALTER SEQUENCE ${w.qualified(a.name, b.schema)} RENAME TO ${w.quoteIdentifier(b.name)}`);
    const clauses = sequenceClauses(b.settings, a.settings);
    if (clauses.length > 0) out.push(`ALTER SEQUENCE ${b.ref} ${clauses.join(' ')}`);
    return out;
  }
  if (was !== undefined) {
    const a = resolve(w, op.table, schema, op.column, beforeSpec, was);
    // The default goes first: the sequence cannot be dropped while the default uses it.
    out.push(w.alterTable(`ALTER COLUMN ${column} DROP DEFAULT`), `DROP SEQUENCE ${a.ref}`);
    if (after.autoIncrement) {
      out.push(w.alterTable(`ALTER COLUMN ${column} ADD GENERATED ${after.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`));
      out.push(maxOf(`pg_get_serial_sequence(${w.quoteString(table)}, ${w.quoteString(op.column)})`));
    }
    return out;
  }
  const b = resolve(w, op.table, schema, op.column, after, will as SerialSequence);
  // An identity's own sequence goes with DROP IDENTITY, before the new one may take its name.
  if (before.autoIncrement) out.push(w.alterTable(`ALTER COLUMN ${column} DROP IDENTITY IF EXISTS`));
  out.push(createSequence(b), w.alterTable(`ALTER COLUMN ${column} SET DEFAULT ${nextval(w, b)}`),
    `ALTER SEQUENCE ${b.ref} OWNED BY ${table}.${column}`, maxOf(w.quoteString(b.ref)));
  return out;
}
