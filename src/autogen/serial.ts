/**
 * Serial columns in the diff. A model keeps a serial column's sequence relative to its table and
 * column (the name PostgreSQL would give it and the column's type are left out), so a rename or a
 * type change moves those defaults. The diff compares the sequences resolved, with their names
 * and types written out, and hands each operation the sequence relative to the names that
 * operation runs under.
 */
import type { ColumnSpec, ColumnType, SerialSequence } from '../schema/model.js';
import { SERIAL_FIELDS } from '../schema/model.js';

/** The name a dialect gives a serial column's sequence (PostgreSQL `<table>_<column>_seq`). */
export type SerialSequenceName = (table: string, column: string) => string;

/** The sequence type `serial` gives a column of `type` (`smallserial`, `serial`, `bigserial`); undefined for others. */
export function serialTypeOf(type: ColumnType): SerialSequence['type'] {
  switch (type.kind) {
    case 'smallint': case 'tinyint': return 'smallint';
    case 'integer': case 'mediumint': return 'integer';
    case 'bigint': return 'bigint';
    default: return undefined;
  }
}

/** `s` with its fields in one order and nothing undefined, so two compare by their JSON text. */
export function canonicalSerial(s: SerialSequence): SerialSequence {
  const out: Record<string, unknown> = {};
  for (const k of SERIAL_FIELDS) if (s[k] !== undefined && s[k] !== false) out[k] = s[k];
  return Object.freeze(out) as SerialSequence;
}

/** The sequence of the serial column `table.column` with its name and type written out; undefined when it is not serial. */
export function resolveSerial(spec: ColumnSpec, table: string, column: string, name: SerialSequenceName): SerialSequence | undefined {
  if (spec.serial === undefined) return undefined;
  return canonicalSerial({ ...spec.serial, sequence: spec.serial.sequence ?? name(table, column), type: spec.serial.type ?? serialTypeOf(spec.type) });
}

/** A resolved sequence as a column `table.column` of `type` declares it: its defaults left out. */
export function serialRelativeTo(resolved: SerialSequence, table: string, column: string, type: ColumnType, name: SerialSequenceName): SerialSequence {
  const { sequence, type: seqType, ...rest } = resolved;
  return canonicalSerial({
    ...rest,
    ...(sequence === undefined || sequence === name(table, column) ? {} : { sequence }),
    ...(seqType === undefined || seqType === serialTypeOf(type) ? {} : { type: seqType }),
  });
}

/** True when two resolved sequences (or their absence) are the same. */
export function sameSerial(a: SerialSequence | undefined, b: SerialSequence | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
