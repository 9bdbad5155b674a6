/**
 * PostgreSQL sequences that are objects of their own: every sequence but a serial column's (owned
 * by the column whose default takes its values: part of that column, read as `autoIncrement`)
 * and an identity's. A sequence shared by several tables' `nextval` defaults (GitLab's audit
 * events, Pagila's unowned `*_seq`) is one, and the columns keep their `nextval(...)` default.
 * Written with CREATE SEQUENCE before the tables (their defaults name it) and dropped after;
 * every change is ALTER SEQUENCE in place. Bounds are compared with PostgreSQL's defaults filled
 * in (`sequence('s')` is `AS bigint INCREMENT BY 1 MINVALUE 1 ... START WITH 1 CACHE 1`), and
 * are read with the defaults left out, so a pulled sequence reads as it was written.
 */
import type { SchemaObject, SequenceSpec } from '../../../schema/objects.js';
import type { CompileContext, ObjectDdl, Session } from '../../dialect.js';
import { notExtensionMember } from '../autogen/unmodelled.js';
import { serialSequence } from '../catalog-sql.js';
import type { PgWriter } from './writer.js';
import { dropStatement } from './writer.js';

/**
 * Sequences of the schemas read ($1), not a serial column's, an identity's or an extension's.
 *
 * The inner query (fenced by OFFSET 0, which keeps the planner from pushing the outer WHERE into
 * it) keeps the sequences that are no extension's or identity's first, so the serial-column probe
 * runs on those only. Left to itself, the planner ran that probe on every relation of the schema
 * before joining pg_sequence: 6,005 probes and 40 ms of a 2,000-table `check` that has no
 * sequence but its identities'. With the fence: 2,001 cheap anti-join probes, 9-15 ms.
 * (Exported for the test that counts its cost.)
 */
export const SEQUENCES_SQL = `
SELECT x.schema, x.name, pg_catalog.format_type(x.seqtypid, NULL) AS type,
       x.seqstart::text AS start, x.seqincrement::text AS increment, x.seqmin::text AS min, x.seqmax::text AS max,
       x.seqcache::text AS cache, x.seqcycle AS cycle, own.owner_table, own.owner_column, cm.comment
FROM (SELECT c.oid, n.nspname AS schema, c.relname AS name, s.seqtypid, s.seqstart, s.seqincrement, s.seqmin,
             s.seqmax, s.seqcache, s.seqcycle
      FROM pg_catalog.pg_sequence s
      JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1::text[]) AND ${notExtensionMember('pg_class', 'c.oid')}
      OFFSET 0) x
-- Per remaining sequence (few), by index: as plain joins on catalogs without statistics, the
-- planner scanned every ownership and every comment of the database for each query.
LEFT JOIN LATERAL (SELECT ot.relname AS owner_table, oa.attname AS owner_column
  FROM pg_catalog.pg_depend o
  JOIN pg_catalog.pg_class ot ON ot.oid = o.refobjid
  JOIN pg_catalog.pg_attribute oa ON oa.attrelid = o.refobjid AND oa.attnum = o.refobjsubid
  WHERE o.classid = 'pg_catalog.pg_class'::regclass AND o.objid = x.oid AND o.deptype = 'a'
    AND o.refclassid = 'pg_catalog.pg_class'::regclass AND o.refobjsubid > 0 LIMIT 1) own ON true
LEFT JOIN LATERAL (SELECT ds.description AS comment FROM pg_catalog.pg_description ds
  WHERE ds.objoid = x.oid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = 0) cm ON true
WHERE NOT ${serialSequence('x.oid')}
ORDER BY x.schema, x.name`;

interface SequenceRow {
  schema: string;
  name: string;
  type: 'smallint' | 'integer' | 'bigint';
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  owner_table: string | null;
  owner_column: string | null;
  comment: string | null;
}

const TYPE_MAX: Readonly<Record<string, bigint>> = { smallint: 32767n, integer: 2147483647n, bigint: 9223372036854775807n };

/** A sequence's settings with PostgreSQL's defaults filled in, as text. */
export interface Settings {
  readonly type: string;
  readonly increment: string;
  readonly minValue: string;
  readonly maxValue: string;
  readonly start: string;
  readonly cache: string;
  readonly cycle: boolean;
}

/** What CREATE SEQUENCE makes of `s` (the defaults of its type and direction for what it leaves out). */
export function settings(s: Pick<SequenceSpec, 'type' | 'increment' | 'minValue' | 'maxValue' | 'start' | 'cache' | 'cycle'>): Settings {
  const type = s.type ?? 'bigint';
  const max = TYPE_MAX[type] ?? TYPE_MAX.bigint as bigint;
  const ascending = BigInt(s.increment ?? '1') > 0n;
  const minValue = s.minValue ?? (ascending ? '1' : String(-max - 1n));
  const maxValue = s.maxValue ?? (ascending ? String(max) : '-1');
  return {
    type, increment: String(BigInt(s.increment ?? '1')), minValue: String(BigInt(minValue)), maxValue: String(BigInt(maxValue)),
    start: String(BigInt(s.start ?? (ascending ? minValue : maxValue))), cache: String(BigInt(s.cache ?? '1')), cycle: s.cycle ?? false,
  };
}

/** A row as a sequence, with only what differs from the defaults. */
function sequenceOf(r: SequenceRow, schema: string | undefined): SequenceSpec {
  const type = r.type === 'bigint' ? undefined : r.type;
  const increment = r.increment === '1' ? undefined : r.increment;
  const d = settings({ type, increment });
  return Object.freeze({
    kind: 'sequence',
    name: r.name,
    ...(schema === undefined ? {} : { schema }),
    ...(type === undefined ? {} : { type }),
    ...(r.start === d.start ? {} : { start: r.start }),
    ...(increment === undefined ? {} : { increment }),
    ...(r.min === d.minValue ? {} : { minValue: r.min }),
    ...(r.max === d.maxValue ? {} : { maxValue: r.max }),
    ...(r.cache === d.cache ? {} : { cache: r.cache }),
    ...(r.cycle ? { cycle: true } : {}),
    ...(r.owner_table === null || r.owner_column === null ? {} : { ownedBy: Object.freeze({ table: r.owner_table, column: r.owner_column }) }),
    ...(r.comment === null ? {} : { comment: r.comment }),
  }) as SequenceSpec;
}

/** Every standalone sequence of the schemas read, in one query. */
export async function readSequences(session: Session, schemas: readonly string[], modelSchema: (schema: string) => string | undefined): Promise<SequenceSpec[]> {
  const rows = await session.query<SequenceRow>(SEQUENCES_SQL, [schemas]);
  return rows.map((r) => sequenceOf(r, modelSchema(r.schema)));
}

/** Live and declared sequences compared with the defaults filled in, ownership and comment included. */
export function sequencesEqual(live: SequenceSpec, declared: SequenceSpec): boolean {
  return JSON.stringify(settings(live)) === JSON.stringify(settings(declared)) &&
    JSON.stringify(live.ownedBy ?? null) === JSON.stringify(declared.ownedBy ?? null) && (live.comment ?? null) === (declared.comment ?? null);
}

/** Every sequence change is ALTER SEQUENCE. */
export function sequenceInPlace(from: SchemaObject, to: SchemaObject): boolean {
  return from.kind === 'sequence' && to.kind === 'sequence';
}

/** The clauses of `to` that differ from `from` (all of them from nothing), as CREATE / ALTER SEQUENCE take them. */
export function sequenceClauses(to: Settings, from?: Settings): string[] {
  return [
    ...(from?.type === to.type ? [] : [`AS ${to.type}`]),
    ...(from?.increment === to.increment ? [] : [`INCREMENT BY ${to.increment}`]),
    ...(from?.minValue === to.minValue ? [] : [`MINVALUE ${to.minValue}`]),
    ...(from?.maxValue === to.maxValue ? [] : [`MAXVALUE ${to.maxValue}`]),
    ...(from?.start === to.start ? [] : [`START WITH ${to.start}`]),
    ...(from?.cache === to.cache ? [] : [`CACHE ${to.cache}`]),
    ...(from?.cycle === to.cycle ? [] : [to.cycle ? 'CYCLE' : 'NO CYCLE']),
  ];
}

/** The DDL of sequences. */
export function sequenceDdl(w: PgWriter): ObjectDdl {
  const owner = (s: SequenceSpec, ctx: CompileContext) =>
    (s.ownedBy === undefined ? 'NONE' : `${w.name(s.ownedBy.table, s.schema, ctx)}.${w.ident(s.ownedBy.column)}`);
  const clauses = sequenceClauses;
  return {
    create(o, ctx) {
      const s = o as SequenceSpec;
      const name = w.name(s.name, s.schema, ctx);
      const ownedBy = s.ownedBy === undefined ? [] : [`OWNED BY ${owner(s, ctx)}`];
      return [
        [`CREATE SEQUENCE ${name}`, ...clauses(settings(s)), ...ownedBy].join(' '),
        ...(s.comment === undefined ? [] : [w.comment(`SEQUENCE ${name}`, s.comment)]),
      ];
    },
    drop: (ref, ctx, options) => [dropStatement('SEQUENCE', w.name(ref.name, ref.schema, ctx), options)],
    alter(from, to, ctx) {
      const a = from as SequenceSpec;
      const b = to as SequenceSpec;
      const name = w.name(b.name, b.schema, ctx);
      const changes = [
        ...clauses(settings(b), settings(a)),
        ...(JSON.stringify(a.ownedBy ?? null) === JSON.stringify(b.ownedBy ?? null) ? [] : [`OWNED BY ${owner(b, ctx)}`]),
      ];
      return [
        ...(changes.length === 0 ? [] : [`ALTER SEQUENCE ${name} ${changes.join(' ')}`]),
        ...((a.comment ?? null) === (b.comment ?? null) ? [] : [w.comment(`SEQUENCE ${name}`, b.comment)]),
      ];
    },
  };
}
